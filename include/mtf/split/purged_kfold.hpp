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
#include "mtf/split/fold.hpp"
#include "mtf/split/row_time.hpp"
#include "mtf/split/split_spec.hpp"

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

/// Blocked K-fold over the train rows with times `row_time` (non-decreasing epoch seconds, bar
/// open) and label ends `row_label_end` (open time of the bar whose close ends each row's label
/// window; fold indices are indices into these rows). Fold j validates on block j. It trains on
/// the rows before the block whose labels end before the block's first row opens
/// (label_end < first validation time: the purge, decided on label ends, SPEC §4.8), and on the
/// rows after the block that open after every validation label has ended plus
/// `embargo_seconds` (time > max validation label end + embargo: the rows just after a block
/// have features built from its bars). Throws training_error when a block or a fold's training
/// rows would be empty; std::invalid_argument for folds < 2, a negative embargo or label ends
/// of another length or before their rows.
inline std::vector<fold> purged_kfold(std::span<const std::int64_t> row_time,
                                      std::span<const std::int64_t> row_label_end, int folds,
                                      std::int64_t embargo_seconds) {
  if (embargo_seconds < 0)
    throw std::invalid_argument("purged K-fold: the embargo must not be negative");
  check_label_ends(row_time, row_label_end, "purged K-fold");
  const std::vector<index_range> blocks = validation_blocks(row_time, folds);
  std::vector<fold> out;
  out.reserve(blocks.size());
  for (std::size_t j = 0; j < blocks.size(); ++j) {
    const index_range block = blocks[j];
    const std::int64_t first_time = row_time[block.begin];
    const std::int64_t last_label_end =
        *std::max_element(row_label_end.begin() + static_cast<std::ptrdiff_t>(block.begin),
                          row_label_end.begin() + static_cast<std::ptrdiff_t>(block.end));
    // Time order makes the rows after the block a contiguous range; before it, label ends of
    // pooled symbols need not be ordered, so each row is checked.
    const auto after_begin = static_cast<std::size_t>(
        std::upper_bound(row_time.begin() + static_cast<std::ptrdiff_t>(block.end), row_time.end(),
                         last_label_end + embargo_seconds) -
        row_time.begin());
    fold f;
    f.validation.resize(block.size());
    for (std::size_t i = 0; i < block.size(); ++i)
      f.validation[i] = block.begin + i;
    for (std::size_t i = 0; i < block.begin; ++i)
      if (row_label_end[i] < first_time) f.train.push_back(i);
    for (std::size_t i = after_begin; i < row_time.size(); ++i)
      f.train.push_back(i);
    if (f.train.empty())
      throw training_error("purged K-fold: fold " + std::to_string(j + 1) + " of " +
                           std::to_string(blocks.size()) +
                           " has no training rows left after the purge on label ends and an "
                           "embargo of " +
                           std::to_string(embargo_seconds) + " s");
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace mtf::split
