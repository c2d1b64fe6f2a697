// Feature names, values and matrices: schema names per policy, scale-free transforms on small
// hand-computed series, warm-up rows, and input checks.

#include <boost/hana/for_each.hpp>
#include <boost/hana/tuple.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "feature_test_support.hpp"
#include "mtf/core/errors.hpp"
#include "mtf/features/feature_matrix.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

namespace {

constexpr double na = std::numeric_limits<double>::quiet_NaN();

mtf::bar_series bars_from(const std::vector<double>& high, const std::vector<double>& low,
                          const std::vector<double>& close, const std::vector<double>& volume) {
  mtf::bar_series bars;
  bars.source = "hand.csv";
  for (std::size_t t = 0; t < close.size(); ++t) {
    bars.push_back(static_cast<std::int64_t>(t) * 3600, close[t], high[t], low[t], close[t],
                   volume[t]);
  }
  return bars;
}

void require_values(const std::vector<double>& out, const std::vector<double>& expected) {
  REQUIRE(out.size() == expected.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    INFO("index " << i);
    if (std::isnan(expected[i])) {
      CHECK(std::isnan(out[i]));
    } else {
      CHECK(out[i] == Approx(expected[i]).margin(1e-12).epsilon(0));
    }
  }
}

}  // namespace

TEST_CASE("every feature spec has its documented schema name", "[features][names]") {
  namespace f = mtf::feature;
  CHECK(mtf::feature_name(f::log_return{3}) == "log_return_3");
  CHECK(mtf::feature_name(f::sma_ratio{20}) == "sma_ratio_20");
  CHECK(mtf::feature_name(f::ema_ratio{9}) == "ema_ratio_9");
  CHECK(mtf::feature_name(f::rsi{14}) == "rsi_14");
  CHECK(mtf::feature_name(f::atr_ratio{14}) == "atr_ratio_14");
  CHECK(mtf::feature_name(f::bollinger_percent_b{20}) == "bb_percent_b_20");
  CHECK(mtf::feature_name(f::bollinger_width{28, 2.5}) == "bb_width_28");
  CHECK(mtf::feature_name(f::macd_histogram{12, 26, 9}) == "macd_hist_12_26_9");
  CHECK(mtf::feature_name(f::roc{10}) == "roc_10");
  CHECK(mtf::feature_name(f::momentum_atr{12, 14}) == "momentum_atr_12");
  CHECK(mtf::feature_name(f::realized_vol{48}) == "realized_vol_48");
  CHECK(mtf::feature_name(f::vol_ratio{12, 48}) == "vol_ratio_12_48");
  CHECK(mtf::feature_name(f::zscore{50}) == "zscore_50");
  CHECK(mtf::feature_name(f::stochastic_k{14, 3}) == "stoch_k_14");
  CHECK(mtf::feature_name(f::stochastic_d{14, 3}) == "stoch_d_14");
  CHECK(mtf::feature_name(f::williams_r{14}) == "williams_r_14");
  CHECK(mtf::feature_name(f::adx{14}) == "adx_14");
  CHECK(mtf::feature_name(f::di_spread{14}) == "di_spread_14");
  CHECK(mtf::feature_name(f::obv_flow{24}) == "obv_flow_24");
  CHECK(mtf::feature_name(f::volume_ratio{20}) == "volume_ratio_20");
  CHECK(mtf::feature_name(f::cci{20}) == "cci_20");
  CHECK(mtf::feature_name(f::cmf{20}) == "cmf_20");
}

