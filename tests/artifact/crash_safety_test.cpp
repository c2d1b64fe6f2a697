// Crash safety of the run store (SPEC §9): a failure injected before every durable step, real
// SIGKILLs at random instants, and four timeframes writing into one output directory at once.
// After each, the store must hold either the old or the new LATEST.json, naming a complete run.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "artifact_test_support.hpp"
#include "mtf/artifact/posix_file.hpp"
#include "mtf/artifact/published_run.hpp"
#include "mtf/artifact/run_lock.hpp"
#include "mtf/artifact/run_store.hpp"

using namespace mtf::artifact;
namespace fs = std::filesystem;

namespace {

struct injected_fault : std::runtime_error {
  injected_fault() : std::runtime_error("injected fault") {}
};

/// A model-sized JSON document (`values` random weights: ~400 KB for 20'000).
std::string model_json(unsigned seed, std::size_t values) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> weight(-1.0, 1.0);
  nlohmann::json model{{"seed", seed}, {"weights", nlohmann::json::array()}};
  for (std::size_t i = 0; i < values; ++i)
    model["weights"].push_back(weight(rng));
  return model.dump();
}

/// The model files of a run, generated once per test: JSON generation is not what the loops
/// test, and forked children inherit them for free.
struct run_payload {
  run_payload(unsigned seed, std::size_t values)
      : xgboost(model_json(seed, values)),
        random_forest(model_json(seed + 1, values)),
        calibration(model_json(seed + 2, values / 4)) {}
  std::string xgboost;
  std::string random_forest;
  std::string calibration;
};

/// Model size for the SIGKILL loop: files of a few hundred KB in optimised builds; a tenth of
/// that in Debug/sanitizer builds, which run the whole cycle many times slower anyway.
#if defined(__SANITIZE_ADDRESS__) || !defined(NDEBUG)
constexpr std::size_t kill_loop_values = 2'000;
#else
constexpr std::size_t kill_loop_values = 20'000;
#endif

/// One retrain's artifact cycle: stage several files, publish as promoted, promote (LATEST.json
/// carries `seed` so a test can tell which cycle promoted it).
std::string full_cycle(run_store& store, std::string_view run_id, unsigned seed,
                       const run_payload& payload) {
  const std::string id = store.begin_run(run_id);
  store.write_file("models/xgboost.json", payload.xgboost);
  store.write_file("models/random_forest.json", payload.random_forest);
  store.write_file("calibration.json", payload.calibration);
  store.write_file("feature_schema.txt", "log_return_1\nrsi_14\nsma_ratio_20");
  store.write_file("report.json", nlohmann::json{{"run_id", id}, {"seed", seed}}.dump());
  store.publish(run_status::promoted);
  auto latest = store.make_latest(id, "fingerprint", "schema");
  latest["seed"] = seed;
  store.promote(latest);
  return id;
}

/// Names of `.tmp-*` entries anywhere under the timeframe directory.
std::vector<std::string> temporaries(const fs::path& tf_dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(tf_dir)) {
    if (entry.path().filename().string().starts_with(".tmp-")) {
      found.push_back(entry.path().lexically_relative(tf_dir).generic_string());
    }
  }
  return found;
}

