#pragma once
/// \file Series-level data-quality checks of SPEC §4.2: gaps, suspicious single-bar moves and
/// zero-volume bars are counted and reported as warnings; each becomes fatal above its threshold
/// in the policy's quality_spec, and so does a series shorter than the policy's min_bars.
/// (The per-row fatal checks live in the CSV reader, which knows file:line.)

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

/// Counts and shares of the quality warnings of one series, plus readable warnings and the
/// reasons the series is unusable (empty when it passes).
struct quality_report {
  std::size_t bars = 0;
  /// Bars a gap-free series would have between the first and last timestamp:
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

/// Measures every warning of SPEC §4.2 on `series` (bar length `series.bar_seconds`) and decides
/// which are fatal under `spec` and `min_bars`, without throwing. A share equal to its threshold
/// passes; only exceeding it is fatal. An empty series has zero shares and fails min_bars.
inline quality_report measure_quality(const bar_series& series, const quality_spec& spec,
                                      std::size_t min_bars) {
  using quality_detail::percent;
  quality_report report;
  const std::size_t n = series.size();
  report.bars = n;
  const std::int64_t bar = series.bar_seconds;

  if (n > 0) {
    report.expected_bars =
        bar > 0
            ? static_cast<std::size_t>((series.timestamp.back() - series.timestamp.front()) / bar) +
                  1
            : n;
  }
  for (std::size_t i = 1; i < n; ++i) {
    const std::int64_t step = series.timestamp[i] - series.timestamp[i - 1];
    if (bar > 0) {
      if (step % bar != 0) ++report.off_grid_steps;
      if (step > bar) {
        // A step of k bars (rounded down for off-grid steps) leaves k - 1 bars missing.
        const auto missing = static_cast<std::size_t>(step / bar - 1);
        if (missing > 0) {
          ++report.gap_count;
          report.missing_bars += missing;
          if (missing > report.largest_gap_bars) {
            report.largest_gap_bars = missing;
            report.largest_gap_after = series.timestamp[i - 1];
          }
        }
      }
    }
    const double move = series.close[i] / series.close[i - 1] - 1.0;
    if (std::abs(move) > spec.jump_threshold) ++report.jumps;
  }
  for (std::size_t i = 0; i < n; ++i)
    report.zero_volume_bars += series.volume[i] == 0.0 ? 1 : 0;

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
                                    std::size_t min_bars) {
  quality_report report = measure_quality(series, spec, min_bars);
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
