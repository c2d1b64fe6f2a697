#pragma once
/// \file Temperature scaling (Guo et al. 2017, SPEC §4.9): one temperature T > 0 divides the
/// log-probabilities, then softmax -- p'_c proportional to p_c^(1/T). One parameter, so it
/// cannot overfit a small calibration split; it keeps the argmax and the class order.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mtf/calibration/probability_rows.hpp"
#include "mtf/core/errors.hpp"
#include "mtf/core/xtensor.hpp"

namespace mtf::calibration {

/// A fitted temperature. T > 1 softens (less confident), T < 1 sharpens, T = 1 is identity.
class temperature_scaling {
 public:
  /// Fitted temperatures are limited to [min_temperature, max_temperature]: at the upper
  /// end a useless model is already nearly uniform, at the lower end a perfectly separating
  /// one is already nearly one-hot.
  static constexpr double min_temperature = 1e-2;
  static constexpr double max_temperature = 1e2;
  /// Probabilities are clipped below at this value before the logarithm (as log_loss does),
  /// so a 0 input is a very unlikely class rather than minus infinity.
  static constexpr double log_clip = 1e-15;

  /// Fits T minimising the mean log loss of the scaled probabilities on (probs, labels). The
  /// loss is convex in beta = 1/T, so this is a safeguarded Newton iteration on beta inside a
  /// bracket that always shrinks, converged to double precision; when the optimum lies beyond
  /// a limit, T is that limit. Throws training_error on malformed input.
  [[nodiscard]] static temperature_scaling fit(const matrix& probs, std::span<const int> labels) {
    check_calibration_input(probs, labels, "temperature_scaling");
    const std::size_t rows = probs.shape()[0], classes = probs.shape()[1];
    std::vector<double> logits(rows * classes);
    for (std::size_t i = 0; i < rows; ++i) {
      for (std::size_t c = 0; c < classes; ++c) {
        logits[i * classes + c] = std::log(std::max(probs(i, c), log_clip));
      }
    }
    // First and second derivative of the mean log loss in beta: the gradient is the mean of
    // E_softmax[z] - z_label, the curvature the mean of Var_softmax[z] (never negative).
    const auto derivatives = [&](double beta, double& gradient, double& curvature) {
      gradient = 0.0;
      curvature = 0.0;
      std::vector<double> weight(classes);
      for (std::size_t i = 0; i < rows; ++i) {
        const double* z = &logits[i * classes];
        const double z_max = *std::max_element(z, z + classes);
        double total = 0.0;
        for (std::size_t c = 0; c < classes; ++c) {
          weight[c] = std::exp(beta * (z[c] - z_max));
          total += weight[c];
        }
        double mean = 0.0;
        for (std::size_t c = 0; c < classes; ++c)
          mean += weight[c] / total * z[c];
        double variance = 0.0;
        for (std::size_t c = 0; c < classes; ++c) {
          variance += weight[c] / total * (z[c] - mean) * (z[c] - mean);
        }
        gradient += mean - z[static_cast<std::size_t>(labels[i])];
        curvature += variance;
      }
      gradient /= static_cast<double>(rows);
      curvature /= static_cast<double>(rows);
    };

    double lo = 1.0 / max_temperature, hi = 1.0 / min_temperature, gradient = 0.0, curvature = 0.0;
    derivatives(lo, gradient, curvature);
    if (gradient >= 0.0) return temperature_scaling(max_temperature);
    derivatives(hi, gradient, curvature);
    if (gradient <= 0.0) return temperature_scaling(min_temperature);
    double beta = 1.0;
    for (int iteration = 0; iteration < 200; ++iteration) {
      derivatives(beta, gradient, curvature);
      if (gradient == 0.0) break;
      (gradient < 0.0 ? lo : hi) = beta;
      double next = beta - gradient / curvature;
      // Newton is quadratic near the optimum; bisection guards the early steps.
      if (!(curvature > 0.0) || !(next > lo && next < hi)) next = 0.5 * (lo + hi);
      const bool converged = std::abs(next - beta) <= 1e-15 * beta || hi - lo <= 1e-15 * hi;
      beta = next;
      if (converged) break;
    }
    return temperature_scaling(1.0 / beta);
  }

  /// A calibrator with a known temperature; throws artifact_error unless T is finite, > 0.
  [[nodiscard]] static temperature_scaling with_temperature(double temperature) {
    if (!std::isfinite(temperature) || !(temperature > 0.0))
      throw artifact_error("temperature_scaling: temperature " + std::to_string(temperature) +
                           " is not a finite positive number");
    return temperature_scaling(temperature);
  }

  /// softmax(log(max(p, 1e-15)) / T) per row. Any number of columns >= 2. Values can round
  /// to 0 or 1 for tiny T (no floor here).
  [[nodiscard]] matrix predict(const matrix& probs) const {
    check_probability_rows(probs, "temperature_scaling::predict");
    const std::size_t classes = probs.shape()[1];
    matrix out = xt::empty<double>(probs.shape());
    for (std::size_t i = 0; i < probs.shape()[0]; ++i) {
      double z_max = -INFINITY;
      for (std::size_t c = 0; c < classes; ++c) {
        out(i, c) = std::log(std::max(probs(i, c), log_clip)) / temperature_;
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

  /// {"temperature": T}.
  [[nodiscard]] nlohmann::json to_json() const { return {{"temperature", temperature_}}; }
  /// Inverse of to_json; throws artifact_error on a malformed object.
  [[nodiscard]] static temperature_scaling from_json(const nlohmann::json& j) {
    try {
      return with_temperature(j.at("temperature").get<double>());
    } catch (const nlohmann::json::exception& e) {
      throw artifact_error(std::string("temperature_scaling: malformed JSON: ") + e.what());
    }
  }

 private:
  explicit temperature_scaling(double temperature) : temperature_(temperature) {}
  double temperature_;
};

}  // namespace mtf::calibration
