#pragma once
/// \file The bars a retrain may use (SPEC §4.1, §10b): the trailing `history_days` of the policy
/// ending at a time — the last bar's close, `--to DATE`, or a walk-forward retrain date — and
/// only bars already closed by then. A production retrain and a walk-forward step cut the same
/// way, so they are one computation.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "mtf/intake/bar_series.hpp"
#include "mtf/intake/calendar.hpp"

namespace mtf::intake {

/// A series cut to a window, with the bars it dropped on either side.
struct window_cut {
  bar_series bars;
  std::size_t dropped_older = 0;  ///< opened before the window (older than the history)
  std::size_t dropped_later = 0;  ///< not yet closed at the window's end
};

/// The bars of `series` that open at or after `first_open` and close (open + bar_seconds) at or
/// before `closed_by`, both epoch seconds. Bars are never split: a bar straddling either edge is
/// dropped.
inline window_cut cut_window(const bar_series& series, std::int64_t first_open,
                             std::int64_t closed_by) {
  const auto& t = series.timestamp;
  const auto begin =
      static_cast<std::size_t>(std::lower_bound(t.begin(), t.end(), first_open) - t.begin());
  const auto end = static_cast<std::size_t>(
      std::upper_bound(t.begin(), t.end(), closed_by - series.bar_seconds) - t.begin());
  window_cut out;
  out.bars = series.slice(begin, std::max(begin, end));
  out.dropped_older = begin;
  out.dropped_later = series.size() - std::max(begin, end);
  return out;
}

/// The fewest bars a training window must hold under calendar `cal`. A policy's `min_bars` is a
/// span of time counted in 24/7 bars ("~2 years of daily bars"); the same span of an equities
/// calendar holds fewer (252 sessions a year, 6.5 h each), so the requirement shrinks by the
/// ratio of bars per year: 700 daily bars become 484 for stocks.
inline std::size_t min_bars_under(std::size_t min_bars, std::int64_t bar_seconds, calendar cal) {
  if (cal == calendar::crypto || bar_seconds <= 0) return min_bars;
  const double share = yearly_bars(bar_seconds, cal) / yearly_bars(bar_seconds, calendar::crypto);
  return static_cast<std::size_t>(std::ceil(static_cast<double>(min_bars) * share));
}

/// Seconds in `days` UTC days.
constexpr std::int64_t days_to_seconds(std::int64_t days) noexcept {
  return days * 86'400;
}

}  // namespace mtf::intake
