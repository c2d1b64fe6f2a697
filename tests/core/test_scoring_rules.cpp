// Scoring rules against hand-computed values (SPEC §4.9, §7).
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/core/scoring_rules.hpp"

namespace {

mtf::matrix rows_of(std::initializer_list<std::initializer_list<double>> rows) {
  mtf::matrix m = mtf::matrix::from_shape({rows.size(), rows.begin()->size()});
  std::size_t i = 0;
  for (const auto& row : rows) {
    std::size_t c = 0;
    for (const double v : row)
      m(i, c++) = v;
    ++i;
  }
  return m;
}

}  // namespace

TEST_CASE("log loss is the mean negative log probability of the true class", "[scoring]") {
  const auto probs = rows_of({{0.2, 0.3, 0.5}, {0.6, 0.3, 0.1}});
  const std::vector<int> labels{2, 1};
  CHECK(mtf::log_loss(probs, labels) ==
        Approx(-(std::log(0.5) + std::log(0.3)) / 2.0).epsilon(1e-15));
  const std::vector<double> weights{1.0, 3.0};
  CHECK(mtf::log_loss(probs, labels, weights) ==
        Approx(-(std::log(0.5) + 3.0 * std::log(0.3)) / 4.0).epsilon(1e-15));
}

TEST_CASE("log loss clips a zero probability at 1e-15 like scikit-learn", "[scoring]") {
  const auto probs = rows_of({{1.0, 0.0, 0.0}});
  const std::vector<int> labels{1};
  CHECK(mtf::log_loss(probs, labels) == Approx(34.538776394910684).epsilon(1e-14));
}

TEST_CASE("brier score sums squared errors over classes and averages over rows", "[scoring]") {
  // (0.2^2 + 0.3^2 + 0.5^2) = 0.38 and (0.6^2 + 0.7^2 + 0.1^2) = 0.86, mean 0.62.
  const auto probs = rows_of({{0.2, 0.3, 0.5}, {0.6, 0.3, 0.1}});
  const std::vector<int> labels{2, 1};
  CHECK(mtf::brier_score(probs, labels) == Approx(0.62).epsilon(1e-14));

  const auto uniform = rows_of({{1.0 / 3, 1.0 / 3, 1.0 / 3}});
  CHECK(mtf::brier_score(uniform, std::vector<int>{0}) == Approx(2.0 / 3.0).epsilon(1e-14));
  const auto confident = rows_of({{1.0, 0.0, 0.0}, {1.0, 0.0, 0.0}});
  CHECK(mtf::brier_score(confident, std::vector<int>{0, 1}) == Approx(1.0).epsilon(1e-15));
}

TEST_CASE("expected calibration error matches a hand-computed 15-bin case", "[scoring]") {
  // Bin 10 = (10/15, 11/15]: confidences 0.70 (right) and 0.72 (wrong): |0.5 - 0.71| = 0.21.
  // Bin 13 = (13/15, 14/15]: 0.90 wrong: 0.9. Bin 14: 1.0 right: 0.
  // Bin 5 = (5/15, 6/15]: 0.4 exactly on the upper edge, right: |1 - 0.4| = 0.6.
  // ECE = (2 * 0.21 + 0.9 + 0 + 0.6) / 5 = 0.384.
  const auto probs = rows_of(
      {{0.1, 0.2, 0.7}, {0.72, 0.18, 0.1}, {0.05, 0.05, 0.9}, {1.0, 0.0, 0.0}, {0.4, 0.35, 0.25}});
  const std::vector<int> labels{2, 1, 0, 0, 0};
  CHECK(mtf::expected_calibration_error(probs, labels) == Approx(0.384).epsilon(1e-14));

  const auto table = mtf::reliability_table(probs, labels);
  REQUIRE(table.size() == 15);
  CHECK(table[10].count == 2);
  CHECK(table[10].mean_confidence == Approx(0.71).epsilon(1e-15));
  CHECK(table[10].accuracy == 0.5);
  CHECK(table[13].count == 1);
  CHECK(table[13].accuracy == 0.0);
  CHECK(table[14].count == 1);
  CHECK(table[14].upper == 1.0);
  CHECK(table[5].count == 1);
  CHECK(table[5].lower == 1.0 / 3.0);
  CHECK(table[5].upper == 0.4);
  std::size_t total = 0;
  for (const auto& bin : table)
    total += bin.count;
  CHECK(total == 5);
  CHECK(table[0].count == 0);
  CHECK(table[0].mean_confidence == 0.0);
}

