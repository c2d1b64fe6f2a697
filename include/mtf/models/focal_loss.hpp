#pragma once
/// \file Multi-class focal loss (Lin et al. 2017) as a custom xgboost objective: value, gradient
/// and a positive hessian with respect to the raw margins z (softmax p = softmax(z)).
///
/// For a row of true class t and weight w:  L = -w (1 - p_t)^γ log p_t.
/// Gradient:  dL/dz_j = w · A · (δ_tj - p_j),  A = γ (1 - p_t)^(γ-1) p_t log p_t - (1 - p_t)^γ,
/// A ≤ 0 (both terms are non-positive). With γ = 0, A = -1 and this is the cross-entropy gradient
/// p_j - δ_tj that xgboost's multi:softprob uses.
/// Hessian (approximation, documented choice): h_j = max(2 p_j (1 - p_j) · w · |A|, 1e-16).
/// The gradient equals the cross-entropy gradient of a row re-weighted by |A|; treating that
/// focal factor as constant gives the cross-entropy hessian times |A| -- always positive (the
/// exact focal hessian is not), and at γ = 0 it is exactly xgboost's softprob convention
/// 2 p (1 - p) w, so γ = 0 reproduces built-in softprob training.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

namespace mtf::model {

namespace focal_detail {
/// Softmax of a 3-vector of margins, stable for large margins.
inline std::array<double, 3> softmax3(double z0, double z1, double z2) {
  const double m = std::max({z0, z1, z2});
  const double e0 = std::exp(z0 - m), e1 = std::exp(z1 - m), e2 = std::exp(z2 - m);
  const double s = e0 + e1 + e2;
  return {e0 / s, e1 / s, e2 / s};
}
}  // namespace focal_detail

/// Focal loss of one row with margins `z`, true class `label` (0..2), focusing `gamma` ≥ 0,
/// unweighted. p_t is floored at 1e-300 so a hopeless row costs a large finite loss.
inline double focal_loss(std::span<const double, 3> z, int label, double gamma) {
  const auto p = focal_detail::softmax3(z[0], z[1], z[2]);
  const double pt = std::max(p[static_cast<std::size_t>(label)], 1e-300);
  return -std::pow(1.0 - pt, gamma) * std::log(pt);
}

/// Gradient and hessian of the weighted focal loss for every row: `margins` and the outputs are
/// rows x 3, row-major (xgboost's layout for multi-class custom objectives). `weights` is empty
/// (all 1) or one weight per row. Outputs are float because xgboost takes float.
inline void focal_gradient(std::span<const float> margins, std::span<const int> labels,
                           std::span<const double> weights, double gamma,
                           std::vector<float>& gradient, std::vector<float>& hessian) {
  const std::size_t rows = labels.size();
  gradient.resize(rows * 3);
  hessian.resize(rows * 3);
  for (std::size_t i = 0; i < rows; ++i) {
    const auto p = focal_detail::softmax3(margins[3 * i], margins[3 * i + 1], margins[3 * i + 2]);
    const auto t = static_cast<std::size_t>(labels[i]);
    const double w = weights.empty() ? 1.0 : weights[i];
    const double pt = std::max(p[t], 1e-300);
    const double q = 1.0 - pt;
    // (1 - p_t)^(γ-1) is singular at p_t = 1 for γ < 1; its product with p_t log p_t → 0 there.
    const double modulating_slope =
        (gamma == 0.0 || q <= 0.0) ? 0.0 : gamma * std::pow(q, gamma - 1.0) * pt * std::log(pt);
    const double a = modulating_slope - std::pow(q, gamma);
    for (std::size_t j = 0; j < 3; ++j) {
      const double delta = j == t ? 1.0 : 0.0;
      gradient[3 * i + j] = static_cast<float>(w * a * (delta - p[j]));
      hessian[3 * i + j] =
          static_cast<float>(std::max(2.0 * p[j] * (1.0 - p[j]) * w * std::fabs(a), 1e-16));
    }
  }
}

}  // namespace mtf::model
