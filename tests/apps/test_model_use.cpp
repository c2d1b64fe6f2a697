// Using a promoted model as an operator does: predict, evaluate, drift, and the guard that
// refuses a model of another timeframe, another policy or a tampered schema.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>

#include "app_fixtures.hpp"
#include "mtf/artifact/content_hash.hpp"
#include "timeframes/tf_24h.hpp"

namespace fs = std::filesystem;
using namespace mtf::test_apps;

namespace {

/// The shared model's training data: the first 1,100 days of the bundled hourly sample, so that
/// the bundled file's last year is data the model never saw (SPEC §9: evaluate and drift judge a
/// model only on such bars).
const fs::path& training_prefix() {
  static temp_dir dir("training-prefix");
  static const fs::path file = [] {
    auto bars = read_candles(bundled_1h());
    bars.resize(1100 * 24);
    const auto path = dir / "btcusdt_1h_prefix.csv";
    write_candles(path, bars);
    return path;
  }();
  return file;
}

/// The bundled hours up to `days` days after the training prefix: the same market, continuing
/// past the model's data (the model's last daily bar opens 2025-05-04).
fs::path hours_after_training(int days) {
  static temp_dir dir("after-training");
  auto bars = read_candles(bundled_1h());
  bars.resize(static_cast<std::size_t>(1100 + days) * 24);
  const auto path = dir / ("btcusdt_1h_plus_" + std::to_string(days) + "_days.csv");
  write_candles(path, bars);
  return path;
}

/// An output directory holding a 24h model force-promoted by retrain_24h_fast on the training
/// prefix, trained once per test process (the tests below only read it, or copy it first).
const fs::path& promoted_24h_fast() {
  static temp_dir dir("promoted-24h");
  static const fs::path out = [] {
    const auto models = dir / "models";
    const auto r = run(fast_binary("retrain_24h_fast"),
                       {"--data", training_prefix().string(), "--out", models.string(), "--threads",
                        "1", "--force-promote"},
                       dir.path());
    if (r.exit_code != 0)
      throw std::runtime_error("training the shared 24h model failed (exit " +
                               std::to_string(r.exit_code) + "):\n" + r.err);
    return models;
  }();
  return out;
}

/// A private copy of the shared promoted model directory, for tests that modify it.
fs::path copy_of_promoted(const temp_dir& dir) {
  const auto out = dir / "models";
  fs::copy(promoted_24h_fast(), out, fs::copy_options::recursive);
  return out;
}

}  // namespace

TEST_CASE("predict prints one JSON line per requested bar with consistent probabilities",
          "[apps][e2e]") {
  const auto& out = promoted_24h_fast();
  REQUIRE(read_json(out / "24h" / "LATEST.json").at("forced") == true);
  temp_dir cwd("predict");
  const auto r = run(fast_binary("retrain_24h_fast"),
                     {"predict", "--models", out.string(), "--data",
                      hours_after_training(30).string(), "--last", "5"},
                     cwd.path());
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("WARNING") != std::string::npos);
  CHECK(r.err.find("FORCE-PROMOTED") != std::string::npos);

  const auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 5);
  // The file's 1h bars end 2025-06-03T23:00Z (30 days after the model's data, well within its
  // max_model_age), so its last five daily bars open on 05-30..06-03.
  const std::array<const char*, 5> days{"2025-05-30T00:00:00Z", "2025-05-31T00:00:00Z",
                                        "2025-06-01T00:00:00Z", "2025-06-02T00:00:00Z",
                                        "2025-06-03T00:00:00Z"};
  const auto gate = mtf::timeframes::tf_24h::trade_gate;
  const auto tiers = mtf::timeframes::tf_24h::tiers;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    INFO("line " << lines[i]);
    const auto j = nlohmann::json::parse(lines[i]);
    CHECK(j.at("timestamp") == days[i]);
    const double down = j.at("p_down"), neutral = j.at("p_neutral"), up = j.at("p_up");
    CHECK(std::abs(down + neutral + up - 1.0) <= 1e-9);
    for (double p : {down, neutral, up}) {
      CHECK(p > 0.0);
      CHECK(p < 1.0);
    }
    const double confidence = j.at("confidence"), alpha = j.at("alpha");
    CHECK(confidence == Approx(std::max(up, down)).margin(1e-15));
    CHECK(alpha == Approx(std::abs(up - down)).margin(1e-15));
    const std::string expected_direction = (up > std::max(down, neutral)) ? "up"
                                           : (neutral > down)             ? "neutral"
                                                                          : "down";
    CHECK(j.at("direction") == expected_direction);
    CHECK(j.at("eligible") == (confidence >= gate.conf_min && alpha >= gate.alpha_min));
    const std::string expected_tier = confidence >= tiers.high     ? "high"
                                      : confidence >= tiers.medium ? "medium"
                                      : confidence >= tiers.low    ? "low"
                                                                   : "none";
    CHECK(j.at("tier") == expected_tier);
  }
}

