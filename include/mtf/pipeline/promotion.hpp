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
#include "mtf/artifact/policy_dump.hpp"
#include "mtf/artifact/report_html.hpp"
#include "mtf/artifact/report_json.hpp"
#include "mtf/artifact/report_terminal.hpp"
#include "mtf/artifact/run_lock.hpp"
#include "mtf/artifact/run_store.hpp"
#include "mtf/pipeline/retrain.hpp"
#include "mtf/version.hpp"

#ifndef MTF_GIT_COMMIT
#define MTF_GIT_COMMIT "unknown"
#endif

namespace mtf::pipeline {

/// SHA-256 of the canonical policy dump: changes whenever any policy value changes.
template <TimeframePolicy P>
std::string policy_fingerprint() {
  return artifact::sha256_hex(policy_json<P>().dump());
}

/// Names of the artifact files inside runs/<id>/.
namespace artifact_files {
inline constexpr const char* models_dir = "models";
inline constexpr const char* calibrator = "calibrator.json";
inline constexpr const char* schema = "feature_schema.json";
inline constexpr const char* policy = "policy.json";
inline constexpr const char* metadata = "metadata.json";
inline constexpr const char* reference = "training_reference.json";
inline constexpr const char* report_json = "report.json";
inline constexpr const char* report_html = "report.html";
}  // namespace artifact_files

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
  return {{"run_id", run_id},
          {"timeframe", std::string(P::name)},
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
          {"label_k", c.report.labels.k},
          {"train_class_shares", c.report.labels.raw_share},
          {"test_log_loss", c.report.validation.test_log_loss},
          {"test_accuracy", c.report.validation.classification.accuracy},
          {"test_ece", c.report.validation.test_ece}};
}

/// Drift reference of the training rows as JSON.
inline nlohmann::json reference_json(const std::vector<feature_reference>& reference) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : reference)
    out.push_back({{"name", r.name}, {"edges", r.edges}, {"shares", r.shares}});
  return out;
}

/// Log loss of the promoted champion on the challenger's test rows, or nullopt (with a reason)
/// when there is no champion or it was trained under another policy or feature schema.
template <TimeframePolicy P>
std::optional<double> champion_log_loss(const artifact::run_store& store, const candidate<P>& c,
                                        std::string& note) {
  const auto latest = store.read_latest();
  if (!latest) {
    note = "no champion yet";
    return std::nullopt;
  }
  if (latest->value("policy_fingerprint", "") != policy_fingerprint<P>() ||
      latest->value("schema_hash", "") != artifact::feature_schema_hash(c.feature_names)) {
    note = "champion " + latest->value("run_id", "?") +
           " was trained under another policy or feature schema: not comparable";
    return std::nullopt;
  }
  const auto dir = *store.latest_run_path();
  const auto champion = policy_stack<P>::load(dir / artifact_files::models_dir);
  std::ifstream in(dir / artifact_files::calibrator);
  const auto calibrator = calibration::calibrator::from_json(nlohmann::json::parse(in));
  const double loss = log_loss(calibrator.predict(champion.predict_proba(c.test_x)), c.test_y);
  note = "champion " + latest->value("run_id", "?") + " scores log loss " +
         artifact::report_text::fixed(loss, 4) + " on the same test window";
  return loss;
}

/// Decides, writes the artifacts, prints the summary; returns the exit code (0 or 3).
/// `store` belongs to the lock the caller took before training (SPEC §9: one retrain per
/// timeframe and output directory at a time).
template <TimeframePolicy P>
int decide_and_publish(candidate<P>& c, const train_options& opts, stage_timer& timer,
                       artifact::run_store* store) {
  artifact::run_report& report = c.report;
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
    report.verdict.outcome = artifact::decision::report_only;
    const auto dir = opts.out / std::string(P::name) / "report-only" / proposed_id;
    report.run_id = proposed_id;
    report.run_path = dir.string();
    render();
    std::filesystem::create_directories(dir);
    artifact::write_file_atomic(dir / artifact_files::report_json,
                                artifact::report_to_json(report).dump(2));
    artifact::write_file_atomic(dir / artifact_files::report_html,
                                artifact::render_html_report(report));
    artifact::write_terminal_report(std::cout, report, opts.colour);
    return 0;
  }

  std::string champion_note;
  bool promote = gate_verdict.passed;
  if (promote) {
    const auto champion = champion_log_loss(*store, c, champion_note);
    if (champion && report.validation.test_log_loss > *champion) {
      promote = false;
      report.verdict.note = "challenger log loss " +
                            artifact::report_text::fixed(report.validation.test_log_loss, 4) +
                            " is worse than the " + champion_note;
    } else {
      report.verdict.note = champion_note;
    }
  }
  const bool forced = !promote && opts.force_promote;
  report.verdict.outcome = promote  ? artifact::decision::promoted
                           : forced ? artifact::decision::forced
                                    : artifact::decision::rejected;
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
  c.stack.save(store->staging_dir() / artifact_files::models_dir);
  store->write_file(artifact_files::calibrator, c.calibrator.to_json().dump());
  store->write_file(artifact_files::schema,
                    nlohmann::json{{"names", c.feature_names},
                                   {"hash", artifact::feature_schema_hash(c.feature_names)}}
                        .dump(2));
  store->write_file(artifact_files::policy, policy_json<P>().dump(2));
  store->write_file(artifact_files::metadata, model_metadata(c, run_id).dump(2));
  store->write_file(artifact_files::reference, reference_json(c.reference).dump());
  store->write_file(artifact_files::report_json, artifact::report_to_json(report).dump(2));
  store->write_file(artifact_files::report_html, artifact::render_html_report(report));
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
  artifact::write_terminal_report(std::cout, report, opts.colour);
  return deploy ? 0 : static_cast<int>(exit_code::gates_failed);
}

}  // namespace mtf::pipeline
