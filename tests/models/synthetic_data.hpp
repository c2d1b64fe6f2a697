#pragma once
// Synthetic, seeded data sets for the models tests: a planted predictive feature or pure noise.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "mtf/core/xtensor.hpp"

namespace mtf::test {

/// Rows of a synthetic training set (time-ordered, one row per `bar_seconds`).
struct synthetic_rows {
  matrix x;
  std::vector<int> y;
  std::vector<double> w;
  std::vector<std::int64_t> times;
};

/// `rows` x `features` standard normal features. When `signal` > 0, the label depends on
/// feature 0: down if signal·x0 + e < −0.6, up if > 0.6, else neutral (e ~ N(0, 1)), a planted,
/// known predictive feature; with signal = 0 labels are independent of every feature.
inline synthetic_rows make_rows(std::size_t rows, std::size_t features, double signal,
                                std::uint64_t seed, std::int64_t bar_seconds = 300) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  synthetic_rows out;
  out.x = matrix(std::array<std::size_t, 2>{rows, features});
  out.y.resize(rows);
  out.w.assign(rows, 1.0);
  out.times.resize(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < features; ++j)
      out.x(i, j) = normal(rng);
    const double latent = signal * out.x(i, 0) + normal(rng);
    out.y[i] = latent < -0.6 ? 0 : (latent > 0.6 ? 2 : 1);
    out.times[i] = 1'700'000'000 + static_cast<std::int64_t>(i) * bar_seconds;
  }
  return out;
}

/// Label ends of rows at `times` whose labels look `seconds` ahead (no missing bars).
inline std::vector<std::int64_t> ends_after(const std::vector<std::int64_t>& times,
                                            std::int64_t seconds) {
  std::vector<std::int64_t> out(times.size());
  for (std::size_t i = 0; i < times.size(); ++i)
    out[i] = times[i] + seconds;
  return out;
}

}  // namespace mtf::test