TEST_CASE("each policy lists its planned features in order", "[features][names]") {
  using namespace mtf::timeframes;
  CHECK(mtf::feature_names(tf_5m::features) ==
        std::vector<std::string>{"log_return_1", "log_return_3", "log_return_12", "sma_ratio_5",
                                 "sma_ratio_10", "sma_ratio_20", "sma_ratio_50", "rsi_14",
                                 "atr_ratio_14", "bb_percent_b_20", "macd_hist_12_26_9",
                                 "realized_vol_12", "vol_ratio_12_48", "zscore_20", "stoch_k_14",
                                 "volume_ratio_20", "cmf_20"});
  CHECK(mtf::feature_names(tf_1h::features) ==
        std::vector<std::string>{"log_return_1", "log_return_8", "log_return_24", "sma_ratio_12",
                                 "sma_ratio_24", "sma_ratio_48", "sma_ratio_96", "rsi_14",
                                 "atr_ratio_14", "macd_hist_12_26_9", "adx_14", "di_spread_14",
                                 "realized_vol_24", "bb_width_20", "obv_flow_24"});
  CHECK(mtf::feature_names(tf_12h::features) ==
        std::vector<std::string>{"log_return_2", "log_return_14", "sma_ratio_6", "sma_ratio_14",
                                 "sma_ratio_28", "sma_ratio_60", "adx_14", "di_spread_14",
                                 "realized_vol_14", "vol_ratio_6_28", "rsi_14", "bb_width_28"});
  CHECK(mtf::feature_names(tf_24h::features) ==
        std::vector<std::string>{"log_return_5", "log_return_20", "sma_ratio_10", "sma_ratio_20",
                                 "sma_ratio_50", "sma_ratio_100", "rsi_14", "realized_vol_20",
                                 "macd_hist_12_26_9", "zscore_50"});
  // SPEC §5: 17, 15, 12 and 10 features.
  CHECK(mtf::feature_names(tf_5m::features).size() == 17);
  CHECK(mtf::feature_names(tf_1h::features).size() == 15);
  CHECK(mtf::feature_names(tf_12h::features).size() == 12);
  CHECK(mtf::feature_names(tf_24h::features).size() == 10);
}

TEST_CASE("feature matrices have one row per bar and drop exactly the longest warm-up",
          "[features][matrix]") {
  using namespace mtf::timeframes;
  const auto bars = mtf::test::random_walk_bars(600, 31);
  // Longest warm-ups (first complete index): 5m sma_ratio_50 -> 49 (vol_ratio_12_48 -> 48,
  // macd 33); 1h sma_ratio_96 -> 95; 12h sma_ratio_60 -> 59; 24h sma_ratio_100 -> 99.
  const auto m5 = mtf::compute_feature_matrix(tf_5m::features, bars);
  CHECK(m5.shape()[0] == 600);
  CHECK(m5.shape()[1] == 17);
  CHECK(mtf::first_complete_row(m5) == 49);
  CHECK(mtf::first_complete_row(mtf::compute_feature_matrix(tf_1h::features, bars)) == 95);
  CHECK(mtf::first_complete_row(mtf::compute_feature_matrix(tf_12h::features, bars)) == 59);
  CHECK(mtf::first_complete_row(mtf::compute_feature_matrix(tf_24h::features, bars)) == 99);
  SECTION("column j holds the j-th feature's values") {
    const auto rsi = mtf::compute_feature(mtf::feature::rsi{14}, bars);
    for (std::size_t t = 0; t < 600; ++t) {
      INFO("bar " << t);
      CHECK(mtf::test::same_bits(m5(t, 7), rsi[t]));
    }
  }
  SECTION("after the warm-up every value is finite and bounded features stay in range") {
    for (std::size_t t = 49; t < 600; ++t) {
      for (std::size_t c = 0; c < 17; ++c)
        REQUIRE(std::isfinite(m5(t, c)));
      CHECK(m5(t, 7) >= 0.0);  // rsi / 100
      CHECK(m5(t, 7) <= 1.0);
      CHECK(m5(t, 14) >= 0.0);  // stoch %K / 100
      CHECK(m5(t, 14) <= 1.0);
      CHECK(std::abs(m5(t, 16)) <= 1.0);  // cmf
    }
  }
}

