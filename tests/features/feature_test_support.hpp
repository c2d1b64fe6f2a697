#pragma once
// Shared helpers for the features tests: seeded synthetic OHLCV series and bitwise comparison.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "mtf/intake/bar_series.hpp"

namespace mtf::test {

/// Geometric random walk with drift `drift` per bar and per-bar log volatility `sigma`; high/low
/// extend beyond open/close by a random fraction, volume is log-normal with some zero bars.
/// Fully determined by `seed`.
inline bar_series random_walk_bars(std::size_t n, std::uint64_t seed, double drift = 1e-4,
                                   double sigma = 0.01) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  bar_series bars;
  bars.symbol = "synthetic";
  bars.source = "random_walk_bars";
  bars.bar_seconds = 300;
  bars.reserve(n);
  double price = 100.0;
  for (std::size_t t = 0; t < n; ++t) {
    const double open = price;
    price *= std::exp(drift + sigma * normal(rng));
    const double high = std::max(open, price) * (1.0 + 0.5 * sigma * uniform(rng));
    const double low = std::min(open, price) * (1.0 - 0.5 * sigma * uniform(rng));
    const double volume = uniform(rng) < 0.02 ? 0.0 : std::exp(3.0 + normal(rng));
    bars.push_back(static_cast<std::int64_t>(t) * 300, open, high, low, price, volume);
  }
  return bars;
}

/// Bit-identical, or both NaN.
inline bool same_bits(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) ||
         std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

/// Index of the first entry of `prefix` that is not bit-identical to `full`, or prefix.size().
inline std::size_t first_bit_difference(std::span<const double> full,
                                        std::span<const double> prefix) {
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (!same_bits(full[i], prefix[i])) return i;
  }
  return prefix.size();
}

}  // namespace mtf::test
