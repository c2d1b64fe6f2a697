#pragma once
/// \file The subcommands of a retrain binary (SPEC §10), generic over the policy. The generic
/// main in apps/ parses the command line and calls these; each returns the exit code.

#include <cstdio>
#include <fstream>
#include <iostream>
#include <numeric>
#include <optional>

#include "mtf/artifact/run_lock.hpp"
#include "mtf/artifact/run_store.hpp"
#include "mtf/pipeline/bundled_sample.hpp"
#include "mtf/pipeline/distributed.hpp"
#include "mtf/pipeline/distributed_retrain.hpp"
#include "mtf/pipeline/inference.hpp"
#include "mtf/pipeline/options.hpp"
#include "mtf/pipeline/promotion.hpp"
#include "mtf/pipeline/retrain.hpp"
#include "mtf/pipeline/stage_timer.hpp"
#include "mtf/validation/drift.hpp"

#ifndef MTF_SOURCE_DIR
#define MTF_SOURCE_DIR "."
#endif

namespace mtf::pipeline {

/// Fills in the bundled sample when no --data was given (SPEC §10: no arguments runs the whole
/// pipeline on the bundled data), and says so.
template <TimeframePolicy P>
void default_data(common_options& opts) {
  if (!opts.data.empty()) return;
  const auto sample = find_bundled_sample(
      {std::filesystem::path("data"), std::filesystem::path(MTF_SOURCE_DIR) / "data"},
      P::bar_seconds);
  std::fprintf(stderr, "no --data given: using the bundled sample %s\n", sample.c_str());
  opts.data.push_back(sample);
}

/// Creates `dir` (and its parents) or throws artifact_error (exit 4) saying why `--out out`
/// cannot be used: called before any training so a bad output location fails at once.
inline void ensure_output_directory(const std::filesystem::path& dir,
                                    const std::filesystem::path& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::path p = dir; !p.empty(); p = p.parent_path()) {
    if (fs::exists(p, ec) && !fs::is_directory(p, ec))
      throw artifact_error("cannot use --out " + out.string() + ": " + p.string() +
                           " exists and is not a directory");
    if (p == p.parent_path()) break;
  }
  fs::create_directories(dir, ec);
  if (ec) throw artifact_error("cannot use --out " + out.string() + ": " + ec.message());
}

/// `train --distributed`: this process as one worker of a distributed retrain
/// (`pipeline/distributed_retrain.hpp`): it reads and prepares only its share of the `--data`
/// symbols. Worker 0 takes the lock before joining (a held lock fails the job at once), trains
/// with the others, leaves the collective and then decides and publishes exactly as `train`
/// does; the other workers train and write nothing.
template <TimeframePolicy P>
int run_train_distributed(train_options opts) {
  const worker_environment env = read_worker_environment();
  // More workers than symbols: every worker refuses before joining, so none waits for it.
  (void)symbols_of_worker(opts.data.size(), env.task_id, env.workers);
  const bool writer = env.task_id == 0;
  opts.log_labels = true;
  std::optional<artifact::run_lock> lock;
  std::optional<artifact::run_store> store;
  if (writer) {
    ensure_output_directory(
        opts.report_only ? opts.out / std::string(P::name) / "report-only" : opts.out, opts.out);
    if (!opts.report_only) {
      lock.emplace(opts.out, P::name);
      store.emplace(*lock);
    }
  }
  stage_timer timer(opts.progress);
  std::optional<candidate<P>> c;
  {
    const distributed_worker worker(env);
    std::fprintf(stderr, "distributed retrain: worker %d of %d joined\n", worker.rank(),
                 worker.workers());
    if (auto mine = train_candidate_distributed<P>(opts, timer, worker))
      c.emplace(std::move(*mine));
  }  // leaves the collective: what follows is this worker's alone
  if (!writer) {
    std::fprintf(stderr, "distributed retrain: worker %d trained; worker 0 writes the artifact\n",
                 env.task_id);
    return static_cast<int>(exit_code::success);
  }
  return decide_and_publish(*c, opts, timer, store ? &*store : nullptr);
}

