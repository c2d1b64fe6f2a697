#pragma once
/// \file Labels of one series for a given k (SPEC §6).

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include "mtf/labels/label_classes.hpp"
#include "mtf/labels/label_inputs.hpp"

namespace mtf {

/// Label of one labelled bar for threshold multiplier k >= 0: up if r > τ, down if r < −τ, else
/// neutral, with τ = k·σ√h; regime inputs are neutral whenever ER < er_min. Neutral is decided
/// as k >= critical_k(bar) (|r|/(σ√h) <= k), the very comparison solve_k counts, so the share
/// solve_k reports is the share these labels have, to the last bit.
inline int label_for_k(const label_inputs& in, std::size_t bar, double k) {
  if (critical_k(in, bar) <= k) return class_neutral;
  return in.forward_return[bar] > 0.0 ? class_up : class_down;
}

/// Labels of every bar of the series for threshold multiplier k (finite, >= 0): class_down,
/// class_neutral, class_up, or no_label for warm-up and past-end bars (see `in.status` and
/// the counts in `in` for the reason). Throws std::invalid_argument for a negative or
/// non-finite k.
inline std::vector<int> assign_labels(const label_inputs& in, double k) {
  if (!std::isfinite(k) || k < 0.0)
    throw std::invalid_argument("assign_labels: k must be finite and non-negative");
  std::vector<int> labels(in.size(), no_label);
  for (std::size_t t = 0; t < in.size(); ++t) {
    if (in.status[t] == label_status::labeled) labels[t] = label_for_k(in, t, k);
  }
  return labels;
}

}  // namespace mtf
