#pragma once
// 1h policy — the tactical overlay: medium-term trend confirmation that filters 5m noise.
// Reviewed configuration: every number says why. Rules it must obey:
// mtf/policy/timeframe_policy.hpp.
#include "mtf/policy/policy.hpp"

namespace mtf::timeframes {

struct tf_1h {
  static constexpr std::string_view name = "1h";
  static constexpr std::int64_t bar_seconds = 3600;  // hourly candles
  static constexpr int history_days = 180;           // plan: half a year of hourly history
  static constexpr int retrain_every = 7;            // plan: weekly, like 5m
  static constexpr std::size_t min_bars = 4'000;     // plan: ~167 days
  static constexpr int horizon = 8;                  // 8 h: one trading session ahead

  static constexpr std::array ma_windows{12, 24, 48, 96};  // plan: half a day to four days
  static constexpr std::array momentum_windows{1, 8, 24};  // last bar, one horizon, one day
  static constexpr int rsi_window = 14;                    // Wilder's standard
  static constexpr int vol_window = 24;                    // one day of hourly returns

  static constexpr std::size_t feature_count = 15;  // plan: 15 medium-term features
  static constexpr auto features = feature::list(
      feature::each<feature::log_return>(momentum_windows),  // past returns
      feature::each<feature::sma_ratio>(ma_windows),         // distance from each trend
      feature::rsi{rsi_window}, feature::atr_ratio{14}, feature::macd_histogram{12, 26, 9},
      feature::adx{14}, feature::di_spread{14},                 // trend strength and its sign
      feature::realized_vol{24}, feature::bollinger_width{20},  // volatility level and squeeze
      feature::obv_flow{24});                                   // one day of volume-confirmed flow

  static constexpr label::volatility_adaptive labeler{.vol_window = vol_window};
  static constexpr std::array class_targets{0.45, 0.10, 0.45};  // plan: 45/10/45, trend calls
  static constexpr double min_class_share = 0.05;  // below 5% a class is effectively missing

  // max_bin 64 instead of xgboost's 256: the same walk-forward log loss on btcusdt_1h (263
  // weekly windows, +0.0001 [-0.0008, +0.0009]) at 2.4x less split search (README, Benchmarks).
  static constexpr auto base_models = boost::hana::make_tuple(
      model::random_forest{
          .trees = 150, .max_depth = 10, .min_leaf = 50, .max_bin = 64},  // plan: RF 150 x 10
      model::gradient_boosting{
          .rounds = 150, .max_depth = 8, .eta = 0.05, .max_bin = 64});  // plan: XGB 150 x 8
  // plan: C = 0.1 and "balanced" = balanced to the target mix, by the sample weights (SPEC §4.7)
  static constexpr model::logistic_regression meta_model{.C = 0.1};

  static constexpr calibration::spec calibration{};  // isotonic, 1,000-row floor (SPEC §4.9)
  static constexpr split::spec split{};              // 70/15/15 by time, 5 purged folds

  static constexpr gates::table gates{
      .up_share = {0.35, 0.45},       // plan
      .down_share = {0.35, 0.45},     // plan
      .neutral_share = {0.10, 0.30},  // plan: an overlay that mostly takes a side
      .confidence_mean_min = 0.60,    // plan
      .confidence_median_min = {},    // plan: not gated
      .confidence_share = {.threshold = 0.55, .min_share = 0.50},
      .alpha_mean_min = 0.10,
      .alpha_share = gates::share_above{.threshold = 0.08, .min_share = 0.60},
      .eligible_share_min = {},  // plan: not gated (activity covers it)
      .non_neutral_min = 0.70,   // plan
      .activity = {gates::activity_metric::eligible_signals_per_day, 8, 16},  // plan
  };
  static constexpr gates::trade_gate trade_gate{.conf_min = 0.60, .alpha_min = 0.10};  // plan
  static constexpr gates::confidence_tiers tiers{};      // plan: 0.60 / 0.65 / 0.80
  static constexpr intake::quality_spec data_quality{};  // 5% gaps, 50% jumps (SPEC §4.2)
  static constexpr std::chrono::days max_model_age{14};  // plan: weekly retrain, one may be missed
  static constexpr backtest::cost_spec costs{};          // 5 bps fee + 1 bps slippage per side
  // SPEC §9 thresholds (PSI 0.10 / 0.25, accuracy -5 / -10 points, ECE +0.05): no per-timeframe
  // evidence yet to set them apart.
  static constexpr validation::drift_spec drift{};
};

static_assert(TimeframePolicy<tf_1h>);

}  // namespace mtf::timeframes
