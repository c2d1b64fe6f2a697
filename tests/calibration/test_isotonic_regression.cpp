// Isotonic regression: pool-adjacent-violators by hand, and scikit-learn 1.2's
// IsotonicRegression(out_of_bounds='clip') through fixtures/isotonic_sklearn.json (written by
// fixtures/generate_isotonic.py).
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "mtf/calibration/isotonic_calibrator.hpp"
#include "mtf/calibration/isotonic_regression.hpp"
#include "mtf/core/errors.hpp"

namespace {

const nlohmann::json& sklearn_fixture() {
  static const nlohmann::json fixture = [] {
    const std::string path =
        std::string(MTF_SOURCE_DIR) + "/tests/calibration/fixtures/isotonic_sklearn.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    return nlohmann::json::parse(in);
  }();
  return fixture;
}

std::vector<double> doubles(const nlohmann::json& j) {
  return j.get<std::vector<double>>();
}

}  // namespace

using mtf::calibration::isotonic_regression;
using mtf::calibration::pool_adjacent_violators;

TEST_CASE("pool adjacent violators averages each decreasing run", "[isotonic]") {
  CHECK(pool_adjacent_violators(std::vector<double>{1, 3, 2, 4}) ==
        std::vector<double>{1, 2.5, 2.5, 4});
  // 3, 2, 1 pool into 2; the increasing parts stay.
  CHECK(pool_adjacent_violators(std::vector<double>{0, 3, 2, 1, 5}) ==
        std::vector<double>{0, 2, 2, 2, 5});
  // A violator found late pools backwards across an earlier block: 4, 5, 0 -> 3.
  CHECK(pool_adjacent_violators(std::vector<double>{4, 5, 0}) == std::vector<double>{3, 3, 3});
  CHECK(pool_adjacent_violators(std::vector<double>{1, 2, 2, 3}) ==
        std::vector<double>{1, 2, 2, 3});
}

TEST_CASE("pool adjacent violators weighs each value by its weight", "[isotonic]") {
  // 3 (weight 1) and 2 (weight 3) pool to (3 + 6) / 4 = 2.25.
  CHECK(pool_adjacent_violators(std::vector<double>{1, 3, 2}, std::vector<double>{1, 1, 3}) ==
        std::vector<double>{1, 2.25, 2.25});
  // 4 (w 2), 5 (w 1), 0 (w 1): pooled (8 + 5 + 0) / 4 = 3.25.
  CHECK(pool_adjacent_violators(std::vector<double>{4, 5, 0}, std::vector<double>{2, 1, 1}) ==
        std::vector<double>{3.25, 3.25, 3.25});
  CHECK_THROWS_AS(pool_adjacent_violators(std::vector<double>{1, 2}, std::vector<double>{1, 0}),
                  mtf::training_error);
}

TEST_CASE("tied x values are pooled with their weights before pool adjacent violators",
          "[isotonic]") {
  // x = 1 holds y 1 (w 1) and y 0 (w 3): one point (1, 0.25) of weight 4. The pooled points
  // (0, 0), (1, 0.25), (2, 1) are already increasing. Without pooling ties first, PAV on the
  // sorted points 0, 0, 1, 1 would give a different function (0 at x = 1's first copy).
  const auto fit =
      isotonic_regression::fit(std::vector<double>{1, 0, 1, 2}, std::vector<double>{1, 0, 0, 1},
                               std::vector<double>{1, 1, 3, 1});
  CHECK(fit.x_thresholds() == std::vector<double>{0, 1, 2});
  CHECK(fit.y_thresholds() == std::vector<double>{0, 0.25, 1});
  CHECK(fit.predict(1.0) == 0.25);
  CHECK(fit.predict(0.5) == Approx(0.125).epsilon(1e-15));
  CHECK(fit.predict(1.5) == Approx(0.625).epsilon(1e-15));
  CHECK(fit.predict(-5.0) == 0.0);
  CHECK(fit.predict(9.0) == 1.0);
}

TEST_CASE("zero-weight points do not influence the fit", "[isotonic]") {
  const auto with_zero =
      isotonic_regression::fit(std::vector<double>{0, 1, 2, 3}, std::vector<double>{0, 100, 1, 2},
                               std::vector<double>{1, 0, 1, 1});
  CHECK(with_zero.x_thresholds() == std::vector<double>{0, 2, 3});
  CHECK(with_zero.predict(1.0) == 0.5);
}

TEST_CASE("interior points on flat stretches are dropped without changing the function",
          "[isotonic]") {
  const auto fit = isotonic_regression::fit(std::vector<double>{0, 1, 2, 3, 4},
                                            std::vector<double>{0, 2, 1, 1.5, 3});
  // PAV: 0, (2, 1, 1.5) -> 1.5, 3; the middle copy of 1.5 at x = 2 is redundant.
  CHECK(fit.x_thresholds() == std::vector<double>{0, 1, 3, 4});
  CHECK(fit.y_thresholds() == std::vector<double>{0, 1.5, 1.5, 3});
  CHECK(fit.predict(2.0) == 1.5);
}