TEST_CASE("a confidence just above a bin edge goes to the next bin", "[scoring]") {
  const double above = std::nextafter(0.4, 1.0);
  const auto probs = rows_of({{above, 1.0 - above - 0.3, 0.3}});
  const auto table = mtf::reliability_table(probs, std::vector<int>{0});
  CHECK(table[5].count == 0);
  CHECK(table[6].count == 1);
}

TEST_CASE("ties for the top label count as the lowest class", "[scoring]") {
  const auto probs = rows_of({{0.4, 0.4, 0.2}});
  // argmax is class 0, so label 1 is a miss: accuracy 0, confidence 0.4.
  CHECK(mtf::expected_calibration_error(probs, std::vector<int>{1}) == Approx(0.4));
  CHECK(mtf::expected_calibration_error(probs, std::vector<int>{0}) == Approx(0.6));
}

TEST_CASE("expected calibration error is zero when each bin's accuracy equals its confidence",
          "[scoring]") {
  const auto probs = rows_of({{0.5, 0.3, 0.2},
                              {0.2, 0.3, 0.5},
                              {0.8, 0.1, 0.1},
                              {0.1, 0.8, 0.1},
                              {0.1, 0.1, 0.8},
                              {0.8, 0.1, 0.1},
                              {0.1, 0.8, 0.1}});
  // Bin of 0.5: one right, one wrong. Bin of 0.8 (0.8 = 12/15 edge): 4 of 5 right.
  const std::vector<int> labels{0, 1, 0, 1, 2, 0, 0};
  CHECK(mtf::expected_calibration_error(probs, labels) == Approx(0.0).margin(1e-15));
}

TEST_CASE("scoring rules reject malformed input with a training error", "[scoring]") {
  const auto probs = rows_of({{0.2, 0.3, 0.5}, {0.6, 0.3, 0.1}});
  const std::vector<int> short_labels{0};
  const std::vector<int> bad_label{0, 3};
  const std::vector<int> negative_label{-1, 0};
  CHECK_THROWS_AS(mtf::log_loss(probs, short_labels), mtf::training_error);
  CHECK_THROWS_AS(mtf::brier_score(probs, bad_label), mtf::training_error);
  CHECK_THROWS_AS(mtf::expected_calibration_error(probs, negative_label), mtf::training_error);
  CHECK_THROWS_AS(mtf::reliability_table(probs, std::vector<int>{0, 1}, 0), mtf::training_error);
  const mtf::matrix empty = mtf::matrix::from_shape({0, 3});
  CHECK_THROWS_AS(mtf::brier_score(empty, std::vector<int>{}), mtf::training_error);

  auto with_nan = probs;
  with_nan(1, 1) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(mtf::log_loss(with_nan, std::vector<int>{0, 1}),
                    Catch::Contains("non-finite probability in row 1"));
  CHECK_THROWS_AS(mtf::brier_score(with_nan, std::vector<int>{0, 1}), mtf::training_error);

  const std::vector<double> negative_weight{1.0, -1.0};
  CHECK_THROWS_AS(mtf::log_loss(probs, std::vector<int>{0, 1}, negative_weight),
                  mtf::training_error);
  const std::vector<double> zero_weights{0.0, 0.0};
  CHECK_THROWS_AS(mtf::log_loss(probs, std::vector<int>{0, 1}, zero_weights), mtf::training_error);
}
