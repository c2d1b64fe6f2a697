#pragma once
/// \file Bias-corrected temperature scaling (SPEC §4.9; Guo et al. 2017 with the per-class bias
/// of Alexandari et al. 2020): p'_c ∝ exp(log(p_c) / T + b_c). The temperature rescales
/// confidence; the biases move the class means, so a model trained on a re-weighted class mix
/// gets back to the real class prior. K + 1 parameters (K − 1 free biases); with all biases 0
/// it keeps the argmax.
///
/// The biases may carry a Gaussian prior centred on a known correction: for a model trained
/// with target-mix weights, log(train share / target share) undoes the re-weighting exactly
/// (Saerens et al. 2002). A short calibration split covers one market regime, and its class mix
/// is that regime's, not the long-run prior: without a prior the biases would learn it (on
/// trending daily data this turned a skilled stack into one worse than the constant). The
/// prior is worth `rows` calibration rows, so a long split can still move the biases.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "mtf/calibration/probability_rows.hpp"
#include "mtf/core/errors.hpp"
#include "mtf/core/xtensor.hpp"

namespace mtf::calibration {

/// A Gaussian prior on the biases of temperature scaling: centred on `center` (one value per
/// class; only differences between classes matter) and as strong as `rows` calibration rows at
/// class probabilities of 1/K (precision rows · (1/K)(1 − 1/K) per free bias).
struct bias_prior {
  std::vector<double> center;
  double rows = 0.0;
};

/// A fitted temperature T > 0 and per-class biases b (summing to 0). T > 1 softens, T < 1
/// sharpens; T = 1 with b = 0 is the identity on normalised rows.
class temperature_scaling {
 public:
  /// Fitted temperatures are limited to [min_temperature, max_temperature]: at the upper
  /// end the scaled log-probabilities are nearly flat (the biases alone then carry the class
  /// mix), at the lower end a perfectly separating model is already nearly one-hot.
  static constexpr double min_temperature = 1e-2;
  static constexpr double max_temperature = 1e2;
  /// Biases are limited to ±max_bias: a class absent from the fitting rows would otherwise
  /// drive its bias to −∞ (the probability floor of the calibrator then takes over).
  static constexpr double max_bias = 30.0;
  /// Probabilities are clipped below at this value before the logarithm (as log_loss does),
  /// so a 0 input is a very unlikely class rather than minus infinity.
  static constexpr double log_clip = 1e-15;

  /// Fits T and b minimising the mean log loss of the scaled probabilities on (probs, labels),
  /// plus the bias prior's penalty when one is given (a maximum a posteriori fit).
  /// In β = 1/T and b the loss is that of a multinomial logistic regression with one shared
  /// slope, hence convex: solved by projected Newton with backtracking, β kept inside
  /// [1/max_temperature, 1/min_temperature] and b_0 fixed at 0 (the loss ignores a common shift
  /// of b; the stored biases are re-centred to sum 0). At the optimum the mean calibrated
  /// probability of every class equals its share of the labels (the bias gradient), unless a
  /// bound is active or a prior pulls the biases towards its centre. Deterministic. Throws
  /// training_error on malformed input or a prior of the wrong size.
  [[nodiscard]] static temperature_scaling fit(const matrix& probs, std::span<const int> labels,
                                               const bias_prior* prior = nullptr) {
    check_calibration_input(probs, labels, "temperature_scaling");
    const std::size_t rows = probs.shape()[0], classes = probs.shape()[1];
    if (prior &&
        (prior->center.size() != classes || !(prior->rows >= 0.0) || !std::isfinite(prior->rows)))
      throw training_error(
          "temperature_scaling: the bias prior needs one centre per class and "
          "a finite, non-negative weight");
    // The prior in the b_0 = 0 parameterisation: centres relative to class 0, and its precision
    // on the mean loss (the loss is a mean over `rows` rows).
    std::vector<double> center(classes, 0.0);
    double precision = 0.0;
    if (prior) {
      for (std::size_t c = 0; c < classes; ++c)
        center[c] = prior->center[c] - prior->center[0];
      const double k = static_cast<double>(classes);
      precision = prior->rows * (1.0 / k) * (1.0 - 1.0 / k) / static_cast<double>(rows);
    }
    std::vector<double> z(rows * classes);
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t c = 0; c < classes; ++c)
        z[i * classes + c] = std::log(std::max(probs(i, c), log_clip));

    // Parameters theta = (beta, b_1, ..., b_{K-1}); b_0 = 0.
    const auto k = static_cast<Eigen::Index>(classes);
    Eigen::VectorXd theta = Eigen::VectorXd::Zero(k);
    theta(0) = 1.0;
    for (std::size_t c = 1; c < classes; ++c)  // start at the prior's centre
      theta(static_cast<Eigen::Index>(c)) = std::clamp(center[c], -max_bias, max_bias);
    const double beta_lo = 1.0 / max_temperature, beta_hi = 1.0 / min_temperature;
    std::vector<double> p(classes);

