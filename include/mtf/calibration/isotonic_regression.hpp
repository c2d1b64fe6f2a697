#pragma once
/// \file One-dimensional increasing isotonic regression (SPEC §4.9): weighted
/// pool-adjacent-violators on tie-pooled points, evaluated as a piecewise-linear function
/// clipped outside the fitted range -- scikit-learn's IsotonicRegression(out_of_bounds='clip').

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mtf/core/errors.hpp"

namespace mtf::calibration {

/// Weighted pool-adjacent-violators: the non-decreasing sequence closest to `y` in weighted
/// least squares (weights all 1 when `weights` is empty; otherwise same length, each > 0).
/// Adjacent equal values are pooled too, which changes nothing in the result. O(n).
inline std::vector<double> pool_adjacent_violators(std::span<const double> y,
                                                   std::span<const double> weights = {}) {
  if (!weights.empty() && weights.size() != y.size())
    throw training_error("pool_adjacent_violators: " + std::to_string(weights.size()) +
                         " weights for " + std::to_string(y.size()) + " values");
  struct block {
    double weighted_sum;  // sum of w * y over the block
    double weight;        // sum of w
    std::size_t end;      // one past the block's last index
    [[nodiscard]] double mean() const { return weighted_sum / weight; }
  };
  std::vector<block> blocks;
  blocks.reserve(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    if (!std::isfinite(y[i]) || !std::isfinite(w) || !(w > 0.0))
      throw training_error("pool_adjacent_violators: value or weight " + std::to_string(i) +
                           " is not finite, or the weight is not positive");
    blocks.push_back({w * y[i], w, i + 1});
    // Merging the new block backwards until the block means increase strictly restores the
    // invariant for the whole prefix: every earlier pair of blocks already satisfied it.
    while (blocks.size() > 1 && blocks[blocks.size() - 2].mean() >= blocks.back().mean()) {
      const block last = blocks.back();
      blocks.pop_back();
      blocks.back().weighted_sum += last.weighted_sum;
      blocks.back().weight += last.weight;
      blocks.back().end = last.end;
    }
  }
  std::vector<double> fitted(y.size());
  std::size_t begin = 0;
  for (const auto& b : blocks) {
    std::fill(fitted.begin() + static_cast<std::ptrdiff_t>(begin),
              fitted.begin() + static_cast<std::ptrdiff_t>(b.end), b.mean());
    begin = b.end;
  }
  return fitted;
}

/// A fitted increasing isotonic regression: a piecewise-linear, non-decreasing function
/// through the points (x_thresholds[k], y_thresholds[k]); queries below the first or above
/// the last threshold get the end values (clipping), a single point is a constant.
class isotonic_regression {
 public:
  /// Fits on points (x_i, y_i) with optional sample weights (same length; >= 0; zero-weight
  /// points are ignored). As scikit-learn 1.2 does: points are sorted by (x, y), x values
  /// closer than 1e-15 to the first x of their group are tied and pooled into one point (the
  /// weighted mean of y, the summed weight) before pool-adjacent-violators, and interior
  /// points whose fitted y equals both neighbours' are dropped (the function is unchanged).
  /// Throws training_error on non-finite input, negative weights or no positive weight.
  [[nodiscard]] static isotonic_regression fit(std::span<const double> x, std::span<const double> y,
                                               std::span<const double> weights = {}) {
    if (x.size() != y.size() || (!weights.empty() && weights.size() != x.size()))
      throw training_error("isotonic_regression: x, y and weights differ in length (" +
                           std::to_string(x.size()) + ", " + std::to_string(y.size()) + ", " +
                           std::to_string(weights.size()) + ")");
    std::vector<std::size_t> order;
    order.reserve(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double w = weights.empty() ? 1.0 : weights[i];
      if (!std::isfinite(x[i]) || !std::isfinite(y[i]) || !std::isfinite(w) || w < 0.0)
        throw training_error("isotonic_regression: point " + std::to_string(i) +
                             " has a non-finite value or a negative weight");
      if (w > 0.0) order.push_back(i);
    }
    if (order.empty()) throw training_error("isotonic_regression: no point with positive weight");
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return x[a] < x[b] || (x[a] == x[b] && y[a] < y[b]);
    });

