// A model is judged only on bars it never saw (SPEC §9): evaluate and drift skip the rows of its
// training data, and champion/challenger compares on test rows outside both models' data.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "app_fixtures.hpp"

namespace fs = std::filesystem;
using namespace mtf::test_apps;

TEST_CASE("drift and evaluate on a model's own training file exit 2 naming its training period",
          "[apps][e2e]") {
  // The in-sample defect: drift on the training file used to say OK about the data the model
  // was fitted to.
  temp_dir dir("in-sample");
  const auto out = dir / "models";
  const auto bin = fast_binary("retrain_24h_fast");
  const auto trained = run(
      bin,
      {"--data", bundled_1h().string(), "--out", out.string(), "--threads", "1", "--force-promote"},
      dir.path());
  INFO("train stderr:\n" << trained.err);
  REQUIRE(trained.exit_code == 0);
  for (const std::string command : {"drift", "evaluate"}) {
    INFO(command);
    const auto r =
        run(bin, {command, "--models", out.string(), "--data", bundled_1h().string()}, dir.path());
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    CHECK(r.exit_code == 2);
    // The trailing 730-day window of the sample (it ends 2026-04-30T23:00Z).
    CHECK(r.err.find("after the model's training data (2024-05-01T00:00:00Z .. "
                     "2026-04-30T00:00:00Z") != std::string::npos);
    CHECK(r.err.find("in-sample rows skipped") != std::string::npos);
    CHECK(r.err.find(bundled_1h().filename().string()) != std::string::npos);
  }
}

TEST_CASE("champion/challenger compares only on test rows outside both models' data",
          "[apps][e2e]") {
  // Daily bars with persistent momentum (AR(1) returns): a signal the 24h features learn, so the
  // lenient policy's remaining gates (skill, calibration held, ...) can pass and the
  // champion/challenger rule is reached.
  temp_dir dir("champion-window");
  const auto all = momentum_daily(1460, 0.85, 20261201);
  auto first_part = all;
  first_part.resize(1100);
  const auto early = dir / "early_1d.csv", full = dir / "full_1d.csv";
  write_candles(early, first_part);
  write_candles(full, all);
  const auto out = dir / "models";
  const auto bin = fast_binary("retrain_24h_lenient");
  const std::vector<std::string> common{"--out", out.string(), "--threads", "1", "--seed", "3"};
  const auto with_data = [&](const fs::path& data) {
    auto args = common;
    args.insert(args.begin(), {"--data", data.string()});
    return args;
  };

  const auto champion = run(bin, with_data(early), dir.path());
  INFO("champion stdout:\n" << champion.out << "\nstderr:\n" << champion.err);
  REQUIRE(champion.exit_code == 0);  // every gate passed, no champion yet: promoted
  const std::string latest = slurp(out / "24h" / "LATEST.json");

  // The same data again: every test row of the challenger lies inside the champion's data, so
  // there is no fair comparison and the champion stays (it used to be a tie that promoted).
  const auto again = run(bin, with_data(early), dir.path());
  INFO("again stdout:\n" << again.out << "\nstderr:\n" << again.err);
  CHECK(again.exit_code == 3);
  CHECK(again.out.find("kept") != std::string::npos);
  CHECK(again.out.find("no fair comparison") != std::string::npos);
  CHECK(slurp(out / "24h" / "LATEST.json") == latest);

  // A year more data: the challenger's test window reaches past the champion's data and both
  // are scored on those rows only.
  const auto later = run(bin, with_data(full), dir.path());
  INFO("later stdout:\n" << later.out << "\nstderr:\n" << later.err);
  const auto runs = run_dirs(out, "24h");
  REQUIRE(runs.size() == 3);
  nlohmann::json report;
  for (const auto& r : runs) {
    const auto j = read_json(r / "report.json");
    const auto file = j.at("data").at("symbols").at(0).at("file").get<std::string>();
    if (file.ends_with("full_1d.csv")) report = j;
  }
  REQUIRE(report.is_object());
  const std::string note = report.at("verdict").at("note").get<std::string>();
  INFO("note: " << note);
  REQUIRE(failed_gate_names(report).empty());
  CHECK(note.find("test rows after the champion's data") != std::string::npos);
  const bool promoted = report.at("verdict").at("outcome") == "promoted";
  CHECK(later.exit_code == (promoted ? 0 : 3));
  CHECK((slurp(out / "24h" / "LATEST.json") == latest) == !promoted);
}
