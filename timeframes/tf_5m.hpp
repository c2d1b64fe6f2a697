#pragma once
// 5m policy — the execution engine: will price move up, down or not at all over the next hour?
// Reviewed configuration: every number says why. Rules it must obey:
// mtf/policy/timeframe_policy.hpp.
#include "mtf/policy/policy.hpp"

namespace mtf::timeframes {

struct tf_5m {
  static constexpr std::string_view name = "5m";
  static constexpr std::int64_t bar_seconds = 300;  // 5-minute candles
  static constexpr int history_days = 90;           // plan: one quarter of 5m history per retrain
  static constexpr int retrain_every = 7;           // plan: weekly; intraday regimes turn fast
  static constexpr std::size_t min_bars = 25'000;   // plan: ~87 days; fewer cannot fill 5 folds
  static constexpr int horizon = 12;  // 12 x 5m = the one-hour question the 5m model answers

  static constexpr std::array ma_windows{5, 10, 20, 50};   // plan: 25 min to ~4 h of trend
  static constexpr std::array momentum_windows{1, 3, 12};  // last bar, 15 min, one horizon back
  static constexpr int rsi_window = 14;                    // Wilder's standard; plan keeps it
  static constexpr int vol_window = 48;  // 4 h of returns: stable sigma, still intraday

  static constexpr std::size_t feature_count = 17;  // plan: 17 short-term features
  static constexpr auto features = feature::list(
      feature::each<feature::log_return>(momentum_windows),  // past returns
      feature::each<feature::sma_ratio>(ma_windows),         // distance from each trend
      feature::rsi{rsi_window}, feature::atr_ratio{14},      // Wilder pair
      feature::bollinger_percent_b{20}, feature::macd_histogram{12, 26, 9},  // classic settings
      feature::realized_vol{12}, feature::vol_ratio{12, 48},  // 1 h vol and 1 h vs 4 h regime
      feature::zscore{20}, feature::stochastic_k{14, 3},      // mean reversion inside the hour
      feature::volume_ratio{20}, feature::cmf{20});           // participation and money flow

  // Direction over the next hour, threshold scaled by 4 h volatility; k solved on train.
  static constexpr label::volatility_adaptive labeler{.vol_window = vol_window};
  static constexpr std::array class_targets{0.40, 0.20, 0.40};  // plan: down/neutral/up 40/20/40
  static constexpr double min_class_share = 0.05;  // below 5% a class is effectively missing

  // Trees keep xgboost's 256 histogram bins (1h/12h/24h use 64): with 64 the walk-forward log
  // loss moved by +0.0003 [-0.0006, +0.0011] (BTC+ETH) and +0.0006 [-0.0011, +0.0025] (BTC) —
  // not significant, but both worse, on the one timeframe with significant skill (README).
  static constexpr auto base_models = boost::hana::make_tuple(
      // plan: RF 200 trees, depth 8, at least 50 samples per leaf (5m labels are noisy)
      model::random_forest{.trees = 200, .max_depth = 8, .min_leaf = 50},
      // plan: XGBoost 200 rounds, depth 6, eta 0.05 (slow learning against noise)
      model::gradient_boosting{.rounds = 200, .max_depth = 6, .eta = 0.05},
      // plan: a strongly regularised linear view as a third, uncorrelated opinion
      model::logistic_regression{.C = 0.1});
  // plan: C = 0.1 and "balanced" = balanced to the target mix, by the sample weights (SPEC §4.7)
  static constexpr model::logistic_regression meta_model{.C = 0.1};

  static constexpr calibration::spec calibration{};  // isotonic, 1,000-row floor (SPEC §4.9)
  static constexpr split::spec split{};              // 70/15/15 by time, 5 purged folds

  static constexpr gates::table gates{
      .up_share = {0.30, 0.40},       // plan: no direction dominates
      .down_share = {0.30, 0.40},     // plan: SELL must appear (the classic failure)
      .neutral_share = {0.20, 0.40},  // plan: not the 91%-neutral model again
      .confidence_mean_min = 0.65,    // execution needs conviction
      .confidence_median_min = 0.60,  // ... for the typical bar, not a few outliers
      .confidence_share = {.threshold = 0.60, .min_share = 0.40},
      .alpha_mean_min = 0.12,  // clear up/down separation
      .alpha_share = gates::share_above{.threshold = 0.10, .min_share = 0.50},
      .eligible_share_min = 0.30,  // a third of bars must pass the trade gate
      .non_neutral_min = 0.60,     // plan: at least 60% directional calls
      .activity = {gates::activity_metric::backtest_trades_per_day, 10, 30},  // plan
  };
  static constexpr gates::trade_gate trade_gate{.conf_min = 0.60, .alpha_min = 0.10};  // plan
  static constexpr gates::confidence_tiers tiers{};      // plan: 0.60 / 0.65 / 0.80
  static constexpr intake::quality_spec data_quality{};  // 5% gaps, 50% jumps (SPEC §4.2)
  static constexpr std::chrono::days max_model_age{7};   // plan: retrained weekly (seed 002)
  static constexpr backtest::cost_spec costs{};          // 5 bps fee + 1 bps slippage per side
  // SPEC §9 thresholds (PSI 0.10 / 0.25, accuracy -5 / -10 points, ECE +0.05): no per-timeframe
  // evidence yet to set them apart.
  static constexpr validation::drift_spec drift{};
};

static_assert(TimeframePolicy<tf_5m>);

}  // namespace mtf::timeframes
