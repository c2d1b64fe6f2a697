#pragma once
/// \file Walk-forward evaluation (SPEC §10b): retrain on a schedule over years of history — at each
/// retrain date the complete `train` pipeline on the trailing `history_days` ending then — and
/// judge each fresh model on the period that follows (model skill) and the models the gates and
/// champion/challenger would have deployed trading those periods (system). Windows run in
/// parallel, resume after a kill, and can be run one by one (`--window`) and merged
/// (`--collect`) so that a cluster can fan them out; the collected study is the same bytes
/// whichever way the windows ran.
///
/// Study layout, `<out>/<tf>/walkforward/<study_id>/`:
///   plan.json          the schedule (written first; identical for every process of a study)
///   windows/<i>/       one complete run directory per window, published by rename, plus
///                      oos.json (the fresh model on its out-of-sample period) and status
///                      ("promoted"/"rejected" by its gates, or "failed" with failure.json)
///   walkforward.json   walkforward.html   the collected study

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include "mtf/artifact/atomic_file.hpp"
#include "mtf/artifact/posix_file.hpp"
#include "mtf/backtest/pooled_backtest.hpp"
#include "mtf/core/parallel_for.hpp"
#include "mtf/pipeline/artifact_layout.hpp"
#include "mtf/pipeline/commands.hpp"
#include "mtf/pipeline/promotion.hpp"
#include "mtf/pipeline/retrain.hpp"
#include "mtf/reports/walkforward_report.hpp"
#include "mtf/validation/block_bootstrap.hpp"

namespace mtf::pipeline {

/// The schedule of a study.
struct walkforward_plan {
  std::string study_id;
  std::filesystem::path dir;  ///< `<out>/<tf>/walkforward/<study_id>`
  std::int64_t from = 0;      ///< first retrain date (epoch s, UTC midnight)
  std::int64_t to = 0;        ///< end of the last out-of-sample period
  int every_days = 0;
  std::vector<reports::walkforward_window> windows;  ///< index, retrain_at, until
};

namespace walkforward_detail {

inline constexpr const char* plan_file = "plan.json";
inline constexpr const char* status_file = "status";
inline constexpr const char* oos_file = "oos.json";
inline constexpr const char* failure_file = "failure.json";

/// The first UTC midnight at or after `t`.
inline std::int64_t ceil_to_day(std::int64_t t) {
  return intake::floor_div(t + 86'399, 86'400) * 86'400;
}

inline std::filesystem::path window_dir(const walkforward_plan& plan, std::size_t i) {
  return plan.dir / "windows" / std::to_string(i);
}

inline bool window_done(const walkforward_plan& plan, std::size_t i) {
  std::error_code ec;
  return std::filesystem::exists(window_dir(plan, i) / status_file, ec);
}

/// plan.json: what identifies the study and its schedule.
template <TimeframePolicy P>
nlohmann::json plan_json(const walkforward_plan& plan, const raw_inputs& raw, std::uint64_t seed) {
  nlohmann::json windows = nlohmann::json::array();
  for (const auto& w : plan.windows)
    windows.push_back({{"index", w.index},
                       {"retrain_at", intake::format_iso8601(w.retrain_at)},
                       {"until", intake::format_iso8601(w.until)}});
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : raw.files)
    files.push_back(f.string());
  return {{"study_id", plan.study_id},
          {"study_dir", plan.dir.string()},
          {"timeframe", std::string(P::name)},
          {"policy_fingerprint", policy_fingerprint<P>()},
          {"data", files},
          {"data_hash", raw.data_hash},
          {"seed", seed},
          {"every_days", plan.every_days},
          {"history_days", P::history_days},
          {"from", intake::format_iso8601(plan.from)},
          {"to", intake::format_iso8601(plan.to)},
          {"windows", windows}};
}

/// Writes every file of a finished directory to disk and publishes it as `final_dir` by one
/// rename: `final_dir` either does not exist or is complete.
inline void publish_directory(const std::filesystem::path& staging,
                              const std::filesystem::path& final_dir) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(staging)) {
    if (e.is_regular_file())
      artifact::fsync_file(e.path());
    else if (e.is_directory())
      artifact::fsync_directory(e.path());
  }
  artifact::fsync_directory(staging);
  if (::rename(staging.c_str(), final_dir.c_str()) != 0)
    artifact::throw_io_error("publish", final_dir, errno);
  artifact::fsync_directory(final_dir.parent_path());
}

