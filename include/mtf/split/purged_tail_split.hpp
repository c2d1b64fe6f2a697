#pragma once
/// \file A purged time tail of a training fold for early stopping: the booster stops on rows
/// later than everything it fits, with no label window shared between the two.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/split/row_time.hpp"

namespace mtf::split {

/// Rows to fit on and rows to evaluate early stopping on, as indices into the row times.
struct tail_split {
  std::vector<std::size_t> fit;
  std::vector<std::size_t> stop;
};

/// Splits `rows` (indices into `row_time`, listed in non-decreasing time) into a stopping tail of
/// about `tail_share` of the rows (the latest ones; the cut snapped to a timestamp boundary so a
/// shared timestamp is not split) and the fit rows before it whose label window ends before the
/// first stopping row opens: `row_label_end[r] < time of the first stopping row` (SPEC §4.6:
/// purges are decided on label ends, so missing bars cannot hide an overlap). Rows between the
/// two are dropped. An empty `row_label_end` means labels end where they start (no purge).
/// Throws training_error when either part is empty or row times decrease along `rows`;
/// std::invalid_argument for tail_share outside (0, 1), label ends of another length or before
/// their row's time, or an index past the end.
inline tail_split purged_tail_split(std::span<const std::size_t> rows,
                                    std::span<const std::int64_t> row_time,
                                    std::span<const std::int64_t> row_label_end,
                                    double tail_share) {
  if (!(tail_share > 0.0 && tail_share < 1.0))
    throw std::invalid_argument("purged_tail_split: tail_share must lie in (0, 1)");
  if (!row_label_end.empty() && row_label_end.size() != row_time.size())
    throw std::invalid_argument("purged_tail_split: " + std::to_string(row_label_end.size()) +
                                " label ends for " + std::to_string(row_time.size()) + " rows");
  std::vector<std::int64_t> times(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] >= row_time.size())
      throw std::invalid_argument("purged_tail_split: row index " + std::to_string(rows[i]) +
                                  " past the " + std::to_string(row_time.size()) + " row times");
    times[i] = row_time[rows[i]];
    if (!row_label_end.empty() && row_label_end[rows[i]] < times[i])
      throw std::invalid_argument("purged_tail_split: a label ends before its row's time");
  }
  check_non_decreasing(times, "purged_tail_split");
  const std::size_t n = rows.size();
  const auto tail = static_cast<std::size_t>(std::llround(tail_share * static_cast<double>(n)));
  const std::size_t cut = tail >= n ? 0 : snap_to_timestamp_boundary(times, n - tail);
  tail_split out;
  if (cut > 0 && cut < n) {
    const std::int64_t first_stop = times[cut];
    for (std::size_t i = 0; i < cut; ++i) {
      const std::int64_t end = row_label_end.empty() ? times[i] : row_label_end[rows[i]];
      if (end < first_stop) out.fit.push_back(rows[i]);
    }
    out.stop.assign(rows.begin() + static_cast<std::ptrdiff_t>(cut), rows.end());
  }
  if (out.fit.empty() || out.stop.empty())
    throw training_error("purged_tail_split: " + std::to_string(n) +
                         " rows leave no fit rows or no stopping rows for a tail share of " +
                         std::to_string(tail_share) +
                         " once rows whose label reaches the tail "
                         "are purged");
  return out;
}

}  // namespace mtf::split