// `--last 0` once left an empty bar range and exited 3, the code for "gates failed"; it is a usage
// error now.
TEST_CASE("predict with --last 0 is a usage error, never a claim of failed gates", "[apps][e2e]") {
  temp_dir cwd("predict-last-0");
  const auto r = run(fast_binary("retrain_24h_fast"),
                     {"predict", "--models", promoted_24h_fast().string(), "--data",
                      bundled_1h().string(), "--last", "0"},
                     cwd.path());
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
}

TEST_CASE("a model of another timeframe is refused with exit 4 naming both timeframes",
          "[apps][e2e]") {
  temp_dir dir("guard-tf");
  const auto out = dir / "models";
  const auto trained = run(
      fast_binary("retrain_1h_fast"),
      {"--data", bundled_1h().string(), "--out", out.string(), "--threads", "1", "--force-promote"},
      dir.path());
  INFO("1h training stderr:\n" << trained.err);
  REQUIRE(trained.exit_code == 0);
  // The operator copies the 1h model where the 5m bot looks for its model.
  const auto out2 = dir / "models2";
  fs::create_directories(out2);
  fs::copy(out / "1h", out2 / "5m", fs::copy_options::recursive);

  const auto r =
      run(fast_binary("retrain_5m_fast"),
          {"predict", "--models", out2.string(), "--data", bundled_5m().string(), "--last", "3"},
          dir.path());
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.out.empty());  // nothing scored
  CHECK(r.err.find("timeframe") != std::string::npos);
  CHECK(r.err.find("1h") != std::string::npos);
  CHECK(r.err.find("5m") != std::string::npos);

  // Past the pointer check: LATEST.json edited to claim 5m, so the loader's own timeframe
  // check (metadata.json of the run) must still refuse it.
  auto latest = read_json(out2 / "5m" / "LATEST.json");
  latest["timeframe"] = "5m";
  write_text(out2 / "5m" / "LATEST.json", latest.dump(2));
  const auto edited =
      run(fast_binary("retrain_5m_fast"),
          {"predict", "--models", out2.string(), "--data", bundled_5m().string(), "--last", "3"},
          dir.path());
  INFO("edited LATEST stdout:\n" << edited.out << "\nstderr:\n" << edited.err);
  CHECK(edited.exit_code == 4);
  CHECK(edited.out.empty());
  CHECK(edited.err.find("trained for timeframe 1h") != std::string::npos);
}

TEST_CASE("a model trained under a changed policy is refused with exit 4 naming the policy",
          "[apps][e2e]") {
  temp_dir cwd("guard-policy");
  // retrain_24h_fast differs from the shipped 24h policy only in its model mix.
  const auto r = run(shipped_binary("retrain_24h"),
                     {"predict", "--models", promoted_24h_fast().string(), "--data",
                      bundled_1h().string(), "--last", "3"},
                     cwd.path());
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.out.empty());
  CHECK(r.err.find("policy") != std::string::npos);
  CHECK(r.err.find("fingerprint") != std::string::npos);
}

