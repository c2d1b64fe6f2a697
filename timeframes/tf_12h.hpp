#pragma once
// 12h policy — the regime filter: trending up, trending down or ranging for the next two days?
// Reviewed configuration: every number says why. Rules it must obey:
// mtf/policy/timeframe_policy.hpp.
#include "mtf/policy/policy.hpp"

namespace mtf::timeframes {

struct tf_12h {
  static constexpr std::string_view name = "12h";
  static constexpr std::int64_t bar_seconds = 43'200;  // half-day candles (00:00 and 12:00 UTC)
  static constexpr int history_days = 365;             // plan: a year covers several regimes
  static constexpr int retrain_every = 30;             // plan: monthly; swings last weeks
  static constexpr std::size_t min_bars = 700;         // plan: ~350 days
  static constexpr int horizon = 4;                    // 4 x 12h = the two-day regime question

  static constexpr std::array ma_windows{6, 14, 28, 60};  // 3 days, 1 week, 2 weeks, 1 month
  static constexpr std::array momentum_windows{2, 14};    // one day and one week back
  static constexpr int rsi_window = 14;                   // Wilder's standard (one week)
  static constexpr int vol_window = 14;                   // one week of returns

  static constexpr std::size_t feature_count = 12;  // plan: 12 macro-trend features
  static constexpr auto features = feature::list(
      feature::each<feature::log_return>(momentum_windows),  // past returns
      feature::each<feature::sma_ratio>(ma_windows),         // distance from each trend
      feature::adx{14}, feature::di_spread{14},              // trend strength is what a regime is
      feature::realized_vol{14}, feature::vol_ratio{6, 28},  // volatility level and its change
      feature::rsi{rsi_window}, feature::bollinger_width{28});  // exhaustion, range compression

  // Trending needs a clean move: efficiency ratio >= 0.15 over the horizon. On 4-bar BTC paths
  // the share of rows with ER < x is about x, so er_min must stay below the 20% ranging target
  // (0.25 alone made 25% of rows ranging and the target unreachable).
  static constexpr label::regime labeler{.vol_window = vol_window, .er_min = 0.15};
  static constexpr std::array class_targets{0.40, 0.20, 0.40};  // plan: bear/range/bull 40/20/40
  static constexpr double min_class_share = 0.05;  // below 5% a class is effectively missing

  // max_bin 64 instead of xgboost's 256: the same walk-forward log loss on btcusdt_1h (55
  // monthly windows, -0.0003 [-0.0038, +0.0031]) with cheaper trees (README, Benchmarks).
  static constexpr auto base_models = boost::hana::make_tuple(
      model::random_forest{.trees = 150,
                           .max_depth = 10,
                           .min_leaf = 20,  // plan: RF 150 x depth 10; fewer rows, smaller leaves
                           .max_bin = 64},
      model::logistic_regression{.C = 0.1});  // plan: linear trend view
  // plan: C = 0.1 and "balanced" = balanced to the target mix, by the sample weights (SPEC §4.7)
  static constexpr model::logistic_regression meta_model{.C = 0.1};

  static constexpr calibration::spec calibration{};  // isotonic; small splits fall back (SPEC §4.9)
  static constexpr split::spec split{};              // 70/15/15 by time, 5 purged folds

  static constexpr gates::table gates{
      .up_share = {0.30, 0.40},       // plan
      .down_share = {0.30, 0.40},     // plan
      .neutral_share = {0.20, 0.40},  // plan: ranging is a real regime
      .confidence_mean_min = 0.55,    // plan
      .confidence_median_min = {},    // plan: not gated
      .confidence_share = {.threshold = 0.50, .min_share = 0.60},
      .alpha_mean_min = 0.08,
      .alpha_share = {},                                                    // plan: not gated
      .eligible_share_min = {},                                             // plan: not gated
      .non_neutral_min = 0.60,                                              // plan
      .activity = {gates::activity_metric::regime_changes_per_week, 2, 6},  // plan
  };
  static constexpr gates::trade_gate trade_gate{.conf_min = 0.65, .alpha_min = 0.10};  // plan
  static constexpr gates::confidence_tiers tiers{};      // plan: 0.60 / 0.65 / 0.80
  static constexpr intake::quality_spec data_quality{};  // 5% gaps, 50% jumps (SPEC §4.2)
  static constexpr std::chrono::days max_model_age{60};  // plan: monthly retrain, one may be missed
  static constexpr backtest::cost_spec costs{};          // 5 bps fee + 1 bps slippage per side
  // SPEC §9 thresholds (PSI 0.10 / 0.25, accuracy -5 / -10 points, ECE +0.05): no per-timeframe
  // evidence yet to set them apart.
  static constexpr validation::drift_spec drift{};
};

static_assert(TimeframePolicy<tf_12h>);

}  // namespace mtf::timeframes
