#pragma once
/// \file Proper scoring rules and calibration measures for class probabilities, shared by every
/// stage that scores predictions (out-of-fold models, calibration, validation, drift).
/// Probabilities are rows x classes (mtf: down, neutral, up = 0, 1, 2); labels are class indices.
/// Bad input (length mismatch, no rows, label out of range, non-finite probability) throws
/// mtf::training_error, the error of a run whose data cannot give a deployable model.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/core/xtensor.hpp"

namespace mtf {

namespace scoring_detail {

/// Checks what every scoring rule needs: same row count, at least one row, labels in
/// [0, classes), finite probabilities. `what` names the caller in the message.
inline void check_scoring_input(const matrix& probs, std::span<const int> labels,
                                const char* what) {
  if (probs.shape()[0] != labels.size())
    throw training_error(std::string(what) + ": " + std::to_string(probs.shape()[0]) +
                         " probability rows but " + std::to_string(labels.size()) + " labels");
  if (labels.empty()) throw training_error(std::string(what) + ": no rows");
  const std::size_t classes = probs.shape()[1];
  if (classes < 2)
    throw training_error(std::string(what) + ": need at least 2 classes, got " +
                         std::to_string(classes));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || static_cast<std::size_t>(labels[i]) >= classes)
      throw training_error(std::string(what) + ": label " + std::to_string(labels[i]) + " in row " +
                           std::to_string(i) + " is outside [0, " + std::to_string(classes) + ")");
    for (std::size_t c = 0; c < classes; ++c) {
      if (!std::isfinite(probs(i, c)))
        throw training_error(std::string(what) + ": non-finite probability in row " +
                             std::to_string(i) + ", class " + std::to_string(c));
    }
  }
}

/// Index of the largest entry of row i; ties go to the lowest class index.
inline std::size_t row_argmax(const matrix& probs, std::size_t i) {
  std::size_t best = 0;
  for (std::size_t c = 1; c < probs.shape()[1]; ++c) {
    if (probs(i, c) > probs(i, best)) best = c;
  }
  return best;
}

}  // namespace scoring_detail

/// Mean negative log-likelihood of the true class (nats), weighted by `weights` when given
/// (same length as labels, non-negative, positive sum). Probabilities are clipped to
/// [1e-15, 1] as scikit-learn does, so a confident miss costs 34.5 nats rather than infinity.
inline double log_loss(const matrix& probs, std::span<const int> labels,
                       std::span<const double> weights = {}) {
  scoring_detail::check_scoring_input(probs, labels, "log_loss");
  if (!weights.empty() && weights.size() != labels.size())
    throw training_error("log_loss: " + std::to_string(weights.size()) + " weights for " +
                         std::to_string(labels.size()) + " rows");
  double total = 0.0, weight_sum = 0.0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    if (!(w >= 0.0) || !std::isfinite(w))
      throw training_error("log_loss: weight in row " + std::to_string(i) +
                           " is negative or not finite");
    const double p = std::clamp(probs(i, static_cast<std::size_t>(labels[i])), 1e-15, 1.0);
    total -= w * std::log(p);
    weight_sum += w;
  }
  if (!(weight_sum > 0.0)) throw training_error("log_loss: weights sum to zero");
  return total / weight_sum;
}

/// Multi-class Brier score: mean over rows of sum over classes of (p_c - 1[y = c])^2. This is
/// the sum-over-classes convention (Brier 1950), ranging over [0, 2]; scikit-learn's binary
/// `brier_score_loss` is half of it for two classes. Uniform 3-class guesses score 2/3.
inline double brier_score(const matrix& probs, std::span<const int> labels) {
  scoring_detail::check_scoring_input(probs, labels, "brier_score");
  const std::size_t classes = probs.shape()[1];
  double total = 0.0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    for (std::size_t c = 0; c < classes; ++c) {
      const double target = static_cast<std::size_t>(labels[i]) == c ? 1.0 : 0.0;
      const double diff = probs(i, c) - target;
      total += diff * diff;
    }
  }
  return total / static_cast<double>(labels.size());
}

