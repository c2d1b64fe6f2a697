#pragma once
/// \file Classification metrics of the test split (SPEC §7): confusion matrix, per-class
/// precision and recall, accuracy, and directional accuracy on the eligible signals.

#include <array>
#include <cstddef>
#include <span>
#include <string>

#include "mtf/validation/signal_stats.hpp"

namespace mtf::validation {

/// Metrics of predicted classes against realised labels, classes (down, neutral, up).
struct classification_metrics {
  /// confusion[true][predicted] counts.
  std::array<std::array<std::size_t, 3>, 3> confusion{};
  /// precision[c] = confusion[c][c] / (bars predicted c); 0 when c was never predicted
  /// (scikit-learn's zero_division=0).
  std::array<double, 3> precision{};
  /// recall[c] = confusion[c][c] / (bars labelled c); 0 when no bar is labelled c.
  std::array<double, 3> recall{};
  double accuracy = 0;  ///< share of bars whose predicted class equals the label
  /// Eligible bars predicted up or down (the ones the backtest may trade).
  std::size_t eligible_directional = 0;
  /// Of those, bars whose label equals the predicted direction. A neutral label counts as a
  /// miss: the signal promised a move that did not come.
  std::size_t eligible_correct = 0;
  /// eligible_correct / eligible_directional; 0 when there is no eligible directional bar
  /// (check eligible_directional before reading it as "always wrong").
  double directional_accuracy = 0;
};

/// Metrics of `sig` (from compute_signals) against `labels` (0, 1, 2). Throws data_error when the
/// lengths differ, there are no rows, or a label is out of range.
inline classification_metrics compute_classification_metrics(const signals& sig,
                                                             std::span<const int> labels) {
  const std::string where = "compute_classification_metrics";
  if (labels.size() != sig.size())
    detail::bad_input(where, "labels",
                      std::to_string(labels.size()) + " labels for " + std::to_string(sig.size()) +
                          " predictions");
  if (labels.empty()) detail::bad_input(where, "labels", "no rows");
  classification_metrics m;
  std::size_t correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const int truth = labels[i];
    if (truth < 0 || truth > 2)
      detail::bad_input(where, "labels",
                        "row " + std::to_string(i) + " has label " + std::to_string(truth) +
                            " (expected 0, 1 or 2)");
    const int predicted = sig.direction[i];
    ++m.confusion[static_cast<std::size_t>(truth)][static_cast<std::size_t>(predicted)];
    if (truth == predicted) ++correct;
    if (sig.eligible[i] && predicted != class_neutral) {
      ++m.eligible_directional;
      if (truth == predicted) ++m.eligible_correct;
    }
  }
  for (std::size_t c = 0; c < 3; ++c) {
    std::size_t predicted_c = 0, labelled_c = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      predicted_c += m.confusion[k][c];
      labelled_c += m.confusion[c][k];
    }
    const auto hit = static_cast<double>(m.confusion[c][c]);
    m.precision[c] = predicted_c == 0 ? 0.0 : hit / static_cast<double>(predicted_c);
    m.recall[c] = labelled_c == 0 ? 0.0 : hit / static_cast<double>(labelled_c);
  }
  m.accuracy = static_cast<double>(correct) / static_cast<double>(labels.size());
  m.directional_accuracy =
      m.eligible_directional == 0
          ? 0.0
          : static_cast<double>(m.eligible_correct) / static_cast<double>(m.eligible_directional);
  return m;
}

}  // namespace mtf::validation