    // Tie pooling. The 1e-15 tolerance is numpy's float64 resolution, which scikit-learn's
    // _make_unique uses; matching it keeps the fixtures exact for near-equal scores.
    constexpr double tie_tolerance = 1e-15;
    std::vector<double> unique_x, unique_y, unique_w;
    double weighted_sum = 0.0, weight = 0.0;
    for (const std::size_t i : order) {
      const double w = weights.empty() ? 1.0 : weights[i];
      if (unique_x.empty() || x[i] - unique_x.back() >= tie_tolerance) {
        if (!unique_x.empty()) {
          unique_y.push_back(weighted_sum / weight);
          unique_w.push_back(weight);
        }
        unique_x.push_back(x[i]);
        weighted_sum = 0.0;
        weight = 0.0;
      }
      weighted_sum += w * y[i];
      weight += w;
    }
    unique_y.push_back(weighted_sum / weight);
    unique_w.push_back(weight);

    const std::vector<double> fitted = pool_adjacent_violators(unique_y, unique_w);
    std::vector<double> kept_x, kept_y;
    for (std::size_t k = 0; k < fitted.size(); ++k) {
      const bool interior = k > 0 && k + 1 < fitted.size();
      if (interior && fitted[k] == fitted[k - 1] && fitted[k] == fitted[k + 1]) continue;
      kept_x.push_back(unique_x[k]);
      kept_y.push_back(fitted[k]);
    }
    return isotonic_regression(std::move(kept_x), std::move(kept_y));
  }

  /// Rebuilds a fitted regression from its points (e.g. loaded from an artifact). Throws
  /// artifact_error unless there is at least one point, x is finite and strictly increasing
  /// and y is finite and non-decreasing.
  [[nodiscard]] static isotonic_regression from_points(std::vector<double> x,
                                                       std::vector<double> y) {
    if (x.empty() || x.size() != y.size())
      throw artifact_error("isotonic_regression: need equally many x and y points, at least one");
    for (std::size_t k = 0; k < x.size(); ++k) {
      if (!std::isfinite(x[k]) || !std::isfinite(y[k]))
        throw artifact_error("isotonic_regression: point " + std::to_string(k) + " is not finite");
      if (k > 0 && (!(x[k] > x[k - 1]) || y[k] < y[k - 1]))
        throw artifact_error("isotonic_regression: point " + std::to_string(k) +
                             " breaks increasing x or non-decreasing y");
    }
    return isotonic_regression(std::move(x), std::move(y));
  }

  /// Value at `query`: linear interpolation between the neighbouring fitted points, the end
  /// values outside [x_min, x_max]. Throws training_error for a non-finite query.
  [[nodiscard]] double predict(double query) const {
    if (!std::isfinite(query))
      throw training_error("isotonic_regression: non-finite query " + std::to_string(query));
    const std::size_t n = x_.size();
    if (n == 1) return y_.front();
    const double t = std::clamp(query, x_.front(), x_.back());
    // Same arithmetic as scipy's interp1d (searchsorted 'left', slope times offset plus the
    // left value), so results match scikit-learn to the last bits rather than merely closely.
    auto hi = static_cast<std::size_t>(std::lower_bound(x_.begin(), x_.end(), t) - x_.begin());
    hi = std::clamp<std::size_t>(hi, 1, n - 1);
    const std::size_t lo = hi - 1;
    const double slope = (y_[hi] - y_[lo]) / (x_[hi] - x_[lo]);
    return slope * (t - x_[lo]) + y_[lo];
  }

  /// Values at every query (see the scalar overload).
  [[nodiscard]] std::vector<double> predict(std::span<const double> queries) const {
    std::vector<double> out(queries.size());
    for (std::size_t i = 0; i < queries.size(); ++i)
      out[i] = predict(queries[i]);
    return out;
  }

  /// Fitted points' x, strictly increasing (scikit-learn's X_thresholds_).
  [[nodiscard]] const std::vector<double>& x_thresholds() const noexcept { return x_; }
  /// Fitted points' y, non-decreasing (scikit-learn's y_thresholds_).
  [[nodiscard]] const std::vector<double>& y_thresholds() const noexcept { return y_; }

  /// {"x": [...], "y": [...]}; doubles are written so they read back bit-identical.
  [[nodiscard]] nlohmann::json to_json() const { return {{"x", x_}, {"y", y_}}; }
  /// Inverse of to_json; throws artifact_error on a malformed object.
  [[nodiscard]] static isotonic_regression from_json(const nlohmann::json& j) {
    try {
      return from_points(j.at("x").get<std::vector<double>>(),
                         j.at("y").get<std::vector<double>>());
    } catch (const nlohmann::json::exception& e) {
      throw artifact_error(std::string("isotonic_regression: malformed JSON: ") + e.what());
    }
  }

 private:
  isotonic_regression(std::vector<double> x, std::vector<double> y)
      : x_(std::move(x)), y_(std::move(y)) {}
  std::vector<double> x_, y_;
};

}  // namespace mtf::calibration
