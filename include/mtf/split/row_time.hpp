#pragma once
/// \file Row-time vocabulary of the split stage: index ranges over time-ordered rows, the
/// non-decreasing check, and snapping a cut so rows sharing a timestamp stay together (pooled
/// symbols put several rows on one timestamp).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "mtf/core/errors.hpp"

namespace mtf::split {

/// Half-open range [begin, end) of row indices.
struct index_range {
  std::size_t begin = 0;
  std::size_t end = 0;
  /// Number of rows in the range.
  [[nodiscard]] std::size_t size() const noexcept { return end - begin; }
  [[nodiscard]] bool empty() const noexcept { return end == begin; }
  friend bool operator==(const index_range&, const index_range&) = default;
};

/// Throws training_error unless `row_time` (epoch seconds, one per row) is non-decreasing: the
/// split and the folds cut by time and rely on it.
inline void check_non_decreasing(std::span<const std::int64_t> row_time, const char* who) {
  for (std::size_t i = 1; i < row_time.size(); ++i) {
    if (row_time[i] < row_time[i - 1])
      throw training_error(std::string(who) + ": row times must be non-decreasing, but row " +
                           std::to_string(i) + " (" + std::to_string(row_time[i]) +
                           ") is earlier than row " + std::to_string(i - 1) + " (" +
                           std::to_string(row_time[i - 1]) + ")");
  }
}

/// Throws std::invalid_argument unless `row_label_end` has one entry per row of `row_time` and no
/// label ends before its row opens (a label window is [time, label end]).
inline void check_label_ends(std::span<const std::int64_t> row_time,
                             std::span<const std::int64_t> row_label_end, const char* who) {
  if (row_label_end.size() != row_time.size())
    throw std::invalid_argument(std::string(who) + ": " + std::to_string(row_label_end.size()) +
                                " label ends for " + std::to_string(row_time.size()) + " rows");
  for (std::size_t i = 0; i < row_time.size(); ++i)
    if (row_label_end[i] < row_time[i])
      throw std::invalid_argument(std::string(who) + ": the label of row " + std::to_string(i) +
                                  " ends before the row opens");
}

/// Moves cut position `cut` (0..n) to the nearest timestamp boundary of the non-decreasing
/// `row_time`, i.e. a position p with p == 0, p == n or row_time[p−1] != row_time[p], so all rows
/// sharing a timestamp fall on one side. Equidistant: the earlier boundary.
inline std::size_t snap_to_timestamp_boundary(std::span<const std::int64_t> row_time,
                                              std::size_t cut) {
  if (cut == 0 || cut >= row_time.size()) return std::min(cut, row_time.size());
  const std::int64_t t = row_time[cut];
  const auto first = static_cast<std::size_t>(
      std::lower_bound(row_time.begin(), row_time.end(), t) - row_time.begin());
  const auto past = static_cast<std::size_t>(std::upper_bound(row_time.begin(), row_time.end(), t) -
                                             row_time.begin());
  return cut - first <= past - cut ? first : past;
}

}  // namespace mtf::split