/// Full-history features and label inputs of every symbol: the features a deployed model
/// computes when scoring (causal, so any bar's row is the same whatever follows it).
template <TimeframePolicy P>
struct scoring_features {
  std::vector<symbol_input> symbols;  ///< the raw series (uncut)
  std::vector<symbol_features> features;
};

template <TimeframePolicy P>
scoring_features<P> full_history_features(const raw_inputs& raw) {
  scoring_features<P> out;
  for (const auto& s : raw.series) {
    symbol_input in;
    in.bars = s.bars;
    in.resampled = s.counts;
    symbol_features f;
    f.x = compute_feature_matrix(P::features, in.bars);
    f.first_complete = first_complete_row(f.x);
    f.labels = compute_policy_label_inputs<P>(in.bars);
    out.symbols.push_back(std::move(in));
    out.features.push_back(std::move(f));
  }
  return out;
}

/// Labelled rows of every symbol whose bar opens in [begin, end) (closes within the period
/// after a retrain at `begin`), time-ordered, labelled with threshold multiplier k.
struct period_rows {
  std::vector<std::int64_t> time;
  std::vector<std::uint32_t> symbol;
  std::vector<std::size_t> bar;
  std::vector<int> y;
  matrix x;
};

template <TimeframePolicy P>
period_rows rows_of_period(const scoring_features<P>& full, std::int64_t begin, std::int64_t end,
                           double k) {
  struct ref {
    std::int64_t time;
    std::uint32_t symbol;
    std::size_t bar;
  };
  std::vector<ref> refs;
  std::vector<std::vector<int>> labels;
  for (std::uint32_t s = 0; s < full.symbols.size(); ++s) {
    const auto& t = full.symbols[s].bars.timestamp;
    labels.push_back(assign_labels(full.features[s].labels, k));
    const auto first =
        static_cast<std::size_t>(std::lower_bound(t.begin(), t.end(), begin) - t.begin());
    for (std::size_t b = first; b < t.size() && t[b] < end; ++b)
      if (usable_bar(full.features[s], b)) refs.push_back({t[b], s, b});
  }
  std::stable_sort(refs.begin(), refs.end(), [](const ref& a, const ref& b) {
    return a.time < b.time || (a.time == b.time && a.symbol < b.symbol);
  });
  period_rows out;
  const std::size_t columns = full.features.empty() ? 0 : full.features[0].x.shape()[1];
  out.x = matrix::from_shape({refs.size(), columns});
  for (std::size_t i = 0; i < refs.size(); ++i) {
    std::copy_n(&full.features[refs[i].symbol].x(refs[i].bar, 0), columns, &out.x(i, 0));
    out.time.push_back(refs[i].time);
    out.symbol.push_back(refs[i].symbol);
    out.bar.push_back(refs[i].bar);
    out.y.push_back(labels[refs[i].symbol][refs[i].bar]);
  }
  return out;
}

/// A window's model read back from its directory.
template <TimeframePolicy P>
struct window_model {
  policy_stack<P> stack;
  calibration::calibrator calibrator;
  nlohmann::json metadata;
  [[nodiscard]] matrix predict(const matrix& x) const {
    return calibrator.predict(stack.predict_proba(x));
  }
};

template <TimeframePolicy P>
window_model<P> load_window_model(const std::filesystem::path& dir) {
  return {policy_stack<P>::load(dir / artifact_files::models_dir),
          calibration::calibrator::from_json(read_artifact_json(dir / artifact_files::calibrator)),
          read_artifact_json(dir / artifact_files::metadata)};
}