namespace {
/// Column j of the policy's matrix must be bit-identical to compute_feature of the j-th spec
/// (the matrix shares intermediates such as log returns between features; results must not
/// depend on that).
template <class Features>
void check_columns_match_compute_feature(const Features& features, const mtf::bar_series& bars) {
  const mtf::matrix m = mtf::compute_feature_matrix(features, bars);
  std::size_t column = 0;
  boost::hana::for_each(features, [&](const auto& spec) {
    INFO("feature " << mtf::feature_name(spec));
    const auto values = mtf::compute_feature(spec, bars);
    std::size_t mismatches = 0;
    for (std::size_t t = 0; t < bars.size(); ++t) {
      mismatches += mtf::test::same_bits(m(t, column), values[t]) ? 0 : 1;
    }
    CHECK(mismatches == 0);
    ++column;
  });
}
}  // namespace

TEST_CASE("every matrix column is bit-identical to the feature computed on its own",
          "[features][matrix]") {
  using namespace mtf::timeframes;
  const auto bars = mtf::test::random_walk_bars(700, 32);
  check_columns_match_compute_feature(tf_5m::features, bars);
  check_columns_match_compute_feature(tf_1h::features, bars);
  check_columns_match_compute_feature(tf_12h::features, bars);
  check_columns_match_compute_feature(tf_24h::features, bars);
}

TEST_CASE("kernels run in pairs give each column the bits of the feature computed alone",
          "[features][matrix]") {
  // Adjacent kernels run two at a time (feature::kernel_pair): runs of one type of odd and even
  // length, the longer window in either lane (one lane still warming up while the other is
  // full), one-bar log returns in a lane; and the pairs of two types with their shared state
  // (adx and di_spread, realized_vol and vol_ratio's fast window, bollinger_percent_b and a
  // later zscore) and with windows that differ, so that nothing is shared.
  namespace f = mtf::feature;
  const auto features =
      f::list(f::log_return{1}, f::log_return{2}, f::log_return{1}, f::log_return{7},
              f::log_return{3}, f::sma_ratio{50}, f::sma_ratio{3}, f::sma_ratio{1}, f::sma_ratio{4},
              f::rsi{5}, f::sma_ratio{2}, f::log_return{4}, f::adx{5}, f::di_spread{5}, f::adx{4},
              f::di_spread{6}, f::realized_vol{6}, f::vol_ratio{6, 10}, f::realized_vol{5},
              f::vol_ratio{3, 9}, f::bollinger_percent_b{6}, f::rsi{3}, f::zscore{6},
              f::bollinger_percent_b{5, 1.5}, f::zscore{7});
  check_columns_match_compute_feature(features, mtf::test::random_walk_bars(400, 33));
  auto bars = mtf::test::random_walk_bars(400, 34);
  for (std::size_t t = 0; t < 60; ++t)  // starts flat: equal closes, zero returns and ranges
    bars.open[t] = bars.high[t] = bars.low[t] = bars.close[t] = 100.0;
  check_columns_match_compute_feature(features, bars);
}

TEST_CASE("first complete row is the row count when no row is complete", "[features][matrix]") {
  mtf::matrix m = mtf::matrix::from_shape({3, 2});
  m.fill(1.0);
  CHECK(mtf::first_complete_row(m) == 0);
  m(1, 1) = na;
  CHECK(mtf::first_complete_row(m) == 2);
  m(2, 0) = na;
  CHECK(mtf::first_complete_row(m) == 3);
}