/// `train`: the whole retrain, decision and artifacts.
template <TimeframePolicy P>
int run_train(train_options opts) {
  default_data<P>(opts);
  if (opts.distributed) return run_train_distributed<P>(opts);
  opts.log_labels = true;
  ensure_output_directory(
      opts.report_only ? opts.out / std::string(P::name) / "report-only" : opts.out, opts.out);
  // The lock is taken first so a second retrain of this timeframe and directory fails at once.
  std::optional<artifact::run_lock> lock;
  std::optional<artifact::run_store> store;
  if (!opts.report_only) {
    lock.emplace(opts.out, P::name);
    store.emplace(*lock);
  }
  stage_timer timer(opts.progress);
  candidate<P> c = train_candidate<P>(opts, timer);
  return decide_and_publish(c, opts, timer, store ? &*store : nullptr);
}

/// `features`: timestamp,<features...>,label,weight for every bar after warm-up, labels with k
/// solved on the training split exactly as `train` does; label and weight empty where the
/// horizon runs past the data.
template <TimeframePolicy P>
int run_features(features_options opts) {
  default_data<P>(opts);
  if (opts.data.size() != 1) throw usage_error("features takes exactly one --data file");
  if (std::filesystem::is_directory(opts.out))
    throw artifact_error("cannot write --out " + opts.out.string() + ": it is a directory");
  const symbol_input s =
      load_symbol<P>(opts.data[0], opts.calendar.value_or(intake::calendar::crypto));
  const symbol_features f = compute_symbol_features<P>(s.bars, opts.seed);
  const row_table rows = merge_rows({s}, {f}, P::horizon);
  const auto seg = split::chronological_split<P>(rows.time, rows.label_end);
  const k_solution k = solve_k_on_rows<P>(rows, {f}, seg.train.begin, seg.train.end);
  const std::vector<int> labels = assign_labels(f.labels, k.k);
  std::vector<int> y_train;
  for (std::size_t i = seg.train.begin; i < seg.train.end; ++i)
    y_train.push_back(labels[rows.bar[i]]);
  const auto class_weight = target_mix_class_weights(y_train, P::class_targets);
  const auto names = feature_names(P::features);
  std::ostringstream out;
  out.precision(17);
  out << "timestamp";
  for (const auto& n : names)
    out << ',' << n;
  out << ",label,weight\n";
  std::size_t written = 0;
  for (std::size_t t = f.first_complete; t < s.bars.size(); ++t) {
    out << intake::format_iso8601(s.bars.timestamp[t]);
    for (std::size_t c = 0; c < names.size(); ++c)
      out << ',' << f.x(t, c);
    if (labels[t] == no_label)
      out << ",,\n";
    else
      out << ',' << labels[t] << ',' << class_weight[static_cast<std::size_t>(labels[t])] << '\n';
    ++written;
  }
  artifact::write_file_atomic(opts.out, out.str());
  std::fprintf(stderr,
               "wrote %zu rows x %zu features to %s (k = %.4f solved on %zu training rows; "
               "dropped %zu warm-up bars; %zu bars without label: horizon past the data)\n",
               written, names.size(), opts.out.c_str(), k.k, k.rows, f.first_complete,
               f.labels.past_data_end_bars);
  return 0;
}

