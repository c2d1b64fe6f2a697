#pragma once
/// \file The validation gates a policy declares (SPEC §7): literal values a reviewer reads.

#include <cstddef>
#include <optional>
#include <string_view>

#include "mtf/core/described.hpp"

namespace mtf::gates {

/// Closed interval [min, max] of a share.
struct share_range {
  double min;
  double max;
};

/// "At least `min_share` of test bars have a value >= `threshold`".
struct share_above {
  double threshold;
  double min_share;
};

/// What the activity gate counts (SPEC §7: "signals per day" counts eligible bars; "trades per
/// day" counts backtest entries with one open position at a time).
enum class activity_metric {
  backtest_trades_per_day,
  eligible_signals_per_day,
  regime_changes_per_week,
  direction_changes_per_month,
};

/// The enumerator's name ("backtest_trades_per_day"); "" for a value outside the enumeration.
/// (validation::activity_metric_name gives the human text with its unit.)
constexpr std::string_view enum_name(activity_metric m) {
  switch (m) {
    case activity_metric::backtest_trades_per_day:
      return "backtest_trades_per_day";
    case activity_metric::eligible_signals_per_day:
      return "eligible_signals_per_day";
    case activity_metric::regime_changes_per_week:
      return "regime_changes_per_week";
    case activity_metric::direction_changes_per_month:
      return "direction_changes_per_month";
  }
  return "";
}

/// Activity gate: the metric must lie in [min, max].
struct activity_range {
  activity_metric metric;
  double min;
  double max;
};

/// The trade gate: a bar is eligible when confidence >= conf_min and alpha >= alpha_min.
struct trade_gate {
  double conf_min;
  double alpha_min;
};

/// Confidence tiers reported by inference (low / medium / high).
struct confidence_tiers {
  double low = 0.60;
  double medium = 0.65;
  double high = 0.80;
};

/// Every gate of SPEC §7. Optional members are the table's "—": not gated for that timeframe.
struct table {
  share_range up_share;
  share_range down_share;
  share_range neutral_share;
  double confidence_mean_min;
  std::optional<double> confidence_median_min;
  share_above confidence_share;
  double alpha_mean_min;
  std::optional<share_above> alpha_share;
  std::optional<double> eligible_share_min;
  double non_neutral_min;
  activity_range activity;
  // Gates every policy has (SPEC §7, "what stop a broken model being called good").
  double confidence_std_min = 0.01;      ///< not constant
  double calibration_tolerance = 0.001;  ///< calibrated log loss <= uncalibrated + this
  double sharpe_min = 0.5;               ///< annualised Sharpe after costs must exceed this
  double max_feature_share = 0.30;       ///< no single feature above this share of importance
  /// Fewest labelled rows outside a model's training data that `evaluate`, `drift` and the
  /// champion/challenger comparison judge a model on (SPEC §9); fewer is not evidence.
  std::size_t min_out_of_sample_rows = 50;
};

}  // namespace mtf::gates

MTF_DESCRIBE(mtf::gates::share_range, min, max);
MTF_DESCRIBE(mtf::gates::share_above, threshold, min_share);
MTF_DESCRIBE(mtf::gates::activity_range, metric, min, max);
MTF_DESCRIBE(mtf::gates::trade_gate, conf_min, alpha_min);
MTF_DESCRIBE(mtf::gates::confidence_tiers, low, medium, high);
MTF_DESCRIBE(mtf::gates::table, up_share, down_share, neutral_share, confidence_mean_min,
             confidence_median_min, confidence_share, alpha_mean_min, alpha_share,
             eligible_share_min, non_neutral_min, activity, confidence_std_min,
             calibration_tolerance, sharpe_min, max_feature_share, min_out_of_sample_rows);
