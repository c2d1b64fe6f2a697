#pragma once
/// \file Evaluates every gate of a policy's `gates::table` (SPEC §7) generically, plus the gates
/// every policy has (skill, not constant, calibration held, no leakage, backtest Sharpe, feature
/// concentration), and the pass/fail verdict.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mtf/validation/gate_table.hpp"
#include "mtf/validation/signal_stats.hpp"

namespace mtf::validation {

/// Outcome of one gate.
struct gate_result {
  std::string name;       ///< stable identifier, e.g. "predicted_down_share" (used in verdicts)
  double value = 0;       ///< the measured value
  std::string threshold;  ///< what the value had to satisfy, e.g. "0.3–0.4" or "≥ 0.65" (UTF-8)
  bool passed = false;
  std::string detail;  ///< extra context (activity metric, top feature), may be empty
};

/// All gates passed, or which failed.
struct gate_verdict {
  bool passed = false;
  std::vector<std::string> failed;  ///< names of the failed gates, in evaluation order
};

/// Human name of an activity metric, with its unit ("backtest trades/day").
inline std::string_view activity_metric_name(gates::activity_metric m) {
  switch (m) {
    case gates::activity_metric::backtest_trades_per_day:
      return "backtest trades/day";
    case gates::activity_metric::eligible_signals_per_day:
      return "eligible signals/day";
    case gates::activity_metric::regime_changes_per_week:
      return "regime changes/week";
    case gates::activity_metric::direction_changes_per_month:
      return "direction changes/month";
  }
  return "unknown";
}

/// Short decimal text of a threshold: up to 4 decimals, trailing zeros dropped ("0.3", "1.0986").
inline std::string format_threshold_number(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.4f", v);
  std::string s = buffer;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0')
      s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

/// Mean log loss on `labels` of the constant predictor that always outputs
/// `class_frequencies` (the train split's class mix): the no-skill baseline of the skill gate.
/// Probabilities are clipped at 1e-15 like mtf::log_loss. Throws data_error when the
/// frequencies are not a distribution or a label is out of range.
inline double prior_log_loss(const std::array<double, 3>& class_frequencies,
                             std::span<const int> labels) {
  const std::string where = "prior_log_loss";
  double sum = 0;
  for (const double f : class_frequencies) {
    if (!std::isfinite(f) || f < 0 || f > 1)
      detail::bad_input(where, "class_frequencies", "a frequency lies outside [0, 1]");
    sum += f;
  }
  if (std::abs(sum - 1.0) > 1e-6)
    detail::bad_input(where, "class_frequencies", "frequencies sum to " + std::to_string(sum));
  if (labels.empty()) detail::bad_input(where, "labels", "no rows");
  double total = 0;
  for (const int y : labels) {
    if (y < 0 || y > 2) detail::bad_input(where, "labels", "label out of range (0, 1, 2)");
    total -= std::log(std::max(class_frequencies[static_cast<std::size_t>(y)], 1e-15));
  }
  return total / static_cast<double>(labels.size());
}

/// Everything the gates measure besides the table itself. Spans must outlive the call.
struct gate_inputs {
  signal_stats signals;                ///< from compute_signal_stats on the test split
  double backtest_trades_per_day = 0;  ///< from the backtest (strategy)
  double backtest_sharpe = 0;          ///< annualised Sharpe after costs (strategy)
  double test_log_loss = 0;            ///< calibrated probabilities, test split
  double test_log_loss_uncalibrated = 0;
  double prior_log_loss = 0;  ///< constant train-frequency predictor on the test labels
  /// Constant predictor of the calibration split's class mix on the test labels: a calibrator
  /// can learn that mix alone, so skill must beat it too (SPEC §7). Unset: not compared.
  std::optional<double> calibration_prior_log_loss;
  bool leakage_audit_passed = false;
  std::span<const std::string> feature_names;  ///< parallel to feature_importance
  std::span<const double> feature_importance;  ///< non-negative, any scale (normalised here)
};

namespace detail {
inline gate_result range_gate(std::string name, double value, gates::share_range r) {
  return {std::move(name),
          value,
          format_threshold_number(r.min) + "–" + format_threshold_number(r.max),
          value >= r.min && value <= r.max,
          {}};
}
inline gate_result at_least_gate(std::string name, double value, double min) {
  return {std::move(name), value, "≥ " + format_threshold_number(min), value >= min, {}};
}
inline gate_result share_above_gate(std::string name, std::string what, double measured_threshold,
                                    double share, gates::share_above g) {
  // The stats were computed at some threshold; a mismatch would silently gate the wrong thing.
  if (measured_threshold != g.threshold)
    bad_input("evaluate_gates", name,
              "signal stats were computed with threshold " +
                  format_threshold_number(measured_threshold) + " but the gate uses " +
                  format_threshold_number(g.threshold));
  return {std::move(name),
          share,
          "≥ " + format_threshold_number(g.min_share) + " with " + what + " ≥ " +
              format_threshold_number(g.threshold),
          share >= g.min_share,
          {}};
}
}  // namespace detail

/// The activity metric `m` measured in `in` (trades/day from the backtest, the others from the
/// signal stats).
inline double activity_value(gates::activity_metric m, const gate_inputs& in) {
  switch (m) {
    case gates::activity_metric::backtest_trades_per_day:
      return in.backtest_trades_per_day;
    case gates::activity_metric::eligible_signals_per_day:
      return in.signals.eligible_signals_per_day;
    case gates::activity_metric::regime_changes_per_week:
      return in.signals.regime_changes_per_week;
    case gates::activity_metric::direction_changes_per_month:
      return in.signals.direction_changes_per_month;
  }
  return 0.0;
}

/// Evaluates every gate of `table` (optional gates the table leaves empty are skipped, not
/// passed) followed by the six gates every policy has, in a fixed order. Ranges are inclusive;
/// "skill" and "backtest_sharpe" are strict (<, >) as SPEC §7 words them. Throws data_error on
/// inconsistent inputs (feature names/importances of different length, negative or non-finite
/// importance, stats computed at a different share threshold than the table's).
inline std::vector<gate_result> evaluate_gates(const gates::table& table, const gate_inputs& in) {
  const signal_stats& s = in.signals;
  std::vector<gate_result> out;
  out.reserve(17);
  out.push_back(detail::range_gate("predicted_up_share", s.predicted_share[2], table.up_share));
  out.push_back(detail::range_gate("predicted_down_share", s.predicted_share[0], table.down_share));
  out.push_back(
      detail::range_gate("predicted_neutral_share", s.predicted_share[1], table.neutral_share));
  out.push_back(
      detail::at_least_gate("confidence_mean", s.confidence_mean, table.confidence_mean_min));
  if (table.confidence_median_min)
    out.push_back(detail::at_least_gate("confidence_median", s.confidence_median,
                                        *table.confidence_median_min));
  out.push_back(detail::share_above_gate("confidence_share", "confidence",
                                         s.confidence_share_threshold, s.confidence_share_above,
                                         table.confidence_share));
  out.push_back(detail::at_least_gate("alpha_mean", s.alpha_mean, table.alpha_mean_min));
  if (table.alpha_share)
    out.push_back(detail::share_above_gate("alpha_share", "alpha", s.alpha_share_threshold,
                                           s.alpha_share_above, *table.alpha_share));
  if (table.eligible_share_min)
    out.push_back(
        detail::at_least_gate("eligible_share", s.eligible_share, *table.eligible_share_min));
  out.push_back(
      detail::at_least_gate("non_neutral_share", s.non_neutral_share, table.non_neutral_min));
  {
    const auto& a = table.activity;
    gate_result g = detail::range_gate("activity", activity_value(a.metric, in), {a.min, a.max});
    g.detail = std::string(activity_metric_name(a.metric));
    out.push_back(std::move(g));
  }
  if (in.calibration_prior_log_loss) {
    const double limit = std::min(in.prior_log_loss, *in.calibration_prior_log_loss);
    out.push_back({"skill", in.test_log_loss,
                   "< " + format_threshold_number(limit) + " (prior log loss: train mix " +
                       format_threshold_number(in.prior_log_loss) + ", calibration mix " +
                       format_threshold_number(*in.calibration_prior_log_loss) + ")",
                   in.test_log_loss < limit,
                   "test log loss vs the constant train and calibration mixes"});
  } else {
    out.push_back({"skill", in.test_log_loss,
                   "< " + format_threshold_number(in.prior_log_loss) + " (prior log loss)",
                   in.test_log_loss < in.prior_log_loss, "test log loss vs constant train mix"});
  }
  out.push_back(detail::at_least_gate("not_constant", s.confidence_std, table.confidence_std_min));
  out.back().detail = "confidence std";
  const double calibration_limit = in.test_log_loss_uncalibrated + table.calibration_tolerance;
  out.push_back({"calibration_held", in.test_log_loss,
                 "≤ " + format_threshold_number(calibration_limit) + " (uncalibrated + " +
                     format_threshold_number(table.calibration_tolerance) + ")",
                 in.test_log_loss <= calibration_limit, "test log loss, calibrated"});
  out.push_back({"no_leakage",
                 in.leakage_audit_passed ? 1.0 : 0.0,
                 "audit passed",
                 in.leakage_audit_passed,
                 {}});
  out.push_back({"backtest_sharpe", in.backtest_sharpe,
                 "> " + format_threshold_number(table.sharpe_min),
                 in.backtest_sharpe > table.sharpe_min, "annualised, after costs"});

  if (in.feature_names.size() != in.feature_importance.size())
    detail::bad_input("evaluate_gates", "feature_importance",
                      std::to_string(in.feature_importance.size()) + " importances for " +
                          std::to_string(in.feature_names.size()) + " feature names");
  if (in.feature_importance.empty())
    detail::bad_input("evaluate_gates", "feature_importance", "no features");
  double total = 0, top = -1;
  std::size_t top_index = 0;
  for (std::size_t i = 0; i < in.feature_importance.size(); ++i) {
    const double v = in.feature_importance[i];
    if (!std::isfinite(v) || v < 0)
      detail::bad_input("evaluate_gates", "feature_importance",
                        "importance of '" + in.feature_names[i] + "' is negative or not finite");
    total += v;
    if (v > top) top = v, top_index = i;
  }
  gate_result concentration{"feature_concentration",
                            1.0,
                            "≤ " + format_threshold_number(table.max_feature_share),
                            false,
                            {}};
  if (total > 0) {
    concentration.value = top / total;
    concentration.passed = concentration.value <= table.max_feature_share;
    concentration.detail = "top feature: " + in.feature_names[top_index];
  } else {
    // A model without a single useful split is as concentrated as it gets: fail, do not divide.
    concentration.detail = "every feature has zero importance";
  }
  out.push_back(std::move(concentration));
  return out;
}

/// Passed iff every gate passed; lists the failed gate names.
inline gate_verdict summarise_gates(std::span<const gate_result> results) {
  gate_verdict v;
  for (const auto& r : results)
    if (!r.passed) v.failed.push_back(r.name);
  v.passed = v.failed.empty();
  return v;
}

}  // namespace mtf::validation
