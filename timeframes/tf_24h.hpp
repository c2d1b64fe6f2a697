#pragma once
// 24h policy — the strategic bias: long-term direction, used as a position-sizing modifier.
// Reviewed configuration: every number says why. Rules it must obey:
// mtf/policy/timeframe_policy.hpp.
#include "mtf/policy/policy.hpp"

namespace mtf::timeframes {

struct tf_24h {
  static constexpr std::string_view name = "24h";
  static constexpr std::int64_t bar_seconds = 86'400;  // daily candles, 00:00 UTC like Binance 1d
  static constexpr int history_days = 730;             // plan: two years of daily history
  static constexpr int retrain_every = 30;             // plan: monthly; 730 d barely move in a week
  static constexpr std::size_t min_bars = 700;         // plan: ~2 years
  static constexpr int horizon = 5;                    // one trading week ahead

  static constexpr std::array ma_windows{10, 20, 50, 100};  // two weeks to ~5 months of trend
  static constexpr std::array momentum_windows{5, 20};      // one horizon and one month back
  static constexpr int rsi_window = 14;                     // Wilder's standard
  static constexpr int vol_window = 20;                     // a month of daily returns

  static constexpr std::size_t feature_count = 10;  // plan: 10 macro-only features
  static constexpr auto features = feature::list(
      feature::each<feature::log_return>(momentum_windows),  // past returns
      feature::each<feature::sma_ratio>(ma_windows),         // distance from each trend
      feature::rsi{rsi_window}, feature::realized_vol{20},   // exhaustion and risk level
      feature::macd_histogram{12, 26, 9},                    // classic daily trend oscillator
      feature::zscore{50});                                  // distance from the quarter's mean

  static constexpr label::volatility_adaptive labeler{.vol_window = vol_window};
  static constexpr std::array class_targets{0.45, 0.10, 0.45};  // plan: 45/10/45, a bias always
  static constexpr double min_class_share = 0.05;  // below 5% a class is effectively missing

  // max_bin 64 instead of xgboost's 256: the same walk-forward log loss on btcusdt_1h (43
  // monthly windows, -0.0015 [-0.0049, +0.0023]) with cheaper trees (README, Benchmarks).
  static constexpr auto base_models = boost::hana::make_tuple(
      model::random_forest{.trees = 100,
                           .max_depth = 12,
                           .min_leaf = 10,  // plan: RF 100 x depth 12; few rows, small leaves
                           .max_bin = 64},
      model::logistic_regression{.C = 0.1});  // plan: linear view
  // plan: C = 0.1 and "balanced" = balanced to the target mix, by the sample weights (SPEC §4.7)
  static constexpr model::logistic_regression meta_model{.C = 0.1};

  static constexpr calibration::spec calibration{};  // isotonic; small splits fall back (SPEC §4.9)
  static constexpr split::spec split{};              // 70/15/15 by time, 5 purged folds

  static constexpr gates::table gates{
      .up_share = {0.35, 0.45},       // plan
      .down_share = {0.35, 0.45},     // plan
      .neutral_share = {0.10, 0.30},  // plan: a bias is rarely "none"
      .confidence_mean_min = 0.50,    // plan
      .confidence_median_min = {},    // plan: not gated
      .confidence_share = {.threshold = 0.45, .min_share = 0.70},
      .alpha_mean_min = 0.06,
      .alpha_share = {},                                                        // plan: not gated
      .eligible_share_min = {},                                                 // plan: not gated
      .non_neutral_min = 0.70,                                                  // plan
      .activity = {gates::activity_metric::direction_changes_per_month, 4, 8},  // plan
  };
  static constexpr gates::trade_gate trade_gate{.conf_min = 0.70, .alpha_min = 0.10};  // plan
  static constexpr gates::confidence_tiers tiers{};      // plan: 0.60 / 0.65 / 0.80
  static constexpr intake::quality_spec data_quality{};  // 5% gaps, 50% jumps (SPEC §4.2)
  static constexpr std::chrono::days max_model_age{60};  // plan: monthly retrain, one may be missed
  static constexpr backtest::cost_spec costs{};          // 5 bps fee + 1 bps slippage per side
  // SPEC §9 thresholds (PSI 0.10 / 0.25, accuracy -5 / -10 points, ECE +0.05): no per-timeframe
  // evidence yet to set them apart.
  static constexpr validation::drift_spec drift{};
};

static_assert(TimeframePolicy<tf_24h>);

}  // namespace mtf::timeframes
