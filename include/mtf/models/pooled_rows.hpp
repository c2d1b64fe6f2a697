#pragma once
/// \file The rows of a distributed fit pooled across workers through xgboost's collective
/// (SPEC §10d): each worker holds only its own rows (its symbols), and whatever one process would
/// compute over all rows at once is either computed from allreduced sums or from the pooled
/// values gathered to every worker. Gathers are sum-allreduces of a buffer padded with -0.0 (the
/// exact additive identity of IEEE doubles: x + -0.0 is x for every x, signed zeros included), so
/// every worker receives the same bits, in rank order.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/models/fit_context.hpp"
#include "mtf/models/xgboost_api.hpp"
#include "mtf/split/purged_tail_split.hpp"
#include "mtf/split/row_time.hpp"

namespace mtf::model {

/// Sums `values` over every worker of `shard` in place (nothing outside a distributed fit).
inline void sum_over_workers(std::span<double> values, row_shard shard) {
  if (shard.distributed() && !values.empty()) xgb::allreduce_sum(values);
}

/// Every worker's `mine` side by side in rank order (worker r's values start after those of
/// workers 0..r-1); `mine` itself outside a distributed fit. Every worker must call it.
inline std::vector<double> gather_from_workers(std::span<const double> mine, row_shard shard) {
  if (!shard.distributed()) return {mine.begin(), mine.end()};
  std::vector<double> counts(shard.world, 0.0);
  counts[shard.rank] = static_cast<double>(mine.size());
  xgb::allreduce_sum(counts);
  std::size_t offset = 0, total = 0;
  for (std::size_t q = 0; q < shard.world; ++q) {
    const auto c = static_cast<std::size_t>(counts[q]);
    if (q < shard.rank) offset += c;
    total += c;
  }
  std::vector<double> out(total, -0.0);
  std::copy(mine.begin(), mine.end(), out.begin() + static_cast<std::ptrdiff_t>(offset));
  if (total > 0) xgb::allreduce_sum(out);
  return out;
}

/// Integers (|v| < 2^53: times, counts, indices) gathered like `gather_from_workers`.
template <class T>
std::vector<T> gather_integers_from_workers(std::span<const T> mine, row_shard shard) {
  const std::vector<double> as_double(mine.begin(), mine.end());
  const std::vector<double> all = gather_from_workers(as_double, shard);
  std::vector<T> out;
  out.reserve(all.size());
  for (const double v : all)
    out.push_back(static_cast<T>(v));
  return out;
}

/// Rows held by several workers put in their pooled order: this worker's rows `mine` (row-major,
/// `width` values each) go to pooled rows `positions` of a `pooled_rows` x `width` result that
/// every worker receives; each pooled row must be held by exactly one worker. Outside a
/// distributed fit the rows are only placed.
inline std::vector<double> pool_rows(std::span<const double> mine,
                                     std::span<const std::size_t> positions,
                                     std::size_t pooled_rows, std::size_t width, row_shard shard) {
  if (mine.size() != positions.size() * width)
    throw model_error("pool_rows: " + std::to_string(mine.size()) + " values for " +
                      std::to_string(positions.size()) + " rows of " + std::to_string(width));
  std::vector<double> out(pooled_rows * width, -0.0);
  for (std::size_t r = 0; r < positions.size(); ++r) {
    if (positions[r] >= pooled_rows)
      throw model_error("pool_rows: pooled row " + std::to_string(positions[r]) + " beyond " +
                        std::to_string(pooled_rows));
    std::copy_n(mine.begin() + static_cast<std::ptrdiff_t>(r * width), width,
                out.begin() + static_cast<std::ptrdiff_t>(positions[r] * width));
  }
  sum_over_workers(out, shard);
  return out;
}

/// Every worker's text, indexed by rank (for the per-symbol report lines worker 0 writes).
inline std::vector<std::string> gather_text_from_workers(const std::string& mine, row_shard shard) {
  if (!shard.distributed()) return {mine};
  std::vector<double> counts(shard.world, 0.0);
  counts[shard.rank] = static_cast<double>(mine.size());
  xgb::allreduce_sum(counts);
  std::vector<double> bytes;
  bytes.reserve(mine.size());
  for (const unsigned char c : mine)
    bytes.push_back(static_cast<double>(c));
  const std::vector<double> all = gather_from_workers(bytes, shard);
  std::vector<std::string> out(shard.world);
  std::size_t at = 0;
  for (std::size_t q = 0; q < shard.world; ++q) {
    const auto c = static_cast<std::size_t>(counts[q]);
    for (std::size_t i = 0; i < c; ++i)
      out[q].push_back(static_cast<char>(static_cast<unsigned char>(all[at + i])));
    at += c;
  }
  return out;
}

/// `split::purged_tail_split` of rows held by several workers (`shard.local_rows`): the cut is
/// found on the pooled row times exactly as one process finds it on all rows (the tail's first
/// time, snapped to a timestamp boundary, depends on the times only, not on which worker holds a
/// row), then each worker keeps its own rows on either side of it. Outside a distributed fit it
/// is `purged_tail_split` itself. Throws training_error on every worker when the pooled fit or
/// stopping part is empty.
inline split::tail_split pooled_tail_split(std::span<const std::size_t> rows,
                                           std::span<const std::int64_t> row_time,
                                           std::span<const std::int64_t> row_label_end,
                                           double tail_share, row_shard shard) {
  if (!shard.distributed() || !shard.local_rows)
    return split::purged_tail_split(rows, row_time, row_label_end, tail_share);
  if (!(tail_share > 0.0 && tail_share < 1.0))
    throw std::invalid_argument("pooled_tail_split: tail_share must lie in (0, 1)");
  std::vector<std::int64_t> mine;
  mine.reserve(rows.size());
  for (const std::size_t r : rows) {
    if (r >= row_time.size())
      throw std::invalid_argument("pooled_tail_split: row index past the row times");
    mine.push_back(row_time[r]);
  }
  split::check_non_decreasing(mine, "pooled_tail_split");
  std::vector<std::int64_t> times =
      gather_integers_from_workers(std::span<const std::int64_t>(mine), shard);
  std::sort(times.begin(), times.end());
  const std::size_t n = times.size();
  const auto tail = static_cast<std::size_t>(std::llround(tail_share * static_cast<double>(n)));
  const std::size_t cut = tail >= n ? 0 : split::snap_to_timestamp_boundary(times, n - tail);
  split::tail_split out;
  if (cut > 0 && cut < n) {
    const std::int64_t first_stop = times[cut];
    for (const std::size_t r : rows) {
      if (row_time[r] >= first_stop) {
        out.stop.push_back(r);
      } else {
        const std::int64_t end = row_label_end.empty() ? row_time[r] : row_label_end[r];
        if (end < first_stop) out.fit.push_back(r);
      }
    }
  }
  std::vector<double> sizes{static_cast<double>(out.fit.size()),
                            static_cast<double>(out.stop.size())};
  xgb::allreduce_sum(sizes);
  if (sizes[0] == 0.0 || sizes[1] == 0.0)
    throw training_error("purged_tail_split: " + std::to_string(n) +
                         " pooled rows leave no fit rows or no stopping rows for a tail share of " +
                         std::to_string(tail_share) +
                         " once rows whose label reaches the tail are purged");
  return out;
}

}  // namespace mtf::model
