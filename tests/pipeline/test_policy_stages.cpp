// The stages applied with a timeframe policy's settings (pipeline/policy_stages.hpp): each
// adapter passes the policy's horizon, labeler, shares, K and embargo to the stage, checked
// against hand-computed rows and labels.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/intake/bar_series.hpp"
#include "mtf/pipeline/policy_stages.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

namespace {

mtf::bar_series daily_series(std::size_t n, std::int64_t bar_seconds) {
  mtf::bar_series bars;
  bars.symbol = "test";
  bars.source = "test.csv";
  bars.bar_seconds = bar_seconds;
  for (std::size_t i = 0; i < n; ++i) {
    const double c = 100.0 * std::exp(0.01 * std::sin(static_cast<double>(i)));
    bars.push_back(static_cast<std::int64_t>(i) * bar_seconds, c, c, c, c, 1.0);
  }
  return bars;
}

std::vector<std::int64_t> regular_times(std::size_t n, std::int64_t bar, std::int64_t start = 0) {
  std::vector<std::int64_t> t(n);
  for (std::size_t i = 0; i < n; ++i)
    t[i] = start + static_cast<std::int64_t>(i) * bar;
  return t;
}

// Label end of every row: its own time plus `seconds` (a regular series without gaps).
std::vector<std::int64_t> ends_after(const std::vector<std::int64_t>& t, std::int64_t seconds) {
  std::vector<std::int64_t> out(t.size());
  for (std::size_t i = 0; i < t.size(); ++i)
    out[i] = t[i] + seconds;
  return out;
}

// Inputs whose critical k values are exactly `critical` (r = critical, scale = 1).
mtf::label_inputs inputs_with_critical_k(const std::vector<double>& critical) {
  mtf::label_inputs in;
  in.horizon = 1;
  in.forward_return = critical;
  in.threshold_scale.assign(critical.size(), 1.0);
  in.status.assign(critical.size(), mtf::label_status::labeled);
  return in;
}

}  // namespace

TEST_CASE("policy label inputs use the policy's horizon and volatility window", "[pipeline]") {
  // tf_24h: horizon 5, vol_window 20 -> 20 warm-up bars, 5 past the data.
  const auto in24 =
      mtf::compute_policy_label_inputs<mtf::timeframes::tf_24h>(daily_series(100, 86'400));
  CHECK(in24.horizon == 5);
  CHECK(in24.vol_warmup_bars == 20);
  CHECK(in24.past_data_end_bars == 5);
  CHECK_FALSE(in24.has_efficiency_ratio());
  // tf_12h: regime labeler, horizon 4, vol_window 14, er_min from the policy.
  const auto in12 =
      mtf::compute_policy_label_inputs<mtf::timeframes::tf_12h>(daily_series(100, 43'200));
  CHECK(in12.vol_warmup_bars == 14);
  CHECK(in12.past_data_end_bars == 4);
  CHECK(in12.has_efficiency_ratio());
  CHECK(in12.er_min == mtf::timeframes::tf_12h::labeler.er_min);
}

TEST_CASE("policy label inputs refuse a series of another bar length", "[pipeline]") {
  // Hourly bars under the 24h policy would make a 5-hour horizon out of a 5-day one.
  CHECK_THROWS_WITH(
      mtf::compute_policy_label_inputs<mtf::timeframes::tf_24h>(daily_series(100, 3600)),
      Catch::Contains("3600 s bars") && Catch::Contains("resample"));
}

TEST_CASE("the policy's split purges horizon times bar length", "[pipeline]") {
  // tf_1h: horizon 8 h. 1000 hourly rows: cuts 700 and 850, 8 rows purged before each.
  const auto t = regular_times(1000, 3600, 1'600'000'000);
  const auto s =
      mtf::split::chronological_split<mtf::timeframes::tf_1h>(t, ends_after(t, 8 * 3600));
  CHECK(s.train == mtf::split::index_range{0, 700});
  CHECK(s.calibration == mtf::split::index_range{708, 850});
  CHECK(s.test == mtf::split::index_range{858, 1000});
}

TEST_CASE("the policy's folds use its K, horizon and embargo", "[pipeline]") {
  // tf_5m: 5 folds, horizon 12 bars x 300 s, embargo unset = one horizon (SPEC §4.8). 1000 bars:
  // blocks of 200.
  const auto t = regular_times(1000, 300);
  const auto folds = mtf::split::purged_kfold<mtf::timeframes::tf_5m>(t, ends_after(t, 12 * 300));
  REQUIRE(folds.size() == 5);
  CHECK(folds[1].validation.front() == 200);
  CHECK(folds[1].validation.back() == 399);
  // Trains on bars whose label ends before bar 200 (bars < 188) and on bars after the last
  // validation label (bar 411) plus the 12-bar embargo: bars > 423.
  CHECK(folds[1].train.size() == 188 + (1000 - 424));
  CHECK(folds[1].train[187] == 187);
  CHECK(folds[1].train[188] == 424);
}

TEST_CASE("choose_k for a policy uses the policy's neutral target", "[pipeline]") {
  const auto a = inputs_with_critical_k({0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0});
  const std::vector<std::size_t> rows{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<mtf::series_rows> train{{a, rows}};
  const auto s5 = mtf::choose_k<mtf::timeframes::tf_5m>(train);  // neutral target 20%
  CHECK(s5.target_neutral_share == 0.20);
  CHECK(s5.neutral_rows == 2);
  CHECK(s5.k == Approx(0.25).epsilon(1e-12));
  const auto s12 = mtf::choose_k<mtf::timeframes::tf_12h>(train);  // 40/20/40 as well
  CHECK(s12.neutral_rows == 2);
}
