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

/// intake::yearly_bars (the one definition), checked: throws data_error unless
/// bar_seconds > 0.
inline double bars_per_year(std::int64_t bar_seconds, calendar cal) {
  if (bar_seconds <= 0)
    validation::throw_input_error("bars_per_year", "bar_seconds", "must be positive");
  return intake::yearly_bars(bar_seconds, cal);
}

/// Factor that turns a per-bar Sharpe ratio into an annual one: sqrt(bars_per_year).
inline double sharpe_annualisation(std::int64_t bar_seconds, calendar cal) {
  return std::sqrt(bars_per_year(bar_seconds, cal));
}

}  // namespace mtf::backtest