namespace command_detail {
/// Labelled rows of one file that a promoted model never saw (SPEC §9): rows whose label window
/// opens after the model's last training bar plus `horizon` bars, labelled with the model's k.
template <TimeframePolicy P>
struct scored_rows {
  std::vector<symbol_input> input;  ///< the one file (a vector: judge_rows takes the symbols)
  symbol_features features;
  row_table rows;  ///< the out-of-sample rows only
  std::vector<int> y;
  std::size_t in_sample_rows_skipped = 0;
  std::pair<std::int64_t, std::int64_t> model_span;  ///< the model's training data, first/last
};

template <TimeframePolicy P>
scored_rows<P> out_of_sample_rows(const std::filesystem::path& file, const loaded_model<P>& model,
                                  intake::calendar cal, std::uint64_t seed) {
  scored_rows<P> out;
  out.input.push_back(load_recent<P>(file, cal));
  out.features = compute_symbol_features<P>(out.input[0].bars, seed);
  const row_table all = merge_rows(out.input, {out.features}, P::horizon);
  out.model_span = training_data_span(model.metadata, model.run_dir / artifact_files::metadata);
  const std::int64_t after =
      out.model_span.second + static_cast<std::int64_t>(P::horizon) * P::bar_seconds;
  std::vector<std::size_t> keep;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all.time[i] > after) keep.push_back(i);
  out.in_sample_rows_skipped = all.size() - keep.size();
  const auto& bars = out.input[0].bars;
  if (keep.size() < P::gates.min_out_of_sample_rows)
    throw data_error(file.string(), 0, "",
                     std::to_string(keep.size()) +
                         " labelled rows lie after the model's training data (" +
                         intake::format_iso8601(out.model_span.first) + " .. " +
                         intake::format_iso8601(out.model_span.second) + ", plus the " +
                         std::to_string(P::horizon) + "-bar horizon); the file covers " +
                         (bars.size() ? intake::format_iso8601(bars.timestamp.front()) + " .. " +
                                            intake::format_iso8601(bars.timestamp.back())
                                      : std::string("nothing")) +
                         " and at least " + std::to_string(P::gates.min_out_of_sample_rows) +
                         " are needed to judge the model on bars it never saw (" +
                         std::to_string(out.in_sample_rows_skipped) + " in-sample rows skipped)");
  out.rows.x = model::gather_rows(all.x, keep);
  for (const std::size_t i : keep) {
    out.rows.time.push_back(all.time[i]);
    out.rows.label_end.push_back(all.label_end[i]);
    out.rows.symbol.push_back(all.symbol[i]);
    out.rows.bar.push_back(all.bar[i]);
  }
  out.y = label_rows(out.rows, {out.features}, model.metadata.at("label_k").template get<double>());
  return out;
}
}  // namespace command_detail

/// `predict`: one JSON line per bar (newest `--last` bars of each file) with the promoted
/// model's calibrated probabilities and the trade signal. Refuses (stale_model_error, exit 4,
/// before printing anything) a model older than the policy's max_model_age at the newest bar of
/// any file, unless `allow_stale`; then it warns on stderr.
template <TimeframePolicy P>
int run_predict(const model_options& opts) {
  const loaded_model<P> model = load_promoted<P>(opts.models);
  const intake::calendar cal = opts.calendar.value_or(model.calendar);
  std::vector<symbol_input> inputs;
  for (const auto& file : opts.data) {
    inputs.push_back(load_recent<P>(file, cal));
    const model_age age =
        measure_model_age<P>(model.trained_through, inputs.back().bars.timestamp.back());
    if (!opts.allow_stale) check_model_age(age, file.string());
    if (age.stale())
      std::fprintf(stderr, "*** WARNING: --allow-stale: scoring %s although the %s ***\n",
                   file.c_str(), describe_age(age).c_str());
  }
  for (std::size_t f = 0; f < inputs.size(); ++f) {
    const auto& file = opts.data[f];
    const symbol_input& s = inputs[f];
    const matrix x_all = compute_feature_matrix(P::features, s.bars);
    const std::size_t first = first_complete_row(x_all);
    if (first >= s.bars.size())
      throw data_error(
          file.string(), 0, "",
          "too few bars for the indicator warm-up (" + std::to_string(s.bars.size()) + " bars)");
    std::size_t begin = first;
    if (opts.last && *opts.last < s.bars.size() - first) begin = s.bars.size() - *opts.last;
    const auto [p, sig] = score_rows(model, x_all, begin);
    static constexpr const char* direction[] = {"down", "neutral", "up"};
    for (std::size_t i = 0; i < sig.size(); ++i) {
      const nlohmann::ordered_json line{
          {"symbol", s.bars.symbol},
          {"timestamp", intake::format_iso8601(s.bars.timestamp[begin + i])},
          {"p_down", p(i, 0)},
          {"p_neutral", p(i, 1)},
          {"p_up", p(i, 2)},
          {"confidence", sig.confidence[i]},
          {"alpha", sig.alpha[i]},
          {"direction", direction[sig.direction[i]]},
          {"eligible", static_cast<bool>(sig.eligible[i])},
          {"tier", confidence_tier<P>(sig.confidence[i])}};
      std::cout << line.dump() << '\n';
    }
  }
  return 0;
}