TEST_CASE("scale-free features match hand computations", "[features][values]") {
  SECTION("obv flow is the signed share of the window's volume") {
    // closes 10, 11, 11, 10, 12; volumes 100..500: signed volume +200, 0, -400, +500 (bars 1-4).
    // window 2: bar 2 (200+0)/(200+300) = 0.4; bar 3 (0-400)/700; bar 4 (-400+500)/900.
    const std::vector<double> close{10, 11, 11, 10, 12};
    const auto bars = bars_from(close, close, close, {100, 200, 300, 400, 500});
    require_values(mtf::compute_feature(mtf::feature::obv_flow{2}, bars),
                   {na, na, 0.4, -4.0 / 7, 1.0 / 9});
  }
  SECTION("momentum in atr units divides the n-bar move by Wilder's atr") {
    // ATR(3) of this series is 2, 5/3, 22/9 at bars 2-4 (see indicators_hand_test.cpp);
    // 2-bar moves: 11-9 = 2, 11-9 = 2, 8-11 = -3 -> 1, 1.2, -27/22.
    const auto bars = bars_from({10, 9.5, 12, 11.5, 11}, {8, 8.5, 10, 10.5, 7}, {9, 9, 11, 11, 8},
                                {1, 1, 1, 1, 1});
    require_values(mtf::compute_feature(mtf::feature::momentum_atr{2, 3}, bars),
                   {na, na, 1, 1.2, -27.0 / 22});
    // ATR / close: 2/11, (5/3)/11, (22/9)/8.
    require_values(mtf::compute_feature(mtf::feature::atr_ratio{3}, bars),
                   {na, na, 2.0 / 11, 5.0 / 33, 22.0 / 72});
  }
  SECTION("returns, ratios and bands are the documented transforms") {
    const std::vector<double> close{1, 2, 3, 4, 6};
    const auto bars = bars_from(close, close, close, {1, 1, 1, 1, 1});
    // ln(3/1), ln(4/2), ln(6/3).
    require_values(mtf::compute_feature(mtf::feature::log_return{2}, bars),
                   {na, na, std::log(3.0), std::log(2.0), std::log(2.0)});
    // close / SMA3 - 1: 3/2 - 1, 4/3 - 1, 6/(13/3) - 1.
    require_values(mtf::compute_feature(mtf::feature::sma_ratio{3}, bars),
                   {na, na, 0.5, 1.0 / 3, 18.0 / 13 - 1});
    // EMA(3): 2, 3, 4.5 -> close/EMA - 1: 0.5, 1/3, 1/3.
    require_values(mtf::compute_feature(mtf::feature::ema_ratio{3}, bars),
                   {na, na, 0.5, 1.0 / 3, 1.0 / 3});
    // Width 4 sd / mean with population sd sqrt(2/3), sqrt(2/3), sqrt(14/9).
    require_values(mtf::compute_feature(mtf::feature::bollinger_width{3}, bars),
                   {na, na, 4 * std::sqrt(2.0 / 3) / 2, 4 * std::sqrt(2.0 / 3) / 3,
                    4 * std::sqrt(14.0 / 9) / (13.0 / 3)});
    // roc 2: 3/1 - 1, 4/2 - 1, 6/3 - 1.
    require_values(mtf::compute_feature(mtf::feature::roc{2}, bars), {na, na, 2, 1, 1});
  }
  SECTION("directional and range features are scaled to fractions") {
    // The ADX series of indicators_hand_test.cpp: +DI 50, -DI 0 at bar 2; ADX 50 at bar 3.
    const auto bars = bars_from({10, 11, 12, 11.5, 11, 12}, {8, 9, 10, 9, 8, 8.5},
                                {9, 10.5, 11, 9.5, 8.5, 11.5}, {1, 1, 1, 1, 1, 1});
    require_values(mtf::compute_feature(mtf::feature::di_spread{2}, bars),
                   {na, na, 0.5, 0, (50 - 150) / 525.0, (125 - 75) / 612.5});
    require_values(mtf::compute_feature(mtf::feature::adx{2}, bars), {na, na, na, 0.5, 0.5, 0.375});
  }
  SECTION("stochastic %d and williams %r of the range series of the indicator tests") {
    const auto bars = bars_from({10, 11, 12, 11, 10, 13}, {8, 9, 9, 10, 9.5, 10},
                                {9, 10, 11, 10, 10, 13}, {1, 1, 1, 1, 1, 1});
    const double third = 1.0 / 3;
    require_values(mtf::compute_feature(mtf::feature::stochastic_d{3, 2}, bars),
                   {na, na, na, (0.75 + third) / 2, third, (third + 1) / 2});
    // Slow %K (smooth 2): SMA of raw %K 0.75, 1/3, 1/3, 1 over 2 bars, from bar 3.
    require_values(mtf::compute_feature(mtf::feature::stochastic_k{3, 2}, bars),
                   {na, na, na, (0.75 + third) / 2, third, (third + 1) / 2});
    require_values(mtf::compute_feature(mtf::feature::stochastic_k{3}, bars),
                   {na, na, 0.75, third, third, 1});
    require_values(mtf::compute_feature(mtf::feature::williams_r{3}, bars),
                   {na, na, -0.25, -2.0 / 3, -2.0 / 3, 0});
  }
}

