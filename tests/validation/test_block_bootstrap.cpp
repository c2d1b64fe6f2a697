// The moving-block bootstrap (Künsch 1989) against known sampling distributions.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "mtf/validation/block_bootstrap.hpp"

using mtf::validation::moving_block_bootstrap;
using mtf::validation::series_mean;

namespace {
std::vector<double> ar1(std::size_t n, double phi, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> e(0.0, 1.0);
  std::vector<double> x(n);
  double v = 0;
  for (std::size_t i = 0; i < n; ++i)
    x[i] = v = phi * v + e(rng);
  return x;
}
}  // namespace

TEST_CASE("a constant series has a degenerate interval at its value", "[bootstrap]") {
  const std::vector<double> x(50, 0.25);
  const auto b = moving_block_bootstrap(x, 5, 200, 1, series_mean);
  CHECK(b.estimate == 0.25);
  CHECK(b.lower == 0.25);
  CHECK(b.upper == 0.25);
}

TEST_CASE("with independent values the interval of the mean has the normal theory width",
          "[bootstrap]") {
  // n = 4,000 standard normal values: the mean's standard error is 1/sqrt(n), so the 95% interval
  // is 2 * 1.96 / sqrt(4000) = 0.0620 wide (the bootstrap estimates it within a few percent).
  const std::uint64_t seed = 2027;
  INFO("seed " << seed);
  const auto x = ar1(4000, 0.0, seed);
  const auto b = moving_block_bootstrap(x, 1, 2000, seed, series_mean);
  const double width = b.upper - b.lower;
  CHECK(width == Approx(2 * 1.96 / std::sqrt(4000.0)).epsilon(0.12));
  CHECK(b.lower < b.estimate);
  CHECK(b.upper > b.estimate);
}

TEST_CASE("blocks widen the interval of a dependent series to its true width", "[bootstrap]") {
  // AR(1) with phi = 0.8: the variance of the mean is (1 + phi) / (1 - phi) = 9 times the iid
  // value, so the honest interval is 3 times wider. Single-value resampling misses that; blocks
  // much longer than the dependence (1 / (1 - phi) = 5 steps) recover most of it.
  const std::uint64_t seed = 99;
  INFO("seed " << seed);
  const auto x = ar1(20000, 0.8, seed);
  const auto naive = moving_block_bootstrap(x, 1, 1000, seed, series_mean);
  const auto blocked = moving_block_bootstrap(x, 100, 1000, seed, series_mean);
  const double ratio = (blocked.upper - blocked.lower) / (naive.upper - naive.lower);
  INFO("width ratio " << ratio);
  CHECK(ratio > 2.4);
  CHECK(ratio < 3.6);
}

TEST_CASE("the bootstrap is deterministic for a seed and rejects bad arguments", "[bootstrap]") {
  const auto x = ar1(300, 0.3, 5);
  const auto a = moving_block_bootstrap(x, 10, 300, 42, series_mean);
  const auto b = moving_block_bootstrap(x, 10, 300, 42, series_mean);
  CHECK(a.lower == b.lower);
  CHECK(a.upper == b.upper);
  const auto c = moving_block_bootstrap(x, 10, 300, 43, series_mean);
  CHECK((c.lower != a.lower || c.upper != a.upper));
  CHECK_THROWS_AS(moving_block_bootstrap(x, 0, 300, 1, series_mean), mtf::data_error);
  CHECK_THROWS_AS(moving_block_bootstrap(x, 301, 300, 1, series_mean), mtf::data_error);
  CHECK_THROWS_AS(moving_block_bootstrap(x, 10, 50, 1, series_mean), mtf::data_error);
  CHECK_THROWS_AS(moving_block_bootstrap(std::vector<double>{}, 1, 300, 1, series_mean),
                  mtf::data_error);
  CHECK(mtf::validation::default_block_length(1000, 12) == 12);
  CHECK(mtf::validation::default_block_length(1000000, 12) == 100);
  CHECK(mtf::validation::default_block_length(5, 12) == 5);
}
