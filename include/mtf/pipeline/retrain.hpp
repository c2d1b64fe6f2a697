#pragma once
/// \file The retrain of SPEC §4 for one policy: intake → features and leakage audit → labels →
/// purged split → class balance → out-of-fold stacking → calibration → validation → backtest.
/// The decision and the artifacts are in `pipeline/promotion.hpp`.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mtf/artifact/content_hash.hpp"
#include "mtf/backtest/backtest.hpp"
#include "mtf/calibration/calibrator.hpp"
#include "mtf/core/scoring_rules.hpp"
#include "mtf/intake/training_window.hpp"
#include "mtf/labels/class_balance.hpp"
#include "mtf/labels/label_distribution.hpp"
#include "mtf/models/stacking.hpp"
#include "mtf/pipeline/dataset.hpp"
#include "mtf/pipeline/evaluation.hpp"
#include "mtf/pipeline/options.hpp"
#include "mtf/pipeline/policy_stack.hpp"
#include "mtf/pipeline/run_report_mapping.hpp"
#include "mtf/pipeline/stage_timer.hpp"
#include "mtf/reports/run_report.hpp"
#include "mtf/split/chronological_split.hpp"
#include "mtf/split/purged_kfold.hpp"
#include "mtf/validation/classification_metrics.hpp"
#include "mtf/validation/drift.hpp"
#include "mtf/validation/gate_evaluation.hpp"
#include "mtf/validation/histogram.hpp"
#include "mtf/validation/signal_stats.hpp"

namespace mtf::pipeline {

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
  matrix test_x;                        ///< test rows (for the champion/challenger comparison)
  std::vector<int> test_y;              ///< their labels
  std::vector<std::int64_t> test_time;  ///< their bar open times
  std::string data_hash;                ///< SHA-256 over the input files' bytes
  std::vector<validation::feature_reference> reference;  ///< training distribution (drift)
  reports::run_report report;
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

}  // namespace retrain_detail

/// The models section of the report: each base model's out-of-fold and test log loss (alone,
/// uncalibrated), the meta-model's and the ensemble's, and the stack guard's choice. `test_base`
/// are the refitted base models' probabilities on the test rows, `test_y` their labels.
template <TimeframePolicy P>
void fill_models_summary(reports::models_summary& out, const policy_stack<P>& stack,
                         const matrix& test_base, std::span<const int> test_y) {
  out.base.clear();
  std::size_t b = 0;
  boost::hana::for_each(P::base_models, [&](const auto& spec) {
    const auto& s = stack.base_scores(b);
    out.base.push_back({model_name(spec), s.pooled, s.per_fold,
                        log_loss(model::member_probabilities(test_base, b), test_y)});
    ++b;
  });
  const auto& choice = stack.choice();
  out.combiner = model::combiner_name(choice.used);
  out.combiner_reason = choice.reason;
  if constexpr (policy_stack<P>::has_meta) {
    out.meta_oof_log_loss = choice.meta_log_loss;
    out.ensemble_oof_log_loss = choice.ensemble_log_loss;
    out.ensemble_weights = choice.ensemble_weights;
    out.meta_test_log_loss =
        log_loss(stack.combine(model::combiner::meta_model, test_base), test_y);
    out.ensemble_test_log_loss =
        log_loss(stack.combine(model::combiner::ensemble, test_base), test_y);
  }
  out.stack_oof_log_loss = stack.stack_scores().pooled;
  out.stability_std = stack.stack_scores().std;
}

/// The input files as read once: each symbol's whole series parsed and resampled to the
/// policy's bar (quality is checked on the window a retrain cuts from it), and the identity of
/// the bytes.
struct raw_inputs {
  std::vector<std::filesystem::path> files;
  std::vector<intake::resample_result> series;
  std::string data_hash;  ///< SHA-256 over the files' bytes
};

/// Reads every file for policy P. Unreadable or malformed files throw data_error (exit 2).
template <TimeframePolicy P>
raw_inputs read_inputs(const std::vector<std::filesystem::path>& files) {
  raw_inputs raw;
  raw.files = files;
  for (const auto& f : files)
    raw.series.push_back(intake::load_series(f, P::bar_seconds));
  raw.data_hash = retrain_detail::hash_files(files);
  return raw;
}

/// The close of the newest bar of any symbol (epoch s): where a retrain without `--to` ends.
inline std::int64_t newest_close(const raw_inputs& raw) {
  std::int64_t end = std::numeric_limits<std::int64_t>::min();
  for (const auto& s : raw.series)
    if (!s.bars.empty()) end = std::max(end, s.bars.timestamp.back() + s.bars.bar_seconds);
  return end;
}

/// SPEC §4.1–4.6 for the window of `P::history_days` ending at `end` (epoch s), quality-checked
/// under trading calendar `cal`: only bars closed by `end` exist for this computation, so a
/// walk-forward step, `train --to` and `train` on a file cut at `end` are the same. Throws
/// data_error (exit 2) when a symbol's window fails the quality checks or is too short.
template <TimeframePolicy P>
training_data prepare_dataset(const raw_inputs& raw, std::int64_t end, intake::calendar cal,
                              std::uint64_t seed, stage_timer& timer);

