// Greedy ensemble selection (Caruana et al. 2004), the stack guard's fallback (SPEC §4.8).
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "mtf/core/scoring_rules.hpp"
#include "mtf/models/ensemble_selection.hpp"

using mtf::matrix;
using mtf::model::select_ensemble;
using mtf::model::weighted_average;

namespace {

/// n rows of the same probability row.
matrix constant_rows(std::size_t n, std::array<double, 3> p) {
  matrix out = matrix::from_shape({n, 3});
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t c = 0; c < 3; ++c)
      out(i, c) = p[c];
  return out;
}

}  // namespace

TEST_CASE("ensemble selection keeps the better of a good and a useless member",
          "[models][ensemble]") {
  // Labels 0, 1, 2 in equal thirds. Member A knows the class (0.8 on it), member B is uniform.
  // By hand: A alone scores -ln 0.8 = 0.2231, B alone ln 3 = 1.0986, and every mixture of A with
  // B is worse than A, so A is picked first and every later round adds A again.
  const std::vector<int> labels{0, 1, 2, 0, 1, 2};
  matrix a = matrix::from_shape({6, 3});
  for (std::size_t i = 0; i < 6; ++i)
    for (std::size_t c = 0; c < 3; ++c)
      a(i, c) = static_cast<int>(c) == labels[i] ? 0.8 : 0.1;
  const matrix b = constant_rows(6, {1.0 / 3, 1.0 / 3, 1.0 / 3});
  const std::vector<matrix> members{b, a};
  const auto e = select_ensemble(members, labels);
  CHECK(e.weights == std::vector<double>{0.0, 1.0});
  CHECK(e.log_loss == Approx(-std::log(0.8)).epsilon(1e-12));
}

TEST_CASE("ensemble selection mixes two complementary members", "[models][ensemble]") {
  // Member A is right on rows 0-1 and wrong on 2-3, member B the other way round (0.9 on the
  // class it believes, 0.05 on the others). Alone each scores (2 ln(1/0.9) + 2 ln(1/0.05)) / 4 =
  // 1.5505; their average puts 0.475 on every true class: ln(1/0.475) = 0.7444. Greedy: round 1
  // picks A (tie -> lower index), round 2 picks B (the average), and the best ensemble seen is
  // found at an even split.
  const std::vector<int> labels{0, 2, 0, 2};
  const matrix a = {{0.9, 0.05, 0.05}, {0.05, 0.05, 0.9}, {0.05, 0.05, 0.9}, {0.9, 0.05, 0.05}};
  const matrix b = {{0.05, 0.05, 0.9}, {0.9, 0.05, 0.05}, {0.9, 0.05, 0.05}, {0.05, 0.05, 0.9}};
  const std::vector<matrix> members{a, b};
  const auto e = select_ensemble(members, labels, 10);
  REQUIRE(e.weights.size() == 2);
  CHECK(e.weights[0] == Approx(0.5));
  CHECK(e.weights[1] == Approx(0.5));
  CHECK(e.log_loss == Approx(-std::log(0.475)).epsilon(1e-12));
  const matrix avg = weighted_average(members, e.weights);
  CHECK(mtf::log_loss(avg, labels) == Approx(e.log_loss).epsilon(1e-12));
}

TEST_CASE("an ensemble is never worse than its best member on the selection rows",
          "[models][ensemble]") {
  for (unsigned seed = 1; seed <= 50; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.01, 1.0);
    std::uniform_int_distribution<int> cls(0, 2);
    const std::size_t n = 40, count = 1 + seed % 4;
    std::vector<int> labels(n);
    for (auto& y : labels)
      y = cls(rng);
    std::vector<matrix> members;
    double best = INFINITY;
    for (std::size_t m = 0; m < count; ++m) {
      matrix p = matrix::from_shape({n, 3});
      for (std::size_t i = 0; i < n; ++i) {
        double sum = 0.0;
        for (std::size_t c = 0; c < 3; ++c)
          sum += (p(i, c) = u(rng));
        for (std::size_t c = 0; c < 3; ++c)
          p(i, c) /= sum;
      }
      best = std::min(best, mtf::log_loss(p, labels));
      members.push_back(p);
    }
    const auto e = select_ensemble(members, labels);
    CHECK(e.log_loss <= best);
    double total = 0.0;
    for (const double w : e.weights) {
      CHECK(w >= 0.0);
      total += w;
    }
    CHECK(total == Approx(1.0));
    CHECK(mtf::log_loss(weighted_average(members, e.weights), labels) ==
          Approx(e.log_loss).epsilon(1e-12));
  }
}

TEST_CASE("ensemble selection rejects empty or mismatched members", "[models][ensemble]") {
  const std::vector<int> labels{0, 1};
  CHECK_THROWS_AS(select_ensemble(std::vector<matrix>{}, labels), mtf::model_error);
  const std::vector<matrix> mismatched{constant_rows(2, {0.2, 0.3, 0.5}),
                                       constant_rows(3, {0.2, 0.3, 0.5})};
  CHECK_THROWS_AS(select_ensemble(mismatched, labels), mtf::model_error);
  const std::vector<matrix> one{constant_rows(2, {0.2, 0.3, 0.5})};
  CHECK_THROWS_AS(select_ensemble(one, labels, 0), mtf::model_error);
}
