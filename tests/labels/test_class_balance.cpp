// Class-balancing weights (SPEC §4.7) and scikit-learn's "balanced" class weights.
#include <array>
#include <catch2/catch.hpp>
#include <cstddef>
#include <random>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/labels/class_balance.hpp"

namespace {

// Share of the total weight carried by each class.
std::array<double, 3> weighted_mix(const std::vector<int>& labels, const std::vector<double>& w) {
  std::array<double, 3> mix{};
  double total = 0.0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    mix[static_cast<std::size_t>(labels[i])] += w[i];
    total += w[i];
  }
  for (auto& m : mix)
    m /= total;
  return mix;
}

}  // namespace

TEST_CASE("target-mix weights make the weighted class mix equal the target (hand case)",
          "[labels]") {
  // counts 4 / 1 / 5 of N = 10, target 40/20/40:
  // w_down = 0.4 * 10 / 4 = 1, w_neutral = 0.2 * 10 / 1 = 2, w_up = 0.4 * 10 / 5 = 0.8.
  const std::vector<int> labels{0, 0, 0, 0, 1, 2, 2, 2, 2, 2};
  const std::array<double, 3> target{0.4, 0.2, 0.4};
  const auto w = mtf::target_mix_class_weights(labels, target);
  CHECK(w[0] == Approx(1.0).epsilon(1e-15));
  CHECK(w[1] == Approx(2.0).epsilon(1e-15));
  CHECK(w[2] == Approx(0.8).epsilon(1e-15));
  const auto rows = mtf::target_mix_sample_weights(labels, target);
  REQUIRE(rows.size() == labels.size());
  CHECK(rows[4] == Approx(2.0).epsilon(1e-15));
  const auto mix = weighted_mix(labels, rows);
  for (std::size_t c = 0; c < 3; ++c)
    CHECK(std::fabs(mix[c] - target[c]) <= 1e-12);
}

TEST_CASE("target-mix weights give the target mix on random skewed labels", "[labels]") {
  for (const unsigned seed : {11u, 12u, 13u, 14u}) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    std::discrete_distribution<int> skewed({0.05, 0.85, 0.10});  // the 85%-neutral failure
    std::uniform_int_distribution<std::size_t> size(50, 5000);
    std::vector<int> labels(size(rng));
    for (auto& l : labels)
      l = skewed(rng);
    for (const std::array<double, 3> target :
         {std::array<double, 3>{0.4, 0.2, 0.4}, std::array<double, 3>{0.45, 0.10, 0.45}}) {
      const auto mix = weighted_mix(labels, mtf::target_mix_sample_weights(labels, target));
      for (std::size_t c = 0; c < 3; ++c)
        CHECK(std::fabs(mix[c] - target[c]) <= 1e-12);
    }
  }
}

TEST_CASE("balanced class weights are N / (3 * count) like scikit-learn", "[labels]") {
  // sklearn.utils.class_weight.compute_class_weight("balanced", classes=[0, 1, 2],
  // y=[0,0,0,0,1,2,2,2,2,2]) = 10/12, 10/3, 10/15.
  const std::vector<int> labels{0, 0, 0, 0, 1, 2, 2, 2, 2, 2};
  const auto w = mtf::balanced_class_weights(labels);
  CHECK(w[0] == Approx(10.0 / 12.0).epsilon(1e-15));
  CHECK(w[1] == Approx(10.0 / 3.0).epsilon(1e-15));
  CHECK(w[2] == Approx(10.0 / 15.0).epsilon(1e-15));
  // Balanced means every class carries a third of the weight.
  const auto mix = weighted_mix(labels, mtf::balanced_sample_weights(labels));
  for (const double m : mix)
    CHECK(std::fabs(m - 1.0 / 3.0) <= 1e-12);
}

TEST_CASE("class weights refuse a class without rows, naming it", "[labels]") {
  const std::vector<int> no_up{0, 1, 1, 0};
  CHECK_THROWS_WITH(mtf::balanced_class_weights(no_up), Catch::Contains("class up has no rows"));
  CHECK_THROWS_AS(mtf::target_mix_sample_weights(no_up, {0.4, 0.2, 0.4}), mtf::training_error);
  CHECK_THROWS_AS(mtf::target_mix_class_weights(std::vector<int>{0, 1, 2}, {0.5, 0.2, 0.4}),
                  std::invalid_argument);
}
