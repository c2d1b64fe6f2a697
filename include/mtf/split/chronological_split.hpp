#pragma once
/// \file Train / calibration / test split by time with a purge between segments (SPEC §4.6,
/// §4.10): no label window of an earlier segment reaches into a later one.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "mtf/core/errors.hpp"
#include "mtf/policy/timeframe_policy.hpp"
#include "mtf/split/row_time.hpp"
#include "mtf/split/split_spec.hpp"

namespace mtf::split {

/// The three segments as index ranges into the time-ordered rows, in time order, and the rows
/// dropped by the purge (they belong to no segment).
struct segments {
  index_range train;
  index_range calibration;
  index_range test;
  std::size_t purged_before_calibration = 0;  ///< rows dropped at the start of calibration
  std::size_t purged_before_test = 0;         ///< rows dropped at the start of test
  /// All rows dropped by the purge.
  [[nodiscard]] std::size_t purged_rows() const noexcept {
    return purged_before_calibration + purged_before_test;
  }
};

/// Splits rows with non-decreasing times `row_time` (epoch seconds; several rows may share one
/// when symbols are pooled) into train / calibration / test. Cut points are the row-count
/// quantiles round(N·train) and round(N·(train + calibration)), each snapped to the nearest
/// timestamp boundary so rows sharing a timestamp stay in one segment. Then the purge drops rows
/// at the start of each later segment until, for every row a of an earlier segment and b of a
/// later one, time_b − time_a > purge_seconds (purge_seconds = horizon · bar_seconds: label
/// windows [t, t + h·bar] never overlap across segments).
/// Throws training_error when a segment ends up empty (too few rows or distinct timestamps) or
/// times decrease; std::invalid_argument for shares that are not positive with sum 1, or a
/// negative purge.
inline segments chronological_split(std::span<const std::int64_t> row_time, const spec& shares,
                                    std::int64_t purge_seconds) {
  if (!(shares.train > 0 && shares.calibration > 0 && shares.test > 0) ||
      std::fabs(shares.train + shares.calibration + shares.test - 1.0) > 1e-9)
    throw std::invalid_argument(
        "chronological_split: train, calibration and test shares must be "
        "positive and sum to 1");
  if (purge_seconds < 0)
    throw std::invalid_argument("chronological_split: purge_seconds must not be negative");
  check_non_decreasing(row_time, "chronological_split");
  const std::size_t n = row_time.size();
  const auto quantile = [n](double share) {
    return std::min(n, static_cast<std::size_t>(std::llround(share * static_cast<double>(n))));
  };
  const std::size_t cut_calibration = snap_to_timestamp_boundary(row_time, quantile(shares.train));
  const std::size_t cut_test =
      std::max(cut_calibration,
               snap_to_timestamp_boundary(row_time, quantile(shares.train + shares.calibration)));

  // The first row of a later segment that is more than purge_seconds after the last row before
  // it; rows are time-ordered, so the last earlier row is the latest of all earlier rows.
  const auto purge_end = [&](std::size_t cut, std::size_t limit) {
    if (cut == 0 || cut >= limit) return cut;
    const std::int64_t last_earlier = row_time[cut - 1];
    return static_cast<std::size_t>(
        std::upper_bound(row_time.begin() + static_cast<std::ptrdiff_t>(cut),
                         row_time.begin() + static_cast<std::ptrdiff_t>(limit),
                         last_earlier + purge_seconds) -
        row_time.begin());
  };
  segments out;
  out.train = {0, cut_calibration};
  out.calibration = {purge_end(cut_calibration, cut_test), cut_test};
  out.test = {purge_end(cut_test, n), n};
  out.purged_before_calibration = out.calibration.begin - cut_calibration;
  out.purged_before_test = out.test.begin - cut_test;

  const auto require = [&](const index_range& r, const char* name) {
    if (r.empty())
      throw training_error(std::string("chronological split: the ") + name +
                           " segment is empty after snapping to "
                           "timestamps and purging (" +
                           std::to_string(n) + " rows, train " + std::to_string(out.train.size()) +
                           ", calibration " + std::to_string(out.calibration.size()) + ", test " +
                           std::to_string(out.test.size()) + ", purged " +
                           std::to_string(out.purged_rows()) + ", purge " +
                           std::to_string(purge_seconds) + " s)");
  };
  require(out.train, "train");
  require(out.calibration, "calibration");
  require(out.test, "test");
  return out;
}

/// chronological_split with the policy's shares and purge = horizon · bar_seconds.
template <TimeframePolicy P>
segments chronological_split(std::span<const std::int64_t> row_time) {
  return chronological_split(row_time, P::split,
                             static_cast<std::int64_t>(P::horizon) * P::bar_seconds);
}

}  // namespace mtf::split
