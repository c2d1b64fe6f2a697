#pragma once
// A fifth timeframe, built only in the test tree to prove the README's promise: adding a
// timeframe is this one header plus one CMake line (tests/apps/CMakeLists.txt).
#include "mtf/policy/policy.hpp"

namespace mtf::test_timeframes {

struct tf_15m {
  static constexpr std::string_view name = "15m";
  static constexpr std::int64_t bar_seconds = 900;  // 15-minute candles
  static constexpr int history_days = 120;          // four months of 15m history
  static constexpr int retrain_every = 7;           // weekly, like 5m and 1h
  static constexpr std::size_t min_bars = 8'000;    // ~83 days
  static constexpr int horizon = 8;                 // two hours ahead

  static constexpr std::array ma_windows{4, 16, 32, 96};  // 1 h to 1 day
  static constexpr std::array momentum_windows{1, 8};     // last bar, one horizon
  static constexpr int rsi_window = 14;                   // Wilder's standard
  static constexpr int vol_window = 32;                   // 8 h of returns

  static constexpr std::size_t feature_count = 9;
  static constexpr auto features =
      feature::list(feature::each<feature::log_return>(momentum_windows),
                    feature::each<feature::sma_ratio>(ma_windows), feature::rsi{rsi_window},
                    feature::atr_ratio{14}, feature::realized_vol{32});

  static constexpr label::volatility_adaptive labeler{.vol_window = vol_window};
  static constexpr std::array class_targets{0.40, 0.20, 0.40};  // like 5m
  static constexpr double min_class_share = 0.05;

  static constexpr auto base_models =
      boost::hana::make_tuple(model::random_forest{.trees = 30, .max_depth = 6, .min_leaf = 50},
                              model::logistic_regression{.C = 0.1});
  static constexpr model::logistic_regression meta_model{.C = 0.1};

  static constexpr calibration::spec calibration{};
  static constexpr split::spec split{};

  static constexpr gates::table gates{
      .up_share = {0.30, 0.40},
      .down_share = {0.30, 0.40},
      .neutral_share = {0.20, 0.40},
      .confidence_mean_min = 0.60,
      .confidence_median_min = {},
      .confidence_share = {.threshold = 0.55, .min_share = 0.40},
      .alpha_mean_min = 0.10,
      .alpha_share = {},
      .eligible_share_min = {},
      .non_neutral_min = 0.60,
      .activity = {gates::activity_metric::backtest_trades_per_day, 3, 12},
  };
  static constexpr gates::trade_gate trade_gate{.conf_min = 0.60, .alpha_min = 0.10};
  static constexpr gates::confidence_tiers tiers{};
  static constexpr intake::quality_spec data_quality{};
  static constexpr std::chrono::days max_model_age{7};  // retrained weekly, like 5m
  static constexpr backtest::cost_spec costs{};
  static constexpr validation::drift_spec drift{};  // SPEC §9 thresholds
};

}  // namespace mtf::test_timeframes
