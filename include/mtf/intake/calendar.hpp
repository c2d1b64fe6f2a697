#pragma once
/// \file The trading calendar of an instrument (SPEC §4.2, §8): which bar slots a gap-free series
/// has, and how many bars a year holds. Named on the command line (`--calendar`) and parsed there,
/// so intake already knows it: daily and intraday stock files pass the gap check with `equities`.

#include <cstdint>
#include <optional>
#include <string_view>

namespace mtf::intake {

/// When an instrument trades.
enum class calendar {
  crypto,    ///< 24/7: every bar slot around the clock and the week is expected
  equities,  ///< weekdays, within the session the data shows each day (SPEC §4.2)
};

/// "crypto" or "equities".
constexpr std::string_view to_string(calendar c) noexcept {
  return c == calendar::equities ? "equities" : "crypto";
}

/// The calendar named `name` ("crypto" or "equities"), or nullopt for anything else.
constexpr std::optional<calendar> parse_calendar(std::string_view name) noexcept {
  if (name == "crypto") return calendar::crypto;
  if (name == "equities") return calendar::equities;
  return std::nullopt;
}

/// Under the equities calendar, a run of weekdays without any bar longer than this is a gap in
/// the data, not an exchange closure: the longest unscheduled US market closure since 1933 lasted
/// four weekdays (11-14 September 2001), and no scheduled holiday run is longer than one trading
/// week anywhere mtf has been used. Shorter runs are holidays and never count as missing bars.
inline constexpr int equities_max_closure_weekdays = 5;

/// Seconds in one equities session (09:30-16:00).
inline constexpr double equities_session_seconds = 6.5 * 3600.0;

/// Bars of `bar_seconds` (> 0) in one year of `cal`:
/// crypto: 365 * 86400 / bar_seconds (5m 105,120; 1h 8,760; 12h 730; 24h 365);
/// equities: 252 * 6.5 h / bar_seconds for bars shorter than a session (5m 19,656; 1h 1,638),
/// 252 for bars from a session up to a day (a 12h or 24h bar holds one session), and
/// 252 * 86400 / bar_seconds for multi-day bars.
constexpr double yearly_bars(std::int64_t bar_seconds, calendar cal) noexcept {
  const auto seconds = static_cast<double>(bar_seconds);
  if (cal == calendar::crypto) return 365.0 * 86400.0 / seconds;
  if (seconds < equities_session_seconds) return 252.0 * equities_session_seconds / seconds;
  if (seconds <= 86400.0) return 252.0;
  return 252.0 * 86400.0 / seconds;
}

}  // namespace mtf::intake
