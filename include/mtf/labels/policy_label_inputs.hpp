#pragma once
/// \file Label inputs of a candle series under a timeframe policy: the policy's labeler,
/// horizon and vol_window applied to its closes, after checking the series has the policy's bar.

#include <string>

#include "mtf/core/errors.hpp"
#include "mtf/intake/bar_series.hpp"
#include "mtf/labels/label_inputs.hpp"
#include "mtf/labels/regime.hpp"
#include "mtf/labels/volatility_adaptive.hpp"
#include "mtf/policy/timeframe_policy.hpp"

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

}  // namespace mtf