    // Mean loss at theta; with `gradient`/`hessian` non-null also their mean derivatives.
    const auto evaluate = [&](const Eigen::VectorXd& t, Eigen::VectorXd* gradient,
                              Eigen::MatrixXd* hessian) {
      double loss = 0.0;
      if (gradient) *gradient = Eigen::VectorXd::Zero(k);
      if (hessian) *hessian = Eigen::MatrixXd::Zero(k, k);
      for (std::size_t i = 0; i < rows; ++i) {
        const double* zi = &z[i * classes];
        double top = -INFINITY;
        for (std::size_t c = 0; c < classes; ++c) {
          p[c] = t(0) * zi[c] + (c == 0 ? 0.0 : t(static_cast<Eigen::Index>(c)));
          top = std::max(top, p[c]);
        }
        double total = 0.0;
        for (std::size_t c = 0; c < classes; ++c) {
          p[c] = std::exp(p[c] - top);
          total += p[c];
        }
        const auto y = static_cast<std::size_t>(labels[i]);
        loss += std::log(total) + top -
                (t(0) * zi[y] + (y == 0 ? 0.0 : t(static_cast<Eigen::Index>(y))));
        if (!gradient) continue;
        double mean_z = 0.0;
        for (std::size_t c = 0; c < classes; ++c) {
          p[c] /= total;
          mean_z += p[c] * zi[c];
        }
        double var_z = 0.0;
        for (std::size_t c = 0; c < classes; ++c)
          var_z += p[c] * (zi[c] - mean_z) * (zi[c] - mean_z);
        (*gradient)(0) += mean_z - zi[y];
        (*hessian)(0, 0) += var_z;
        for (std::size_t c = 1; c < classes; ++c) {
          const auto ci = static_cast<Eigen::Index>(c);
          (*gradient)(ci) += p[c] - (c == y ? 1.0 : 0.0);
          const double cross = p[c] * (zi[c] - mean_z);
          (*hessian)(0, ci) += cross;
          (*hessian)(ci, 0) += cross;
          for (std::size_t d = 1; d < classes; ++d)
            (*hessian)(ci, static_cast<Eigen::Index>(d)) += (c == d ? p[c] : 0.0) - p[c] * p[d];
        }
      }
      const auto n = static_cast<double>(rows);
      if (gradient) *gradient /= n;
      if (hessian) *hessian /= n;
      double penalty = 0.0;
      for (std::size_t c = 1; c < classes; ++c) {
        const auto ci = static_cast<Eigen::Index>(c);
        const double off = t(ci) - center[c];
        penalty += 0.5 * precision * off * off;
        if (gradient) (*gradient)(ci) += precision * off;
        if (hessian) (*hessian)(ci, ci) += precision;
      }
      return loss / n + penalty;
    };
    const auto project = [&](Eigen::VectorXd& t) {
      t(0) = std::clamp(t(0), beta_lo, beta_hi);
      for (Eigen::Index c = 1; c < k; ++c)
        t(c) = std::clamp(t(c), -max_bias, max_bias);
    };

