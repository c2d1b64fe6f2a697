#pragma once
/// \file Sigmoid (Platt) calibration of class probabilities (SPEC §4.9): per class,
/// one-vs-rest, P(y = c | p_c) = 1 / (1 + exp(A_c p_c + B_c)), then rows renormalised.

#include <cmath>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mtf/calibration/probability_rows.hpp"
#include "mtf/core/errors.hpp"
#include "mtf/core/xtensor.hpp"

namespace mtf::calibration {

/// Parameters of one Platt sigmoid: P(positive | score f) = 1 / (1 + exp(a f + b)). A
/// well-ordered score gives a < 0.
struct platt_parameters {
  double a = 0.0;
  double b = 0.0;
};

namespace sigmoid_detail {

/// 1 / (1 + exp(z)) without overflow for large |z|.
inline double platt_probability(double z) {
  if (z >= 0.0) {
    const double e = std::exp(-z);
    return e / (1.0 + e);
  }
  return 1.0 / (1.0 + std::exp(z));
}

/// log(1 + exp(z)) without overflow.
inline double log1p_exp(double z) {
  return z > 0.0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
}

/// Cross-entropy of soft targets t_i against platt_probability(a f_i + b), summed.
inline double platt_objective(std::span<const double> scores, std::span<const double> targets,
                              double a, double b) {
  double total = 0.0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double z = a * scores[i] + b;
    // -t log p - (1 - t) log(1 - p) with p = 1 / (1 + e^z) equals t z + log(1 + e^-z).
    total += targets[i] * z + log1p_exp(-z);
  }
  return total;
}

}  // namespace sigmoid_detail

/// Fits Platt's sigmoid to scores and binary labels by Newton's method with backtracking line
/// search (Lin, Lin & Weng 2007, "A note on Platt's probabilistic outputs"). Uses Platt's
/// target smoothing, as scikit-learn does: positives get target (N+ + 1) / (N+ + 2), negatives
/// 1 / (N- + 2), which keeps a, b finite on separable data. Converges to a gradient below
/// 1e-12 per row, a negligible Newton step or until the line search cannot improve (the
/// optimum in double precision).
inline platt_parameters fit_platt(std::span<const double> scores, std::span<const bool> positive) {
  if (scores.size() != positive.size() || scores.empty())
    throw training_error("fit_platt: need one label per score and at least one score");
  double n_pos = 0.0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (!std::isfinite(scores[i]))
      throw training_error("fit_platt: score " + std::to_string(i) + " is not finite");
    n_pos += positive[i] ? 1.0 : 0.0;
  }
  const double n_neg = static_cast<double>(scores.size()) - n_pos;
  const double hi_target = (n_pos + 1.0) / (n_pos + 2.0), lo_target = 1.0 / (n_neg + 2.0);
  std::vector<double> targets(scores.size());
  for (std::size_t i = 0; i < scores.size(); ++i)
    targets[i] = positive[i] ? hi_target : lo_target;

  platt_parameters ab{0.0, std::log((n_neg + 1.0) / (n_pos + 1.0))};
  double objective = sigmoid_detail::platt_objective(scores, targets, ab.a, ab.b);
  // The tiny ridge keeps the Hessian invertible when every score is equal (then a stays 0).
  constexpr double ridge = 1e-12, min_step = 1e-10;
  const double gradient_tolerance = 1e-12 * static_cast<double>(scores.size());
  for (int iteration = 0; iteration < 100; ++iteration) {
    double h11 = ridge, h22 = ridge, h21 = 0.0, g1 = 0.0, g2 = 0.0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      const double p = sigmoid_detail::platt_probability(ab.a * scores[i] + ab.b);
      const double d2 = p * (1.0 - p);
      h11 += scores[i] * scores[i] * d2;
      h22 += d2;
      h21 += scores[i] * d2;
      const double d1 = targets[i] - p;
      g1 += scores[i] * d1;
      g2 += d1;
    }
    if (std::abs(g1) < gradient_tolerance && std::abs(g2) < gradient_tolerance) break;
    const double det = h11 * h22 - h21 * h21;
    const double da = -(h22 * g1 - h21 * g2) / det, db = -(-h21 * g1 + h11 * g2) / det;
    // A step below the precision of the parameters changes nothing more.
    if (std::abs(da) <= 1e-15 * (1.0 + std::abs(ab.a)) &&
        std::abs(db) <= 1e-15 * (1.0 + std::abs(ab.b)))
      break;
    const double slope = g1 * da + g2 * db;
    double step = 1.0;
    bool improved = false;
    while (step >= min_step) {
      const double a = ab.a + step * da, b = ab.b + step * db;
      const double candidate = sigmoid_detail::platt_objective(scores, targets, a, b);
      // The slack admits Newton's last, tiny steps, whose gain is below the rounding of a
      // sum of n terms; without it the solve stalls about 1e-7 short of the optimum.
      if (candidate < objective + 1e-4 * step * slope + 1e-12 * std::abs(objective)) {
        ab = {a, b};
        objective = candidate;
        improved = true;
        break;
      }
      step /= 2.0;
    }
    if (!improved) break;
  }
  return ab;
}

