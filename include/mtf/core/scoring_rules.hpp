#pragma once
/// \file Proper scoring rules for 3-class probabilities, shared by every stage that scores
/// predictions (out-of-fold models, calibration, validation, drift).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <stdexcept>

#include "mtf/core/xtensor.hpp"

namespace mtf {

/// Mean negative log-likelihood of the true class, weighted by `weights` when given (same
/// length as labels). Probabilities are clipped to [1e-15, 1] as scikit-learn does, so a
/// confident miss costs 34.5 nats rather than infinity. `probs` is rows x classes.
inline double log_loss(const matrix& probs, std::span<const int> labels,
                       std::span<const double> weights = {}) {
  if (probs.shape()[0] != labels.size() || (!weights.empty() && weights.size() != labels.size()))
    throw std::invalid_argument("log_loss: probabilities, labels and weights differ in length");
  if (labels.empty()) throw std::invalid_argument("log_loss: no rows");
  const std::size_t classes = probs.shape()[1];
  double total = 0.0, weight_sum = 0.0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto c = static_cast<std::size_t>(labels[i]);
    if (labels[i] < 0 || c >= classes) throw std::invalid_argument("log_loss: label out of range");
    const double w = weights.empty() ? 1.0 : weights[i];
    const double p = std::clamp(probs(i, c), 1e-15, 1.0);
    total -= w * std::log(p);
    weight_sum += w;
  }
  return total / weight_sum;
}

}  // namespace mtf
