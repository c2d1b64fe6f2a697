// Volatility-adaptive labeler on hand-worked price paths (SPEC §6).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <random>
#include <span>
#include <vector>
#include "label_test_support.hpp"

#include "mtf/core/errors.hpp"
#include "mtf/labels/assign_labels.hpp"
#include "mtf/labels/label_classes.hpp"
#include "mtf/labels/label_inputs.hpp"
#include "mtf/labels/volatility_adaptive.hpp"

namespace {

using label_test::closes_from_log_returns;

constexpr double tol = 1e-12;

}  // namespace

TEST_CASE("volatility labels match a hand-worked price path", "[labels]") {
  // g_1..g_7; vol_window 2 and horizon 2, so sigma_t * sqrt(2) = |g_t - g_{t-1}| (the sample
  // std of two values a, b is |a - b| / sqrt(2)) and r_t = g_{t+1} + g_{t+2}.
  const auto close = closes_from_log_returns({0.01, 0.03, 0.02, -0.05, 0.00, 0.04, 0.02});
  const auto in =
      mtf::compute_label_inputs(close, 2, mtf::label::volatility_adaptive{.vol_window = 2});
  REQUIRE(in.size() == 8);
  // t = 0, 1: fewer than 2 returns end there (warm-up); t = 6, 7: close[t + 2] does not exist.
  using mtf::label_status;
  CHECK(in.status[0] == label_status::vol_warmup);
  CHECK(in.status[1] == label_status::vol_warmup);
  CHECK(in.status[6] == label_status::past_data_end);
  CHECK(in.status[7] == label_status::past_data_end);
  CHECK(in.vol_warmup_bars == 2);
  CHECK(in.past_data_end_bars == 2);
  CHECK(in.labeled_bars() == 4);

  // t: r = g_{t+1} + g_{t+2}, sigma*sqrt(h) = |g_t - g_{t-1}|
  // 2:  0.02 - 0.05 = -0.03,  |0.03 - 0.01| = 0.02
  // 3: -0.05 + 0.00 = -0.05,  |0.02 - 0.03| = 0.01
  // 4:  0.00 + 0.04 =  0.04,  |-0.05 - 0.02| = 0.07
  // 5:  0.04 + 0.02 =  0.06,  |0.00 + 0.05| = 0.05
  const double r[] = {-0.03, -0.05, 0.04, 0.06};
  const double scale[] = {0.02, 0.01, 0.07, 0.05};
  for (std::size_t t = 2; t <= 5; ++t) {
    INFO("bar " << t);
    CHECK(in.forward_return[t] == Approx(r[t - 2]).margin(tol));
    CHECK(in.threshold_scale[t] == Approx(scale[t - 2]).margin(tol));
  }

  SECTION("k = 1: tau = scale") {
    // 2: |-0.03| > 0.02 down; 3: |-0.05| > 0.01 down; 4: 0.04 <= 0.07 neutral; 5: 0.06 > 0.05 up
    const std::vector<int> expected{mtf::no_label,   mtf::no_label,      mtf::class_down,
                                    mtf::class_down, mtf::class_neutral, mtf::class_up,
                                    mtf::no_label,   mtf::no_label};
    CHECK(mtf::assign_labels(in, 1.0) == expected);
  }
  SECTION("k = 2: tau = 2 * scale") {
    // 2: 0.03 <= 0.04 neutral; 3: 0.05 > 0.02 down; 4: neutral; 5: 0.06 <= 0.10 neutral
    const std::vector<int> expected{mtf::no_label,   mtf::no_label,      mtf::class_neutral,
                                    mtf::class_down, mtf::class_neutral, mtf::class_neutral,
                                    mtf::no_label,   mtf::no_label};
    CHECK(mtf::assign_labels(in, 2.0) == expected);
  }
  SECTION("k = 0: every nonzero return is directional") {
    const std::vector<int> expected{mtf::no_label, mtf::no_label, mtf::class_down, mtf::class_down,
                                    mtf::class_up, mtf::class_up, mtf::no_label,   mtf::no_label};
    CHECK(mtf::assign_labels(in, 0.0) == expected);
  }
}

TEST_CASE("sigma is the sample standard deviation of the window's one-bar log returns",
          "[labels]") {
  // vol_window 3 at t = 3 covers g_1..g_3 = 0.01, 0.02, 0.06: mean 0.03, squared deviations
  // 4e-4 + 1e-4 + 9e-4 = 14e-4, sample variance 14e-4 / 2 = 7e-4 (population would be 14e-4/3).
  // horizon 4: scale = sqrt(7e-4) * sqrt(4); r_3 = g_4 + ... + g_7 = 0.
  const auto close = closes_from_log_returns({0.01, 0.02, 0.06, 0.0, 0.0, 0.0, 0.0});
  const auto in =
      mtf::compute_label_inputs(close, 4, mtf::label::volatility_adaptive{.vol_window = 3});
  REQUIRE(in.status[3] == mtf::label_status::labeled);
  CHECK(in.threshold_scale[3] == Approx(std::sqrt(7e-4) * 2.0).epsilon(1e-12));
  CHECK(in.forward_return[3] == Approx(0.0).margin(tol));
  CHECK(in.vol_warmup_bars == 3);     // t = 0, 1, 2
  CHECK(in.past_data_end_bars == 4);  // t = 4..7
  CHECK(in.labeled_bars() == 1);
}