TEST_CASE("isotonic regression matches scikit-learn on every fixture case", "[isotonic]") {
  for (const auto& c : sklearn_fixture().at("isotonic")) {
    const std::string name = c.at("name").get<std::string>();
    INFO("case " << name);
    const auto x = doubles(c.at("x")), y = doubles(c.at("y"));
    const auto weights =
        c.at("weights").is_null() ? std::vector<double>{} : doubles(c.at("weights"));
    const auto fit = isotonic_regression::fit(x, y, weights);
    const auto query = doubles(c.at("query")), expected = doubles(c.at("expected"));
    const auto predicted = fit.predict(query);
    REQUIRE(predicted.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      INFO("query " << query[i]);
      CHECK(predicted[i] == Approx(expected[i]).margin(1e-9).epsilon(0));
    }
    // The fitted points themselves agree, and the function is the same at every threshold.
    const auto sk_x = doubles(c.at("x_thresholds")), sk_y = doubles(c.at("y_thresholds"));
    CHECK(fit.x_thresholds().front() == sk_x.front());
    CHECK(fit.x_thresholds().back() == sk_x.back());
    for (std::size_t k = 0; k < sk_x.size(); ++k) {
      CHECK(fit.predict(sk_x[k]) == Approx(sk_y[k]).margin(1e-9).epsilon(0));
    }
    if (sk_x.size() < 20) {
      CHECK(fit.x_thresholds() == sk_x);
      REQUIRE(fit.y_thresholds().size() == sk_y.size());
      for (std::size_t k = 0; k < sk_y.size(); ++k) {
        CHECK(fit.y_thresholds()[k] == Approx(sk_y[k]).margin(1e-12).epsilon(0));
      }
    }
  }
}

TEST_CASE("per-class isotonic calibration matches scikit-learn's one-vs-rest recipe",
          "[isotonic]") {
  const auto& c = sklearn_fixture().at("ovr_isotonic");
  const auto to_matrix = [](const nlohmann::json& rows) {
    mtf::matrix m = mtf::matrix::from_shape({rows.size(), 3});
    for (std::size_t i = 0; i < rows.size(); ++i) {
      for (std::size_t k = 0; k < 3; ++k)
        m(i, k) = rows[i][k].get<double>();
    }
    return m;
  };
  const auto calibrator = mtf::calibration::isotonic_calibrator::fit(
      to_matrix(c.at("fit_probs")), c.at("fit_labels").get<std::vector<int>>());
  const auto predicted = calibrator.predict(to_matrix(c.at("held_probs")));
  const auto expected = to_matrix(c.at("expected"));
  REQUIRE(predicted.shape() == expected.shape());
  for (std::size_t i = 0; i < expected.shape()[0]; ++i) {
    for (std::size_t k = 0; k < 3; ++k) {
      INFO("row " << i << " class " << k);
      CHECK(predicted(i, k) == Approx(expected(i, k)).margin(1e-9).epsilon(0));
    }
  }
}

TEST_CASE("isotonic predictions never decrease along x", "[isotonic]") {
  const std::uint64_t seed = 42;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> x(300), y(300), w(300);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = std::round(unit(rng) * 50.0) / 50.0;
    y[i] = unit(rng) < x[i] ? 1.0 : 0.0;
    w[i] = 0.5 + unit(rng);
  }
  const auto fit = isotonic_regression::fit(x, y, w);
  double previous = -1.0;
  for (int k = -10; k <= 110; ++k) {
    const double value = fit.predict(k / 100.0);
    CHECK(value >= previous);
    CHECK(value >= 0.0);
    CHECK(value <= 1.0);
    previous = value;
  }
}

TEST_CASE("isotonic regression rejects malformed input clearly", "[isotonic]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(isotonic_regression::fit(std::vector<double>{0, 1}, std::vector<double>{0}),
                  mtf::training_error);
  CHECK_THROWS_AS(isotonic_regression::fit(std::vector<double>{0, nan}, std::vector<double>{0, 1}),
                  mtf::training_error);
  CHECK_THROWS_AS(isotonic_regression::fit(std::vector<double>{0, 1}, std::vector<double>{0, 1},
                                           std::vector<double>{1, -1}),
                  mtf::training_error);
  CHECK_THROWS_WITH(isotonic_regression::fit(std::vector<double>{0, 1}, std::vector<double>{0, 1},
                                             std::vector<double>{0, 0}),
                    Catch::Contains("no point with positive weight"));
  CHECK_THROWS_AS(isotonic_regression::fit(std::vector<double>{}, std::vector<double>{}),
                  mtf::training_error);
  const auto fit = isotonic_regression::fit(std::vector<double>{0, 1}, std::vector<double>{0, 1});
  CHECK_THROWS_AS(fit.predict(nan), mtf::training_error);
  CHECK_THROWS_AS(isotonic_regression::from_points({1, 0}, {0, 1}), mtf::artifact_error);
  CHECK_THROWS_AS(isotonic_regression::from_points({0, 1}, {1, 0}), mtf::artifact_error);
  CHECK_THROWS_AS(isotonic_regression::from_json(nlohmann::json{{"x", {0.0}}}),
                  mtf::artifact_error);
}