inline nlohmann::json matrix_rows(const matrix& m) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < m.shape()[0]; ++i)
    out.push_back({m(i, 0), m(i, 1), m(i, 2)});
  return out;
}

inline matrix rows_matrix(const nlohmann::json& j) {
  matrix out = matrix::from_shape({j.size(), 3});
  for (std::size_t i = 0; i < j.size(); ++i)
    for (std::size_t c = 0; c < 3; ++c)
      out(i, c) = j.at(i).at(c).get<double>();
  return out;
}

/// Linear-interpolation quantile of a copy of `values` (q in [0, 1]); 0 for none.
inline double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  return validation::bootstrap_detail::percentile(values, q);
}

}  // namespace walkforward_detail

/// The study of `opts` on `raw`: retrain dates from `--from` (default: the first UTC midnight
/// with `history_days` of data before it) every `--every` days (default the policy's
/// `retrain_every`) while before `--to` (default the data's end); window i's out-of-sample
/// period is (retrain_at, until]. The study id is a hash of the data, policy, seed and schedule,
/// so every process of a study agrees on its directory. Throws data_error (exit 2) when the
/// data are too short for one window.
template <TimeframePolicy P>
walkforward_plan plan_walkforward(const walkforward_options& opts, const raw_inputs& raw) {
  using walkforward_detail::ceil_to_day;
  std::int64_t data_first = std::numeric_limits<std::int64_t>::max(), data_end = 0;
  for (const auto& s : raw.series) {
    if (s.bars.empty()) continue;
    data_first = std::min(data_first, s.bars.timestamp.front());
    data_end = std::max(data_end, s.bars.timestamp.back() + s.bars.bar_seconds);
  }
  walkforward_plan plan;
  plan.every_days = opts.every_days.value_or(P::retrain_every);
  if (plan.every_days < 1) throw usage_error("--every must be at least 1 day");
  plan.to = std::min(opts.to.value_or(data_end), data_end);
  plan.from = opts.from ? ceil_to_day(*opts.from)
                        : ceil_to_day(data_first + intake::days_to_seconds(P::history_days));
  const std::int64_t step = intake::days_to_seconds(plan.every_days);
  for (std::int64_t t = plan.from; t < plan.to; t += step) {
    reports::walkforward_window w;
    w.index = plan.windows.size();
    w.retrain_at = t;
    w.until = std::min(t + step, plan.to);
    plan.windows.push_back(w);
  }
  const std::string file = raw.files.empty() ? std::string("--data") : raw.files[0].string();
  if (plan.windows.empty())
    throw data_error(file, 0, "",
                     "too short for one walk-forward window: the first retrain date " +
                         intake::format_iso8601(plan.from) + " (" +
                         std::to_string(P::history_days) + " days of history after the first bar " +
                         intake::format_iso8601(data_first) + ") is not before the end " +
                         intake::format_iso8601(plan.to));
  std::ostringstream identity;
  identity << raw.data_hash << ' ' << policy_fingerprint<P>() << ' ' << opts.seed << ' '
           << plan.from << ' ' << plan.to << ' ' << plan.every_days;
  plan.study_id = "wf-" + artifact::sha256_hex(identity.str()).substr(0, 16);
  plan.dir = opts.out / std::string(P::name) / "walkforward" / plan.study_id;
  return plan;
}

/// Threads of one window's retrain. Always one: windows run side by side instead, and a window's
/// model is then the same bytes whether the study ran on a laptop or fanned out over a cluster
/// (equal to `train --to <retrain date> --threads 1`).
inline constexpr int window_threads = 1;