/// The per-symbol part of `prepare_dataset` (SPEC §4.1–4.4): each symbol's window cut and
/// quality-checked, its features, leakage audit and label inputs; rows, split and labels not yet.
/// Per-symbol and causal, so a distributed retrain runs it on each worker's symbols alone.
template <TimeframePolicy P>
training_data prepare_symbols(const raw_inputs& raw, std::int64_t end, intake::calendar cal,
                              std::uint64_t seed, stage_timer& timer) {
  training_data d;
  timer.run("training window + quality checks", [&] {
    const std::int64_t first_open = end - intake::days_to_seconds(P::history_days);
    for (std::size_t i = 0; i < raw.series.size(); ++i) {
      auto cut = intake::cut_window(raw.series[i].bars, first_open, end);
      if (cut.bars.empty())
        throw data_error(raw.files[i].string(), 0, "",
                         "no " + std::string(P::name) + " bar closes in the training window " +
                             intake::format_iso8601(first_open) + " to " +
                             intake::format_iso8601(end) + " (history_days " +
                             std::to_string(P::history_days) + ")");
      symbol_input s;
      s.file = raw.files[i];
      s.resampled = raw.series[i].counts;
      s.quality = intake::check_quality(
          cut.bars, P::data_quality, intake::min_bars_under(P::min_bars, P::bar_seconds, cal), cal);
      s.bars = std::move(cut.bars);
      d.dropped_older += cut.dropped_older;
      d.dropped_later += cut.dropped_later;
      d.symbols.push_back(std::move(s));
    }
    return 0;
  });
  d.features = timer.run("features + leakage audit", [&] {
    std::vector<symbol_features> out;
    for (const auto& s : d.symbols)
      out.push_back(compute_symbol_features<P>(s.bars, seed));
    return out;
  });
  return d;
}

template <TimeframePolicy P>
training_data prepare_dataset(const raw_inputs& raw, std::int64_t end, intake::calendar cal,
                              std::uint64_t seed, stage_timer& timer) {
  training_data d = prepare_symbols<P>(raw, end, cal, seed, timer);
  // Rows, the purged chronological split (purges on label ends), labels with k solved on train.
  d.rows = merge_rows(d.symbols, d.features, P::horizon);
  d.seg = timer.run("split + labels",
                    [&] { return split::chronological_split<P>(d.rows.time, d.rows.label_end); });
  d.k = solve_k_on_rows<P>(d.rows, d.features, d.seg.train.begin, d.seg.train.end);
  d.y = label_rows(d.rows, d.features, d.k.k);
  return d;
}

/// Two stderr lines with what labelling and the purged folds decided on the pooled train rows:
/// k (17 digits), the train class counts, and each fold's validation block as first and last
/// open time (epoch s) with its train row count. A distributed retrain prints the same lines
/// from what its workers pooled, so the two can be compared (SPEC §10d).
inline void log_labels_and_folds(const k_solution& k, const label_distribution& train,
                                 std::span<const split::fold> folds,
                                 std::span<const std::int64_t> train_time) {
  std::fprintf(stderr, "labels: k %.17g on %zu train rows (down %zu, neutral %zu, up %zu)\n", k.k,
               train.rows, train.count[0], train.count[1], train.count[2]);
  std::string line = "folds:";
  for (const auto& f : folds) {
    if (f.validation.empty()) {
      line += " [empty]";
      continue;
    }
    line += " [" + std::to_string(train_time[f.validation.front()]) + ".." +
            std::to_string(train_time[f.validation.back()]) + " train " +
            std::to_string(f.train.size()) + "]";
  }
  std::fprintf(stderr, "%s\n", line.c_str());
}