TEST_CASE("a tampered feature schema is refused with exit 4", "[apps][e2e]") {
  temp_dir dir("guard-schema");
  const auto out = copy_of_promoted(dir);
  const auto run_dir = latest_run_dir(out, "24h");
  const auto schema_path = run_dir / "feature_schema.json";
  auto schema = read_json(schema_path);
  auto& names = schema.at("names");
  REQUIRE(names.size() == 10);
  std::swap(names[0], names[1]);  // same features, different column order
  const std::string tampered = schema.dump(2);
  write_text(schema_path, tampered);

  std::string expected_message;
  SECTION("the manifest no longer matches the file") {
    expected_message = "feature_schema.json";
  }
  SECTION("the manifest is forged to match and the schema check itself must refuse it") {
    auto manifest = read_json(run_dir / "manifest.json");
    bool found = false;
    for (auto& entry : manifest.at("files")) {
      if (entry.at("path") != "feature_schema.json") continue;
      entry["bytes"] = tampered.size();
      entry["sha256"] = mtf::artifact::sha256_hex(tampered);
      found = true;
    }
    REQUIRE(found);
    write_text(run_dir / "manifest.json", manifest.dump(2));
    expected_message = "feature schema differs";
  }

  const auto r =
      run(fast_binary("retrain_24h_fast"),
          {"predict", "--models", out.string(), "--data", bundled_1h().string(), "--last", "3"},
          dir.path());
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.out.empty());
  CHECK(r.err.find(expected_message) != std::string::npos);
}

TEST_CASE("evaluate prints the gate table and a verdict that agrees with its exit code",
          "[apps][e2e]") {
  temp_dir cwd("evaluate");
  const auto r =
      run(fast_binary("retrain_24h_fast"),
          {"evaluate", "--models", promoted_24h_fast().string(), "--data", bundled_1h().string()},
          cwd.path());
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  std::size_t passed = 0, failed = 0;
  bool verdict_line = false;
  for (const auto& line : lines_of(r.out)) {
    if (line.rfind("  ✓ ", 0) == 0) ++passed;
    if (line.rfind("  ✗ ", 0) == 0) ++failed;
    if (line.rfind("verdict", 0) == 0) verdict_line = true;
  }
  CHECK(r.out.find("gates") != std::string::npos);
  CHECK(passed + failed >= 10);  // the gate table of SPEC §7 (14 rows for 24h)
  CHECK(verdict_line);
  CHECK(r.exit_code == (failed == 0 ? 0 : 3));
  CHECK(r.err.find("FORCE-PROMOTED") != std::string::npos);
}