/// `evaluate`: the validation metrics, gates and backtest of the promoted model on bars of
/// another file that it never saw (rows after its training data, SPEC §9), without retraining.
/// Exit 0 when every gate passes, 3 otherwise; 2 when too few such rows remain.
template <TimeframePolicy P>
int run_evaluate(const model_options& opts) {
  const loaded_model<P> model = load_promoted<P>(opts.models);
  if (opts.data.size() != 1) throw usage_error("evaluate takes exactly one --data file");
  const intake::calendar cal = opts.calendar.value_or(model.calendar);
  const auto scored = command_detail::out_of_sample_rows<P>(opts.data[0], model, cal, opts.seed);
  reports::run_report report = report_header<P>(opts.seed, cal);
  report.run_id = model.latest.value("run_id", std::string("?"));
  report.run_path = model.run_dir.string();
  report.data.symbols.push_back(symbol_line(scored.input[0]));
  report.data.test_rows = scored.rows.size();
  report.evaluation =
      reports::evaluation_summary{report.run_id, scored.model_span.first, scored.model_span.second,
                                  scored.in_sample_rows_skipped, scored.rows.size()};
  report.labels.k = model.metadata.at("label_k").template get<double>();
  report.labels.target_share = P::class_targets;
  const auto prior = model.metadata.at("train_class_shares").template get<std::array<double, 3>>();
  report.labels.raw_share = prior;
  std::vector<std::size_t> all(scored.rows.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  const judged_rows judged = judge_table_rows(
      scored.rows, scored.y, all, [&](const matrix& x) { return model.stack.predict_proba(x); },
      [&](const matrix& p) { return model.calibrator.predict(p); });
  judge_rows<P>(report, judged,
                {.symbols = &scored.input,
                 .train_prior = prior,
                 .calibration_prior = {},
                 .feature_names = feature_names(P::features),
                 .feature_importance = model.stack.feature_importance(),
                 .leakage_passed = scored.features.audit.passed,
                 .calendar = cal,
                 .seed = opts.seed});
  const auto verdict = validation::summarise_gates(report.gates);
  report.verdict.failed_gates = verdict.failed;
  report.verdict.outcome = reports::decision::evaluated;
  report.verdict.note =
      "the promoted model " + report.run_id + " on " + opts.data[0].string() + " (no retraining)";
  reports::write_terminal_report(std::cout, report, opts.colour);
  return verdict.passed ? 0 : static_cast<int>(exit_code::gates_failed);
}

/// `drift`: PSI of every feature against the training reference, and accuracy / ECE on the
/// newly labelable bars against the validation baseline (SPEC §9). Exit 5 for RETRAIN NOW.
template <TimeframePolicy P>
int run_drift(const model_options& opts) {
  const loaded_model<P> model = load_promoted<P>(opts.models);
  if (opts.data.size() != 1) throw usage_error("drift takes exactly one --data file");
  const auto scored = command_detail::out_of_sample_rows<P>(
      opts.data[0], model, opts.calendar.value_or(model.calendar), opts.seed);
  const auto reference = validation::reference_from_json(
      read_artifact_json(model.run_dir / artifact_files::reference));
  nlohmann::ordered_json out;
  out["timeframe"] = std::string(P::name);
  out["run_id"] = model.latest.value("run_id", std::string("?"));
  out["rows"] = scored.rows.size();
  out["in_sample_rows_skipped"] = scored.in_sample_rows_skipped;
  out["model_training_data"] = {intake::format_iso8601(scored.model_span.first),
                                intake::format_iso8601(scored.model_span.second)};
  nlohmann::ordered_json psi_json = nlohmann::ordered_json::object();
  std::vector<validation::feature_psi> psi;
  const std::size_t columns = scored.rows.x.shape()[1];
  for (std::size_t c = 0; c < columns && c < reference.size(); ++c) {
    std::vector<double> values(scored.rows.size());
    for (std::size_t i = 0; i < values.size(); ++i)
      values[i] = scored.rows.x(i, c);
    psi.push_back(
        {reference[c].name, validation::population_stability_index(reference[c], values)});
    psi_json[psi.back().name] = psi.back().psi;
  }
  const matrix p = model.predict(scored.rows.x);
  std::size_t correct = 0;
  const auto predicted = validation::compute_signals(p, P::trade_gate).direction;
  for (std::size_t i = 0; i < scored.y.size(); ++i)
    correct += predicted[i] == scored.y[i];
  const double accuracy = static_cast<double>(correct) / static_cast<double>(scored.y.size());
  const double ece = expected_calibration_error(p, scored.y);
  const double base_accuracy = model.metadata.at("test_accuracy").template get<double>();
  const double base_ece = model.metadata.at("test_ece").template get<double>();
  validation::drift_assessment drift =
      validation::assess_drift(P::drift, psi, base_accuracy - accuracy, ece - base_ece);
  // A model past its max_model_age is refused by predict: retraining is due whatever else says.
  const model_age age =
      measure_model_age<P>(model.trained_through, scored.input[0].bars.timestamp.back());
  if (age.stale()) drift.retrain_now.push_back(describe_age(age));
  const std::string_view verdict = validation::verdict_text(drift.verdict());
  out["verdict"] = std::string(verdict);
  out["reasons"] = drift.reasons();
  out["accuracy"] = accuracy;
  out["baseline_accuracy"] = base_accuracy;
  out["log_loss"] = log_loss(p, scored.y);
  out["baseline_log_loss"] = model.metadata.at("test_log_loss");
  out["ece"] = ece;
  out["baseline_ece"] = base_ece;
  out["psi"] = psi_json;
  out["trained_through"] = intake::format_iso8601(age.trained_through);
  out["newest_bar"] = intake::format_iso8601(age.bar);
  out["model_age_days"] = age.age_days();
  out["max_model_age_days"] = age.limit_days();
  out["model_stale"] = age.stale();
  out["promoted_at"] = model.latest.value("promoted_at", std::string("?"));
  if (opts.json) {
    std::cout << out.dump(2) << '\n';
  } else {
    std::cout << "drift " << P::name << " vs run " << out["run_id"].template get<std::string>()
              << " on " << scored.rows.size() << " labelled bars after its training data ("
              << scored.in_sample_rows_skipped << " in-sample rows skipped)\n"
              << "  accuracy " << reports::report_text::fixed(accuracy, 3) << " (baseline "
              << reports::report_text::fixed(base_accuracy, 3) << "), ECE "
              << reports::report_text::fixed(ece, 3) << " (baseline "
              << reports::report_text::fixed(base_ece, 3) << ")\n"
              << "  model age " << format_days(age.age_days()) << " days (data through "
              << intake::format_iso8601(age.trained_through) << ", newest bar "
              << intake::format_iso8601(age.bar) << "; max_model_age "
              << format_days(age.limit_days()) << " days); promoted "
              << model.latest.value("promoted_at", std::string("?"));
    // Wall-clock time since promotion: for the operator's eye only, never in --json output.
    if (const auto days = days_since_promotion(model.latest, std::chrono::system_clock::now()))
      std::cout << " (" << format_days(*days) << " days ago)";
    std::cout << "\n";
    for (const auto& [name, value] : psi_json.items())
      std::cout << "  PSI " << name << " "
                << reports::report_text::fixed(value.template get<double>(), 3) << '\n';
    std::cout << "verdict: " << verdict;
    for (const auto& r : out["reasons"])
      std::cout << "\n  - " << r.template get<std::string>();
    std::cout << '\n';
  }
  return drift.verdict() == validation::drift_verdict::retrain_now
             ? static_cast<int>(exit_code::drift_retrain)
             : 0;
}

}  // namespace mtf::pipeline
