#pragma once
/// \file Class-balancing weights (SPEC §4.7): per-row sample weights that make the weighted class
/// mix equal the policy's target, and scikit-learn's "balanced" class weights.

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/labels/label_classes.hpp"
#include "mtf/labels/label_distribution.hpp"

namespace mtf {

namespace label_detail {

inline label_distribution counts_without_empty_class(std::span<const int> labels,
                                                     const char* what) {
  const label_distribution d = count_labels(labels);
  for (std::size_t c = 0; c < class_count; ++c) {
    if (d.count[c] == 0)
      throw training_error(std::string(what) + ": class " +
                           std::string(class_name(static_cast<int>(c))) + " has no rows among " +
                           std::to_string(d.rows) + ", so it cannot be weighted");
  }
  return d;
}

}  // namespace label_detail

/// Per-class weights w_c = target_c · N / count_c (SPEC §4.7) for labels in {0, 1, 2} and a
/// target mix (down, neutral, up) of positive shares summing to 1. Weighted, each class then
/// carries exactly target_c of the total weight N. Throws training_error for an empty class,
/// std::invalid_argument for a bad target.
inline std::array<double, class_count> target_mix_class_weights(
    std::span<const int> labels, const std::array<double, class_count>& target) {
  double sum = 0.0;
  for (const double t : target) {
    if (!(t > 0.0 && t < 1.0))
      throw std::invalid_argument("class weights: every target share must lie in (0, 1)");
    sum += t;
  }
  if (std::fabs(sum - 1.0) > 1e-9)
    throw std::invalid_argument("class weights: target shares must sum to 1");
  const label_distribution d = label_detail::counts_without_empty_class(labels, "class weights");
  std::array<double, class_count> w{};
  for (std::size_t c = 0; c < class_count; ++c)
    w[c] = target[c] * static_cast<double>(d.rows) / static_cast<double>(d.count[c]);
  return w;
}

/// Per-row sample weights w_{label[i]} = target_c · N / count_c: the weights every base model
/// trains with. Same errors as target_mix_class_weights.
inline std::vector<double> target_mix_sample_weights(
    std::span<const int> labels, const std::array<double, class_count>& target) {
  const auto w = target_mix_class_weights(labels, target);
  std::vector<double> out(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i)
    out[i] = w[static_cast<std::size_t>(labels[i])];
  return out;
}

/// scikit-learn's class_weight="balanced": N / (K · count_c) with K = 3 classes, as
/// `sklearn.utils.class_weight.compute_class_weight("balanced", classes=[0, 1, 2], y=labels)`.
/// Used by the logistic meta-model. Throws training_error for an empty class.
inline std::array<double, class_count> balanced_class_weights(std::span<const int> labels) {
  const label_distribution d =
      label_detail::counts_without_empty_class(labels, "balanced class weights");
  std::array<double, class_count> w{};
  for (std::size_t c = 0; c < class_count; ++c)
    w[c] = static_cast<double>(d.rows) /
           (static_cast<double>(class_count) * static_cast<double>(d.count[c]));
  return w;
}

/// Per-row weights from balanced_class_weights.
inline std::vector<double> balanced_sample_weights(std::span<const int> labels) {
  const auto w = balanced_class_weights(labels);
  std::vector<double> out(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i)
    out[i] = w[static_cast<std::size_t>(labels[i])];
  return out;
}

}  // namespace mtf