TEST_CASE("a bar in both warm-up and the last horizon bars is counted once, as past the data",
          "[labels]") {
  // 3 bars, vol_window 2, horizon 2: t = 0 is warm-up only; t = 1 is both (reported past the
  // data); t = 2 is past the data.
  const std::vector<double> close{100.0, 101.0, 102.0};
  const auto in =
      mtf::compute_label_inputs(close, 2, mtf::label::volatility_adaptive{.vol_window = 2});
  CHECK(in.vol_warmup_bars == 1);
  CHECK(in.past_data_end_bars == 2);
  CHECK(in.labeled_bars() == 0);
  CHECK(mtf::assign_labels(in, 1.0) == std::vector<int>(3, mtf::no_label));
}

TEST_CASE("a return exactly at the threshold is neutral", "[labels]") {
  // r = +-0.5 and scale 0.25 are exact in binary, so tau = 2 * 0.25 = |r| exactly.
  mtf::label_inputs in;
  in.horizon = 1;
  in.forward_return = {0.5, -0.5};
  in.threshold_scale = {0.25, 0.25};
  in.status = {mtf::label_status::labeled, mtf::label_status::labeled};
  CHECK(mtf::assign_labels(in, 2.0) == std::vector<int>{mtf::class_neutral, mtf::class_neutral});
  CHECK(mtf::assign_labels(in, 1.99) == std::vector<int>{mtf::class_up, mtf::class_down});
  CHECK(mtf::critical_k(in, 0) == 2.0);
}

TEST_CASE("volatility inputs of a bar do not change when later data is cut off", "[labels]") {
  // No look-ahead beyond the label window: r_t and sigma_t on a prefix that still contains
  // close[t + h] are bit-identical to the full-series values.
  const unsigned seed = 20261123;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0, 0.01);
  std::vector<double> returns(2000);
  for (auto& g : returns)
    g = step(rng);
  const auto close = closes_from_log_returns(returns);
  const mtf::label::volatility_adaptive spec{.vol_window = 24};
  const int horizon = 8;
  const auto full = mtf::compute_label_inputs(close, horizon, spec);
  for (const std::size_t cut : {100u, 777u, 1500u}) {
    INFO("prefix of " << cut << " bars");
    const auto prefix =
        mtf::compute_label_inputs(std::span<const double>(close).first(cut), horizon, spec);
    CHECK(prefix.past_data_end_bars == static_cast<std::size_t>(horizon));
    for (std::size_t t = 0; t < cut; ++t) {
      if (prefix.status[t] != mtf::label_status::labeled) continue;
      REQUIRE(full.status[t] == mtf::label_status::labeled);
      REQUIRE(prefix.forward_return[t] == full.forward_return[t]);
      REQUIRE(prefix.threshold_scale[t] == full.threshold_scale[t]);
    }
  }
}

TEST_CASE("a non-positive or non-finite close is a data error naming the field and bar",
          "[labels]") {
  const mtf::label::volatility_adaptive spec{.vol_window = 2};
  std::vector<double> close{100.0, 101.0, 0.0, 102.0};
  try {
    (void)mtf::compute_label_inputs(close, 1, spec, "btcusdt_5m.csv");
    FAIL("expected a data_error");
  } catch (const mtf::data_error& e) {
    CHECK(e.field() == "close");
    CHECK(e.file() == "btcusdt_5m.csv");
    CHECK_THAT(e.what(), Catch::Contains("bar 2"));
  }
  close[2] = std::nan("");
  CHECK_THROWS_AS(mtf::compute_label_inputs(close, 1, spec), mtf::data_error);
  CHECK_THROWS_AS(mtf::compute_label_inputs(close, 0, spec), std::invalid_argument);
  CHECK_THROWS_AS(mtf::compute_label_inputs(std::vector<double>{1, 2, 3}, 1,
                                            mtf::label::volatility_adaptive{.vol_window = 1}),
                  std::invalid_argument);
  CHECK_THROWS_AS(mtf::assign_labels(mtf::label_inputs{}, -1.0), std::invalid_argument);
}

TEST_CASE("an empty series has no labels and no error", "[labels]") {
  const auto in = mtf::compute_label_inputs(std::vector<double>{}, 3,
                                            mtf::label::volatility_adaptive{.vol_window = 5});
  CHECK(in.size() == 0);
  CHECK(mtf::assign_labels(in, 1.0).empty());
}
