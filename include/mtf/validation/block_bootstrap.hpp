#pragma once
/// \file The moving-block bootstrap (Künsch 1989): confidence intervals for statistics of a time
/// series whose values are serially dependent (overlapping label windows, volatility clusters).
/// Resamples concatenate blocks of consecutive values starting at random positions, so the
/// dependence within a block survives; the walk-forward verdicts of SPEC §10b rest on it.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "mtf/validation/input_error.hpp"

namespace mtf::validation {

/// A point estimate with a percentile bootstrap interval.
struct bootstrap_interval {
  double estimate = 0;  ///< the statistic on the series itself
  double lower = 0;     ///< (1 - level) / 2 percentile of the resampled statistics
  double upper = 0;     ///< (1 + level) / 2 percentile
  double level = 0.95;
  std::size_t block = 0;  ///< block length used
  int resamples = 0;
};

namespace bootstrap_detail {
/// Uniform integer in [0, bound) from a 64-bit generator by rejection: exact, and the same on
/// every platform (std::uniform_int_distribution's algorithm is implementation-defined).
inline std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t bound) {
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  std::uint64_t draw;
  do {
    draw = rng();
  } while (draw >= limit);
  return draw % bound;
}

/// Linear-interpolation percentile (numpy's default) of sorted values, q in [0, 1].
inline double percentile(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}
}  // namespace bootstrap_detail

/// Moving-block bootstrap of `statistic` (a callable taking std::span<const double> and
/// returning double) over `series`: `resamples` series of the original length, each the
/// concatenation of blocks of `block` consecutive values starting at uniformly drawn positions
/// (the last block cut to length); the interval is the percentile interval at `level`. A block
/// of 1 is the ordinary bootstrap. Deterministic for a seed. Throws data_error for an empty
/// series, a block of 0 or longer than the series, fewer than 100 resamples, or a level outside
/// (0, 1).
template <class Statistic>
bootstrap_interval moving_block_bootstrap(std::span<const double> series, std::size_t block,
                                          int resamples, std::uint64_t seed, Statistic statistic,
                                          double level = 0.95) {
  const std::string where = "moving_block_bootstrap";
  const std::size_t n = series.size();
  if (n == 0) throw_input_error(where, "series", "no values");
  if (block == 0 || block > n)
    throw_input_error(
        where, "block",
        "block length " + std::to_string(block) + " must lie in [1, " + std::to_string(n) + "]");
  if (resamples < 100) throw_input_error(where, "resamples", "at least 100 resamples are needed");
  if (!(level > 0 && level < 1)) throw_input_error(where, "level", "must lie in (0, 1)");
  bootstrap_interval out;
  out.estimate = statistic(series);
  out.level = level;
  out.block = block;
  out.resamples = resamples;
  std::mt19937_64 rng(seed);
  std::vector<double> sample(n), stats;
  stats.reserve(static_cast<std::size_t>(resamples));
  const std::uint64_t starts = n - block + 1;
  for (int r = 0; r < resamples; ++r) {
    for (std::size_t filled = 0; filled < n;) {
      const auto start = static_cast<std::size_t>(bootstrap_detail::uniform_below(rng, starts));
      const std::size_t take = std::min(block, n - filled);
      std::copy_n(series.begin() + static_cast<std::ptrdiff_t>(start), take,
                  sample.begin() + static_cast<std::ptrdiff_t>(filled));
      filled += take;
    }
    stats.push_back(statistic(std::span<const double>(sample)));
  }
  std::sort(stats.begin(), stats.end());
  out.lower = bootstrap_detail::percentile(stats, (1 - level) / 2);
  out.upper = bootstrap_detail::percentile(stats, (1 + level) / 2);
  return out;
}

/// Mean of a series.
inline double series_mean(std::span<const double> x) {
  double sum = 0;
  for (const double v : x)
    sum += v;
  return x.empty() ? 0.0 : sum / static_cast<double>(x.size());
}

/// Block length for a series of n values whose dependence reaches at least `min_block` values:
/// max(min_block, round(n^(1/3))) (the n^(1/3) rate of Hall, Horowitz & Jing 1995), at most n.
inline std::size_t default_block_length(std::size_t n, std::size_t min_block) {
  const auto cube_root = static_cast<std::size_t>(std::llround(std::cbrt(static_cast<double>(n))));
  return std::min(n, std::max({min_block, cube_root, std::size_t{1}}));
}

}  // namespace mtf::validation