TEST_CASE(
    "drift finds no feature drift on new bars of the same random walk and names volatility "
    "after a volatility shift",
    "[apps][e2e]") {
  // A market that repeats its own history: days 1,100..2,199 replay the log returns of days
  // 0..1,099 (at another price level; the features are scale-free). A model of the first 1,100
  // days, judged on the whole file, sees only the replay as new (drift skips the rows of its
  // training data), and the replay has the training period's distribution. (Real data, the
  // bundled BTC sample included, drift from one year to the next; a random walk's moving-average
  // ratios trend for months, so a year of it drifts too.)
  temp_dir dir("drift");
  const auto bin = fast_binary("retrain_24h_fast");
  auto walk = random_walk_daily(1100, 20261201);
  const auto first = walk;
  const double level = first.back().close / first.front().open;  // continues the last close
  for (std::size_t i = 0; i < 1100; ++i) {
    candle c = first[i];
    c.time = first.back().time + static_cast<std::int64_t>(i + 1) * 86'400;
    c.open *= level, c.high *= level, c.low *= level, c.close *= level;
    walk.push_back(c);
  }
  const auto early = dir / "walk_early_1d.csv", full = dir / "walk_1d.csv";
  write_candles(early, first);
  write_candles(full, walk);
  const auto out = dir / "models";
  const auto trained = run(
      bin, {"--data", early.string(), "--out", out.string(), "--threads", "1", "--force-promote"},
      dir.path());
  INFO("train stderr:\n" << trained.err);
  REQUIRE(trained.exit_code == 0);

  // The replay ends 1,100 days after the model's data, far beyond 24h's max_model_age of 60
  // days, so drift says RETRAIN NOW for the age alone: no feature may have drifted.
  const auto same =
      run(bin, {"drift", "--models", out.string(), "--data", full.string(), "--json"}, dir.path());
  INFO("same process stdout:\n" << same.out << "\nstderr:\n" << same.err);
  REQUIRE(same.exit_code == 5);
  const auto quiet = nlohmann::json::parse(same.out);
  CHECK(quiet.at("timeframe") == "24h");
  CHECK(quiet.at("model_stale") == true);
  for (const auto& reason : quiet.at("reasons"))
    CHECK(reason.get<std::string>().find("days old") != std::string::npos);  // the age only
  for (const auto& [feature, psi] : quiet.at("psi").items()) {
    INFO(feature);
    CHECK(psi.get<double>() <= 0.25);
  }
  // Only the bars after the training data (day 1,100 plus the 5-day horizon) were judged.
  CHECK(quiet.at("in_sample_rows_skipped").get<std::size_t>() > 600);
  CHECK(quiet.at("rows").get<std::size_t>() > 300);

  // The same days with every log return tripled: a volatility regime the model never saw.
  const auto shifted = dir / "shifted_1d.csv";
  write_candles(shifted, scale_volatility(walk, 3.0));
  const auto r = run(bin, {"drift", "--models", out.string(), "--data", shifted.string(), "--json"},
                     dir.path());
  INFO("shifted stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 5);
  const auto loud = nlohmann::json::parse(r.out);
  CHECK(loud.at("verdict") == "RETRAIN NOW");
  bool names_vol = false;
  for (const auto& reason : loud.at("reasons")) {
    const std::string text = reason.get<std::string>();
    if (text.find("PSI of realized_vol_20") != std::string::npos) names_vol = true;
  }
  CHECK(names_vol);
  CHECK(loud.at("psi").at("realized_vol_20").get<double>() > 0.25);
}

namespace {
/// The model's training hours moved `days` later: the same market, scored `days` after the
/// model's data ends.
fs::path shifted_hours(const temp_dir& dir, int days) {
  auto candles = read_candles(training_prefix());
  for (auto& c : candles)
    c.time += static_cast<std::int64_t>(days) * 86'400;
  const auto file = dir / ("later_by_" + std::to_string(days) + "_days.csv");
  write_candles(file, candles);
  return file;
}
}  // namespace

TEST_CASE("predict refuses a model older than max_model_age with exit 4 naming its age",
          "[apps][e2e][age]") {
  // The model's data ends 2025-05-04 (its last daily bar opens then); 24h allows 60 days.
  temp_dir dir("stale");
  const auto later = shifted_hours(dir, 75);
  const auto bin = fast_binary("retrain_24h_fast");
  const auto refused =
      run(bin, {"predict", "--models", promoted_24h_fast().string(), "--data", later.string()},
          dir.path());
  INFO("stdout:\n" << refused.out << "\nstderr:\n" << refused.err);
  CHECK(refused.exit_code == 4);
  CHECK(refused.out.empty());  // nothing scored
  CHECK(refused.err.find("data through 2025-05-04T00:00:00Z is 75.0 days old at the bar "
                         "2025-07-18T00:00:00Z, more than max_model_age 60.0 days") !=
        std::string::npos);
  CHECK(refused.err.find("--allow-stale") != std::string::npos);

  const auto allowed = run(bin,
                           {"predict", "--models", promoted_24h_fast().string(), "--data",
                            later.string(), "--last", "2", "--allow-stale"},
                           dir.path());
  INFO("allowed stdout:\n" << allowed.out << "\nstderr:\n" << allowed.err);
  CHECK(allowed.exit_code == 0);
  CHECK(lines_of(allowed.out).size() == 2);
  CHECK(allowed.err.find("WARNING: --allow-stale") != std::string::npos);

  // 59 days later the model is still young enough.
  const auto fresh = run(bin,
                         {"predict", "--models", promoted_24h_fast().string(), "--data",
                          shifted_hours(dir, 59).string(), "--last", "1"},
                         dir.path());
  INFO("fresh stderr:\n" << fresh.err);
  CHECK(fresh.exit_code == 0);
  CHECK(lines_of(fresh.out).size() == 1);
}

TEST_CASE("drift reports the model's age and says RETRAIN NOW once it is stale",
          "[apps][e2e][age]") {
  temp_dir dir("drift-age");
  const auto bin = fast_binary("retrain_24h_fast");
  // 60 days after the model's data: exactly max_model_age (not more), and the 50 labelled
  // out-of-sample rows drift needs (days 1,105..1,154).
  const auto same = run(bin,
                        {"drift", "--models", promoted_24h_fast().string(), "--data",
                         hours_after_training(60).string(), "--json"},
                        dir.path());
  INFO("same stdout:\n" << same.out << "\nstderr:\n" << same.err);
  REQUIRE(same.out.size() > 0);
  const auto young = nlohmann::json::parse(same.out);
  CHECK(young.at("model_age_days") == 60.0);
  CHECK(young.at("max_model_age_days") == 60.0);
  CHECK(young.at("model_stale") == false);
  CHECK(young.at("trained_through") == "2025-05-04T00:00:00Z");

  const auto old = run(bin,
                       {"drift", "--models", promoted_24h_fast().string(), "--data",
                        hours_after_training(75).string(), "--json"},
                       dir.path());
  INFO("old stdout:\n" << old.out << "\nstderr:\n" << old.err);
  CHECK(old.exit_code == 5);
  const auto stale = nlohmann::json::parse(old.out);
  CHECK(stale.at("model_age_days") == 75.0);
  CHECK(stale.at("model_stale") == true);
  CHECK(stale.at("verdict") == "RETRAIN NOW");
  bool names_age = false;
  for (const auto& reason : stale.at("reasons"))
    names_age = names_age || reason.get<std::string>().find("75.0 days old") != std::string::npos;
  CHECK(names_age);

  const auto text = run(bin,
                        {"drift", "--models", promoted_24h_fast().string(), "--data",
                         hours_after_training(60).string()},
                        dir.path());
  CHECK(text.out.find("model age 60.0 days (data through 2025-05-04T00:00:00Z") !=
        std::string::npos);
}

TEST_CASE("a LATEST.json pointing out of its tree is refused with exit 4", "[apps][e2e]") {
  temp_dir dir("latest-escape");
  const auto out = copy_of_promoted(dir);
  // A complete model outside the tree: the copy's run, moved next to the models directory.
  auto latest = read_json(out / "24h" / "LATEST.json");
  const std::string id = latest.at("run_id");
  fs::create_directories(dir / "elsewhere");
  fs::rename(out / "24h" / "runs" / id, dir / "elsewhere" / id);
  latest["path"] = "../../elsewhere/" + id;
  write_text(out / "24h" / "LATEST.json", latest.dump(2));
  const auto r =
      run(fast_binary("retrain_24h_fast"),
          {"predict", "--models", out.string(), "--data", bundled_1h().string(), "--last", "1"},
          dir.path());
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.out.empty());
  CHECK(r.err.find("points outside its tree") != std::string::npos);
}
