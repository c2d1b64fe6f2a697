// The one generic main every retrain_<tf> binary is generated from
// (cmake/MtfRetrainBinary.cmake defines MTF_POLICY_HEADER and MTF_POLICY_TYPE).
// It parses the command line (SPEC §10) and hands over to the pipeline; every mtf::error
// becomes its documented exit code.

#include MTF_POLICY_HEADER

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app_support.hpp"
#include "mtf/core/errors.hpp"
#include "mtf/intake/timestamp.hpp"
#include "mtf/pipeline/commands.hpp"
#include "mtf/pipeline/walkforward.hpp"
#include "mtf/reports/policy_dump.hpp"

namespace {

using policy = MTF_POLICY_TYPE;
static_assert(mtf::TimeframePolicy<policy>,
              "the policy given to mtf_add_retrain_binary does not satisfy mtf::TimeframePolicy");

constexpr const char* binary_name = MTF_BINARY_NAME;

int print_policy(bool json, bool tsv) {
  const auto rows = mtf::policy_rows<policy>();
  if (json) {
    std::cout << mtf::policy_json<policy>().dump(2) << "\n";
  } else if (tsv) {
    for (const auto& [key, value] : rows)
      std::cout << key << '\t' << value << '\n';
  } else {
    std::size_t width = 0;
    for (const auto& row : rows)
      width = std::max(width, row.first.size());
    for (const auto& [key, value] : rows)
      std::cout << key << std::string(width + 2 - key.size(), ' ') << value << '\n';
  }
  return 0;
}

// A date on the command line: YYYY-MM-DD (UTC midnight) or a full ISO 8601 time with zone.
std::int64_t parse_date(const std::string& option, const std::string& text) {
  const std::string full = text.size() == 10 ? text + "T00:00:00Z" : text;
  const auto parsed = mtf::intake::parse_iso8601(full);
  if (!parsed.ok())
    throw CLI::ValidationError(option, "'" + text +
                                           "' is not a date (YYYY-MM-DD or "
                                           "YYYY-MM-DDTHH:MM:SSZ): " +
                                           std::string(parsed.error));
  return parsed.epoch_seconds;
}

void add_date(CLI::App& cmd, const std::string& name, std::optional<std::int64_t>& target,
              const std::string& help) {
  cmd.add_option_function<std::string>(
      name, [name, &target](const std::string& text) { target = parse_date(name, text); }, help);
}

void add_common(CLI::App& cmd, mtf::pipeline::common_options& o, bool data_required) {
  auto* data = cmd.add_option("--data", o.data, "OHLCV CSV file(s), one per symbol");
  if (data_required) data->required();
  data->check(CLI::ExistingFile);
  cmd.add_option("--seed", o.seed, "random seed (same data, seed and threads = same model)")
      ->capture_default_str();
  cmd.add_option("--threads", o.threads, "worker threads, 0 = all cores")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  // Parsed here into mtf::intake::calendar, so intake's gap check already follows it.
  const std::map<std::string, mtf::intake::calendar> calendars{
      {"crypto", mtf::intake::calendar::crypto}, {"equities", mtf::intake::calendar::equities}};
  cmd.add_option("--calendar", o.calendar,
                 "trading calendar: crypto (24/7, the default for train) or equities (weekdays, "
                 "the session the data shows; holidays are not gaps); predict, evaluate and drift "
                 "default to the model's")
      ->transform(CLI::CheckedTransformer(calendars));
}

}  // namespace

