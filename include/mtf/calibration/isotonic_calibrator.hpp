#pragma once
/// \file Isotonic calibration of class probabilities (SPEC §4.9): one increasing isotonic
/// regression per class, one-vs-rest, then rows renormalised -- what scikit-learn's
/// CalibratedClassifierCV(method='isotonic') does per fitted calibrator.

#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mtf/calibration/isotonic_regression.hpp"
#include "mtf/calibration/probability_rows.hpp"
#include "mtf/core/errors.hpp"
#include "mtf/core/xtensor.hpp"

namespace mtf::calibration {

/// Per-class isotonic maps p_c -> P(y = c | p_c). Flexible but can overfit a small
/// calibration split, and it outputs exact zeros where a class never occurred (a class whose
/// high scores were never right maps to 0): use it through fit_calibrator, which floors.
class isotonic_calibrator {
 public:
  /// Fits class c's regression on (probs(:, c), 1[label = c]) over all rows. Throws
  /// training_error on malformed input (see check_calibration_input).
  [[nodiscard]] static isotonic_calibrator fit(const matrix& probs, std::span<const int> labels) {
    check_calibration_input(probs, labels, "isotonic_calibrator");
    const std::size_t rows = probs.shape()[0], classes = probs.shape()[1];
    std::vector<isotonic_regression> per_class;
    per_class.reserve(classes);
    std::vector<double> score(rows), target(rows);
    for (std::size_t c = 0; c < classes; ++c) {
      for (std::size_t i = 0; i < rows; ++i) {
        score[i] = probs(i, c);
        target[i] = static_cast<std::size_t>(labels[i]) == c ? 1.0 : 0.0;
      }
      per_class.push_back(isotonic_regression::fit(score, target));
    }
    return isotonic_calibrator(std::move(per_class));
  }

  /// Calibrated probabilities: each class's regression at its column, rows renormalised to
  /// sum to 1 (all-zero rows become uniform). No floor: values can be exactly 0 or 1.
  [[nodiscard]] matrix predict(const matrix& probs) const {
    check_probability_rows(probs, "isotonic_calibrator::predict", per_class_.size());
    matrix out = xt::empty<double>(probs.shape());
    for (std::size_t i = 0; i < probs.shape()[0]; ++i) {
      for (std::size_t c = 0; c < per_class_.size(); ++c) {
        out(i, c) = per_class_[c].predict(probs(i, c));
      }
    }
    normalise_rows(out);
    return out;
  }

  /// Number of classes (columns) it was fitted on.
  [[nodiscard]] std::size_t classes() const noexcept { return per_class_.size(); }
  /// The one-vs-rest regression of each class.
  [[nodiscard]] const std::vector<isotonic_regression>& per_class() const noexcept {
    return per_class_;
  }

  /// {"classes": [regression JSON per class]}.
  [[nodiscard]] nlohmann::json to_json() const {
    nlohmann::json classes_json = nlohmann::json::array();
    for (const auto& r : per_class_)
      classes_json.push_back(r.to_json());
    return {{"classes", classes_json}};
  }
  /// Inverse of to_json; throws artifact_error on a malformed object or fewer than 2 classes.
  [[nodiscard]] static isotonic_calibrator from_json(const nlohmann::json& j) {
    std::vector<isotonic_regression> per_class;
    try {
      for (const auto& r : j.at("classes"))
        per_class.push_back(isotonic_regression::from_json(r));
    } catch (const nlohmann::json::exception& e) {
      throw artifact_error(std::string("isotonic_calibrator: malformed JSON: ") + e.what());
    }
    if (per_class.size() < 2) throw artifact_error("isotonic_calibrator: fewer than 2 classes");
    return isotonic_calibrator(std::move(per_class));
  }

 private:
  explicit isotonic_calibrator(std::vector<isotonic_regression> per_class)
      : per_class_(std::move(per_class)) {}
  std::vector<isotonic_regression> per_class_;
};

}  // namespace mtf::calibration