/// Per-class Platt scaling on the raw class probability p_c as the score (what scikit-learn
/// does for a classifier exposing predict_proba). Two parameters per class, so it rarely
/// overfits, but it can only bend probabilities monotonically along a sigmoid.
class sigmoid_calibrator {
 public:
  /// Fits one sigmoid per class on (probs(:, c), label == c). Throws training_error on
  /// malformed input (see check_calibration_input).
  [[nodiscard]] static sigmoid_calibrator fit(const matrix& probs, std::span<const int> labels) {
    check_calibration_input(probs, labels, "sigmoid_calibrator");
    const std::size_t rows = probs.shape()[0], classes = probs.shape()[1];
    std::vector<platt_parameters> per_class;
    std::vector<double> score(rows);
    auto positive = std::make_unique<bool[]>(rows);  // not vector<bool>: span needs bools
    for (std::size_t c = 0; c < classes; ++c) {
      for (std::size_t i = 0; i < rows; ++i) {
        score[i] = probs(i, c);
        positive[i] = static_cast<std::size_t>(labels[i]) == c;
      }
      per_class.push_back(fit_platt(score, std::span<const bool>(positive.get(), rows)));
    }
    return sigmoid_calibrator(std::move(per_class));
  }

  /// Builds a calibrator from known parameters, one per class (at least 2, finite).
  [[nodiscard]] static sigmoid_calibrator from_parameters(std::vector<platt_parameters> per_class) {
    if (per_class.size() < 2) throw artifact_error("sigmoid_calibrator: fewer than 2 classes");
    for (const auto& p : per_class) {
      if (!std::isfinite(p.a) || !std::isfinite(p.b))
        throw artifact_error("sigmoid_calibrator: non-finite parameter");
    }
    return sigmoid_calibrator(std::move(per_class));
  }

  /// Calibrated probabilities: each class's sigmoid at its column, rows renormalised to sum
  /// to 1. Values are positive but can round to 0 or 1 for extreme parameters (no floor here).
  [[nodiscard]] matrix predict(const matrix& probs) const {
    check_probability_rows(probs, "sigmoid_calibrator::predict", per_class_.size());
    matrix out = xt::empty<double>(probs.shape());
    for (std::size_t i = 0; i < probs.shape()[0]; ++i) {
      for (std::size_t c = 0; c < per_class_.size(); ++c) {
        out(i, c) =
            sigmoid_detail::platt_probability(per_class_[c].a * probs(i, c) + per_class_[c].b);
      }
    }
    normalise_rows(out);
    return out;
  }

  /// Number of classes (columns) it was fitted on.
  [[nodiscard]] std::size_t classes() const noexcept { return per_class_.size(); }
  /// The sigmoid of each class.
  [[nodiscard]] const std::vector<platt_parameters>& per_class() const noexcept {
    return per_class_;
  }

  /// {"a": [per class], "b": [per class]}.
  [[nodiscard]] nlohmann::json to_json() const {
    std::vector<double> a, b;
    for (const auto& p : per_class_) {
      a.push_back(p.a);
      b.push_back(p.b);
    }
    return {{"a", a}, {"b", b}};
  }
  /// Inverse of to_json; throws artifact_error on a malformed object.
  [[nodiscard]] static sigmoid_calibrator from_json(const nlohmann::json& j) {
    std::vector<double> a, b;
    try {
      a = j.at("a").get<std::vector<double>>();
      b = j.at("b").get<std::vector<double>>();
    } catch (const nlohmann::json::exception& e) {
      throw artifact_error(std::string("sigmoid_calibrator: malformed JSON: ") + e.what());
    }
    if (a.size() != b.size()) throw artifact_error("sigmoid_calibrator: a and b differ in length");
    std::vector<platt_parameters> per_class;
    for (std::size_t c = 0; c < a.size(); ++c)
      per_class.push_back({a[c], b[c]});
    return from_parameters(std::move(per_class));
  }

 private:
  explicit sigmoid_calibrator(std::vector<platt_parameters> per_class)
      : per_class_(std::move(per_class)) {}
  std::vector<platt_parameters> per_class_;
};

}  // namespace mtf::calibration
