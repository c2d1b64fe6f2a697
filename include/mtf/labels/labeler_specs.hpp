#pragma once
/// \file How a policy labels its bars (SPEC §6). Classes are always (down, neutral, up) = 0, 1, 2.

#include <optional>

#include "mtf/core/described.hpp"

namespace mtf::label {

/// Volatility-adaptive 3-class labels: r = ln(close[t+h]/close[t]), tau = k * sigma_t * sqrt(h)
/// with sigma_t the sample std of one-bar log returns over `vol_window` bars ending at t.
/// up if r > tau, down if r < -tau, else neutral. `k` empty = solved on the training rows so
/// that the neutral share equals the policy's neutral target.
/// Per-bar inputs: mtf::compute_label_inputs (labels/volatility_adaptive.hpp); k:
/// mtf::choose_k (labels/solve_k.hpp); labels: mtf::assign_labels (labels/assign_labels.hpp).
struct volatility_adaptive {
  int vol_window;
  std::optional<double> k = std::nullopt;
};

/// Regime labels over the next h bars: with efficiency ratio ER = |r| / sum |one-bar log
/// returns|, bullish (up) if r > tau and ER >= er_min, bearish (down) if r < -tau and
/// ER >= er_min, else ranging (neutral). tau as for volatility_adaptive.
/// Rows with ER < er_min are neutral for every k, so er_min caps how low the neutral share can
/// go: if that share alone exceeds the neutral target, the k solve reports it and uses k = 0.
/// Per-bar inputs: mtf::compute_label_inputs (labels/regime.hpp).
struct regime {
  int vol_window;
  double er_min;
  std::optional<double> k = std::nullopt;
};

}  // namespace mtf::label

MTF_DESCRIBE(mtf::label::volatility_adaptive, vol_window, k);
MTF_DESCRIBE(mtf::label::regime, vol_window, er_min, k);
