#pragma once
/// \file The decision and the artifacts of a retrain (SPEC §9): gates, champion/challenger,
/// `--force-promote` and `--report-only`; every file staged, fsynced and renamed into place by
/// artifact::run_store, LATEST.json replaced atomically, nothing deployed touched on failure.

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "mtf/artifact/atomic_file.hpp"
#include "mtf/artifact/content_hash.hpp"
#include "mtf/artifact/run_lock.hpp"
#include "mtf/artifact/run_store.hpp"
#include "mtf/pipeline/artifact_layout.hpp"
#include "mtf/pipeline/retrain.hpp"
#include "mtf/reports/html_report.hpp"
#include "mtf/reports/json_report.hpp"
#include "mtf/reports/policy_dump.hpp"
#include "mtf/reports/terminal_report.hpp"
#include "mtf/version.hpp"

#ifndef MTF_GIT_COMMIT
#define MTF_GIT_COMMIT "unknown"
#endif

namespace mtf::pipeline {

/// The artifact's identity record: what a loader checks before trusting a model.
template <TimeframePolicy P>
nlohmann::json model_metadata(const candidate<P>& c, const std::string& run_id) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& s : c.report.data.symbols)
    data.push_back({{"symbol", s.symbol},
                    {"file", s.file},
                    {"bars", s.bars},
                    {"first", intake::format_iso8601(s.first_timestamp)},
                    {"last", intake::format_iso8601(s.last_timestamp)}});
  std::int64_t first = c.report.data.symbols.front().first_timestamp;
  std::int64_t last = c.report.data.symbols.front().last_timestamp;
  for (const auto& s : c.report.data.symbols)
    first = std::min(first, s.first_timestamp), last = std::max(last, s.last_timestamp);
  return {{"run_id", run_id},
          {"timeframe", std::string(P::name)},
          {"training_data_first", intake::format_iso8601(first)},
          {"training_data_last", intake::format_iso8601(last)},
          {"bar_seconds", P::bar_seconds},
          {"horizon", P::horizon},
          {"calendar", c.report.calendar},
          {"policy_fingerprint", policy_fingerprint<P>()},
          {"schema_hash", artifact::feature_schema_hash(c.feature_names)},
          {"feature_names", c.feature_names},
          {"data", data},
          {"data_hash", c.data_hash},
          {"mtf_version", mtf::version},
          {"mtf_commit", MTF_GIT_COMMIT},
          {"seed", c.report.seed},
          {"threads", c.report.threads},
          {"workers", c.report.workers},
          {"label_k", c.report.labels.k},
          {"train_class_shares", c.report.labels.raw_share},
          {"test_log_loss", c.report.validation.test_log_loss},
          {"test_accuracy", c.report.validation.classification.accuracy},
          {"test_ece", c.report.validation.test_ece}};
}

/// How a champion/challenger comparison reads in the report.
inline std::string comparison_note(std::size_t rows, double challenger_loss, double champion_loss,
                                   const std::string& champion) {
  return "on the " + std::to_string(rows) +
         " test rows after the champion's data: challenger log loss " +
         reports::report_text::fixed(challenger_loss, 4) + ", champion " + champion + " " +
         reports::report_text::fixed(champion_loss, 4);
}

/// The decision of SPEC §9 between a challenger that passed its gates and a champion: both
/// scored on the challenger's test rows (`x`, `y`, bar open times `t`) that open after the
/// champion's last training bar plus the horizon. Fewer than min_out_of_sample_rows such rows:
/// no fair comparison, the champion stays. Otherwise the challenger wins unless its log loss is
/// higher. `predict_*` map feature rows to calibrated probabilities.
struct champion_decision {
  bool promote = false;
  std::string note;
};

template <TimeframePolicy P, class ChallengerPredict, class ChampionPredict>
champion_decision compare_with_champion(ChallengerPredict&& predict_challenger,
                                        ChampionPredict&& predict_champion, const matrix& x,
                                        std::span<const int> y, std::span<const std::int64_t> t,
                                        std::int64_t champion_data_end,
                                        const std::string& champion) {
  const std::int64_t after =
      champion_data_end + static_cast<std::int64_t>(P::horizon) * P::bar_seconds;
  std::vector<std::size_t> fresh;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (t[i] > after) fresh.push_back(i);
  if (fresh.size() < P::gates.min_out_of_sample_rows)
    return {false, "champion " + champion + " kept: its training data end " +
                       intake::format_iso8601(champion_data_end) + " leaves " +
                       std::to_string(fresh.size()) + " of the challenger's " +
                       std::to_string(t.size()) + " test rows outside both models' data, fewer " +
                       "than " + std::to_string(P::gates.min_out_of_sample_rows) +
                       ": no fair comparison"};
  const matrix rows = model::gather_rows(x, fresh);
  const auto labels = model::gather(y, fresh);
  const double challenger_loss = log_loss(predict_challenger(rows), labels);
  const double champion_loss = log_loss(predict_champion(rows), labels);
  std::string note = comparison_note(fresh.size(), challenger_loss, champion_loss, champion);
  if (challenger_loss > champion_loss)
    return {false, "the challenger is worse than the champion " + note};
  return {true, note};
}

