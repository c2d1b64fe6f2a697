#pragma once
/// \file Purged, embargoed blocked K-fold over the train segment (SPEC §4.8): the out-of-fold
/// predictions the meta-model learns from never come from a model that saw an overlapping label
/// window.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/policy/timeframe_policy.hpp"
#include "mtf/split/fold.hpp"
#include "mtf/split/row_time.hpp"

namespace mtf::split {

/// The K contiguous validation blocks of blocked K-fold: boundaries at round(j·n/K), each snapped
/// to the nearest timestamp boundary so rows sharing a timestamp are in one block. The blocks
/// partition [0, n). Throws training_error when a block would be empty (fewer distinct
/// timestamps than needed) or times decrease; std::invalid_argument for folds < 2.
inline std::vector<index_range> validation_blocks(std::span<const std::int64_t> row_time,
                                                  int folds) {
  if (folds < 2) throw std::invalid_argument("purged K-fold: needs at least 2 folds");
  check_non_decreasing(row_time, "purged K-fold");
  const std::size_t n = row_time.size();
  const auto k = static_cast<std::size_t>(folds);
  std::vector<index_range> blocks;
  blocks.reserve(k);
  std::size_t begin = 0;
  for (std::size_t j = 1; j <= k; ++j) {
    // j·n/K in integer arithmetic, rounded half up: exact for any n, no floating point.
    const std::size_t cut =
        j == k ? n : snap_to_timestamp_boundary(row_time, (2 * j * n + k) / (2 * k));
    if (cut <= begin)
      throw training_error("purged K-fold: validation block " + std::to_string(j) + " of " +
                           std::to_string(k) + " is empty (" + std::to_string(n) +
                           " train rows are too few, or share too few distinct timestamps, for " +
                           std::to_string(k) + " folds)");
    blocks.push_back({begin, cut});
    begin = cut;
  }
  return blocks;
}

/// Blocked K-fold over the train rows with times `row_time` (non-decreasing epoch seconds; fold
/// indices are indices into these rows). Fold j validates on block j; it trains on every other
/// row whose time differs from every validation row's time by more than `purge_seconds`
/// (time < first validation time − purge, or time > last validation time + purge), and further
/// drops the rows within `embargo_seconds` after that purge (time <= last validation time +
/// purge + embargo), since features of the rows just after a block are built from the block's
/// bars. Throws training_error when a block or a fold's training rows would be empty;
/// std::invalid_argument for folds < 2 or a negative purge or embargo.
inline std::vector<fold> purged_kfold(std::span<const std::int64_t> row_time, int folds,
                                      std::int64_t purge_seconds,
                                      std::int64_t embargo_seconds = 0) {
  if (purge_seconds < 0 || embargo_seconds < 0)
    throw std::invalid_argument("purged K-fold: purge and embargo must not be negative");
  const std::vector<index_range> blocks = validation_blocks(row_time, folds);
  const auto first_after = [&](std::int64_t t) {
    return static_cast<std::size_t>(std::upper_bound(row_time.begin(), row_time.end(), t) -
                                    row_time.begin());
  };
  const auto first_at_or_after = [&](std::int64_t t) {
    return static_cast<std::size_t>(std::lower_bound(row_time.begin(), row_time.end(), t) -
                                    row_time.begin());
  };
  std::vector<fold> out;
  out.reserve(blocks.size());
  for (std::size_t j = 0; j < blocks.size(); ++j) {
    const index_range block = blocks[j];
    const std::int64_t first_time = row_time[block.begin];
    const std::int64_t last_time = row_time[block.end - 1];
    // Rows before: strictly earlier than first_time − purge. Rows after: strictly later than
    // last_time + purge + embargo. Time order makes both sides contiguous ranges.
    const std::size_t before_end = first_at_or_after(first_time - purge_seconds);
    const std::size_t after_begin = first_after(last_time + purge_seconds + embargo_seconds);
    fold f;
    f.validation.resize(block.size());
    for (std::size_t i = 0; i < block.size(); ++i)
      f.validation[i] = block.begin + i;
    f.train.reserve(before_end + (row_time.size() - after_begin));
    for (std::size_t i = 0; i < before_end; ++i)
      f.train.push_back(i);
    for (std::size_t i = after_begin; i < row_time.size(); ++i)
      f.train.push_back(i);
    if (f.train.empty())
      throw training_error(
          "purged K-fold: fold " + std::to_string(j + 1) + " of " + std::to_string(blocks.size()) +
          " has no training rows left after the purge of " + std::to_string(purge_seconds) +
          " s and embargo of " + std::to_string(embargo_seconds) + " s");
    out.push_back(std::move(f));
  }
  return out;
}

/// purged_kfold with the policy's K, purge = horizon · bar_seconds and embargo = embargo_bars ·
/// bar_seconds.
template <TimeframePolicy P>
std::vector<fold> purged_kfold(std::span<const std::int64_t> train_row_time) {
  return purged_kfold(train_row_time, P::split.folds,
                      static_cast<std::int64_t>(P::horizon) * P::bar_seconds,
                      static_cast<std::int64_t>(P::split.embargo_bars) * P::bar_seconds);
}

}  // namespace mtf::split
