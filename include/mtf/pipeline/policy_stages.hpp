#pragma once
/// \file The stages applied with a timeframe policy's settings. Stage code takes its own spec
/// (a labeler, split shares, K and an embargo); only the pipeline knows the policy, so these
/// adapters live here and the stage folders never include `policy/`.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/intake/bar_series.hpp"
#include "mtf/labels/label_inputs.hpp"
#include "mtf/labels/regime.hpp"
#include "mtf/labels/solve_k.hpp"
#include "mtf/labels/volatility_adaptive.hpp"
#include "mtf/policy/timeframe_policy.hpp"
#include "mtf/split/chronological_split.hpp"
#include "mtf/split/purged_kfold.hpp"

namespace mtf {

/// compute_label_inputs for `bars` with P's labeler and horizon. A horizon counts bars, so a
/// series of another bar length would silently ask a different question: throws data_error
/// (field "timestamp") when bars.bar_seconds differs from P::bar_seconds, and data_error
/// (field "close") for a bad close.
template <TimeframePolicy P>
label_inputs compute_policy_label_inputs(const bar_series& bars) {
  if (bars.bar_seconds != P::bar_seconds)
    label_detail::throw_data_error(
        bars.source, "timestamp",
        "series " + bars.symbol + " has " + std::to_string(bars.bar_seconds) + " s bars but the " +
            std::string(P::name) + " policy labels " + std::to_string(P::bar_seconds) +
            " s bars; resample it first");
  return compute_label_inputs(bars.close, P::horizon, P::labeler, bars.source);
}

/// choose_k with the policy's labeler k and neutral class target.
template <TimeframePolicy P>
k_solution choose_k(std::span<const series_rows> train) {
  return choose_k(P::labeler.k, P::class_targets[static_cast<std::size_t>(class_neutral)], train);
}

}  // namespace mtf

namespace mtf::split {

/// chronological_split with the policy's shares.
template <TimeframePolicy P>
segments chronological_split(std::span<const std::int64_t> row_time,
                             std::span<const std::int64_t> row_label_end) {
  return chronological_split(row_time, row_label_end, P::split);
}

/// purged_kfold with the policy's K and embargo (`split.embargo_bars`, default the horizon) in
/// seconds of its bar length.
template <TimeframePolicy P>
std::vector<fold> purged_kfold(std::span<const std::int64_t> train_row_time,
                               std::span<const std::int64_t> train_row_label_end) {
  return purged_kfold(
      train_row_time, train_row_label_end, P::split.folds,
      static_cast<std::int64_t>(embargo_bars_or_horizon(P::split, P::horizon)) * P::bar_seconds);
}

}  // namespace mtf::split
