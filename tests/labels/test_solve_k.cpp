// Solving k on the training rows so the neutral share meets the policy's target (SPEC §6).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <random>
#include <vector>
#include "label_test_support.hpp"

#include "mtf/core/errors.hpp"
#include "mtf/labels/assign_labels.hpp"
#include "mtf/labels/label_classes.hpp"
#include "mtf/labels/regime.hpp"
#include "mtf/labels/solve_k.hpp"
#include "mtf/labels/volatility_adaptive.hpp"

namespace {

using label_test::closes_from_log_returns;

// Inputs whose critical k values are exactly `critical` (r = critical, scale = 1).
mtf::label_inputs inputs_with_critical_k(const std::vector<double>& critical) {
  mtf::label_inputs in;
  in.horizon = 1;
  in.forward_return = critical;
  in.threshold_scale.assign(critical.size(), 1.0);
  in.status.assign(critical.size(), mtf::label_status::labeled);
  return in;
}

std::size_t neutral_count(const std::vector<int>& labels, const std::vector<std::size_t>& rows) {
  std::size_t n = 0;
  for (const std::size_t r : rows)
    n += labels[r] == mtf::class_neutral ? 1 : 0;
  return n;
}

const std::vector<double> hand_path{0.01, 0.03, 0.02, -0.05, 0.00, 0.04, 0.02};
const std::vector<std::size_t> hand_rows{2, 3, 4, 5};

}  // namespace

TEST_CASE("solve_k hits the target neutral share exactly on a hand-worked path", "[labels]") {
  // Critical k = |r| / scale per bar (see the volatility test): 2: 0.03/0.02 = 1.5,
  // 3: 0.05/0.01 = 5, 4: 0.04/0.07 = 0.5714, 5: 0.06/0.05 = 1.2. A 50% target needs the two
  // smallest neutral and the others not: k in [1.2, 1.5), midpoint 1.35.
  const auto in = mtf::compute_label_inputs(closes_from_log_returns(hand_path), 2,
                                            mtf::label::volatility_adaptive{.vol_window = 2});
  const auto solution = mtf::solve_k(in, hand_rows, 0.5);
  CHECK(solution.k == Approx(1.35).epsilon(1e-9));
  CHECK(solution.rows == 4);
  CHECK(solution.neutral_rows == 2);
  CHECK(solution.achieved_neutral_share == 0.5);
  CHECK(solution.target_reachable);
  CHECK_FALSE(solution.fixed_by_policy);
  CHECK(solution.note.empty());
  const auto labels = mtf::assign_labels(in, solution.k);
  CHECK(labels[2] == mtf::class_down);
  CHECK(labels[3] == mtf::class_down);
  CHECK(labels[4] == mtf::class_neutral);
  CHECK(labels[5] == mtf::class_neutral);

  // 25%: only bar 4 neutral, k in [0.5714, 1.2) -> midpoint 0.8857.
  const auto quarter = mtf::solve_k(in, hand_rows, 0.25);
  CHECK(quarter.k == Approx((0.04 / 0.07 + 1.2) / 2).epsilon(1e-9));
  CHECK(quarter.neutral_rows == 1);
}

TEST_CASE("solve_k picks the closest achievable share when critical k values tie", "[labels]") {
  const auto in = inputs_with_critical_k({1.0, 1.0, 1.0, 2.0});
  const std::vector<std::size_t> rows{0, 1, 2, 3};
  SECTION("target 50%: 0 or 3 neutral rows are achievable, 3 is closer") {
    const auto s = mtf::solve_k(in, rows, 0.5);
    CHECK(s.neutral_rows == 3);
    CHECK(s.k == 1.5);
    CHECK(s.achieved_neutral_share == 0.75);
    CHECK(s.target_reachable);
    CHECK_THAT(s.note, Catch::Contains("ties"));
  }
  SECTION("target 25%: 0 neutral rows is closer, k in [0, 1)") {
    const auto s = mtf::solve_k(in, rows, 0.25);
    CHECK(s.neutral_rows == 0);
    CHECK(s.k == 0.5);
    CHECK(s.achieved_neutral_share == 0.0);
  }
  SECTION("target 80%: 3 neutral, the nearest count, k in [1, 2)") {
    const auto s = mtf::solve_k(in, rows, 0.8);
    CHECK(s.neutral_rows == 3);
    CHECK(s.k == 1.5);
  }
}

TEST_CASE("solve_k reports when the ER rule alone exceeds the neutral target", "[labels]") {
  // Regime hand path (er_min 0.6): bar 2 is ranging for every k, i.e. 1 of 4 rows (25%) is
  // neutral before k matters; a 10% target cannot be met.
  const auto in = mtf::compute_label_inputs(closes_from_log_returns(hand_path), 2,
                                            mtf::label::regime{.vol_window = 2, .er_min = 0.6});
  const auto s = mtf::solve_k(in, hand_rows, 0.10);
  CHECK(s.k == 0.0);
  CHECK_FALSE(s.target_reachable);
  CHECK(s.neutral_rows == 1);
  CHECK(s.achieved_neutral_share == 0.25);
  CHECK_THAT(s.note, Catch::Contains("neutral for every k") && Catch::Contains("25.00%") &&
                         Catch::Contains("10.00%"));
  // A reachable target on the same rows: 50% = bar 2 (forced) + bar 4 (critical 0.5714);
  // bar 5 (1.2) stays bullish: k in [0.5714, 1.2).
  const auto half = mtf::solve_k(in, hand_rows, 0.5);
  CHECK(half.target_reachable);
  CHECK(half.k == Approx((0.04 / 0.07 + 1.2) / 2).epsilon(1e-9));
  CHECK(half.neutral_rows == 2);
}