/// Runs window `i` of `plan`: the complete `train` pipeline ending at its retrain date (one
/// thread), the gates, the fresh model's predictions on its out-of-sample period, all
/// published as `windows/<i>/` by one rename. A window whose data cannot give a model (bad or
/// too little data, a missing class) is published as "failed" with the reason.
template <TimeframePolicy P>
void run_window(const walkforward_plan& plan, std::size_t i, const raw_inputs& raw,
                const walkforward_detail::scoring_features<P>& full,
                const walkforward_options& opts) {
  namespace wd = walkforward_detail;
  namespace fs = std::filesystem;
  const auto& w = plan.windows.at(i);
  const fs::path windows = plan.dir / "windows";
  fs::create_directories(windows);
  const fs::path staging = windows / (std::string(artifact::temporary_prefix) + std::to_string(i) +
                                      "-" + std::to_string(::getpid()));
  fs::remove_all(staging);
  fs::create_directories(staging);
  const auto write = [&](const std::string& name, const std::string& content) {
    artifact::write_file_synced(staging / name, content);
  };
  train_options t;
  t.data = raw.files;
  t.seed = opts.seed;
  t.threads = window_threads;
  t.calendar = opts.calendar;
  t.to = w.retrain_at;
  stage_timer timer(false, /*quiet=*/true);
  try {
    candidate<P> c = train_candidate_from<P>(raw, w.retrain_at, t, timer);
    auto& report = c.report;
    const auto verdict = validation::summarise_gates(report.gates);
    report.verdict.failed_gates = verdict.failed;
    report.verdict.outcome =
        verdict.passed ? reports::decision::promoted : reports::decision::rejected;
    report.verdict.note = "walk-forward window " + std::to_string(i) + " of study " +
                          plan.study_id +
                          ": judged by its gates; deployment is decided by the "
                          "study's champion/challenger";
    report.run_id = "window-" + std::to_string(i);
    report.run_path = wd::window_dir(plan, i).string();
    for (const auto& [name, seconds] : timer.stages())
      report.timings.push_back({name, seconds});
    write_run_files(c, report.run_id, staging, write);

    // The fresh model on the period after its retrain, labelled with its own k.
    const auto rows = wd::rows_of_period<P>(full, w.retrain_at, w.until, report.labels.k);
    nlohmann::json oos{{"rows", rows.y.size()}, {"prior", report.labels.raw_share},
                       {"time", rows.time},     {"symbol", rows.symbol},
                       {"bar", rows.bar},       {"y", rows.y}};
    if (!rows.y.empty()) {
      const matrix p_raw = c.stack.predict_proba(rows.x);
      oos["p_raw"] = wd::matrix_rows(p_raw);
      oos["p"] = wd::matrix_rows(c.calibrator.predict(p_raw));
    } else {
      oos["p_raw"] = nlohmann::json::array();
      oos["p"] = nlohmann::json::array();
    }
    write(wd::oos_file, oos.dump());
    write(wd::status_file, verdict.passed ? "promoted\n" : "rejected\n");
  } catch (const error& e) {
    if (e.code() != exit_code::bad_data && e.code() != exit_code::gates_failed) throw;
    write(wd::failure_file,
          nlohmann::json{{"reason", e.what()}, {"exit_code", static_cast<int>(e.code())}}.dump(2));
    write(wd::status_file, "failed\n");
  }
  wd::publish_directory(staging, wd::window_dir(plan, i));
}