    Eigen::VectorXd gradient;
    Eigen::MatrixXd hessian;
    double loss = evaluate(theta, &gradient, &hessian);
    for (int iteration = 0; iteration < 200; ++iteration) {
      // Active set: a parameter at a bound whose gradient pushes it further out stays there.
      std::vector<Eigen::Index> free;
      for (Eigen::Index j = 0; j < k; ++j) {
        const double lo = j == 0 ? beta_lo : -max_bias, hi = j == 0 ? beta_hi : max_bias;
        const bool stuck =
            (theta(j) <= lo && gradient(j) > 0) || (theta(j) >= hi && gradient(j) < 0);
        if (!stuck) free.push_back(j);
      }
      if (free.empty()) break;
      const auto m = static_cast<Eigen::Index>(free.size());
      Eigen::VectorXd g(m);
      Eigen::MatrixXd h(m, m);
      for (Eigen::Index a = 0; a < m; ++a) {
        g(a) = gradient(free[static_cast<std::size_t>(a)]);
        for (Eigen::Index b = 0; b < m; ++b)
          h(a, b) = hessian(free[static_cast<std::size_t>(a)], free[static_cast<std::size_t>(b)]);
      }
      // No tolerance: the line search below ends the loop once no decrease is representable,
      // which also lets a flat but still falling loss run on to a bound (perfect separation).
      if (g.cwiseAbs().maxCoeff() == 0.0) break;
      // A tiny ridge keeps the solve defined when a class never appears or z is constant.
      h.diagonal().array() += 1e-12;
      Eigen::VectorXd step = h.ldlt().solve(-g);
      if (!step.allFinite() || !(g.dot(step) < 0)) step = -g;  // fall back to steepest descent
      Eigen::VectorXd full_step = Eigen::VectorXd::Zero(k);
      for (Eigen::Index a = 0; a < m; ++a)
        full_step(free[static_cast<std::size_t>(a)]) = step(a);
      double t = 1.0;
      bool moved = false;
      for (int halving = 0; halving < 60; ++halving, t *= 0.5) {
        Eigen::VectorXd trial = theta + t * full_step;
        project(trial);
        const double trial_loss = evaluate(trial, nullptr, nullptr);
        if (trial_loss <= loss + 1e-4 * std::min(0.0, gradient.dot(trial - theta))) {
          moved = (trial - theta).cwiseAbs().maxCoeff() > 0;
          theta = trial;
          loss = trial_loss;
          break;
        }
      }
      if (!moved) break;  // no representable decrease left: converged to double precision
      loss = evaluate(theta, &gradient, &hessian);
    }
    std::vector<double> bias(classes, 0.0);
    double mean_bias = 0.0;
    for (std::size_t c = 1; c < classes; ++c)
      mean_bias += theta(static_cast<Eigen::Index>(c));
    mean_bias /= static_cast<double>(classes);
    for (std::size_t c = 0; c < classes; ++c)
      bias[c] = (c == 0 ? 0.0 : theta(static_cast<Eigen::Index>(c))) - mean_bias;
    return temperature_scaling(1.0 / theta(0), std::move(bias));
  }

  /// A calibrator with a known temperature and biases (empty = all 0); throws artifact_error
  /// unless T is finite and > 0 and every bias is finite.
  [[nodiscard]] static temperature_scaling with_temperature(double temperature,
                                                            std::vector<double> bias = {}) {
    if (!std::isfinite(temperature) || !(temperature > 0.0))
      throw artifact_error("temperature_scaling: temperature " + std::to_string(temperature) +
                           " is not a finite positive number");
    for (const double b : bias)
      if (!std::isfinite(b)) throw artifact_error("temperature_scaling: a bias is not finite");
    return temperature_scaling(temperature, std::move(bias));
  }

  /// softmax(log(max(p, 1e-15)) / T + b) per row. Any number of columns >= 2 (the number of
  /// biases when they were fitted). Values can round to 0 or 1 for tiny T (no floor here).
  [[nodiscard]] matrix predict(const matrix& probs) const {
    check_probability_rows(probs, "temperature_scaling::predict");
    const std::size_t classes = probs.shape()[1];
    if (!bias_.empty() && bias_.size() != classes)
      throw training_error("temperature_scaling::predict: fitted for " +
                           std::to_string(bias_.size()) + " classes, got " +
                           std::to_string(classes) + " columns");
    matrix out = xt::empty<double>(probs.shape());
    for (std::size_t i = 0; i < probs.shape()[0]; ++i) {
      double z_max = -INFINITY;
      for (std::size_t c = 0; c < classes; ++c) {
        out(i, c) = std::log(std::max(probs(i, c), log_clip)) / temperature_ +
                    (bias_.empty() ? 0.0 : bias_[c]);
        z_max = std::max(z_max, out(i, c));
      }
      double total = 0.0;
      for (std::size_t c = 0; c < classes; ++c) {
        out(i, c) = std::exp(out(i, c) - z_max);
        total += out(i, c);
      }
      for (std::size_t c = 0; c < classes; ++c)
        out(i, c) /= total;
    }
    return out;
  }

  /// The fitted temperature T.
  [[nodiscard]] double temperature() const noexcept { return temperature_; }
  /// The per-class biases (sum 0), or empty for a plain temperature.
  [[nodiscard]] const std::vector<double>& bias() const noexcept { return bias_; }

  /// {"temperature": T, "bias": [b_0, ...]}.
  [[nodiscard]] nlohmann::json to_json() const {
    return {{"temperature", temperature_}, {"bias", bias_}};
  }
  /// Inverse of to_json ("bias" may be absent: a plain temperature); throws artifact_error on
  /// a malformed object.
  [[nodiscard]] static temperature_scaling from_json(const nlohmann::json& j) {
    try {
      return with_temperature(j.at("temperature").get<double>(),
                              j.value("bias", std::vector<double>{}));
    } catch (const nlohmann::json::exception& e) {
      throw artifact_error(std::string("temperature_scaling: malformed JSON: ") + e.what());
    }
  }

 private:
  temperature_scaling(double temperature, std::vector<double> bias)
      : temperature_(temperature), bias_(std::move(bias)) {}
  double temperature_;
  std::vector<double> bias_;
};

}  // namespace mtf::calibration