TEST_CASE("solve_k pools the training rows of several series and ignores other bars", "[labels]") {
  // Series a: critical 0.2, 0.6, 3.0 with bar 1 not a training row; series b: 0.5, 0.9.
  // Training values 0.2, 0.5, 0.9, 3.0: 50% -> k in [0.5, 0.9) -> 0.7. (Were bar a1 used, the
  // answer would be 0.75.)
  const auto a = inputs_with_critical_k({0.2, 0.6, 3.0});
  const auto b = inputs_with_critical_k({0.5, 0.9});
  const std::vector<std::size_t> rows_a{0, 2}, rows_b{0, 1};
  const std::vector<mtf::series_rows> train{{a, rows_a}, {b, rows_b}};
  const auto s = mtf::solve_k(train, 0.5);
  CHECK(s.k == Approx(0.7).epsilon(1e-12));
  CHECK(s.rows == 4);
  CHECK(s.neutral_rows == 2);
}

TEST_CASE("a k fixed by the policy is used as is and its share reported", "[labels]") {
  const auto a = inputs_with_critical_k({0.2, 0.6, 3.0, 1.0});
  const std::vector<std::size_t> rows{0, 1, 2, 3};
  const std::vector<mtf::series_rows> train{{a, rows}};
  const auto s = mtf::choose_k(1.0, 0.2, train);
  CHECK(s.fixed_by_policy);
  CHECK(s.k == 1.0);
  CHECK(s.neutral_rows == 3);  // 0.2, 0.6 and 1.0 are <= 1
  CHECK(s.achieved_neutral_share == 0.75);
  CHECK(s.target_neutral_share == 0.2);
  const auto solved = mtf::choose_k(std::nullopt, 0.25, train);
  CHECK_FALSE(solved.fixed_by_policy);
  CHECK(solved.k == Approx(0.4).epsilon(1e-12));  // [0.2, 0.6) midpoint
}

TEST_CASE(
    "on continuous random data the solved share is within one row of the target and "
    "equals the assigned labels' share",
    "[labels]") {
  for (const unsigned seed : {1u, 2u, 3u, 4u, 5u}) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    std::student_t_distribution<double> fat_tails(3.0);
    std::uniform_real_distribution<double> share(0.05, 0.6);
    std::vector<double> returns(3000);
    for (auto& g : returns)
      g = 0.004 * fat_tails(rng);
    const auto close = closes_from_log_returns(returns);
    const auto in =
        mtf::compute_label_inputs(close, 12, mtf::label::volatility_adaptive{.vol_window = 48});
    std::vector<std::size_t> train;
    for (std::size_t t = 0; t < 2000; ++t)
      if (in.status[t] == mtf::label_status::labeled) train.push_back(t);
    const double target = share(rng);
    const auto s = mtf::solve_k(in, train, target);
    INFO("target " << target << " k " << s.k);
    CHECK(std::fabs(s.achieved_neutral_share - target) <=
          0.5 / static_cast<double>(train.size()) + 1e-15);
    CHECK(neutral_count(mtf::assign_labels(in, s.k), train) == s.neutral_rows);
  }
}

TEST_CASE("solve_k rejects unlabeled bars, empty training rows and bad targets", "[labels]") {
  const auto in = mtf::compute_label_inputs(closes_from_log_returns(hand_path), 2,
                                            mtf::label::volatility_adaptive{.vol_window = 2});
  CHECK_THROWS_AS(mtf::solve_k(in, std::vector<std::size_t>{1, 2}, 0.5), mtf::training_error);
  CHECK_THROWS_WITH(mtf::solve_k(in, std::vector<std::size_t>{6}, 0.5),
                    Catch::Contains("runs past the data"));
  CHECK_THROWS_AS(mtf::solve_k(in, std::vector<std::size_t>{}, 0.5), mtf::training_error);
  CHECK_THROWS_AS(mtf::solve_k(in, hand_rows, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(mtf::solve_k(in, hand_rows, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(mtf::solve_k(in, std::vector<std::size_t>{99}, 0.5), std::out_of_range);
  const std::vector<mtf::series_rows> train{{in, hand_rows}};
  CHECK_THROWS_AS(mtf::choose_k(-1.0, 0.2, train), std::invalid_argument);
}

TEST_CASE("solve_k refuses hand-built inputs with NaN or mismatched vectors", "[labels]") {
  auto in = inputs_with_critical_k({0.5, 1.0, 2.0});
  in.forward_return[1] = std::nan("");
  CHECK_THROWS_WITH(mtf::solve_k(in, std::vector<std::size_t>{0, 1, 2}, 0.5),
                    Catch::Contains("bar 1") && Catch::Contains("non-finite"));
  in.forward_return.pop_back();
  CHECK_THROWS_AS(mtf::solve_k(in, std::vector<std::size_t>{0}, 0.5), std::invalid_argument);
}
