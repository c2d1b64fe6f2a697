#pragma once
/// \file run_report <-> JSON (report.json). Every struct converts both ways through nlohmann's
/// ADL hooks (`nlohmann::json j = report; report = j.get<run_report>()`); keys missing on
/// reading keep their defaults, so an older report still loads. "report_version" is checked.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "mtf/core/errors.hpp"
#include "mtf/reports/run_report.hpp"

/// An absent evaluation (every `train` report) is null in report.json.
template <>
struct nlohmann::adl_serializer<std::optional<mtf::reports::evaluation_summary>> {
  static void to_json(nlohmann::json& j, const std::optional<mtf::reports::evaluation_summary>& v);
  static void from_json(const nlohmann::json& j,
                        std::optional<mtf::reports::evaluation_summary>& v);
};

namespace mtf::validation {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(
    signal_stats, rows, span_days, predicted_share, non_neutral_share, confidence_mean,
    confidence_median, confidence_std, confidence_share_threshold, confidence_share_above,
    alpha_mean, alpha_median, alpha_share_threshold, alpha_share_above, eligible_share,
    p_neutral_mean, eligible_bars, eligible_signals_per_day, direction_changes,
    direction_changes_per_week, direction_changes_per_month, regime_changes,
    regime_changes_per_week)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(classification_metrics, confusion, precision,
                                                recall, accuracy, eligible_directional,
                                                eligible_correct, directional_accuracy)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(gate_result, name, value, threshold, passed, detail)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(histogram_marker, label, value)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(histogram, name, lower, upper, counts, markers)
}  // namespace mtf::validation

namespace mtf::backtest {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(trade, entry_bar, exit_bar, side, entry_price,
                                                exit_price, net_return)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(performance, trades, trades_per_day, win_rate,
                                                mean_trade_return, total_log_return, total_return,
                                                sharpe, max_drawdown, long_share)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(backtest_result, strategy, buy_and_hold,
                                                random_direction, trades, curve_timestamps,
                                                strategy_equity, buy_and_hold_equity, random_equity,
                                                span_days, bars_per_year, random_seed)
}  // namespace mtf::backtest

namespace mtf::reports {
// nlohmann maps an unknown string to the FIRST pair: an unreadable outcome must read as
// "rejected", never as "promoted".
NLOHMANN_JSON_SERIALIZE_ENUM(decision, {{decision::rejected, "rejected"},
                                        {decision::promoted, "promoted"},
                                        {decision::report_only, "report-only"},
                                        {decision::forced, "forced"},
                                        {decision::evaluated, "evaluated"}})
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(symbol_summary, symbol, file, bars, first_timestamp,
                                                last_timestamp, gaps, warnings)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(rows_dropped, warm_up, label_horizon, resampling,
                                                older_than_history, after_end)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(data_summary, symbols, dropped, train_rows,
                                                calibration_rows, test_rows)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(label_summary, k, raw_share, weighted_share,
                                                target_share, calibration_share)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(model_summary, name, oof_log_loss, fold_log_loss,
                                                test_log_loss)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(models_summary, base, combiner, combiner_reason,
                                                meta_oof_log_loss, meta_test_log_loss,
                                                ensemble_oof_log_loss, ensemble_test_log_loss,
                                                ensemble_weights, stack_oof_log_loss, stability_std)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(probability_scores, log_loss, brier, ece)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(reliability_point, lower, upper, count,
                                                mean_confidence, accuracy)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(calibration_summary, method_requested, method_used,
                                                reason, rows, before, after,
                                                test_reliability_before, test_reliability_after)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(validation_summary, signals, classification,
                                                test_log_loss, test_log_loss_uncalibrated,
                                                prior_log_loss, calibration_prior_log_loss,
                                                test_brier, test_ece)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(symbol_result, symbol, rows, test_log_loss,
                                                prior_log_loss, accuracy, eligible_share, trades,
                                                sharpe, total_return)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(evaluation_summary, model_run_id, model_data_first,
                                                model_data_last, in_sample_rows_skipped, rows)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(feature_share, name, share)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(stage_timing, name, seconds)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(run_verdict, outcome, failed_gates, note)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(run_report, report_version, timeframe, run_id,
                                                run_path, generated_at, seed, threads, workers,
                                                horizon, bar_seconds, calendar, data, labels,
                                                models, calibration, validation, gates, backtest,
                                                per_symbol, evaluation, feature_importance,
                                                max_feature_share, timings, verdict,
                                                confidence_histogram, alpha_histogram)

}  // namespace mtf::reports

inline void nlohmann::adl_serializer<std::optional<mtf::reports::evaluation_summary>>::to_json(
    nlohmann::json& j, const std::optional<mtf::reports::evaluation_summary>& v) {
  if (v)
    j = *v;
  else
    j = nullptr;
}
inline void nlohmann::adl_serializer<std::optional<mtf::reports::evaluation_summary>>::from_json(
    const nlohmann::json& j, std::optional<mtf::reports::evaluation_summary>& v) {
  if (j.is_null())
    v.reset();
  else
    v = j.get<mtf::reports::evaluation_summary>();
}

namespace mtf::reports {

/// The report as JSON (keys sorted alphabetically; "report_version" at top level). A dump writes
/// non-finite numbers as null, which report_from_json then rejects: keep the report finite.
inline nlohmann::json report_to_json(const run_report& report) {
  return report;
}

/// Reads a report back. Throws artifact_error when the JSON is not an object, has no
/// "report_version", or a newer version than this build understands, or a field has the wrong
/// type (e.g. a null where a number belongs).
inline run_report report_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("report_version") || !j["report_version"].is_number_integer())
    throw artifact_error("report.json: not a run report (no integer \"report_version\")");
  const int version = j["report_version"].get<int>();
  if (version < 1 || version > current_report_version)
    throw artifact_error("report.json: report_version " + std::to_string(version) +
                         " is not supported (this build reads 1.." +
                         std::to_string(current_report_version) + ")");
  try {
    return j.get<run_report>();
  } catch (const nlohmann::json::exception& e) {
    throw artifact_error(std::string("report.json: ") + e.what());
  }
}

/// The calibrated test log loss of a stored report, for champion/challenger comparison.
/// Throws artifact_error when the report is unreadable or the value is missing or not a number.
inline double report_test_log_loss(const nlohmann::json& j) {
  const run_report r = report_from_json(j);
  const auto& v = j.value("validation", nlohmann::json::object());
  if (!v.contains("test_log_loss") || !v["test_log_loss"].is_number())
    throw artifact_error("report.json: validation.test_log_loss is missing or not a number");
  return r.validation.test_log_loss;
}

}  // namespace mtf::reports
