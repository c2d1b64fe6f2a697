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

/// Splits rows with non-decreasing times `row_time` (epoch seconds, bar open; several rows may
/// share one when symbols are pooled) into train / calibration / test. Cut points are the
/// row-count quantiles round(N·train) and round(N·(train + calibration)), each snapped to the
/// nearest timestamp boundary so rows sharing a timestamp stay in one segment. Then the purge
/// drops rows at the start of each later segment until every remaining row opens after the last
/// label end of the earlier segments: time_b > max over earlier rows a of `row_label_end[a]` (the
/// open time of bar a + horizon of a's symbol, SPEC §4.6). Label windows therefore never
/// overlap across segments, also when bars are missing (h bars then span more time).
/// Throws training_error when a segment ends up empty (too few rows or distinct timestamps) or
/// times decrease; std::invalid_argument for shares that are not positive with sum 1, or label
/// ends of another length or before their row's time.
inline segments chronological_split(std::span<const std::int64_t> row_time,
                                    std::span<const std::int64_t> row_label_end,
                                    const spec& shares) {
  if (!(shares.train > 0 && shares.calibration > 0 && shares.test > 0) ||
      std::fabs(shares.train + shares.calibration + shares.test - 1.0) > 1e-9)
    throw std::invalid_argument(
        "chronological_split: train, calibration and test shares must be "
        "positive and sum to 1");
  check_label_ends(row_time, row_label_end, "chronological_split");
  check_non_decreasing(row_time, "chronological_split");
  const std::size_t n = row_time.size();
  const auto quantile = [n](double share) {
    return std::min(n, static_cast<std::size_t>(std::llround(share * static_cast<double>(n))));
  };
  const std::size_t cut_calibration = snap_to_timestamp_boundary(row_time, quantile(shares.train));
  const std::size_t cut_test =
      std::max(cut_calibration,
               snap_to_timestamp_boundary(row_time, quantile(shares.train + shares.calibration)));

  // The first row of a later segment [cut, limit) that opens after every label of the rows
  // before `cut` has ended.
  const auto purge_end = [&](std::size_t cut, std::size_t limit) {
    if (cut == 0 || cut >= limit) return cut;
    const std::int64_t last_label_end = *std::max_element(
        row_label_end.begin(), row_label_end.begin() + static_cast<std::ptrdiff_t>(cut));
    return static_cast<std::size_t>(
        std::upper_bound(row_time.begin() + static_cast<std::ptrdiff_t>(cut),
                         row_time.begin() + static_cast<std::ptrdiff_t>(limit), last_label_end) -
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
                           std::to_string(out.purged_rows()) + " on label ends)");
  };
  require(out.train, "train");
  require(out.calibration, "calibration");
  require(out.test, "test");
  return out;
}

}  // namespace mtf::split
