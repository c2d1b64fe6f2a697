#pragma once
/// \file Class counts of a label vector and the "every class present" check on the training
/// rows (SPEC §4.5: the "SELL never appears" failure must stop the run, loudly).

#include <array>
#include <cstddef>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <string>

#include "mtf/core/errors.hpp"
#include "mtf/labels/label_classes.hpp"

namespace mtf {

/// Rows per class and their shares, indexed by class (down, neutral, up).
struct label_distribution {
  std::array<std::size_t, class_count> count{};
  std::array<double, class_count> share{};  ///< count / rows; all 0 when rows == 0
  std::size_t rows = 0;
};

/// Counts the classes of `labels` (each must be 0, 1 or 2; unlabeled bars are dropped before
/// this). Throws std::invalid_argument naming the row of any other value.
inline label_distribution count_labels(std::span<const int> labels) {
  label_distribution out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const int c = labels[i];
    if (c < 0 || c >= static_cast<int>(class_count))
      throw std::invalid_argument("count_labels: row " + std::to_string(i) + " has label " +
                                  std::to_string(c) + " (" + std::string(class_name(c)) +
                                  "); only down, neutral and up (0, 1, 2) can be counted");
    ++out.count[static_cast<std::size_t>(c)];
  }
  out.rows = labels.size();
  if (out.rows > 0) {
    for (std::size_t c = 0; c < class_count; ++c)
      out.share[c] = static_cast<double>(out.count[c]) / static_cast<double>(out.rows);
  }
  return out;
}

/// Fails the run unless every class has at least `min_class_share` of the training labels:
/// throws training_error naming the first offending class (down, neutral, up order), its count,
/// share and the minimum, e.g. "class down has 0 of 5000 training rows (0.00%), below the
/// policy's minimum 5.00%". Also throws training_error for no rows. Returns the distribution.
inline label_distribution check_label_distribution(std::span<const int> train_labels,
                                                   double min_class_share) {
  if (!(min_class_share >= 0.0 && min_class_share < 1.0))
    throw std::invalid_argument("check_label_distribution: min_class_share must lie in [0, 1)");
  const label_distribution d = count_labels(train_labels);
  if (d.rows == 0) throw training_error("label check: there are no training rows");
  for (std::size_t c = 0; c < class_count; ++c) {
    // A missing class fails even with a minimum of 0: a model cannot learn a class it never saw.
    if (d.count[c] == 0 || d.share[c] < min_class_share) {
      char shares[96];
      std::snprintf(shares, sizeof shares, "(%.2f%%), below the policy's minimum %.2f%%",
                    100.0 * d.share[c], 100.0 * min_class_share);
      throw training_error(
          "label check: class " + std::string(class_name(static_cast<int>(c))) + " has " +
          std::to_string(d.count[c]) + " of " + std::to_string(d.rows) + " training rows " +
          shares + (d.count[c] == 0 ? " -- the class never appears in the training labels" : ""));
    }
  }
  return d;
}

}  // namespace mtf