/// Collects a finished study into its report (SPEC §10b): per-window skill, the pooled skill
/// with a moving-block bootstrap interval and verdict, per-gate evidence, and the system view —
/// at each retrain the fresh model is deployed when it passed its gates and is not worse than
/// the deployed champion on its test rows outside the champion's data (the rule of `train`),
/// and the deployed model trades the period that follows. Throws artifact_error (exit 4)
/// naming the windows that have not finished.
template <TimeframePolicy P>
reports::walkforward_report collect_walkforward(const walkforward_plan& plan, const raw_inputs& raw,
                                                const walkforward_detail::scoring_features<P>& full,
                                                const walkforward_options& opts) {
  namespace wd = walkforward_detail;
  std::vector<std::size_t> missing;
  for (const auto& w : plan.windows)
    if (!wd::window_done(plan, w.index)) missing.push_back(w.index);
  if (!missing.empty()) {
    std::string list;
    for (std::size_t k = 0; k < missing.size() && k < 20; ++k)
      list += (k ? ", " : "") + std::to_string(missing[k]);
    if (missing.size() > 20) list += ", ...";
    throw artifact_error("walk-forward study " + plan.dir.string() + ": " +
                         std::to_string(missing.size()) + " of " +
                         std::to_string(plan.windows.size()) + " windows have not finished (" +
                         list + "); run them first");
  }

  reports::walkforward_report r;
  r.study_id = plan.study_id;
  r.study_dir = plan.dir.string();
  r.timeframe = std::string(P::name);
  r.policy_fingerprint = policy_fingerprint<P>();
  for (const auto& f : raw.files)
    r.data.push_back(f.string());
  r.seed = opts.seed;
  r.every_days = plan.every_days;
  r.history_days = P::history_days;
  r.horizon = P::horizon;
  r.bar_seconds = P::bar_seconds;
  r.from = plan.from;
  r.to = plan.to;

  // Per window: outcome, gates and the fresh model's out-of-sample rows.
  std::vector<double> difference;
  std::vector<int> all_y;
  std::vector<std::array<double, 3>> all_p;
  std::vector<nlohmann::json> oos(plan.windows.size());
  std::map<std::string, std::vector<std::pair<double, bool>>> gate_values;
  std::vector<std::string> gate_order;
  std::map<std::string, std::string> gate_threshold;
  double model_sum = 0, prior_sum = 0;
  for (const auto& planned : plan.windows) {
    auto w = planned;
    const auto dir = wd::window_dir(plan, w.index);
    std::string status = artifact::read_file(dir / wd::status_file);
    while (!status.empty() && (status.back() == '\n' || status.back() == '\r'))
      status.pop_back();
    w.outcome = status;
    if (status == "failed") {
      w.failure = read_artifact_json(dir / wd::failure_file).at("reason").get<std::string>();
      r.windows.push_back(std::move(w));
      continue;
    }
    const auto report =
        reports::report_from_json(read_artifact_json(dir / artifact_files::report_json));
    w.failed_gates = report.verdict.failed_gates;
    for (const auto& g : report.gates) {
      if (!gate_values.count(g.name)) {
        gate_order.push_back(g.name);
        gate_threshold[g.name] = g.threshold;
      }
      gate_values[g.name].push_back({g.value, g.passed});
    }
    oos[w.index] = read_artifact_json(dir / wd::oos_file);
    const auto& o = oos[w.index];
    const auto prior = o.at("prior").get<std::array<double, 3>>();
    const auto y = o.at("y").get<std::vector<int>>();
    const matrix p = wd::rows_matrix(o.at("p"));
    double window_model = 0, window_prior = 0;
    for (std::size_t k = 0; k < y.size(); ++k) {
      const auto c = static_cast<std::size_t>(y[k]);
      const double lm = -std::log(std::max(p(k, c), 1e-15));
      const double lp = -std::log(std::max(prior[c], 1e-15));
      window_model += lm;
      window_prior += lp;
      difference.push_back(lm - lp);
      all_y.push_back(y[k]);
      all_p.push_back({p(k, 0), p(k, 1), p(k, 2)});
    }
    w.rows = y.size();
    model_sum += window_model;
    prior_sum += window_prior;
    if (!y.empty()) {
      w.log_loss = window_model / static_cast<double>(y.size());
      w.prior_log_loss = window_prior / static_cast<double>(y.size());
    }
    r.windows.push_back(std::move(w));
  }

  // Model skill: pooled out-of-sample log loss minus the prior's, moving-block bootstrap.
  r.skill.rows = difference.size();
  if (!difference.empty()) {
    const auto n = static_cast<double>(difference.size());
    r.skill.log_loss = model_sum / n;
    r.skill.prior_log_loss = prior_sum / n;
    const std::size_t block = validation::default_block_length(
        difference.size(), static_cast<std::size_t>(P::horizon) * raw.series.size());
    r.skill.difference = validation::moving_block_bootstrap(difference, block, 1000, opts.seed,
                                                            validation::series_mean);
    r.skill.verdict = reports::skill_verdict(r.skill.difference);
    matrix p = matrix::from_shape({all_p.size(), 3});
    for (std::size_t k = 0; k < all_p.size(); ++k)
      for (std::size_t c = 0; c < 3; ++c)
        p(k, c) = all_p[k][c];
    const auto bins = reliability_table(p, all_y);
    r.reliability = reports::to_reliability_points(bins);
  } else {
    r.skill.verdict = "no out-of-sample rows";
  }

  // Gate evidence over the trained windows.
  for (const auto& name : gate_order) {
    const auto& values = gate_values[name];
    reports::gate_evidence g;
    g.name = name;
    g.threshold = gate_threshold[name];
    g.windows = values.size();
    std::vector<double> v;
    std::size_t passed = 0;
    for (const auto& [value, ok] : values) {
      v.push_back(value);
      passed += ok ? 1 : 0;
    }
    g.pass_share = static_cast<double>(passed) / static_cast<double>(values.size());
    g.q10 = wd::quantile(v, 0.10);
    g.q50 = wd::quantile(v, 0.50);
    g.q90 = wd::quantile(v, 0.90);
    r.gates.push_back(std::move(g));
  }

  // System: the deployed model at each retrain trades the period that follows.
  std::map<std::size_t, wd::window_model<P>> models;
  const auto model_of = [&](std::size_t i) -> const wd::window_model<P>& {
    auto it = models.find(i);
    if (it == models.end())
      it = models.emplace(i, wd::load_window_model<P>(wd::window_dir(plan, i))).first;
    return it->second;
  };
  std::optional<std::size_t> deployed;
  std::int64_t deployed_data_end = 0;
  // Per symbol, per out-of-sample row: the deployed model's probabilities (none: no trade).
  struct system_row {
    std::int64_t time;
    std::size_t bar;
    std::optional<std::array<double, 3>> p;
  };
  std::vector<std::vector<system_row>> system(raw.series.size());
  for (auto& w : r.windows) {
    if (w.outcome == "promoted") {
      if (!deployed) {
        deployed = w.index;
        w.deployment_note = "deployed: no champion yet";
      } else {
        // Challenger w on its own test rows (its training data cut at the retrain date, as in
        // its window run) against the champion, on rows after the champion's data only.
        stage_timer quiet(false, /*quiet=*/true);
        const training_data data = prepare_dataset<P>(
            raw, w.retrain_at, opts.calendar.value_or(intake::calendar::crypto), opts.seed, quiet);
        const matrix x = row_range(data.rows.x, data.seg.test.begin, data.seg.test.end);
        const std::vector<int> y(data.y.begin() + static_cast<std::ptrdiff_t>(data.seg.test.begin),
                                 data.y.begin() + static_cast<std::ptrdiff_t>(data.seg.test.end));
        const std::vector<std::int64_t> t(
            data.rows.time.begin() + static_cast<std::ptrdiff_t>(data.seg.test.begin),
            data.rows.time.begin() + static_cast<std::ptrdiff_t>(data.seg.test.end));
        const auto& champion = model_of(*deployed);
        const auto& challenger = model_of(w.index);
        const auto decision = compare_with_champion<P>(
            [&](const matrix& rows) { return challenger.predict(rows); },
            [&](const matrix& rows) { return champion.predict(rows); }, x, y, t, deployed_data_end,
            "window " + std::to_string(*deployed));
        w.deployment_note = decision.promote ? "deployed: " + decision.note : decision.note;
        if (decision.promote) deployed = w.index;
      }
      if (deployed == w.index)
        deployed_data_end =
            training_data_span(model_of(w.index).metadata, wd::window_dir(plan, w.index)).second;
    } else if (w.outcome == "rejected") {
      w.deployment_note = "champion kept: the fresh model failed its gates";
    } else {
      w.deployment_note = "champion kept: the window could not train";
    }
    w.deployed = deployed;
    if (deployed) ++r.system.periods_with_model;
    // The period's rows, with the deployed model's probabilities.
    const auto rows = wd::rows_of_period<P>(full, w.retrain_at, w.until, 0.0);
    std::optional<matrix> p;
    if (deployed && *deployed == w.index && !oos[w.index].is_null() && w.rows == rows.y.size()) {
      p = wd::rows_matrix(oos[w.index].at("p"));
    } else if (deployed && !rows.y.empty()) {
      p = model_of(*deployed).predict(rows.x);
    }
    for (std::size_t k = 0; k < rows.y.size(); ++k) {
      system_row row{rows.time[k], rows.bar[k], std::nullopt};
      if (p) row.p = std::array<double, 3>{(*p)(k, 0), (*p)(k, 1), (*p)(k, 2)};
      system[rows.symbol[k]].push_back(row);
    }
  }
  std::vector<backtest::backtest_result> books;
  for (std::size_t s = 0; s < system.size(); ++s) {
    const auto& rows = system[s];
    if (rows.empty()) continue;
    matrix p = matrix::from_shape({rows.size(), 3});
    std::vector<std::int64_t> times;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const auto probs = rows[k].p.value_or(std::array<double, 3>{0.0, 1.0, 0.0});
      for (std::size_t c = 0; c < 3; ++c)
        p(k, c) = probs[c];
      times.push_back(rows[k].time);
    }
    auto sig = validation::compute_signals(p, P::trade_gate);
    for (std::size_t k = 0; k < rows.size(); ++k)
      if (!rows[k].p) sig.eligible[k] = false;  // no deployed model: no trade
    const auto& bars = raw.series[s].bars;
    const std::size_t last =
        std::min(bars.size() - 1, rows.back().bar + static_cast<std::size_t>(P::horizon));
    const std::vector<double> closes(
        bars.close.begin() + static_cast<std::ptrdiff_t>(rows.front().bar),
        bars.close.begin() + static_cast<std::ptrdiff_t>(last + 1));
    books.push_back(backtest::run_backtest_for<P>(
        sig, times, closes, opts.calendar.value_or(intake::calendar::crypto), opts.seed));
  }
  if (!books.empty()) {
    r.system.backtest = backtest::pool_backtests(books);
    const auto& equity = r.system.backtest.strategy_equity;
    std::vector<double> returns(equity.size());
    double previous = 1.0;
    for (std::size_t j = 0; j < equity.size(); ++j) {
      returns[j] = equity[j] / previous - 1.0;
      previous = equity[j];
    }
    const double bars_per_year = r.system.backtest.bars_per_year;
    if (returns.size() >= 2)
      r.system.sharpe = validation::moving_block_bootstrap(
          returns,
          validation::default_block_length(returns.size(), static_cast<std::size_t>(P::horizon)),
          1000, opts.seed,
          [&](std::span<const double> x) { return backtest::annualised_sharpe(x, bars_per_year); });
  }
  return r;
}

