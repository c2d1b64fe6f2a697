// A distributed retrain (SPEC §10d, depth) as an operator runs it: scripts/mtf-distributed starts
// xgboost's tracker and N workers on loopback; the workers train one pooled model with xgboost's
// collective and worker 0 alone writes an ordinary artifact. Also: models byte-identical to one
// process where SCALE.md says they must be, and a failed or missing worker ending the job within
// its bound with nothing promoted and no worker left running.
#include <signal.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "app_fixtures.hpp"

namespace fs = std::filesystem;
using namespace mtf::test_apps;

namespace {

fs::path launcher() {
  return fs::path(MTF_SOURCE_DIR) / "scripts" / "mtf-distributed";
}

/// Three 1h symbols of 4,400 bars (the policy's 180-day window plus warm-up): the bundled BTC
/// sample's last bars, and the same bars with every return scaled by 0.7 and by 1.4 (two
/// synthetic symbols with other volatility levels, every bar a consistent OHLC bar).
std::vector<fs::path> write_three_symbols(const fs::path& dir) {
  auto btc = read_candles(bundled_1h());
  btc.erase(btc.begin(), btc.end() - 4'400);
  const std::vector<std::pair<std::string, double>> symbols{
      {"btc_1h.csv", 1.0}, {"calm_1h.csv", 0.7}, {"wild_1h.csv", 1.4}};
  std::vector<fs::path> files;
  for (const auto& [name, factor] : symbols) {
    files.push_back(dir / name);
    write_candles(files.back(), factor == 1.0 ? btc : scale_volatility(btc, factor));
  }
  return files;
}

/// `train` arguments on `files` into `out` (forced promotion: the test is about the artifact,
/// not the gates).
std::vector<std::string> train_args(const std::vector<fs::path>& files, const fs::path& out) {
  std::vector<std::string> args{"train", "--out", out.string(), "--seed", "7", "--force-promote"};
  for (const auto& f : files) {
    args.push_back("--data");
    args.push_back(f.string());
  }
  return args;
}

/// The launcher's arguments for `workers` workers running `command`, with the worker pids
/// written to `pid_file`.
std::vector<std::string> launch_args(int workers, double timeout, const fs::path& pid_file,
                                     const std::vector<std::string>& command) {
  std::vector<std::string> args{
      "--workers",  std::to_string(workers), "--timeout", std::to_string(timeout),
      "--pid-file", pid_file.string(),       "--"};
  args.insert(args.end(), command.begin(), command.end());
  return args;
}

/// True when no process with any pid listed in `pid_file` exists any more.
bool no_worker_left(const fs::path& pid_file) {
  const auto pids = lines_of(slurp(pid_file));
  if (pids.empty()) return false;  // the launcher did not even start them: nothing checked
  for (const auto& line : pids) {
    const pid_t pid = static_cast<pid_t>(std::stol(line));
    if (::kill(pid, 0) == 0 || errno != ESRCH) return false;
  }
  return true;
}

/// A row count of the data section of the latest run's report under `out`.
std::size_t report_alone_rows(const fs::path& out, const char* field) {
  return read_json(latest_run_dir(out, "1h") / "report.json")
      .at("data")
      .at(field)
      .get<std::size_t>();
}

/// The line of `text` that starts with `prefix` (empty when there is none).
std::string line_starting(const std::string& text, const std::string& prefix) {
  for (const auto& line : lines_of(text))
    if (line.rfind(prefix, 0) == 0) return line;
  return {};
}

/// What a worker's "holds" line says: its row count, the pooled row count and its symbols.
struct held_share {
  std::size_t rows = 0, pooled = 0, train = 0, calibration = 0, test = 0;
  std::string symbols;
};

held_share worker_share(const std::string& err, int rank, int workers) {
  const std::string prefix = "distributed retrain: worker " + std::to_string(rank) + " of " +
                             std::to_string(workers) + " holds ";
  const std::string line = line_starting(err, prefix);
  held_share out;
  if (line.empty()) return out;
  int symbol_count = 0;
  std::sscanf(line.c_str() + prefix.size(),
              "%zu rows of %zu pooled (train %zu, calibration %zu, test %zu) of %d", &out.rows,
              &out.pooled, &out.train, &out.calibration, &out.test, &symbol_count);
  out.symbols = line.substr(line.find("): ") + 3);
  return out;
}

/// Every coefficient, intercept, mean and scale of two logistic-regression model files.
double largest_difference(const nlohmann::json& a, const nlohmann::json& b) {
  double out = 0.0;
  for (const char* key : {"mean", "scale", "intercept"})
    for (std::size_t i = 0; i < a.at(key).size(); ++i)
      out = std::max(out, std::abs(a.at(key)[i].get<double>() - b.at(key)[i].get<double>()));
  for (std::size_t k = 0; k < a.at("coef").size(); ++k)
    for (std::size_t j = 0; j < a.at("coef")[k].size(); ++j)
      out = std::max(out,
                     std::abs(a.at("coef")[k][j].get<double>() - b.at("coef")[k][j].get<double>()));
  return out;
}

/// The fit probe's xgboost model files, compared byte for byte.
constexpr std::array<const char*, 3> probe_tree_models{
    "gradient_boosting.json", "gradient_boosting_focal.json", "random_forest.json"};

/// The directory of the fit probe's one-process models under `dir` (fitted on first use; every
/// tree model file non-empty, so that a missing file never compares equal to another).
fs::path probe_models_alone(const temp_dir& dir) {
  const auto alone_dir = dir / "alone" / "rank0";
  if (!fs::exists(alone_dir)) {
    const auto alone =
        run(fast_binary("distributed_fit_probe"), {(dir / "alone").string()}, dir.path());
    INFO("alone: " << alone.err);
    REQUIRE(alone.exit_code == 0);
  }
  for (const char* model : probe_tree_models)
    REQUIRE(!slurp(alone_dir / model).empty());
  return alone_dir;
}

/// Runs the fit probe alone and as `workers` workers each holding its own rows (`layout`:
/// "--own-rows" or "--own-block"), and checks every worker's models against one process's:
/// the xgboost models byte for byte, the logistic regression up to summation order.
void check_own_rows_fit(const temp_dir& dir, int workers, const std::string& layout) {
  const auto probe = fast_binary("distributed_fit_probe");
  const auto alone_dir = probe_models_alone(dir);
  const auto linear_alone = read_json(alone_dir / "logistic_regression.json");
  const auto out = dir / ("workers" + std::to_string(workers) + layout);
  const auto pids = dir / ("pids" + std::to_string(workers) + layout);
  const auto r =
      run(launcher(),
          launch_args(workers, 120, pids, {probe.string(), out.string(), "--distributed", layout}),
          dir.path());
  INFO(workers << " workers, " << layout << ": stdout\n" << r.out << "\nstderr\n" << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(no_worker_left(pids));
  for (int rank = 0; rank < workers; ++rank) {
    INFO("rank " << rank);
    const auto rank_dir = out / ("rank" + std::to_string(rank));
    // Early stopping cut on the pooled times: the same rounds, the same trees.
    for (const char* model : probe_tree_models) {
      INFO(model);
      CHECK(slurp(rank_dir / model) == slurp(alone_dir / model));
    }
    // Sums over workers in another order: equal to rounding, and equal on every worker.
    const auto linear = read_json(rank_dir / "logistic_regression.json");
    CHECK(largest_difference(linear, linear_alone) < 1e-10);
    CHECK(slurp(rank_dir / "logistic_regression.json") ==
          slurp(out / "rank0" / "logistic_regression.json"));
  }
}

}  // namespace

TEST_CASE(
    "workers holding only their own interleaved rows fit the bytes of one process, and the "
    "logistic regression of one process up to summation order",
    "[apps][distributed]") {
  temp_dir dir("distributed-own-rows");
  for (int workers : {2, 3})
    check_own_rows_fit(dir, workers, "--own-rows");
}

TEST_CASE(
    "workers holding one block of time each fit the bytes of one process, though one has no row "
    "to fit and another none of the early-stopping tail",
    "[apps][distributed]") {
  // Symbols listed late or ended early: the last worker's rows all lie in the early-stopping
  // tail (nothing in the boosting's fit part), the first worker's none (an empty tail). Every
  // worker still joins each collective call; before, the empty share was refused (exit 4).
  temp_dir dir("distributed-own-block");
  check_own_rows_fit(dir, 3, "--own-block");
}

TEST_CASE("a distributed fit on features of few distinct values gives the bytes of one process",
          "[apps][distributed]") {
  temp_dir dir("distributed-bytes");
  const auto probe = fast_binary("distributed_fit_probe");
  const auto alone_dir = probe_models_alone(dir);
  for (int workers : {2, 3}) {
    const auto out = dir / ("workers" + std::to_string(workers));
    const auto pids = dir / ("pids" + std::to_string(workers));
    const auto r =
        run(launcher(),
            launch_args(workers, 120, pids, {probe.string(), out.string(), "--distributed"}),
            dir.path());
    INFO(workers << " workers: stdout\n" << r.out << "\nstderr\n" << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(no_worker_left(pids));
    for (int rank = 0; rank < workers; ++rank) {
      INFO("rank " << rank);
      // Every worker holds the same models, and they are those of one process, byte for byte.
      for (const char* model : probe_tree_models) {
        INFO(model);
        CHECK(slurp(out / ("rank" + std::to_string(rank)) / model) == slurp(alone_dir / model));
      }
    }
  }
}

TEST_CASE(
    "two workers train the 1h policy on three symbols as well as one process, and predict "
    "loads their artifact",
    "[apps][distributed][e2e]") {
  temp_dir dir("distributed-1h");
  const auto files = write_three_symbols(dir.path());
  const auto binary = fast_binary("retrain_1h_fast");

  const auto alone = run(binary, train_args(files, dir / "alone"), dir.path());
  INFO("one process: " << alone.err);
  REQUIRE(alone.exit_code == 0);

  auto command = train_args(files, dir / "two");
  command.insert(command.begin(), binary.string());
  command.push_back("--distributed");
  const auto pids = dir / "pids";
  const auto two = run(launcher(), launch_args(2, 300, pids, command), dir.path());
  INFO("two workers: stdout\n" << two.out << "\nstderr\n" << two.err);
  REQUIRE(two.exit_code == 0);
  CHECK(no_worker_left(pids));
  CHECK(count_of(two.err, "worker 1 trained; worker 0 writes the artifact") == 1);

  // Each worker read and prepared only its symbols (file i to worker i mod 2), and the pooled
  // rows are one process's rows.
  const held_share w0 = worker_share(two.err, 0, 2), w1 = worker_share(two.err, 1, 2);
  CHECK(w0.symbols == "btc_1h, wild_1h");
  CHECK(w1.symbols == "calm_1h");
  CHECK(w0.rows > 0);
  CHECK(w1.rows > 0);
  CHECK(w0.rows + w1.rows == w0.pooled);
  CHECK(w1.pooled == w0.pooled);
  CHECK(w0.train + w1.train == report_alone_rows(dir / "alone", "train_rows"));
  CHECK(w0.calibration + w1.calibration == report_alone_rows(dir / "alone", "calibration_rows"));
  CHECK(w0.test + w1.test == report_alone_rows(dir / "alone", "test_rows"));
  // k, the train class counts and the purged folds' cut times, from what the workers pooled,
  // are those of one process on all rows.
  const std::string k_line = line_starting(alone.err, "labels: k ");
  const std::string folds_line = line_starting(alone.err, "folds: [");
  REQUIRE(!k_line.empty());
  REQUIRE(!folds_line.empty());
  CHECK(line_starting(two.err, "labels: k ") == k_line);
  CHECK(line_starting(two.err, "folds: [") == folds_line);
  CHECK(count_of(two.err, "labels: k ") == 1);  // worker 0 alone says it

  // Worker 0 alone wrote: one run, promoted through LATEST like any other.
  REQUIRE(run_dirs(dir / "two", "1h").size() == 1);
  const auto report = read_json(latest_run_dir(dir / "two", "1h") / "report.json");
  const auto report_alone = read_json(latest_run_dir(dir / "alone", "1h") / "report.json");
  const double loss = report.at("validation").at("test_log_loss").get<double>();
  const double loss_alone = report_alone.at("validation").at("test_log_loss").get<double>();
  INFO("test log loss: two workers " << loss << ", one process " << loss_alone);
  // Same rows, same split: worker 0 reports the pooled rows of every symbol, as one process does.
  for (const char* rows : {"train_rows", "calibration_rows", "test_rows"}) {
    INFO(rows);
    CHECK(report.at("data").at(rows) == report_alone.at("data").at(rows));
  }
  CHECK(std::isfinite(loss));
  CHECK(std::abs(loss - loss_alone) <= 0.005);
  // The run says how many workers trained it.
  CHECK(report.at("workers") == 2);
  CHECK(report_alone.at("workers") == 1);
  CHECK(read_json(latest_run_dir(dir / "two", "1h") / "metadata.json").at("workers") == 2);
  CHECK(report.at("labels").at("k") == report_alone.at("labels").at("k"));

  // The artifact is an ordinary one: predict loads it and scores the newest bars.
  const auto predicted = run(
      binary,
      {"predict", "--models", (dir / "two").string(), "--data", files[0].string(), "--last", "3"},
      dir.path());
  INFO("predict: " << predicted.err);
  REQUIRE(predicted.exit_code == 0);
  const auto lines = lines_of(predicted.out);
  REQUIRE(lines.size() == 3);
  for (const auto& line : lines) {
    const auto j = nlohmann::json::parse(line);
    const double sum =
        j.at("p_down").get<double>() + j.at("p_neutral").get<double>() + j.at("p_up").get<double>();
    CHECK(sum == Approx(1.0).margin(1e-9));
  }
}

TEST_CASE("a killed worker fails the job at once, LATEST and the runs stay as they were",
          "[apps][distributed]") {
  temp_dir dir("distributed-killed");
  const auto files = write_three_symbols(dir.path());
  const auto binary = fast_binary("retrain_1h_fast");
  // A deployed model first (one process), which the failed job must leave alone.
  const auto deployed = run(binary, train_args(files, dir / "out"), dir.path());
  INFO("deploy: " << deployed.err);
  REQUIRE(deployed.exit_code == 0);
  const std::string latest_before = slurp(dir / "out" / "1h" / "LATEST.json");
  REQUIRE(!latest_before.empty());

  // Worker 1 is killed before it reaches the tracker: worker 0 would wait in XGCommunicatorInit
  // forever; the launcher ends the job on worker 1's death instead.
  auto command = train_args(files, dir / "out");
  command.insert(command.begin(), binary.string());
  command.push_back("--distributed");
  std::vector<std::string> killed{"sh", "-c",
                                  "if [ \"$DMLC_TASK_ID\" = 1 ]; then kill -KILL $$; fi; "
                                  "exec \"$@\"",
                                  "worker"};
  killed.insert(killed.end(), command.begin(), command.end());
  const auto pids = dir / "pids";
  const auto r = run(launcher(), launch_args(2, 300, pids, killed), dir.path());
  INFO("stderr\n" << r.err);
  CHECK(r.exit_code == 128 + SIGKILL);
  CHECK(r.err.find("worker 1 failed (exit 137)") != std::string::npos);
  CHECK(no_worker_left(pids));
  CHECK(slurp(dir / "out" / "1h" / "LATEST.json") == latest_before);
  CHECK(run_dirs(dir / "out", "1h").size() == 1);
}

TEST_CASE(
    "a worker that never reaches the tracker ends the job at the launcher's timeout, "
    "nothing promoted",
    "[apps][distributed]") {
  temp_dir dir("distributed-timeout");
  const auto files = write_three_symbols(dir.path());
  auto command = train_args(files, dir / "out");
  command.insert(command.begin(), fast_binary("retrain_1h_fast").string());
  command.push_back("--distributed");
  std::vector<std::string> stalled{"sh", "-c",
                                   "if [ \"$DMLC_TASK_ID\" = 1 ]; then exec sleep 600; fi; "
                                   "exec \"$@\"",
                                   "worker"};
  stalled.insert(stalled.end(), command.begin(), command.end());
  const auto pids = dir / "pids";
  const auto r = run(launcher(), launch_args(2, 3, pids, stalled), dir.path());
  INFO("stderr\n" << r.err);
  CHECK(r.exit_code == 124);
  CHECK(r.err.find("did not finish within 3 s") != std::string::npos);
  CHECK(no_worker_left(pids));
  CHECK_FALSE(fs::exists(dir / "out" / "1h" / "LATEST.json"));
  CHECK(run_dirs(dir / "out", "1h").empty());
}

TEST_CASE("workers given different data refuse together after joining (exit 4), nothing promoted",
          "[apps][distributed]") {
  temp_dir dir("distributed-disagree");
  const auto files = write_three_symbols(dir.path());
  // Worker 1 trains on two of the three files: its rows, and so its xgboost calls, would differ.
  auto command = train_args(files, dir / "out");
  command.insert(command.begin(), fast_binary("retrain_1h_fast").string());
  command.push_back("--distributed");
  std::vector<std::string> split_data{
      "sh",
      "-c",
      "if [ \"$DMLC_TASK_ID\" = 1 ]; then exec \"$1\" train --distributed --out \"$2\" --data "
      "\"$3\" --data \"$4\"; fi; shift 4; exec \"$@\"",
      "worker",
      command[0],
      (dir / "out").string(),
      files[0].string(),
      files[1].string()};
  split_data.insert(split_data.end(), command.begin(), command.end());
  const auto pids = dir / "pids";
  const auto r = run(launcher(), launch_args(2, 300, pids, split_data), dir.path());
  INFO("stderr\n" << r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("the workers disagree on the input data") != std::string::npos);
  CHECK(no_worker_left(pids));
  CHECK_FALSE(fs::exists(dir / "out" / "1h" / "LATEST.json"));
  CHECK(run_dirs(dir / "out", "1h").empty());
}

TEST_CASE("more workers than --data files refuse at once with a clear message (exit 1)",
          "[apps][distributed]") {
  temp_dir dir("distributed-too-many");
  const auto files = write_three_symbols(dir.path());
  auto command = train_args(files, dir / "out");
  command.insert(command.begin(), fast_binary("retrain_1h_fast").string());
  command.push_back("--distributed");
  const auto pids = dir / "pids";
  const auto r = run(launcher(), launch_args(4, 300, pids, command), dir.path());
  INFO("stderr\n" << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("4 workers for 3 --data file(s)") != std::string::npos);
  CHECK(no_worker_left(pids));
  CHECK_FALSE(fs::exists(dir / "out" / "1h" / "LATEST.json"));
}

TEST_CASE("train --distributed outside a launched job is a usage error naming the variable",
          "[apps][distributed]") {
  temp_dir dir("distributed-no-env");
  const auto r = run(
      fast_binary("retrain_1h_fast"),
      {"train", "--distributed", "--data", bundled_1h().string(), "--out", (dir / "out").string()},
      dir.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("DMLC_TRACKER_URI is not set") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out" / "1h"));
}

TEST_CASE("the launcher refuses a worker command without --distributed (exit 1)",
          "[apps][distributed]") {
  temp_dir dir("distributed-usage");
  const auto r = run(launcher(), {"--workers", "2", "--", "true"}, dir.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("lacks --distributed") != std::string::npos);
}
