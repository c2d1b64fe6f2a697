// The rolling building blocks against their definitions: the branch-free compensated sum against
// Neumaier's algorithm as published (with its magnitude test), the O(1) rolling extremes against
// a plain scan of the window, and the ring buffer against hand-worked pushes.

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include "feature_test_support.hpp"
#include "mtf/features/rolling_window.hpp"

namespace {

/// Neumaier's compensated summation as published (Neumaier 1974; the "improved Kahan-Babuska"
/// algorithm): the rounding error is taken from whichever operand is larger in magnitude.
struct neumaier_reference {
  double sum = 0.0;
  double correction = 0.0;
  void add(double x) {
    const double t = sum + x;
    if (std::abs(sum) >= std::abs(x)) {
      correction += (sum - t) + x;
    } else {
      correction += (x - t) + sum;
    }
    sum = t;
  }
  [[nodiscard]] double value() const { return sum + correction; }
};

/// Values of wildly different magnitudes and both signs, with exact zeros of both signs and
/// subnormals: every branch of the reference is taken many times.
std::vector<double> awkward_terms(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<int> exponent(-60, 60);
  std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
  std::vector<double> x;
  for (std::size_t i = 0; i < n; ++i) {
    switch (kind(rng)) {
      case 0:
        x.push_back(0.0);
        break;
      case 1:
        x.push_back(-0.0);
        break;
      case 2:
        x.push_back(std::numeric_limits<double>::denorm_min() * (1 + kind(rng)));
        break;
      case 3:  // cancels a recent term exactly
        x.push_back(x.empty() ? 1.0 : -x[rng() % x.size()]);
        break;
      default:
        x.push_back(std::ldexp(mantissa(rng), exponent(rng)));
    }
  }
  return x;
}

}  // namespace

TEST_CASE("the compensated sum is Neumaier's sum bit for bit", "[features][rolling]") {
  for (const std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    INFO("seed " << seed);
    const auto x = awkward_terms(100'000, seed);
    mtf::rolling::compensated_sum sum;
    neumaier_reference reference;
    std::size_t mismatches = 0;
    for (const double v : x) {
      sum.add(v);
      reference.add(v);
      mismatches += mtf::test::same_bits(sum.value(), reference.value()) ? 0 : 1;
    }
    CHECK(mismatches == 0);
  }
  SECTION("and exact where plain summation loses the small term") {
    mtf::rolling::compensated_sum sum;
    for (const double v : {1e100, 1.0, -1e100})
      sum.add(v);
    CHECK(sum.value() == 1.0);  // plain summation gives 0
  }
}

TEST_CASE("rolling extremes equal a scan of the window, the latest of equal values winning",
          "[features][rolling]") {
  // Few distinct values, including +0 and -0 (equal, different bits): ties everywhere, so the
  // tie rule (a later value retires an earlier equal one, as in the monotonic deque) is checked
  // bit for bit.
  const double values[] = {-0.0, 0.0, 1.0, -1.0, 2.5, 2.5, 0.0, -0.0};
  for (const std::uint64_t seed : {5u, 6u}) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    std::vector<double> x(3'000);
    for (double& v : x)
      v = values[rng() % 8];
    for (std::size_t w = 1; w <= 40; ++w) {
      INFO("window " << w);
      mtf::streaming::window_extreme<mtf::streaming::at_least> highest(w);
      mtf::streaming::window_extreme<mtf::streaming::at_most> lowest(w);
      std::size_t mismatches = 0;
      for (std::size_t t = 0; t < x.size(); ++t) {
        const double hi = highest.push(x[t]);
        const double lo = lowest.push(x[t]);
        if (t + 1 < w) {
          mismatches += std::isnan(hi) && std::isnan(lo) ? 0 : 1;
          continue;
        }
        double scan_hi = x[t + 1 - w], scan_lo = x[t + 1 - w];
        for (std::size_t i = t + 2 - w; i <= t; ++i) {
          if (x[i] >= scan_hi) scan_hi = x[i];
          if (x[i] <= scan_lo) scan_lo = x[i];
        }
        mismatches +=
            mtf::test::same_bits(hi, scan_hi) && mtf::test::same_bits(lo, scan_lo) ? 0 : 1;
      }
      CHECK(mismatches == 0);
    }
  }
}

TEST_CASE("a ring buffer push returns the value leaving it", "[features][rolling]") {
  mtf::streaming::ring_buffer<double> ring(3);
  // Nothing leaves until three values are held; then each push displaces the value pushed three
  // pushes earlier.
  CHECK(ring.push(1.0) == 0.0);
  CHECK(ring.push(2.0) == 0.0);
  CHECK(ring.push(3.0) == 0.0);
  CHECK(ring.push(4.0) == 1.0);
  CHECK(ring.push(5.0) == 2.0);
  CHECK(ring.size() == 3);
  CHECK(ring[0] == 3.0);
  CHECK(ring.back(0) == 5.0);
  CHECK(ring.back(1) == 4.0);
}

TEST_CASE("a pair of compensated sums is two compensated sums, lane by lane",
          "[features][rolling]") {
  // Lane i must carry exactly the bits of a scalar sum fed lane i's terms (the scalar sum is
  // checked against Neumaier above), also when only one lane is added to.
  for (const std::uint64_t seed : {7u, 8u}) {
    INFO("seed " << seed);
    const auto x = awkward_terms(20'000, seed);
    const auto y = awkward_terms(20'000, seed + 100);
    std::mt19937_64 rng(seed);
    mtf::rolling::compensated_sum2 pair;
    mtf::rolling::compensated_sum lane_0, lane_1;
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const int which =
          static_cast<int>(rng() % 4);  // 0: both lanes, 1: lane 0, 2: lane 1, 3: both
      const bool to_0 = which != 2, to_1 = which != 1;
      if (which == 0) {
        pair.add(mtf::rolling::double2{x[i], y[i]});
      } else {
        pair.add(mtf::rolling::double2{x[i], y[i]}, to_0, to_1);
      }
      if (to_0) lane_0.add(x[i]);
      if (to_1) lane_1.add(y[i]);
      const mtf::rolling::double2 value = pair.value();
      mismatches += mtf::test::same_bits(value[0], lane_0.value()) &&
                            mtf::test::same_bits(value[1], lane_1.value())
                        ? 0
                        : 1;
    }
    CHECK(mismatches == 0);
  }
}

TEST_CASE("a pair of window sums is two window sums, lane by lane, through both warm-ups",
          "[features][rolling]") {
  const auto x = awkward_terms(5'000, 9);
  const auto y = awkward_terms(5'000, 10);
  // Equal windows, the longer window in either lane, and a one-value window.
  const std::pair<std::size_t, std::size_t> windows[] = {
      {4, 4}, {3, 50}, {50, 3}, {1, 12}, {12, 1}};
  for (const auto& [w_0, w_1] : windows) {
    INFO("windows " << w_0 << ", " << w_1);
    mtf::streaming::window_sum2 pair(w_0, w_1);
    mtf::streaming::window_sum lane_0(w_0), lane_1(w_1);
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const mtf::rolling::double2 sums = pair.push(mtf::rolling::double2{x[i], y[i]});
      mismatches += mtf::test::same_bits(sums[0], lane_0.push(x[i])) &&
                            mtf::test::same_bits(sums[1], lane_1.push(y[i]))
                        ? 0
                        : 1;
    }
    CHECK(mismatches == 0);
  }
}
