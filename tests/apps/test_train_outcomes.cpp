// `train` as an operator runs it: the verdict, the exit code that goes with it, and what is (or
// is not) written under --out for a plain run, a gate failure, --report-only and --force-promote.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "app_fixtures.hpp"

namespace fs = std::filesystem;
using namespace mtf::test_apps;

namespace {
constexpr std::uint64_t random_walk_seed = 20240611;
constexpr std::size_t random_walk_bars = 1'500;

/// Writes the random-walk CSV of these tests into `dir` and returns its path.
fs::path write_random_walk(const fs::path& dir) {
  const auto file = dir / "random_walk_24h.csv";
  write_candles(file, random_walk_daily(random_walk_bars, random_walk_seed));
  return file;
}

void require_run_files(const fs::path& run_dir) {
  for (const char* name : {"report.json", "report.html", "status", "manifest.json"}) {
    INFO("run " << run_dir << " file " << name);
    CHECK(fs::is_regular_file(run_dir / name));
    CHECK(fs::file_size(run_dir / name) > 0);
  }
}
}  // namespace

TEST_CASE("retrain_24h with no arguments trains on the bundled sample and says whether it promoted",
          "[apps][e2e][slow]") {
  temp_dir cwd("no-args");
  const auto r = run(shipped_binary("retrain_24h"), {}, cwd.path());
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  // The operator is told which file was used: the bundled 1h sample, resampled to 24h.
  CHECK(r.err.find("bundled sample") != std::string::npos);
  CHECK(r.err.find("btcusdt_1h.csv") != std::string::npos);

  const bool promoted = r.out.find("PROMOTED") != std::string::npos;
  const bool rejected = r.out.find("REJECTED") != std::string::npos;
  REQUIRE(promoted != rejected);  // exactly one verdict
  CHECK(r.exit_code == (promoted ? 0 : 3));

  // Default --out is ./models.
  const auto runs = run_dirs(cwd / "models", "24h");
  REQUIRE(runs.size() == 1);
  require_run_files(runs[0]);
  const auto report = read_json(runs[0] / "report.json");
  CHECK(report.at("timeframe") == "24h");
  CHECK(report.at("verdict").at("outcome") == (promoted ? "promoted" : "rejected"));
  CHECK(slurp(runs[0] / "status").rfind(promoted ? "promoted" : "rejected", 0) == 0);
  CHECK(fs::exists(cwd / "models" / "24h" / "LATEST.json") == promoted);
  // The verdict line names the run directory the operator should open.
  CHECK(r.out.find(runs[0].filename().string()) != std::string::npos);
}

TEST_CASE(
    "a random walk fails the skill gate with exit 3 and leaves the deployed LATEST.json alone",
    "[apps][e2e]") {
  temp_dir dir("random-walk");
  const auto walk = write_random_walk(dir.path());
  const auto out = dir / "models";
  const auto bin = fast_binary("retrain_24h_fast");

  // An earlier, forced promotion puts a LATEST.json in place.
  const auto first = run(
      bin,
      {"--data", bundled_1h().string(), "--out", out.string(), "--threads", "1", "--force-promote"},
      dir.path());
  INFO("first run stderr:\n" << first.err);
  REQUIRE(first.exit_code == 0);
  const auto latest_path = out / "24h" / "LATEST.json";
  REQUIRE(fs::is_regular_file(latest_path));
  const std::string latest_before = slurp(latest_path);

  const auto r =
      run(bin, {"--data", walk.string(), "--out", out.string(), "--threads", "1"}, dir.path());
  INFO("seed " << random_walk_seed << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.out.find("REJECTED") != std::string::npos);

  // The whole pipeline ran: the rejected run is recorded with its report.
  const auto runs = run_dirs(out, "24h");
  REQUIRE(runs.size() == 2);
  const auto rejected_dir = runs[0] == latest_run_dir(out, "24h") ? runs[1] : runs[0];
  require_run_files(rejected_dir);
  CHECK(slurp(rejected_dir / "status").rfind("rejected", 0) == 0);
  const auto report = read_json(rejected_dir / "report.json");
  CHECK(report.at("verdict").at("outcome") == "rejected");
  bool skill_seen = false;
  for (const auto& g : report.at("gates")) {
    if (g.at("name") != "skill") continue;
    skill_seen = true;
    CHECK_FALSE(g.at("passed").get<bool>());
  }
  CHECK(skill_seen);

  CHECK(slurp(latest_path) == latest_before);  // byte-identical: nothing deployed was touched
}

TEST_CASE("report-only writes the report under report-only and promotes nothing", "[apps][e2e]") {
  temp_dir dir("report-only");
  const auto out = dir / "models";
  const auto r = run(
      fast_binary("retrain_24h_fast"),
      {"--data", bundled_1h().string(), "--out", out.string(), "--threads", "1", "--report-only"},
      dir.path());
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 0);
  CHECK_FALSE(fs::exists(out / "24h" / "LATEST.json"));
  CHECK(run_dirs(out, "24h").empty());

  const auto root = out / "24h" / "report-only";
  REQUIRE(fs::is_directory(root));
  std::vector<fs::path> reports;
  for (const auto& e : fs::directory_iterator(root))
    reports.push_back(e.path());
  REQUIRE(reports.size() == 1);
  CHECK(fs::file_size(reports[0] / "report.json") > 0);
  CHECK(fs::file_size(reports[0] / "report.html") > 0);
  const auto report = read_json(reports[0] / "report.json");
  CHECK(report.at("verdict").at("outcome") == "report-only");
  CHECK(report.at("run_id") == reports[0].filename().string());
}

TEST_CASE("force-promote on a random walk promotes loudly and records the failed gates",
          "[apps][e2e]") {
  temp_dir dir("force");
  const auto walk = write_random_walk(dir.path());
  const auto out = dir / "models";
  const auto r =
      run(fast_binary("retrain_24h_fast"),
          {"--data", walk.string(), "--out", out.string(), "--threads", "1", "--force-promote"},
          dir.path());
  INFO("seed " << random_walk_seed << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("WARNING") != std::string::npos);
  CHECK(r.err.find("--force-promote") != std::string::npos);

  const auto latest = read_json(out / "24h" / "LATEST.json");
  CHECK(latest.at("forced") == true);
  REQUIRE(latest.contains("failed_gates"));
  CHECK_FALSE(latest.at("failed_gates").empty());

  const auto run_dir = latest_run_dir(out, "24h");
  CHECK(slurp(run_dir / "status").rfind("promoted", 0) == 0);
  const auto report = read_json(run_dir / "report.json");
  CHECK(report.at("verdict").at("outcome") == "forced");
  // The LATEST record and the report agree on which gates failed, and the report's gate rows
  // are the source of both.
  CHECK(latest.at("failed_gates") == report.at("verdict").at("failed_gates"));
  CHECK(latest.at("failed_gates").get<std::vector<std::string>>() == failed_gate_names(report));
}
