#pragma once
/// \file Inputs of the regime labeler (12h, SPEC §6): the volatility-adaptive inputs plus the
/// efficiency ratio of the path over the horizon, so a choppy path is "ranging" whatever its
/// net return.

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <stdexcept>
#include <string_view>

#include "mtf/labels/label_inputs.hpp"
#include "mtf/labels/labeler_specs.hpp"
#include "mtf/labels/volatility_adaptive.hpp"

namespace mtf {

/// Regime labeler inputs for one series of closes: r_t and σ_t·√h exactly as for
/// `label::volatility_adaptive`, plus ER_t = |r_t| / Σ_{i=t+1..t+h} |ln(c[i]/c[i−1])| in [0, 1]
/// (0 when the path does not move at all). A bar is bullish (up) if r > τ and ER >= er_min,
/// bearish (down) if r < −τ and ER >= er_min, else ranging (neutral). Warm-up and past-end bars
/// as for the volatility labeler. Throws std::invalid_argument for horizon < 1, vol_window < 2 or
/// er_min outside [0, 1]; data_error for a non-finite or non-positive close.
inline label_inputs compute_label_inputs(std::span<const double> close, int horizon,
                                         const label::regime& spec, std::string_view source = {}) {
  if (!(spec.er_min >= 0.0 && spec.er_min <= 1.0))
    throw std::invalid_argument("labels: regime er_min must lie in [0, 1]");
  label_inputs in = compute_label_inputs(
      close, horizon, label::volatility_adaptive{.vol_window = spec.vol_window, .k = spec.k},
      source);
  in.er_min = spec.er_min;
  in.efficiency_ratio.assign(in.size(), std::numeric_limits<double>::quiet_NaN());
  const auto h = static_cast<std::size_t>(horizon);
  for (std::size_t t = 0; t < in.size(); ++t) {
    if (in.status[t] != label_status::labeled) continue;
    double path = 0.0;
    for (std::size_t i = t + 1; i <= t + h; ++i)
      path += std::fabs(std::log(close[i] / close[i - 1]));
    // A flat path has r = 0 and is neutral for every k; ER 0 says "no trend" without a 0/0.
    in.efficiency_ratio[t] = path > 0.0 ? std::fabs(in.forward_return[t]) / path : 0.0;
  }
  return in;
}

}  // namespace mtf