TEST_CASE("feature matrix rejects a series with columns of different lengths",
          "[features][errors]") {
  auto bars = mtf::test::random_walk_bars(100, 5);
  bars.volume.pop_back();
  CHECK_THROWS_WITH(
      mtf::compute_feature_matrix(mtf::timeframes::tf_5m::features, bars),
      Catch::Matchers::Contains("field 'volume'") && Catch::Matchers::Contains("99 values"));
}

TEST_CASE("feature matrix rejects a non-positive price naming the feature", "[features][errors]") {
  auto bars = mtf::test::random_walk_bars(100, 6);
  bars.close[40] = 0.0;
  CHECK_THROWS_AS(mtf::compute_feature_matrix(mtf::timeframes::tf_24h::features, bars),
                  mtf::data_error);
}

TEST_CASE("log return features equal ln(close_t / close_t-k) up to rounding",
          "[features][values]") {
  const std::uint64_t seed = 33;
  INFO("seed " << seed);
  const auto bars = mtf::test::random_walk_bars(3000, seed);
  for (const int k : {1, 3, 12, 24}) {
    INFO("bars " << k);
    const auto out = mtf::compute_feature(mtf::feature::log_return{k}, bars);
    for (std::size_t t = 0; t < bars.size(); ++t) {
      if (t < static_cast<std::size_t>(k)) {
        CHECK(std::isnan(out[t]));
      } else {
        const double direct = std::log(bars.close[t] / bars.close[t - k]);
        CHECK(std::abs(out[t] - direct) <= 1e-14);
      }
    }
  }
}

TEST_CASE("a bad input names the first feature reading it, the field and the bar",
          "[features][errors]") {
  auto bars = mtf::test::random_walk_bars(100, 7);
  bars.close[40] = 0.0;
  // tf_24h's first column, log_return_5, takes logarithms of closes.
  CHECK_THROWS_WITH(mtf::compute_feature_matrix(mtf::timeframes::tf_24h::features, bars),
                    Catch::Matchers::Contains("log_return_5") &&
                        Catch::Matchers::Contains("field 'close'") &&
                        Catch::Matchers::Contains("at index 40"));
  bars = mtf::test::random_walk_bars(100, 8);
  bars.volume[12] = -1.0;
  // tf_5m reads volume first in volume_ratio_20 (column 15).
  CHECK_THROWS_WITH(mtf::compute_feature_matrix(mtf::timeframes::tf_5m::features, bars),
                    Catch::Matchers::Contains("volume_ratio_20") &&
                        Catch::Matchers::Contains("field 'volume'") &&
                        Catch::Matchers::Contains("at index 12"));
}

TEST_CASE("an infinite feature value is refused naming the feature and the bar",
          "[features][errors]") {
  // Finite prices whose range overflows: high - low = 2e308 is +inf, so ATR(1) / close is too.
  auto bars = mtf::test::random_walk_bars(30, 9);
  bars.high[17] = 1e308;
  bars.low[17] = -1e308;
  const auto features = boost::hana::make_tuple(mtf::feature::rsi{3}, mtf::feature::atr_ratio{1});
  CHECK_THROWS_WITH(mtf::compute_feature_matrix(features, bars),
                    Catch::Matchers::Contains("atr_ratio_1") &&
                        Catch::Matchers::Contains("infinite value at bar 17"));
  CHECK_THROWS_WITH(mtf::compute_feature(mtf::feature::atr_ratio{1}, bars),
                    Catch::Matchers::Contains("infinite value at bar 17"));
}