/// `walkforward`: plans the study, runs its pending windows (all, in parallel over --threads,
/// one thread each; or only `--window I` with --threads), then collects it (unless only one
/// window was asked for) into walkforward.json, walkforward.html and a terminal summary.
/// `--plan` prints the schedule as JSON and stops. Exit 0 when finished, 2 when the data are too
/// short for one window, 4 for I/O errors or a `--collect` of an unfinished study.
template <TimeframePolicy P>
int run_walkforward(walkforward_options opts) {
  namespace wd = walkforward_detail;
  namespace fs = std::filesystem;
  default_data<P>(opts);
  const raw_inputs raw = read_inputs<P>(opts.data);
  const walkforward_plan plan = plan_walkforward<P>(opts, raw);
  const nlohmann::json plan_json = wd::plan_json<P>(plan, raw, opts.seed);
  if (opts.plan) {
    nlohmann::json out{{"study_id", plan.study_id},
                       {"study_dir", plan.dir.string()},
                       {"windows", plan.windows.size()},
                       {"retrain_dates", nlohmann::json::array()}};
    for (const auto& w : plan.windows)
      out["retrain_dates"].push_back(intake::format_iso8601(w.retrain_at));
    std::cout << out.dump() << '\n';
    return 0;
  }
  fs::create_directories(plan.dir / "windows");
  const fs::path plan_path = plan.dir / wd::plan_file;
  if (!fs::exists(plan_path)) artifact::write_file_atomic(plan_path, plan_json.dump(2) + "\n");
  // Debris of a killed window run: staging directories (the published ones are complete).
  const auto clean_staging = [&](std::optional<std::size_t> only) {
    for (const auto& e : fs::directory_iterator(plan.dir / "windows")) {
      const std::string name = e.path().filename().string();
      if (!name.starts_with(artifact::temporary_prefix)) continue;
      if (only &&
          !name.starts_with(std::string(artifact::temporary_prefix) + std::to_string(*only) + "-"))
        continue;
      fs::remove_all(e.path());
    }
  };

  const walkforward_detail::scoring_features<P> full = wd::full_history_features<P>(raw);
  if (opts.window) {
    if (*opts.window >= plan.windows.size())
      throw usage_error("--window " + std::to_string(*opts.window) + " is not a window of the " +
                        std::to_string(plan.windows.size()) + "-window study " + plan.study_id);
    if (!wd::window_done(plan, *opts.window)) {
      clean_staging(*opts.window);
      run_window<P>(plan, *opts.window, raw, full, opts);
    }
    std::fprintf(stderr, "walk-forward %s window %zu of %zu done: %s\n",
                 std::string(P::name).c_str(), *opts.window, plan.windows.size(),
                 wd::window_dir(plan, *opts.window).c_str());
    return 0;
  }
  if (!opts.collect) {
    clean_staging(std::nullopt);
    std::vector<std::size_t> pending;
    for (const auto& w : plan.windows)
      if (!wd::window_done(plan, w.index)) pending.push_back(w.index);
    const std::size_t workers =
        std::min(pending.size(), static_cast<std::size_t>(resolve_threads(opts.threads)));
    std::fprintf(stderr, "walk-forward %s: %zu windows (%zu done before), %zu at a time -> %s\n",
                 std::string(P::name).c_str(), plan.windows.size(),
                 plan.windows.size() - pending.size(), std::max<std::size_t>(workers, 1),
                 plan.dir.c_str());
    std::mutex progress;
    std::size_t finished = 0;
    const auto start = std::chrono::steady_clock::now();
    parallel_for(pending.size(), workers, [&](std::size_t k) {
      run_window<P>(plan, pending[k], raw, full, opts);
      const std::lock_guard lock(progress);
      ++finished;
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double eta =
          elapsed / static_cast<double>(finished) * static_cast<double>(pending.size() - finished);
      if (opts.progress)
        std::fprintf(stderr, "\r  %zu/%zu windows, %.0f s elapsed, ETA %.0f s   ", finished,
                     pending.size(), elapsed, eta);
      else
        std::fprintf(stderr, "  window %zu done (%zu/%zu, ETA %.0f s)\n", pending[k], finished,
                     pending.size(), eta);
    });
    if (opts.progress) std::fprintf(stderr, "\n");
  }
  const auto report = collect_walkforward<P>(plan, raw, full, opts);
  const nlohmann::json j = report;
  artifact::write_file_atomic(plan.dir / "walkforward.json", j.dump(2) + "\n");
  std::ostringstream html;
  reports::write_walkforward_html(html, report);
  artifact::write_file_atomic(plan.dir / "walkforward.html", html.str());
  reports::write_walkforward_terminal(std::cout, report, opts.colour);
  return 0;
}

}  // namespace mtf::pipeline
