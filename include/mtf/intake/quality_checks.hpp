#pragma once
/// \file Series-level data-quality checks of SPEC §4.2: gaps, suspicious single-bar moves and
/// zero-volume bars are counted and reported as warnings; each becomes fatal above its threshold
/// in the policy's quality_spec, and so does a series shorter than the policy's min_bars.
/// (The per-row fatal checks live in the CSV reader, which knows file:line.)

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

// g++ 12 at -O3 reports a false -Wrestrict inside data_error's message concatenation (GCC PR
// 105329/105651) whenever the error carries a field name; the pragma must surround the first
// inclusion because the diagnostic is classified at errors.hpp's own source locations.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
#include "mtf/core/errors.hpp"
#pragma GCC diagnostic pop

#include "mtf/intake/bar_interval.hpp"
#include "mtf/intake/bar_series.hpp"
#include "mtf/intake/calendar.hpp"
#include "mtf/intake/quality_spec.hpp"
#include "mtf/intake/timestamp.hpp"

namespace mtf::intake {

/// Day of the week of a day count since 1970-01-01 (a Thursday): 0 = Monday ... 6 = Sunday.
constexpr unsigned weekday_from_days(std::int64_t days) noexcept {
  return static_cast<unsigned>(floor_mod(days + 3, 7));
}

/// Weekdays (Monday-Friday) strictly between the UTC days `from_day` and `to_day` (day counts
/// since 1970-01-01); 0 when they are adjacent or out of order. O(1).
constexpr std::int64_t weekdays_between(std::int64_t from_day, std::int64_t to_day) noexcept {
  const std::int64_t days = to_day - from_day - 1;
  if (days <= 0) return 0;
  std::int64_t count = days / 7 * 5;
  for (std::int64_t d = from_day + 1 + days / 7 * 7; d < to_day; ++d)
    count += weekday_from_days(d) < 5 ? 1 : 0;
  return count;
}

/// Counts and shares of the quality warnings of one series, plus readable warnings and the
/// reasons the series is unusable (empty when it passes).
struct quality_report {
  std::size_t bars = 0;
  /// Bars a gap-free series would have between the first and last timestamp: bars +
  /// missing_bars, which for the crypto calendar and on-grid bars is
  /// (last - first) / bar_seconds + 1.
  std::size_t expected_bars = 0;
  std::size_t missing_bars = 0;        ///< bars absent inside gaps
  std::size_t gap_count = 0;           ///< steps longer than one bar
  std::size_t largest_gap_bars = 0;    ///< missing bars in the longest gap
  std::int64_t largest_gap_after = 0;  ///< timestamp of the bar before the longest gap
  std::size_t off_grid_steps = 0;      ///< steps that are not a whole number of bars
  std::size_t jumps = 0;               ///< bars with |close / previous close - 1| > jump_threshold
  std::size_t zero_volume_bars = 0;
  double gap_share = 0.0;                  ///< missing_bars / expected_bars
  double jump_share = 0.0;                 ///< jumps / bars
  double zero_volume_share = 0.0;          ///< zero_volume_bars / bars
  std::vector<std::string> warnings;       ///< one sentence per non-zero count
  std::vector<std::string> fatal_reasons;  ///< thresholds exceeded and a too-short series
  /// True when no check is fatal.
  [[nodiscard]] bool passed() const noexcept { return fatal_reasons.empty(); }
};

namespace quality_detail {
inline std::string percent(double share) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g%%", share * 100.0);
  return buffer;
}
/// "1 gap", "3 gaps": a count with its noun, plural when the count is not one.
inline std::string count_of(std::size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}
}  // namespace quality_detail

/// Bar slots missing between consecutive bars at `previous` and `current`.
/// * crypto: the slots previous + k * bar for k = 1 .. floor(step / bar) - 1 (an off-grid step
///   rounds down).
/// * equities (SPEC §4.2), bars up to a day long: the same slots when both bars lie on one UTC
///   day (a hole inside the session the data shows); across days nothing is missing -- the
///   night, the weekend and a weekday without any bar (an exchange holiday) are not gaps --
///   unless more than `equities_max_closure_weekdays` weekdays lie between the two days without
///   a bar: that is a hole in the data, and each of those weekdays misses `session_bars` bars
///   (1 for daily bars; the typical number of bars of a session for intraday bars). Bars longer
///   than a day are counted like crypto.
inline std::size_t missing_slots(std::int64_t previous, std::int64_t current, std::int64_t bar,
                                 calendar cal, std::size_t session_bars = 1) {
  if (bar <= 0 || current <= previous) return 0;
  const std::int64_t slots = (current - previous) / bar - 1;
  if (cal == calendar::crypto || bar > 86400)
    return slots > 0 ? static_cast<std::size_t>(slots) : 0;
  const std::int64_t day_before = floor_div(previous, 86400);
  const std::int64_t day_after = floor_div(current, 86400);
  if (day_before == day_after) return slots > 0 ? static_cast<std::size_t>(slots) : 0;
  const std::int64_t closed = weekdays_between(day_before, day_after);
  if (closed <= equities_max_closure_weekdays) return 0;
  return static_cast<std::size_t>(closed) * session_bars;
}

/// Typical number of bars in one UTC day of `series` under `cal`: 1 for crypto or bars of a day
/// or longer; for intraday equities the median count over the days that have bars (a half day
/// or a day with a hole does not move it).
inline std::size_t typical_session_bars(const bar_series& series, calendar cal) {
  if (cal == calendar::crypto || series.bar_seconds >= 86400 || series.empty()) return 1;
  std::vector<std::size_t> per_day;
  std::int64_t day = floor_div(series.timestamp.front(), 86400);
  std::size_t count = 0;
  for (const std::int64_t t : series.timestamp) {
    const std::int64_t d = floor_div(t, 86400);
    if (d != day) {
      per_day.push_back(count);
      day = d;
      count = 0;
    }
    ++count;
  }
  per_day.push_back(count);
  const auto middle = per_day.begin() + static_cast<std::ptrdiff_t>(per_day.size() / 2);
  std::nth_element(per_day.begin(), middle, per_day.end());
  return *middle;
}

