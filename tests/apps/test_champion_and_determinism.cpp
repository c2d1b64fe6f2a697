// Champion/challenger on a retrain of the same data and seed, and bit-for-bit reproducible
// model files for the same data, seed and thread count.
#include <catch2/catch.hpp>
#include <filesystem>
#include <iterator>
#include <map>
#include <string>

#include "app_fixtures.hpp"

namespace fs = std::filesystem;
using namespace mtf::test_apps;

namespace {
/// Model files of a run (runs/<id>/models/*), name -> content.
std::map<std::string, std::string> model_files(const fs::path& run_dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(run_dir / "models"))
    files[e.path().filename().string()] = slurp(e.path());
  return files;
}

std::size_t entries_in(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return 0;
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}
}  // namespace

TEST_CASE("a retrain on the same data and seed is not worse than its champion and is reproducible",
          "[apps][e2e]") {
  temp_dir dir("champion");
  const auto out = dir / "models";
  const auto bin = fast_binary("retrain_24h_fast");
  const std::vector<std::string> common{
      "--data", bundled_1h().string(), "--out", out.string(), "--threads", "1", "--seed", "7"};

  auto forced_args = common;
  forced_args.push_back("--force-promote");
  const auto first = run(bin, forced_args, dir.path());
  INFO("first stdout:\n" << first.out << "\nstderr:\n" << first.err);
  REQUIRE(first.exit_code == 0);
  const auto latest_path = out / "24h" / "LATEST.json";
  const std::string champion_latest = slurp(latest_path);
  const auto champion = read_json(latest_path);
  const std::size_t backups_before = entries_in(out / "24h" / "backups");

  const auto second = run(bin, common, dir.path());
  INFO("second stdout:\n" << second.out << "\nstderr:\n" << second.err);
  const auto runs = run_dirs(out, "24h");
  REQUIRE(runs.size() == 2);
  // The champion is the run the first LATEST.json named; the challenger is the other one.
  const fs::path champion_dir =
      fs::equivalent(runs[0], out / "24h" / champion.at("path").get<std::string>()) ? runs[0]
                                                                                    : runs[1];
  const auto challenger_dir = champion_dir == runs[0] ? runs[1] : runs[0];
  const auto report = read_json(challenger_dir / "report.json");
  const auto failed = failed_gate_names(report);

  // Same data, seed and threads: the same test window and the same model, so the challenger's
  // test log loss equals the champion's recorded one (and so is "not worse").
  CHECK(report.at("validation").at("test_log_loss").get<double>() ==
        champion.at("test_log_loss").get<double>());

  if (failed.empty()) {
    // Every gate passed: the champion comparison decides, and a tie promotes.
    CHECK(second.exit_code == 0);
    CHECK(report.at("verdict").at("outcome") == "promoted");
    CHECK(report.at("verdict").at("note").get<std::string>().find("champion") != std::string::npos);
    CHECK(entries_in(out / "24h" / "backups") == backups_before + 1);
    bool backed_up = false;
    for (const auto& e : fs::directory_iterator(out / "24h" / "backups"))
      backed_up = backed_up || slurp(e.path()) == champion_latest;
    CHECK(backed_up);
  } else {
    // Gates failed: rejected before any champion comparison, the champion stays deployed.
    CHECK(second.exit_code == 3);
    CHECK(report.at("verdict").at("outcome") == "rejected");
    CHECK(report.at("verdict").at("failed_gates").get<std::vector<std::string>>() == failed);
    CHECK(slurp(latest_path) == champion_latest);
    CHECK(entries_in(out / "24h" / "backups") == backups_before);
  }

  // Determinism: byte-identical model files in both runs.
  const auto a = model_files(runs[0]);
  const auto b = model_files(runs[1]);
  REQUIRE(a.size() >= 3);  // stack + two base models + meta model
  CHECK(a.size() == b.size());
  for (const auto& [name, content] : a) {
    INFO("model file " << name);
    REQUIRE(b.count(name) == 1);
    CHECK(content == b.at(name));
  }
  CHECK(slurp(runs[0] / "calibrator.json") == slurp(runs[1] / "calibrator.json"));
}