int main(int argc, char** argv) {
  mtf::apps::prefer_passive_openmp(argv);
  // `train` is the default subcommand: `retrain_5m --data x.csv` means `retrain_5m train ...`.
  std::vector<std::string> args(argv + 1, argv + argc);
  static const std::vector<std::string> subcommands = {
      "train", "features", "predict", "evaluate", "drift", "policy", "walkforward"};
  const bool wants_help = !args.empty() && (args[0] == "-h" || args[0] == "--help");
  if (!wants_help && (args.empty() || std::find(subcommands.begin(), subcommands.end(), args[0]) ==
                                          subcommands.end()))
    args.insert(args.begin(), "train");

  CLI::App app{std::string(binary_name) + " — retrain, check and serve the " +
               std::string(policy::name) + " model (policy " + std::string(policy::name) +
               ", compiled in)"};
  app.require_subcommand(1, 1);
  app.footer(
      "Exit codes: 0 success, 1 usage, 2 bad input data, 3 gates failed (nothing promoted),\n"
      "4 I/O, lock or artifact error (also a model refused as stale or an unfinished\n"
      "walk-forward --collect), 5 drift says retrain now, 70 internal error (a bug in mtf).\n"
      "With no arguments: trains on the bundled sample data into ./models.");

  mtf::pipeline::train_options train;
  auto* train_cmd =
      app.add_subcommand("train", "retrain, validate and (if every gate passes) promote");
  add_common(*train_cmd, train, false);
  train_cmd->add_option("--out", train.out, "artifact directory")->capture_default_str();
  train_cmd->add_flag("--report-only", train.report_only, "write the report, promote nothing");
  train_cmd->add_flag("--distributed", train.distributed,
                      "one worker of a distributed retrain started by scripts/mtf-distributed "
                      "(tracker and task from DMLC_TRACKER_URI, DMLC_TRACKER_PORT, DMLC_TASK_ID, "
                      "DMLC_NUM_WORKER); worker 0 alone writes the artifact");
  train_cmd->add_flag("--force-promote", train.force_promote,
                      "promote even if gates fail (recorded as forced)");
  add_date(*train_cmd, "--to", train.to,
           "end the trailing history_days training window here (default: the newest bar)");

  mtf::pipeline::walkforward_options walkforward;
  auto* walkforward_cmd = app.add_subcommand(
      "walkforward", "retrain every --every days over history; judge each model on what follows");
  add_common(*walkforward_cmd, walkforward, false);
  walkforward_cmd
      ->add_option("--out", walkforward.out,
                   "artifact directory (the study is in "
                   "<out>/<tf>/walkforward/<study id>)")
      ->capture_default_str();
  add_date(*walkforward_cmd, "--from", walkforward.from,
           "first retrain date (default: history_days after the first bar)");
  add_date(*walkforward_cmd, "--to", walkforward.to,
           "end of the last out-of-sample period (default: the newest bar)");
  walkforward_cmd
      ->add_option("--every", walkforward.every_days,
                   "days between retrains (default: the policy's retrain_every)")
      ->check(CLI::PositiveNumber);
  walkforward_cmd->add_option("--window", walkforward.window,
                              "run only window I (0-based) of the study, then stop");
  walkforward_cmd->add_flag("--collect", walkforward.collect,
                            "merge finished windows only (exit 4 naming any unfinished)");
  walkforward_cmd->add_flag("--plan", walkforward.plan,
                            "print the schedule as JSON and stop (study_id, study_dir, windows, "
                            "retrain_dates)");

  mtf::pipeline::features_options features;
  auto* features_cmd =
      app.add_subcommand("features", "write timestamp,<features...>,label,weight as CSV");
  add_common(*features_cmd, features, false);
  features_cmd->add_option("--out", features.out, "CSV file to write")->capture_default_str();

  mtf::pipeline::model_options predict, evaluate, drift;
  auto* predict_cmd =
      app.add_subcommand("predict", "score the newest bars with the promoted model");
  add_common(*predict_cmd, predict, true);
  predict_cmd->add_option("--models", predict.models, "artifact directory")->capture_default_str();
  predict_cmd->add_option("--last", predict.last, "only the newest N bars")
      ->check(CLI::PositiveNumber);
  predict_cmd->add_flag("--allow-stale", predict.allow_stale,
                        "score even with a model older than the policy's max_model_age");
  auto* evaluate_cmd =
      app.add_subcommand("evaluate", "gates and backtest of the promoted model on other data");
  add_common(*evaluate_cmd, evaluate, true);
  evaluate_cmd->add_option("--models", evaluate.models, "artifact directory")
      ->capture_default_str();
  auto* drift_cmd = app.add_subcommand("drift", "feature and accuracy drift against training");
  add_common(*drift_cmd, drift, true);
  drift_cmd->add_option("--models", drift.models, "artifact directory")->capture_default_str();
  drift_cmd->add_flag("--json", drift.json, "print the verdict as JSON");

  bool policy_json = false, policy_tsv = false;
  auto* policy_cmd = app.add_subcommand("policy", "print the compiled-in policy");
  policy_cmd->add_flag("--json", policy_json, "as JSON");
  policy_cmd->add_flag("--tsv", policy_tsv, "as key<TAB>value lines (for docs/policies.md)");

  std::vector<const char*> cargv{argv[0]};
  for (const auto& a : args)
    cargv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(cargv.size()), cargv.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return static_cast<int>(mtf::exit_code::usage);
  }

  const bool tty_out = ::isatty(STDOUT_FILENO) != 0;
  const bool tty_err = ::isatty(STDERR_FILENO) != 0;
  for (auto* o : std::initializer_list<mtf::pipeline::common_options*>{
           &train, &features, &predict, &evaluate, &drift, &walkforward}) {
    o->colour = tty_out;
    o->progress = tty_err;
  }
  return mtf::apps::run_reporting_errors(binary_name, [&] {
    if (*policy_cmd) return print_policy(policy_json, policy_tsv);
    if (*features_cmd) return mtf::pipeline::run_features<policy>(features);
    if (*predict_cmd) return mtf::pipeline::run_predict<policy>(predict);
    if (*evaluate_cmd) return mtf::pipeline::run_evaluate<policy>(evaluate);
    if (*drift_cmd) return mtf::pipeline::run_drift<policy>(drift);
    if (*walkforward_cmd) return mtf::pipeline::run_walkforward<policy>(walkforward);
    return mtf::pipeline::run_train<policy>(train);
  });
}