/// The champion/challenger decision of a challenger that passed its gates against the promoted
/// champion in `store` (SPEC §9). No champion, or one trained under another policy or feature
/// schema (not comparable: the challenger is judged alone): promote.
template <TimeframePolicy P>
champion_decision champion_comparison(const artifact::run_store& store, const candidate<P>& c) {
  const auto latest = store.read_latest();
  if (!latest) return {true, "no champion yet"};
  const std::string champion = latest->value("run_id", "?");
  if (latest->value("policy_fingerprint", "") != policy_fingerprint<P>() ||
      latest->value("schema_hash", "") != artifact::feature_schema_hash(c.feature_names))
    return {true, "champion " + champion +
                      " was trained under another policy or feature schema: not comparable"};
  const auto dir = *store.latest_run_path();
  const auto span = training_data_span(read_artifact_json(dir / artifact_files::metadata),
                                       dir / artifact_files::metadata);
  return compare_with_champion<P>(
      [&](const matrix& x) { return c.calibrator.predict(c.stack.predict_proba(x)); },
      [&](const matrix& x) {
        const auto stack = policy_stack<P>::load(dir / artifact_files::models_dir);
        const auto calibrator = calibration::calibrator::from_json(
            read_artifact_json(dir / artifact_files::calibrator));
        return calibrator.predict(stack.predict_proba(x));
      },
      c.test_x, c.test_y, c.test_time, span.second, champion);
}

/// Writes every file of a run directory (SPEC §9 layout): the models under `dir`, the rest
/// through `write(name, content)`, so the run store and a walk-forward window stage the same
/// bytes.
template <TimeframePolicy P, class Write>
void write_run_files(const candidate<P>& c, const std::string& run_id,
                     const std::filesystem::path& dir, Write&& write) {
  c.stack.save(dir / artifact_files::models_dir);
  write(artifact_files::calibrator, c.calibrator.to_json().dump());
  write(artifact_files::schema,
        nlohmann::json{{"names", c.feature_names},
                       {"hash", artifact::feature_schema_hash(c.feature_names)}}
            .dump(2));
  write(artifact_files::policy, policy_json<P>().dump(2));
  write(artifact_files::metadata, model_metadata(c, run_id).dump(2));
  write(artifact_files::reference, validation::reference_to_json(c.reference).dump());
  write(artifact_files::report_json, reports::report_to_json(c.report).dump(2));
  write(artifact_files::report_html, reports::render_html_report(c.report));
}

/// Decides, writes the artifacts, prints the summary; returns the exit code (0 or 3).
/// `store` belongs to the lock the caller took before training (SPEC §9: one retrain per
/// timeframe and output directory at a time).
template <TimeframePolicy P>
int decide_and_publish(candidate<P>& c, const train_options& opts, stage_timer& timer,
                       artifact::run_store* store) {
  reports::run_report& report = c.report;
  const auto gate_verdict = validation::summarise_gates(report.gates);
  report.verdict.failed_gates = gate_verdict.failed;
  const std::string content = c.data_hash + policy_fingerprint<P>() + std::to_string(opts.seed);
  const std::string proposed_id = artifact::make_run_id(std::chrono::system_clock::now(), content);
  report.generated_at = artifact::format_utc_iso(std::chrono::system_clock::now());
  const auto render = [&] {
    for (const auto& [name, seconds] : timer.stages())
      report.timings.push_back({name, seconds});
  };

  if (opts.report_only) {
    report.verdict.outcome = reports::decision::report_only;
    const auto dir = opts.out / std::string(P::name) / "report-only" / proposed_id;
    report.run_id = proposed_id;
    report.run_path = dir.string();
    render();
    std::filesystem::create_directories(dir);
    artifact::write_file_atomic(dir / artifact_files::report_json,
                                reports::report_to_json(report).dump(2));
    artifact::write_file_atomic(dir / artifact_files::report_html,
                                reports::render_html_report(report));
    reports::write_terminal_report(std::cout, report, opts.colour);
    return 0;
  }

  bool promote = gate_verdict.passed;
  if (promote) {
    const champion_decision d = champion_comparison(*store, c);
    promote = d.promote;
    report.verdict.note = d.note;
  }
  const bool forced = !promote && opts.force_promote;
  report.verdict.outcome = promote  ? reports::decision::promoted
                           : forced ? reports::decision::forced
                                    : reports::decision::rejected;
  if (forced) {
    std::fprintf(stderr,
                 "\n*** WARNING: --force-promote: promoting a model that FAILED %zu gate(s)%s. "
                 "This is recorded as forced in LATEST.json and the report. ***\n\n",
                 gate_verdict.failed.size(),
                 report.verdict.note.empty() ? "" : " or lost to the champion");
  }

  const std::string run_id = store->begin_run(proposed_id);
  report.run_id = run_id;
  report.run_path = store->run_path(run_id).string();
  render();
  write_run_files(
      c, run_id, store->staging_dir(),
      [&](std::string_view name, const std::string& content) { store->write_file(name, content); });
  const bool deploy = promote || forced;
  store->publish(deploy ? artifact::run_status::promoted : artifact::run_status::rejected);
  if (deploy) {
    nlohmann::json latest = store->make_latest(run_id, policy_fingerprint<P>(),
                                               artifact::feature_schema_hash(c.feature_names));
    latest["test_log_loss"] = report.validation.test_log_loss;
    latest["forced"] = forced;
    if (forced) latest["failed_gates"] = gate_verdict.failed;
    store->promote(latest);
  }
  reports::write_terminal_report(std::cout, report, opts.colour);
  return deploy ? 0 : static_cast<int>(exit_code::gates_failed);
}

}  // namespace mtf::pipeline