/// The store invariants: every directory in runs/ is complete (status + every manifest file
/// with matching size and hash); LATEST.json is absent or names a complete promoted run whose
/// JSON files all parse. Returns the run id LATEST names ("" when absent). Published runs are
/// immutable, so runs already in `verified` are not hashed again.
std::string check_invariants(const fs::path& out_dir, std::string_view timeframe,
                             std::set<fs::path>* verified = nullptr) {
  const fs::path tf_dir = out_dir / std::string(timeframe);
  if (fs::exists(tf_dir / "runs")) {
    for (const auto& entry : fs::directory_iterator(tf_dir / "runs")) {
      if (verified != nullptr && verified->contains(entry.path())) continue;
      INFO("run directory " << entry.path());
      CHECK_FALSE(entry.path().filename().string().starts_with(".tmp-"));
      CHECK_NOTHROW(verify_run(entry.path()));
      if (verified != nullptr) verified->insert(entry.path());
    }
  }
  std::optional<nlohmann::json> latest;
  REQUIRE_NOTHROW(latest = read_latest(out_dir, timeframe));
  if (!latest) return "";
  const fs::path run_dir = tf_dir / (*latest)["path"].get<std::string>();
  CHECK(read_run_status(run_dir) == run_status::promoted);
  for (const auto& entry : fs::recursive_directory_iterator(run_dir)) {
    if (entry.path().extension() == ".json") {
      INFO("artifact " << entry.path());
      CHECK_NOTHROW(nlohmann::json::parse(read_file(entry.path())));
    }
  }
  return (*latest)["run_id"].get<std::string>();
}

}  // namespace

TEST_CASE(
    "a failure before any step of a second run leaves the old or the new LATEST.json, "
    "never a partial run",
    "[artifact][crash]") {
  const run_payload payload(1, 500);
  // Record the steps of a second run on top of a promoted first one.
  std::vector<std::string> steps;
  {
    test::scratch_dir scratch(/*in_memory=*/true);
    const run_lock lock(scratch.path(), "5m");
    {
      run_store first(lock);
      full_cycle(first, "run-a", 1, payload);
    }
    run_store second(lock, [&](std::string_view step) { steps.emplace_back(step); });
    full_cycle(second, "run-b", 2, payload);
  }
  const auto index_of = [&](std::string_view prefix) {
    const auto it = std::find_if(steps.begin(), steps.end(),
                                 [&](const std::string& s) { return s.starts_with(prefix); });
    REQUIRE(it != steps.end());
    return static_cast<std::size_t>(it - steps.begin());
  };
  const std::size_t run_rename = index_of("rename .tmp-run-b-");
  const std::size_t latest_rename = index_of("rename .tmp-LATEST.json-");
  REQUIRE(index_of("backup LATEST.json") < latest_rename);
  REQUIRE(steps.size() > 20);  // every file write and fsync is a step

  for (std::size_t fail_at = 0; fail_at < steps.size(); ++fail_at) {
    INFO("failing before step " << fail_at << ": " << steps[fail_at]);
    test::scratch_dir scratch(/*in_memory=*/true);
    const fs::path tf_dir = scratch.path() / "5m";
    {
      const run_lock lock(scratch.path(), "5m");
      {
        run_store first(lock);
        full_cycle(first, "run-a", 1, payload);
      }
      std::size_t step = 0;
      run_store second(lock, [&](std::string_view) {
        if (step++ == fail_at) throw injected_fault{};
      });
      CHECK_THROWS_AS(full_cycle(second, "run-b", 2, payload), injected_fault);
    }
    // Exactly the state of the last completed step: the run exists once its rename happened,
    // LATEST.json switches exactly at its rename.
    CHECK(check_invariants(scratch.path(), "5m") == (fail_at > latest_rename ? "run-b" : "run-a"));
    CHECK(fs::exists(tf_dir / "runs" / "run-b") == (fail_at > run_rename));
    CHECK(fs::exists(tf_dir / "runs" / "run-a"));

    // The next run cleans up whatever the failed one left and completes normally.
    const run_lock lock(scratch.path(), "5m");
    run_store next(lock);
    CHECK(temporaries(tf_dir).empty());
    CHECK(full_cycle(next, "run-c", 3, payload) == "run-c");
    CHECK(check_invariants(scratch.path(), "5m") == "run-c");
  }
}