/// One equal-width confidence bin of a reliability table, the interval (lower, upper].
/// `mean_confidence` and `accuracy` are 0 when `count` is 0 (plots skip empty bins).
struct reliability_bin {
  double lower = 0.0;            ///< lower edge b / bins (exclusive, except 0 for the first bin)
  double upper = 0.0;            ///< upper edge (b + 1) / bins (inclusive)
  std::size_t count = 0;         ///< rows whose top-label confidence falls in the bin
  double mean_confidence = 0.0;  ///< mean of max_c p_c over those rows
  double accuracy = 0.0;         ///< share of those rows whose argmax equals the label
};

/// Top-label reliability table with `bins` equal-width bins over [0, 1] (default 15).
/// Confidence is max_c p_c, a row is correct when argmax_c p_c (ties: lowest class) is its
/// label. Bins are left-open, right-closed, (b/bins, (b+1)/bins], as in Guo et al. (2017), so
/// a confidence of exactly 1.0 falls in the last bin and one exactly on an inner edge falls
/// in the bin below the edge; a confidence of 0 (impossible for a top label) goes to the first.
inline std::vector<reliability_bin> reliability_table(const matrix& probs,
                                                      std::span<const int> labels,
                                                      std::size_t bins = 15) {
  scoring_detail::check_scoring_input(probs, labels, "reliability_table");
  if (bins == 0) throw training_error("reliability_table: need at least one bin");
  const auto edge = [bins](std::size_t b) {
    return static_cast<double>(b) / static_cast<double>(bins);
  };
  std::vector<reliability_bin> table(bins);
  for (std::size_t b = 0; b < bins; ++b) {
    table[b].lower = edge(b);
    table[b].upper = edge(b + 1);
  }
  std::vector<double> confidence_sum(bins, 0.0), correct(bins, 0.0);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::size_t top = scoring_detail::row_argmax(probs, i);
    const double confidence = probs(i, top);
    if (confidence < 0.0 || confidence > 1.0)
      throw training_error("reliability_table: confidence " + std::to_string(confidence) +
                           " in row " + std::to_string(i) + " is outside [0, 1]");
    // First guess from the arithmetic, then corrected against the very edges the table
    // reports, so that rounding in confidence * bins cannot move a value across an edge.
    const double scaled = std::ceil(confidence * static_cast<double>(bins));
    std::size_t b = scaled <= 1.0 ? 0 : std::min(bins - 1, static_cast<std::size_t>(scaled) - 1);
    while (b > 0 && confidence <= table[b].lower)
      --b;
    while (b + 1 < bins && confidence > table[b].upper)
      ++b;
    ++table[b].count;
    confidence_sum[b] += confidence;
    if (static_cast<std::size_t>(labels[i]) == top) correct[b] += 1.0;
  }
  for (std::size_t b = 0; b < bins; ++b) {
    if (table[b].count == 0) continue;
    const auto n = static_cast<double>(table[b].count);
    table[b].mean_confidence = confidence_sum[b] / n;
    table[b].accuracy = correct[b] / n;
  }
  return table;
}

/// Top-label expected calibration error: sum over bins of (n_b / N) * |accuracy_b -
/// mean confidence_b|, with the bins of `reliability_table` (default 15 equal-width bins).
/// In [0, 1]; 0 for a perfectly calibrated top label.
inline double expected_calibration_error(const matrix& probs, std::span<const int> labels,
                                         std::size_t bins = 15) {
  const auto table = reliability_table(probs, labels, bins);
  double ece = 0.0;
  for (const auto& bin : table) {
    ece += static_cast<double>(bin.count) * std::abs(bin.accuracy - bin.mean_confidence);
  }
  return ece / static_cast<double>(labels.size());
}

}  // namespace mtf