/// Runs SPEC §4.3–4.12 for policy P on the window of `raw` ending at `end` and returns the
/// candidate model with its report filled in (verdict not yet decided). Throws data_error
/// (exit 2) for bad input and training_error (exit 3) when the data cannot give a deployable
/// model. `shard`: the rows this process fits as one worker of a distributed retrain
/// (`pipeline/distributed.hpp`); by default every row.
template <TimeframePolicy P>
candidate<P> train_candidate_from(const raw_inputs& raw, std::int64_t end,
                                  const train_options& opts, stage_timer& timer,
                                  model::row_shard shard = {}) {
  namespace rd = retrain_detail;
  const int threads = resolve_threads(opts.threads);
  const intake::calendar calendar = opts.calendar.value_or(intake::calendar::crypto);
  reports::run_report report = report_header<P>(opts.seed, calendar);
  report.threads = threads;

  training_data d = prepare_dataset<P>(raw, end, calendar, opts.seed, timer);
  const std::vector<symbol_input>& symbols = d.symbols;

  const std::vector<std::string> names = feature_names(P::features);
  const bool leakage_passed = std::all_of(d.features.begin(), d.features.end(),
                                          [](const symbol_features& f) { return f.audit.passed; });
  std::string leak_note;
  for (const auto& f : d.features)
    for (const auto& finding : f.audit.findings)
      leak_note += " " + finding.feature + " (row " + std::to_string(finding.row) + ", cut " +
                   std::to_string(finding.cut) + ")";
  // A leak fails the no_leakage gate (the run is rejected, exit 3) and is named here.
  if (!leakage_passed)
    std::fprintf(stderr, "leakage audit FAILED: features differ when recomputed on a prefix:%s\n",
                 leak_note.c_str());

  const row_table& rows = d.rows;
  const split::segments& seg = d.seg;
  const std::vector<int>& y = d.y;

  const matrix x_train = row_range(rows.x, seg.train.begin, seg.train.end);
  const auto y_train = rd::slice(y, seg.train.begin, seg.train.end);
  const auto t_train = rd::slice(rows.time, seg.train.begin, seg.train.end);
  const auto end_train = rd::slice(rows.label_end, seg.train.begin, seg.train.end);
  const label_distribution dist = check_label_distribution(y_train, P::min_class_share);

  // 7. Class balance: weighted mix = policy target, applied once by every model (SPEC §4.7).
  const std::vector<double> w_train = target_mix_sample_weights(y_train, P::class_targets);

  // 8. Out-of-fold stacking over purged, embargoed folds, the stack guard, then the refit.
  policy_stack<P> stack = timer.run("models (out-of-fold stacking)", [&] {
    const auto folds = split::purged_kfold<P>(t_train, end_train);
    if (opts.log_labels) log_labels_and_folds(d.k, dist, folds, t_train);
    const model::fit_context ctx{.seed = opts.seed,
                                 .threads = threads,
                                 .row_times = t_train,
                                 .row_label_ends = end_train,
                                 .shard = shard};
    return model::fit_stack(P::base_models, P::meta_model, x_train, y_train, w_train, ctx, folds);
  });

  // 9. Calibration on the calibration split only, its K-fold check purged on label ends.
  const matrix x_cal = row_range(rows.x, seg.calibration.begin, seg.calibration.end);
  const auto y_cal = rd::slice(y, seg.calibration.begin, seg.calibration.end);
  const auto t_cal = rd::slice(rows.time, seg.calibration.begin, seg.calibration.end);
  const auto end_cal = rd::slice(rows.label_end, seg.calibration.begin, seg.calibration.end);
  const label_distribution cal_dist = count_labels(y_cal);
  const label_outcome labels = describe_labels(d.k.k, dist, y_train, w_train, cal_dist);
  const matrix p_cal = stack.predict_proba(x_cal);
  calibration::calibration_result cal = timer.run("calibration", [&] {
    // The bias prior undoes the target-mix re-weighting: log(train share / weighted share).
    std::vector<double> center(3);
    for (std::size_t cl = 0; cl < 3; ++cl)
      center[cl] = std::log(labels.train_share[cl] / labels.weighted_share[cl]);
    return calibration::fit_calibrator(
        P::calibration, p_cal, y_cal,
        {.row_time = t_cal, .row_label_end = end_cal, .bias_center = std::move(center)});
  });
  report_training<P>(report, d, labels, cal.report);

  // 11-12. Validation and backtest on the test split, every symbol; each member scored alone.
  std::vector<std::size_t> test_rows(seg.test.size());
  std::iota(test_rows.begin(), test_rows.end(), seg.test.begin);
  matrix test_base;
  const judged_rows judged = judge_table_rows(
      rows, y, test_rows,
      [&](const matrix& x) {
        test_base = stack.base_probabilities(x);
        return stack.combine(stack.choice().used, test_base);
      },
      [&](const matrix& p) { return cal.model.predict(p); });
  fill_models_summary<P>(report.models, stack, test_base, judged.y);
  timer.run("validation + backtest", [&] {
    judge_rows<P>(report, judged,
                  {.symbols = &symbols,
                   .train_prior = dist.share,
                   .calibration_prior = cal_dist.share,
                   .feature_names = names,
                   .feature_importance = stack.feature_importance(),
                   .leakage_passed = leakage_passed,
                   .calendar = calendar,
                   .seed = opts.seed});
    return 0;
  });
  return candidate<P>{
      std::move(stack),  cal.model,     names,         model::gather_rows(rows.x, test_rows),
      judged.y,          judged.time,   raw.data_hash, validation::build_reference(x_train, names),
      std::move(report), leakage_passed};
}

/// `train_candidate_from` on `opts.data`, ending at `opts.to` or the newest bar's close.
template <TimeframePolicy P>
candidate<P> train_candidate(const train_options& opts, stage_timer& timer) {
  const raw_inputs raw = timer.run("intake", [&] { return read_inputs<P>(opts.data); });
  return train_candidate_from<P>(raw, opts.to.value_or(newest_close(raw)), opts, timer);
}

}  // namespace mtf::pipeline
