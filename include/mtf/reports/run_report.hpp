#pragma once
/// \file Everything a retrain reports, as one plain struct (report.json, report.html and the
/// terminal summary are views of it). Only std types and the result structs of validation/
/// and backtest/, so any stage's results can be copied in without coupling the writers to them.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mtf/backtest/backtest.hpp"
#include "mtf/intake/timestamp.hpp"
#include "mtf/validation/classification_metrics.hpp"
#include "mtf/validation/gate_evaluation.hpp"
#include "mtf/validation/histogram.hpp"
#include "mtf/validation/signal_stats.hpp"

namespace mtf::reports {

/// Version of the report layout; bump when a field changes meaning or disappears.
inline constexpr int current_report_version = 2;

/// One input file (symbol) after intake.
struct symbol_summary {
  std::string symbol;
  std::string file;
  std::size_t bars = 0;              ///< after resampling
  std::int64_t first_timestamp = 0;  ///< epoch seconds, bar open
  std::int64_t last_timestamp = 0;
  std::size_t gaps = 0;               ///< missing bars
  std::vector<std::string> warnings;  ///< non-fatal data-quality findings
};

/// Rows removed before training, by reason.
struct rows_dropped {
  std::size_t warm_up = 0;             ///< some feature still NaN
  std::size_t label_horizon = 0;       ///< the last `horizon` bars: no future close to label with
  std::size_t resampling = 0;          ///< incomplete trailing bar / input bars merged away
  std::size_t older_than_history = 0;  ///< bars before the trailing history_days window
  std::size_t after_end = 0;           ///< bars not closed by the window's end (`--to`)
};

/// The data the run used.
struct data_summary {
  std::vector<symbol_summary> symbols;
  rows_dropped dropped;
  std::size_t train_rows = 0;
  std::size_t calibration_rows = 0;
  std::size_t test_rows = 0;
};

/// Labels on the train split; shares are (down, neutral, up).
struct label_summary {
  double k = 0;                               ///< volatility multiple of the threshold
  std::array<double, 3> raw_share{};          ///< label mix before weighting
  std::array<double, 3> weighted_share{};     ///< after class-balancing weights
  std::array<double, 3> target_share{};       ///< the policy's class_targets
  std::array<double, 3> calibration_share{};  ///< label mix of the calibration split
};

/// Scores of one base model. Every log loss is against the raw labels (weights are for fitting),
/// so it compares with the prior's.
struct model_summary {
  std::string name;
  double oof_log_loss = 0;            ///< pooled over every out-of-fold row
  std::vector<double> fold_log_loss;  ///< per purged fold, in fold order
  double test_log_loss = 0;           ///< the refitted model alone on the test split, uncalibrated
};

/// The stack and its guard (SPEC §4.8): each member, the meta-model, the greedy ensemble, and
/// which of them the stack uses.
struct models_summary {
  std::vector<model_summary> base;
  std::string combiner;                  ///< "meta_model", "ensemble" or "single"
  std::string combiner_reason;           ///< why (the stack guard's comparison)
  double meta_oof_log_loss = 0;          ///< cross-fitted on purged folds, pooled (0: no meta)
  double meta_test_log_loss = 0;         ///< the meta-model on the test split, uncalibrated
  double ensemble_oof_log_loss = 0;      ///< greedy ensemble on the out-of-fold rows (0: no meta)
  double ensemble_test_log_loss = 0;     ///< the ensemble on the test split, uncalibrated
  std::vector<double> ensemble_weights;  ///< per base model
  double stack_oof_log_loss = 0;         ///< the combiner used, out-of-fold
  double stability_std = 0;  ///< std of the stack's OOF fold log losses (walk-forward stability)
};

/// Log loss, Brier score and top-label ECE (15 bins) of one probability table.
struct probability_scores {
  double log_loss = 0;
  double brier = 0;
  double ece = 0;
};

/// One bin of a reliability table (mirrors mtf::reliability_bin of core/scoring_rules.hpp).
struct reliability_point {
  double lower = 0;
  double upper = 0;
  std::size_t count = 0;
  double mean_confidence = 0;
  double accuracy = 0;
};

/// Copies a reliability table of core/scoring_rules.hpp (any range of a type with the fields of
/// mtf::reliability_bin, e.g. the vector `reliability_table` returns) into report points.
template <class Bins>
std::vector<reliability_point> to_reliability_points(const Bins& bins) {
  std::vector<reliability_point> out;
  for (const auto& b : bins)
    out.push_back({b.lower, b.upper, b.count, b.mean_confidence, b.accuracy});
  return out;
}

/// How the probabilities were calibrated (SPEC §4.9).
struct calibration_summary {
  std::string method_requested;  ///< "isotonic", "sigmoid" or "temperature"
  std::string method_used;
  std::string reason;         ///< one sentence: why method_used
  std::size_t rows = 0;       ///< calibration-split rows
  probability_scores before;  ///< on the calibration split
  probability_scores after;
  std::vector<reliability_point> test_reliability_before;  ///< on the TEST split
  std::vector<reliability_point> test_reliability_after;
};

/// Test-split validation.
struct validation_summary {
  validation::signal_stats signals;
  validation::classification_metrics classification;
  double test_log_loss = 0;  ///< calibrated
  double test_log_loss_uncalibrated = 0;
  double prior_log_loss = 0;              ///< constant predictor of the train class mix
  double calibration_prior_log_loss = 0;  ///< constant predictor of the calibration split's mix
  double test_brier = 0;                  ///< calibrated
  double test_ece = 0;                    ///< calibrated, 15 bins
};

/// The test figures of one symbol of a pooled run (SPEC §4.10: the gates judge the pooled
/// figures; this table shows whether one symbol carries them).
struct symbol_result {
  std::string symbol;
  std::size_t rows = 0;
  double test_log_loss = 0;   ///< calibrated
  double prior_log_loss = 0;  ///< constant train mix on this symbol's rows
  double accuracy = 0;
  double eligible_share = 0;
  std::size_t trades = 0;
  double sharpe = 0;  ///< this symbol's own backtest
  double total_return = 0;
};

/// What `evaluate` judged a promoted model on: only bars after its training data (SPEC §9).
struct evaluation_summary {
  std::string model_run_id;
  std::int64_t model_data_first = 0;  ///< first bar of the model's training data (epoch s)
  std::int64_t model_data_last = 0;   ///< last bar of the model's training data
  std::size_t in_sample_rows_skipped = 0;
  std::size_t rows = 0;  ///< rows judged
};

/// Normalised importance of one feature (shares sum to 1).
struct feature_share {
  std::string name;
  double share = 0;
};

/// Wall time of one pipeline stage.
struct stage_timing {
  std::string name;
  double seconds = 0;
};

/// What happened to the candidate.
enum class decision {
  promoted,     ///< every gate passed (and not worse than the champion): now LATEST
  rejected,     ///< a gate failed or it lost to the champion: kept under runs/, exit 3
  report_only,  ///< --report-only: evaluated, nothing promoted
  forced,       ///< --force-promote overrode failed gates: promoted with a loud warning
  evaluated,    ///< `evaluate`: a promoted model judged on new bars, no retraining
};

/// "promoted", "rejected", "report-only", "forced".
inline std::string_view decision_name(decision d) {
  switch (d) {
    case decision::promoted:
      return "promoted";
    case decision::rejected:
      return "rejected";
    case decision::report_only:
      return "report-only";
    case decision::forced:
      return "forced";
    case decision::evaluated:
      return "evaluated";
  }
  return "unknown";
}

/// The decision and why.
struct run_verdict {
  decision outcome = decision::rejected;
  std::vector<std::string> failed_gates;  ///< names, as in gate_result::name
  std::string note;  ///< extra sentence, e.g. the champion/challenger comparison; may be empty
};

/// Everything a retrain reports. The integrator fills it stage by stage.
struct run_report {
  int report_version = current_report_version;
  std::string timeframe;  ///< policy name, e.g. "5m"
  std::string run_id;
  std::string run_path;      ///< where the run's artifacts are
  std::string generated_at;  ///< ISO-8601 UTC
  std::uint64_t seed = 0;
  int threads = 0;
  int workers = 1;  ///< processes of a distributed retrain (SPEC §10d); 1 for one process
  int horizon = 0;  ///< bars
  std::int64_t bar_seconds = 0;
  std::string calendar;  ///< "crypto" or "equities"
  data_summary data;
  label_summary labels;
  models_summary models;
  calibration_summary calibration;
  validation_summary validation;
  std::vector<validation::gate_result> gates;
  backtest::backtest_result backtest;             ///< pooled over symbols (equal capital each)
  std::vector<symbol_result> per_symbol;          ///< one row per symbol of the test split
  std::optional<evaluation_summary> evaluation;   ///< set by `evaluate` only
  std::vector<feature_share> feature_importance;  ///< sorted by share, largest first
  double max_feature_share = 0;  ///< the concentration gate's limit (drawn on the chart)
  std::vector<stage_timing> timings;
  run_verdict verdict;
  validation::histogram confidence_histogram;
  validation::histogram alpha_histogram;
};

/// Text helpers shared by the report writers.
namespace report_text {
/// `v` with `decimals` digits after the point ("-" for a non-finite value).
inline std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}
/// `share` in [0, 1] as a percentage with one decimal, "40.0%".
inline std::string percent(double share) {
  return std::isfinite(share) ? fixed(100.0 * share, 1) + "%" : "-";
}
/// A small return as basis points with one decimal, "12.5 bp".
inline std::string basis_points(double r) {
  return std::isfinite(r) ? fixed(1e4 * r, 1) + " bp" : "-";
}
/// Epoch seconds as "YYYY-MM-DD HH:MM" UTC (no time-zone database involved).
inline std::string utc_minutes(std::int64_t epoch_seconds) {
  std::string iso = intake::format_iso8601(epoch_seconds);  // YYYY-MM-DDTHH:MM:SSZ
  iso[10] = ' ';
  return iso.substr(0, 16);
}
}  // namespace report_text