/// Measures every warning of SPEC §4.2 on `series` (bar length `series.bar_seconds`) and decides
/// which are fatal under `spec` and `min_bars`, without throwing. Missing bars are the slots of
/// calendar `cal` that have no bar (missing_slots: under `equities` weekends, nights and
/// exchange holidays are not missing, so daily and intraday stock bars pass). A share equal to
/// its threshold passes; only exceeding it is fatal. An empty series has zero shares and fails
/// min_bars.
inline quality_report measure_quality(const bar_series& series, const quality_spec& spec,
                                      std::size_t min_bars, calendar cal = calendar::crypto) {
  using quality_detail::percent;
  quality_report report;
  const std::size_t n = series.size();
  report.bars = n;
  const std::int64_t bar = series.bar_seconds;
  const std::size_t session_bars = typical_session_bars(series, cal);

  for (std::size_t i = 1; i < n; ++i) {
    const std::int64_t step = series.timestamp[i] - series.timestamp[i - 1];
    if (bar > 0) {
      if (step % bar != 0) ++report.off_grid_steps;
      const std::size_t missing =
          missing_slots(series.timestamp[i - 1], series.timestamp[i], bar, cal, session_bars);
      if (missing > 0) {
        ++report.gap_count;
        report.missing_bars += missing;
        if (missing > report.largest_gap_bars) {
          report.largest_gap_bars = missing;
          report.largest_gap_after = series.timestamp[i - 1];
        }
      }
    }
    const double move = series.close[i] / series.close[i - 1] - 1.0;
    if (std::abs(move) > spec.jump_threshold) ++report.jumps;
  }
  for (std::size_t i = 0; i < n; ++i)
    report.zero_volume_bars += series.volume[i] == 0.0 ? 1 : 0;
  report.expected_bars = n + report.missing_bars;

  if (report.expected_bars > 0)
    report.gap_share =
        static_cast<double>(report.missing_bars) / static_cast<double>(report.expected_bars);
  if (n > 0) {
    report.jump_share = static_cast<double>(report.jumps) / static_cast<double>(n);
    report.zero_volume_share =
        static_cast<double>(report.zero_volume_bars) / static_cast<double>(n);
  }

  using quality_detail::count_of;
  const std::string length = format_bar_length(bar);
  if (report.missing_bars > 0) {
    report.warnings.push_back(count_of(report.missing_bars, "missing " + length + " bar") + " in " +
                              count_of(report.gap_count, "gap") + " (" + percent(report.gap_share) +
                              " of " + std::to_string(report.expected_bars) +
                              " expected; fatal above " + percent(spec.max_gap_share) +
                              "); largest gap " + count_of(report.largest_gap_bars, "bar") +
                              " after " + format_iso8601(report.largest_gap_after));
  }
  if (report.off_grid_steps > 0) {
    report.warnings.push_back(count_of(report.off_grid_steps, "step") +
                              " between bars not a whole number of " + length +
                              " bars (irregular timestamps)");
  }
  if (report.jumps > 0) {
    report.warnings.push_back(count_of(report.jumps, "single-bar move") + " above " +
                              percent(spec.jump_threshold) + " (" + percent(report.jump_share) +
                              " of bars; fatal above " + percent(spec.max_jump_share) +
                              "): split or bad tick?");
  }
  if (report.zero_volume_bars > 0) {
    report.warnings.push_back(count_of(report.zero_volume_bars, "zero-volume bar") + " (" +
                              percent(report.zero_volume_share) + " of bars; fatal above " +
                              percent(spec.max_zero_volume_share) + ")");
  }

  if (n < min_bars) {
    report.fatal_reasons.push_back("only " + std::to_string(n) + " " + length +
                                   " bars, the policy needs at least " + std::to_string(min_bars) +
                                   " (min_bars)");
  }
  if (report.gap_share > spec.max_gap_share) {
    report.fatal_reasons.push_back("missing bars are " + percent(report.gap_share) +
                                   " of expected bars, above max_gap_share " +
                                   percent(spec.max_gap_share));
  }
  if (report.jump_share > spec.max_jump_share) {
    report.fatal_reasons.push_back("single-bar moves above " + percent(spec.jump_threshold) +
                                   " are " + percent(report.jump_share) +
                                   " of bars, above max_jump_share " +
                                   percent(spec.max_jump_share));
  }
  if (report.zero_volume_share > spec.max_zero_volume_share) {
    report.fatal_reasons.push_back("zero-volume bars are " + percent(report.zero_volume_share) +
                                   " of bars, above max_zero_volume_share " +
                                   percent(spec.max_zero_volume_share));
  }
  return report;
}

/// measure_quality, then throws mtf::data_error (exit code 2; file named, line 0, every fatal
/// reason joined by "; ") when any check is fatal. Returns the report (with its warnings)
/// otherwise.
inline quality_report check_quality(const bar_series& series, const quality_spec& spec,
                                    std::size_t min_bars, calendar cal = calendar::crypto) {
  quality_report report = measure_quality(series, spec, min_bars, cal);
  if (!report.passed()) {
    std::string message = "data quality check failed: ";
    for (std::size_t i = 0; i < report.fatal_reasons.size(); ++i) {
      if (i > 0) message += "; ";
      message += report.fatal_reasons[i];
    }
    throw data_error(series.source, 0, "", message);
  }
  return report;
}

}  // namespace mtf::intake