TEST_CASE("runs SIGKILLed at random instants never leave a partial run or LATEST.json",
          "[artifact][crash]") {
  const unsigned seed = 20261123;
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  test::scratch_dir scratch(/*in_memory=*/true);
  const fs::path tf_dir = scratch.path() / "1h";
  const run_payload payload(seed, kill_loop_values);

  const auto spawn_cycle = [&](int iteration) {
    return test::fork_child([&, iteration] {
      const run_lock lock(scratch.path(), "1h");
      run_store store(lock);
      const auto id =
          make_run_id(std::chrono::system_clock::now(), "iteration " + std::to_string(iteration));
      full_cycle(store, id, static_cast<unsigned>(iteration), payload);
      return 0;
    });
  };

  // Time one undisturbed cycle so the kill instants spread over a whole cycle on this machine
  // (the test asserts nothing about time; it only chooses where to aim).
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(test::wait_child(spawn_cycle(0)) == 0);
  const auto cycle_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
  std::set<fs::path> verified;
  std::string last_latest = check_invariants(scratch.path(), "1h", &verified);
  REQUIRE_FALSE(last_latest.empty());

  std::uniform_int_distribution<long> delay_us(0, cycle_us);
  int killed = 0;
  for (int iteration = 1; iteration <= 60; ++iteration) {
    INFO("iteration " << iteration);
    const pid_t child = spawn_cycle(iteration);
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
    ::kill(child, SIGKILL);
    const int exit = test::wait_child(child);
    REQUIRE((exit == 0 || exit == 128 + SIGKILL));  // never a lock or I/O failure
    if (exit != 0) ++killed;
    const std::string latest = check_invariants(scratch.path(), "1h", &verified);
    // LATEST.json is never lost once set; it is either the previous one or this iteration's.
    REQUIRE_FALSE(latest.empty());
    if (latest != last_latest) {
      CHECK((*read_latest(scratch.path(), "1h"))["seed"] == iteration);
      last_latest = latest;
    }
  }
  // A last run cleans up the debris of the killed ones.
  const run_lock lock(scratch.path(), "1h");
  const run_store store(lock);
  CHECK(temporaries(tf_dir).empty());
  check_invariants(scratch.path(), "1h", &verified);
  // Where the kills land depends on this machine's speed, so it is reported, not asserted.
  if (killed == 0) WARN("no kill interrupted a cycle: only completed runs were checked");
}

TEST_CASE("four timeframes retrain concurrently into one output directory", "[artifact][crash]") {
  test::scratch_dir scratch(/*in_memory=*/true);
  const std::vector<std::string> timeframes{"5m", "1h", "12h", "24h"};
  const run_payload payload(10, 5'000);
  int ready[2];
  int go[2];
  REQUIRE(::pipe(ready) == 0);
  REQUIRE(::pipe(go) == 0);
  std::vector<pid_t> children;
  for (std::size_t i = 0; i < timeframes.size(); ++i) {
    children.push_back(test::fork_child([&, i] {
      ::close(ready[0]);
      ::close(go[1]);
      const run_lock lock(scratch.path(), timeframes[i]);
      test::write_byte(ready[1]);
      (void)test::read_byte(go[0]);  // EOF once the parent lets everyone go
      run_store store(lock);
      const std::string id = full_cycle(store, "run-" + timeframes[i], 10 + i, payload);
      const auto latest = read_latest(scratch.path(), timeframes[i]);
      return latest && (*latest)["run_id"] == id && (*latest)["timeframe"] == timeframes[i] ? 0 : 1;
    }));
  }
  ::close(ready[1]);
  ::close(go[0]);
  // All four locks are held at the same time: no timeframe waits for another.
  for (std::size_t i = 0; i < timeframes.size(); ++i)
    REQUIRE(test::read_byte(ready[0]));
  ::close(ready[0]);
  // Meanwhile a second 5m retrain is refused, naming the 5m child.
  try {
    const run_lock second(scratch.path(), "5m");
    FAIL("second 5m lock acquired");
  } catch (const mtf::artifact_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("(pid " + std::to_string(children[0]) + ")"));
  }
  ::close(go[1]);
  for (std::size_t i = 0; i < children.size(); ++i) {
    INFO("timeframe " << timeframes[i]);
    CHECK(test::wait_child(children[i]) == 0);
    CHECK(check_invariants(scratch.path(), timeframes[i]) == "run-" + timeframes[i]);
  }
}