/// Normalises `importance` (non-negative, any scale) into shares sorted largest first.
/// Throws data_error on different lengths or negative/non-finite values; all-zero importance
/// gives zero shares.
inline std::vector<feature_share> feature_shares(std::span<const std::string> names,
                                                 std::span<const double> importance) {
  if (names.size() != importance.size())
    validation::throw_input_error("feature_shares", "importance",
                                  "names and importances differ in length");
  double total = 0;
  for (const double v : importance) {
    if (!std::isfinite(v) || v < 0)
      validation::throw_input_error("feature_shares", "importance", "negative or not finite");
    total += v;
  }
  std::vector<feature_share> out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out.push_back({names[i], total > 0 ? importance[i] / total : 0.0});
  std::stable_sort(out.begin(), out.end(), [](const feature_share& a, const feature_share& b) {
    return a.share > b.share;
  });
  return out;
}

/// Confidence and alpha histograms (20 bins over [0, 1]) with policy P's thresholds as markers:
/// the trade gate and the share-above gates.
template <class P>
void fill_signal_histograms(run_report& report, const validation::signals& sig) {
  std::vector<validation::histogram_marker> confidence_markers{
      {"trade gate conf_min", P::trade_gate.conf_min},
      {"share gate c", P::gates.confidence_share.threshold}};
  std::vector<validation::histogram_marker> alpha_markers{
      {"trade gate alpha_min", P::trade_gate.alpha_min}};
  if (P::gates.alpha_share)
    alpha_markers.push_back({"share gate a", P::gates.alpha_share->threshold});
  report.confidence_histogram =
      validation::make_histogram("confidence", sig.confidence, 20, 0.0, 1.0, confidence_markers);
  report.alpha_histogram =
      validation::make_histogram("alpha", sig.alpha, 20, 0.0, 1.0, alpha_markers);
}

}  // namespace mtf::reports
