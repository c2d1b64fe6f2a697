#pragma once
/// \file The retrain of SPEC §4 for one policy: intake → features and leakage audit → labels →
/// purged split → class balance → out-of-fold stacking → calibration → validation → backtest.
/// The decision and the artifacts are in `pipeline/promotion.hpp`.

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mtf/artifact/content_hash.hpp"
#include "mtf/artifact/run_report.hpp"
#include "mtf/backtest/backtest.hpp"
#include "mtf/calibration/calibrator.hpp"
#include "mtf/core/scoring_rules.hpp"
#include "mtf/labels/class_balance.hpp"
#include "mtf/labels/label_distribution.hpp"
#include "mtf/models/stacking.hpp"
#include "mtf/pipeline/dataset.hpp"
#include "mtf/pipeline/drift_reference.hpp"
#include "mtf/pipeline/options.hpp"
#include "mtf/pipeline/stage_timer.hpp"
#include "mtf/split/chronological_split.hpp"
#include "mtf/split/purged_kfold.hpp"
#include "mtf/validation/classification_metrics.hpp"
#include "mtf/validation/gate_evaluation.hpp"
#include "mtf/validation/histogram.hpp"
#include "mtf/validation/signal_stats.hpp"

namespace mtf::pipeline {

/// The stacked model type of policy P.
template <TimeframePolicy P>
using policy_stack = model::stacked_model<std::remove_cvref_t<decltype(P::base_models)>,
                                          std::remove_cvref_t<decltype(P::meta_model)>>;

/// Short name of a base-model spec for reports.
inline std::string model_name(const model::random_forest&) {
  return "random_forest";
}
inline std::string model_name(const model::gradient_boosting&) {
  return "gradient_boosting";
}
inline std::string model_name(const model::logistic_regression&) {
  return "logistic_regression";
}

/// Threads to use: the option, or every hardware thread when 0.
inline int resolve_threads(int requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

/// Everything the promotion step needs from a training pass.
template <TimeframePolicy P>
struct candidate {
  policy_stack<P> stack;
  calibration::calibrator calibrator;
  std::vector<std::string> feature_names;
  matrix test_x;                             ///< test rows (for the champion/challenger comparison)
  std::vector<int> test_y;                   ///< their labels
  std::string data_hash;                     ///< SHA-256 over the input files' bytes
  std::vector<feature_reference> reference;  ///< training distribution, for drift
  artifact::run_report report;
  bool leakage_passed = false;
};

namespace retrain_detail {

/// SHA-256 of the concatenated bytes of every input file (the training data's identity).
inline std::string hash_files(const std::vector<std::filesystem::path>& files) {
  artifact::sha256 hasher;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    hasher.update(bytes);
  }
  return hasher.hex_digest();
}

/// Rows [begin, end) of a vector.
template <class T>
std::vector<T> slice(const std::vector<T>& v, std::size_t begin, std::size_t end) {
  return std::vector<T>(v.begin() + static_cast<std::ptrdiff_t>(begin),
                        v.begin() + static_cast<std::ptrdiff_t>(end));
}

/// Decile edges and shares of each feature over the given rows.
inline std::vector<feature_reference> build_reference(const matrix& x,
                                                      const std::vector<std::string>& names) {
  std::vector<feature_reference> out;
  const std::size_t n = x.shape()[0];
  for (std::size_t c = 0; c < names.size(); ++c) {
    std::vector<double> column(n);
    for (std::size_t i = 0; i < n; ++i)
      column[i] = x(i, c);
    std::sort(column.begin(), column.end());
    feature_reference ref{names[c], {}, {}};
    for (int q = 1; q < 10; ++q) {
      const double edge = column[std::min(n - 1, n * static_cast<std::size_t>(q) / 10)];
      if (ref.edges.empty() || edge > ref.edges.back()) ref.edges.push_back(edge);
    }
    std::vector<std::size_t> counts(ref.edges.size() + 1, 0);
    for (double v : column) {
      const auto bin = static_cast<std::size_t>(
          std::lower_bound(ref.edges.begin(), ref.edges.end(), v) - ref.edges.begin());
      ++counts[bin];
    }
    for (std::size_t b : counts)
      ref.shares.push_back(static_cast<double>(b) / static_cast<double>(n));
    out.push_back(std::move(ref));
  }
  return out;
}

inline artifact::probability_scores scores(const matrix& p, std::span<const int> y) {
  return {log_loss(p, y), brier_score(p, y), expected_calibration_error(p, y)};
}

}  // namespace retrain_detail

/// Validation (SPEC §7) and backtest (SPEC §8) of probabilities on labelled rows, written into
/// `report`: calibration scores, signal statistics, classification metrics, gates, histograms.
/// Rows may pool several symbols (`symbol`, `bar` per row); per-day rates, the classification
/// metrics and the backtest use the first symbol's rows (its bars are consecutive, and exits
/// may use the `horizon` closes after its last row), log loss, Brier and ECE use every row.
template <TimeframePolicy P>
void evaluate_on_rows(artifact::run_report& report, const matrix& p_raw, const matrix& p,
                      std::span<const int> y, std::span<const std::int64_t> time,
                      std::span<const std::uint32_t> symbol, std::span<const std::size_t> bar,
                      const bar_series& primary_bars, std::array<double, 3> train_prior,
                      const std::vector<std::string>& names, const std::vector<double>& importance,
                      bool leakage_passed, backtest::calendar calendar, std::uint64_t seed) {
  auto& v = report.validation;
  std::vector<std::size_t> primary;
  for (std::size_t i = 0; i < y.size(); ++i)
    if (symbol[i] == 0) primary.push_back(i);
  if (primary.empty()) throw training_error("no test rows of the first symbol");
  const matrix p_primary = model::gather_rows(p, primary);
  std::vector<std::int64_t> t_primary;
  std::vector<int> y_primary;
  for (std::size_t i : primary)
    t_primary.push_back(time[i]), y_primary.push_back(y[i]);
  v.signals = validation::compute_signal_stats_for<P>(p_primary, t_primary);
  const auto sig = validation::compute_signals(p_primary, P::trade_gate);
  v.classification = validation::compute_classification_metrics(sig, y_primary);
  v.test_log_loss = log_loss(p, y);
  v.test_log_loss_uncalibrated = log_loss(p_raw, y);
  v.test_brier = brier_score(p, y);
  v.test_ece = expected_calibration_error(p, y);
  v.prior_log_loss = validation::prior_log_loss(train_prior, y);
  const auto rel_before = reliability_table(p_raw, y);
  const auto rel_after = reliability_table(p, y);
  report.calibration.test_reliability_before =
      artifact::to_reliability_points(std::span<const reliability_bin>(rel_before));
  report.calibration.test_reliability_after =
      artifact::to_reliability_points(std::span<const reliability_bin>(rel_after));

  const std::size_t first_bar = bar[primary.front()];
  const std::size_t last_bar =
      std::min(primary_bars.size() - 1, bar[primary.back()] + static_cast<std::size_t>(P::horizon));
  const std::vector<double> closes(
      primary_bars.close.begin() + static_cast<std::ptrdiff_t>(first_bar),
      primary_bars.close.begin() + static_cast<std::ptrdiff_t>(last_bar + 1));
  report.backtest = backtest::run_backtest_for<P>(sig, t_primary, closes, calendar, seed);

  report.feature_importance = artifact::feature_shares(names, importance);
  validation::gate_inputs in{.signals = v.signals,
                             .backtest_trades_per_day = report.backtest.strategy.trades_per_day,
                             .backtest_sharpe = report.backtest.strategy.sharpe,
                             .test_log_loss = v.test_log_loss,
                             .test_log_loss_uncalibrated = v.test_log_loss_uncalibrated,
                             .prior_log_loss = v.prior_log_loss,
                             .leakage_audit_passed = leakage_passed,
                             .feature_names = names,
                             .feature_importance = importance};
  report.gates = validation::evaluate_gates(P::gates, in);
  report.confidence_histogram =
      validation::make_histogram("confidence", sig.confidence, 20, 0.0, 1.0,
                                 {{"trade gate conf_min", P::trade_gate.conf_min},
                                  {"gate c", P::gates.confidence_share.threshold}});
  report.alpha_histogram = validation::make_histogram(
      "alpha", sig.alpha, 20, 0.0, 1.0, {{"trade gate alpha_min", P::trade_gate.alpha_min}});
}

/// Runs SPEC §4.1–4.12 for policy P on `opts.data` and returns the candidate model with its
/// report filled in (verdict not yet decided). Throws data_error (exit 2) for bad input and
/// training_error (exit 3) when the data cannot give a deployable model.
template <TimeframePolicy P>
candidate<P> train_candidate(const train_options& opts, stage_timer& timer) {
  namespace rd = retrain_detail;
  const int threads = resolve_threads(opts.threads);
  const std::int64_t purge_seconds = static_cast<std::int64_t>(P::horizon) * P::bar_seconds;
  artifact::run_report report;
  report.timeframe = std::string(P::name);
  report.seed = opts.seed;
  report.threads = threads;
  report.horizon = P::horizon;
  report.bar_seconds = P::bar_seconds;
  const intake::calendar calendar = opts.calendar.value_or(intake::calendar::crypto);
  report.calendar = std::string(intake::to_string(calendar));
  report.max_feature_share = P::gates.max_feature_share;

  // 1-2. Intake and data-quality checks, per symbol.
  std::vector<symbol_input> symbols = timer.run("intake", [&] {
    std::vector<symbol_input> out;
    for (const auto& file : opts.data)
      out.push_back(load_symbol<P>(file, calendar));
    return out;
  });
  for (const auto& s : symbols) {
    report.data.symbols.push_back({s.bars.symbol, s.file.string(), s.bars.size(),
                                   s.bars.timestamp.front(), s.bars.timestamp.back(),
                                   s.quality.missing_bars, s.quality.warnings});
    report.data.dropped.resampling +=
        s.resampled.dropped_leading_partial + s.resampled.dropped_trailing_partial;
  }

  // 3-4. Features and the always-on leakage audit.
  std::vector<symbol_features> features = timer.run("features + leakage audit", [&] {
    std::vector<symbol_features> out;
    for (const auto& s : symbols)
      out.push_back(compute_symbol_features<P>(s.bars, opts.seed));
    return out;
  });
  const std::vector<std::string> names = feature_names(P::features);
  const bool leakage_passed = std::all_of(features.begin(), features.end(),
                                          [](const symbol_features& f) { return f.audit.passed; });
  std::string leak_note;
  for (const auto& f : features)
    for (const auto& finding : f.audit.findings)
      leak_note += " " + finding.feature + " (row " + std::to_string(finding.row) + ", cut " +
                   std::to_string(finding.cut) + ")";
  // A leak fails the no_leakage gate (the run is rejected, exit 3) and is named here.
  if (!leakage_passed)
    std::fprintf(stderr, "leakage audit FAILED: features differ when recomputed on a prefix:%s\n",
                 leak_note.c_str());

  // 5-6. Rows, the purged chronological split, labels with k solved on train only.
  row_table rows = merge_rows(symbols, features);
  report.data.dropped.warm_up = rows.dropped_warmup;
  report.data.dropped.label_horizon = rows.dropped_past_data_end;
  const split::segments seg =
      timer.run("split + labels", [&] { return split::chronological_split<P>(rows.time); });
  const k_solution k = solve_k_on_rows<P>(rows, features, seg.train.begin, seg.train.end);
  const std::vector<int> y = label_rows(rows, features, k.k);
  report.data.train_rows = seg.train.size();
  report.data.calibration_rows = seg.calibration.size();
  report.data.test_rows = seg.test.size();

  const matrix x_train = row_range(rows.x, seg.train.begin, seg.train.end);
  const auto y_train = rd::slice(y, seg.train.begin, seg.train.end);
  const auto t_train = rd::slice(rows.time, seg.train.begin, seg.train.end);
  const label_distribution dist = check_label_distribution(y_train, P::min_class_share);

  // 7. Class balance: weighted mix = policy target.
  const std::vector<double> w_train = target_mix_sample_weights(y_train, P::class_targets);
  report.labels.k = k.k;
  report.labels.target_share = P::class_targets;
  {
    std::array<double, 3> weighted{};
    double total = 0;
    for (std::size_t i = 0; i < y_train.size(); ++i) {
      weighted[static_cast<std::size_t>(y_train[i])] += w_train[i];
      total += w_train[i];
    }
    for (std::size_t cl = 0; cl < 3; ++cl) {
      report.labels.raw_share[cl] = dist.share[cl];
      report.labels.weighted_share[cl] = weighted[cl] / total;
    }
  }

  // 8. Out-of-fold stacking over purged folds, then refit on all of train.
  policy_stack<P> stack = timer.run("models (out-of-fold stacking)", [&] {
    const auto folds = split::purged_kfold<P>(t_train);
    const model::fit_context ctx{.seed = opts.seed,
                                 .threads = threads,
                                 .row_times = t_train,
                                 .purge_seconds = purge_seconds};
    return model::fit_stack(P::base_models, P::meta_model, x_train, y_train, w_train, ctx, folds);
  });
  {
    std::size_t b = 0;
    boost::hana::for_each(P::base_models, [&](const auto& spec) {
      const auto& s = stack.base_scores(b++);
      report.models.base.push_back({model_name(spec), s.mean, s.per_fold});
    });
    report.models.meta_oof_log_loss = stack.stack_scores().mean;
    report.models.stability_std = stack.stack_scores().std;
  }

  // 9. Calibration on the calibration split only.
  const matrix x_cal = row_range(rows.x, seg.calibration.begin, seg.calibration.end);
  const auto y_cal = rd::slice(y, seg.calibration.begin, seg.calibration.end);
  const matrix p_cal = stack.predict_proba(x_cal);
  calibration::calibration_result cal = timer.run("calibration", [&] {
    // The K-fold check leaves out rows whose label windows overlap its held-out block.
    calibration::spec spec = P::calibration;
    spec.check_purge_rows = static_cast<std::size_t>(P::horizon);
    return calibration::fit_calibrator(spec, p_cal, y_cal);
  });
  const calibration::calibrator& calibrator = cal.model;
  report.calibration.method_requested = std::string(calibration::method_name(cal.report.requested));
  report.calibration.method_used = std::string(calibration::method_name(cal.report.used));
  report.calibration.reason = cal.report.reason;
  report.calibration.rows = cal.report.rows;
  report.calibration.before = {cal.report.before.log_loss, cal.report.before.brier,
                               cal.report.before.ece};
  report.calibration.after = {cal.report.after.log_loss, cal.report.after.brier,
                              cal.report.after.ece};

  // 11-12. Validation and backtest on the test split.
  matrix test_x = row_range(rows.x, seg.test.begin, seg.test.end);
  const std::vector<int> test_y = rd::slice(y, seg.test.begin, seg.test.end);
  const auto t_test = rd::slice(rows.time, seg.test.begin, seg.test.end);
  timer.run("validation + backtest", [&] {
    const std::vector<std::size_t> test_bar(
        rows.bar.begin() + static_cast<std::ptrdiff_t>(seg.test.begin),
        rows.bar.begin() + static_cast<std::ptrdiff_t>(seg.test.end));
    const std::vector<std::uint32_t> test_symbol(
        rows.symbol.begin() + static_cast<std::ptrdiff_t>(seg.test.begin),
        rows.symbol.begin() + static_cast<std::ptrdiff_t>(seg.test.end));
    const matrix p_raw = stack.predict_proba(test_x);
    evaluate_on_rows<P>(report, p_raw, calibrator.predict(p_raw), test_y, t_test, test_symbol,
                        test_bar, symbols[0].bars, {dist.share[0], dist.share[1], dist.share[2]},
                        names, stack.feature_importance(), leakage_passed, calendar, opts.seed);
    return 0;
  });
  return candidate<P>{std::move(stack),
                      cal.model,
                      names,
                      std::move(test_x),
                      test_y,
                      rd::hash_files(opts.data),
                      rd::build_reference(x_train, names),
                      std::move(report),
                      leakage_passed};
}

}  // namespace mtf::pipeline
