#pragma once
/// \file How many bars a year holds, for annualising per-bar Sharpe ratios (SPEC §8, §11: the
/// seeds' sqrt(252) for every timeframe understated a 5m Sharpe by a factor of ~20).

#include <cmath>
#include <cstdint>
#include <string>

#include "mtf/intake/calendar.hpp"
#include "mtf/validation/input_error.hpp"

namespace mtf::backtest {

/// Trading calendar of the instrument, the one intake checked the bars against: crypto trades
/// 24/7 (365 days of 86,400 s), equities 252 sessions of 6.5 h a year.
using calendar = intake::calendar;

/// Seconds in one equities session (09:30-16:00).
inline constexpr double equities_session_seconds = 6.5 * 3600.0;

/// Bars of `bar_seconds` in one year of `cal`:
/// crypto: 365 * 86400 / bar_seconds (5m 105,120; 1h 8,760; 12h 730; 24h 365);
/// equities: 252 * 6.5 h / bar_seconds for bars shorter than a session (5m 19,656; 1h 1,638),
/// 252 for bars from a session up to a day (a 12h or 24h bar holds one session), and
/// 252 * 86400 / bar_seconds for multi-day bars. Throws data_error unless bar_seconds > 0.
inline double bars_per_year(std::int64_t bar_seconds, calendar cal) {
  if (bar_seconds <= 0)
    validation::throw_input_error("bars_per_year", "bar_seconds", "must be positive");
  const auto seconds = static_cast<double>(bar_seconds);
  if (cal == calendar::crypto) return 365.0 * 86400.0 / seconds;
  if (seconds < equities_session_seconds) return 252.0 * equities_session_seconds / seconds;
  if (seconds <= 86400.0) return 252.0;
  return 252.0 * 86400.0 / seconds;
}

/// Factor that turns a per-bar Sharpe ratio into an annual one: sqrt(bars_per_year).
inline double sharpe_annualisation(std::int64_t bar_seconds, calendar cal) {
  return std::sqrt(bars_per_year(bar_seconds, cal));
}

}  // namespace mtf::backtest
