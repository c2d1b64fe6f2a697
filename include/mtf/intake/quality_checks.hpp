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
#include "mtf/intake/quality_spec.hpp"
#include "mtf/intake/timestamp.hpp"

namespace mtf::intake {

/// Which bar slots a gap-free series has, for counting missing bars.
enum class session_calendar {
  continuous,  ///< every slot, around the clock and the week (crypto)
  weekdays,    ///< only slots on Monday-Friday (UTC dates): weekends are not gaps (equities)
};

/// Day of the week of a day count since 1970-01-01 (a Thursday): 0 = Monday ... 6 = Sunday.
constexpr unsigned weekday_from_days(std::int64_t days) noexcept {
  return static_cast<unsigned>(floor_mod(days + 3, 7));
}

/// Counts and shares of the quality warnings of one series, plus readable warnings and the
/// reasons the series is unusable (empty when it passes).
struct quality_report {
  std::size_t bars = 0;
  /// Bars a gap-free series would have between the first and last timestamp: bars +
  /// missing_bars, which for a continuous calendar and on-grid bars is
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

/// Bar slots missing between consecutive bars at `previous` and `current`: the slots
/// previous + k * bar for k = 1 .. floor(step / bar) - 1 (an off-grid step rounds down), on
/// weekdays only for the weekdays calendar. Walks the gap day by day in that case, so the cost
/// is bounded by the gap's length in days, not in bars.
inline std::size_t missing_slots(std::int64_t previous, std::int64_t current, std::int64_t bar,
                                 session_calendar calendar) {
  const std::int64_t slots = (current - previous) / bar - 1;
  if (slots <= 0) return 0;
  if (calendar == session_calendar::continuous) return static_cast<std::size_t>(slots);
  const std::int64_t first_slot = previous + bar;
  const std::int64_t last_slot = previous + slots * bar;
  std::size_t count = 0;
  for (std::int64_t day = floor_div(first_slot, 86400); day <= floor_div(last_slot, 86400); ++day) {
    if (weekday_from_days(day) >= 5) continue;  // Saturday or Sunday
    const std::int64_t lo = std::max(first_slot, day * 86400);
    const std::int64_t hi = std::min(last_slot, day * 86400 + 86399);
    // Slot indices k with lo <= previous + k * bar <= hi (lo > previous, so both are positive).
    const std::int64_t k_lo = (lo - previous + bar - 1) / bar;
    const std::int64_t k_hi = (hi - previous) / bar;
    if (k_hi >= k_lo) count += static_cast<std::size_t>(k_hi - k_lo + 1);
  }
  return count;
}

/// Measures every warning of SPEC §4.2 on `series` (bar length `series.bar_seconds`) and decides
/// which are fatal under `spec` and `min_bars`, without throwing. Missing bars are the slots of
/// `calendar` that have no bar (with `weekdays`, Saturday and Sunday slots are not missing, so
/// daily equity bars are judged by their holidays only). A share equal to its threshold passes;
/// only exceeding it is fatal. An empty series has zero shares and fails min_bars.
inline quality_report measure_quality(const bar_series& series, const quality_spec& spec,
                                      std::size_t min_bars,
                                      session_calendar calendar = session_calendar::continuous) {
  using quality_detail::percent;
  quality_report report;
  const std::size_t n = series.size();
  report.bars = n;
  const std::int64_t bar = series.bar_seconds;

  for (std::size_t i = 1; i < n; ++i) {
    const std::int64_t step = series.timestamp[i] - series.timestamp[i - 1];
    if (bar > 0) {
      if (step % bar != 0) ++report.off_grid_steps;
      const std::size_t missing =
          missing_slots(series.timestamp[i - 1], series.timestamp[i], bar, calendar);
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
                                    std::size_t min_bars,
                                    session_calendar calendar = session_calendar::continuous) {
  quality_report report = measure_quality(series, spec, min_bars, calendar);
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
