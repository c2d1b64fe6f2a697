#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "artifact_test_support.hpp"
#include "mtf/artifact/posix_file.hpp"
#include "mtf/artifact/published_run.hpp"
#include "mtf/artifact/run_lock.hpp"
#include "mtf/artifact/run_store.hpp"

using namespace mtf::artifact;
namespace fs = std::filesystem;

namespace {

/// Stages, writes two files and publishes a run; returns its id.
std::string publish_run(run_store& store, std::string_view id, run_status status) {
  const std::string run_id = store.begin_run(id);
  store.write_file("model.json", R"({"trees": [1, 2, 3]})");
  store.write_file("calibration/isotonic.json", R"({"x": [0, 1], "y": [0.1, 0.9]})");
  store.publish(status);
  return run_id;
}

bool message_contains(const mtf::artifact_error& e, std::string_view part) {
  return std::string_view(e.what()).find(part) != std::string_view::npos;
}

}  // namespace

TEST_CASE("publish moves a complete run with manifest and status into runs/", "[artifact][store]") {
  test::scratch_dir scratch;
  const run_lock lock(scratch.path(), "5m");
  run_store store(lock);
  const std::string id = store.begin_run("20261123T145704Z-45b7c1f7");
  const fs::path staging = store.staging_dir();
  CHECK(staging.filename().string().starts_with(".tmp-20261123T145704Z-45b7c1f7-"));
  store.write_file("model.json", "{}");
  store.write_file("calibration/isotonic.json", "[1,2]");
  // A file produced by another writer (e.g. XGBoosterSaveModel) directly in the staging dir.
  write_file_synced(staging / "xgb.json", "{\"learner\": {}}");
  const fs::path run_dir = store.publish(run_status::rejected);

  CHECK(run_dir == scratch.path() / "5m" / "runs" / id);
  CHECK_FALSE(fs::exists(staging));
  CHECK(store.staged_run_id().empty());
  CHECK(read_file(run_dir / "status") == "rejected\n");
  const auto manifest = nlohmann::json::parse(read_file(run_dir / "manifest.json"));
  CHECK(manifest["run_id"] == id);
  CHECK(manifest["timeframe"] == "5m");
  REQUIRE(manifest["files"].size() == 3);
  // Sorted by path; sizes and SHA-256 of the content (sha256("{}") from hashlib).
  CHECK(manifest["files"][0]["path"] == "calibration/isotonic.json");
  CHECK(manifest["files"][1]["path"] == "model.json");
  CHECK(manifest["files"][1]["bytes"] == 2);
  CHECK(manifest["files"][1]["sha256"] ==
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  CHECK(manifest["files"][2]["path"] == "xgb.json");
  CHECK(verify_run(run_dir) == run_status::rejected);
  CHECK(store.load_run_status(id) == run_status::rejected);
}

TEST_CASE("run store rejects unsafe artifact names and misuse", "[artifact][store]") {
  test::scratch_dir scratch;
  const run_lock lock(scratch.path(), "1h");
  run_store store(lock);
  CHECK_THROWS_AS(store.write_file("model.json", "{}"), mtf::artifact_error);  // nothing staged
  CHECK_THROWS_AS(store.begin_run("../escape"), mtf::artifact_error);
  CHECK_THROWS_AS(store.begin_run(".hidden"), mtf::artifact_error);
  CHECK_THROWS_AS(store.begin_run(""), mtf::artifact_error);
  store.begin_run("run-1");
  CHECK_THROWS_AS(store.begin_run("run-2"), mtf::artifact_error);  // one run at a time
  CHECK_THROWS_AS(store.write_file("../outside", "x"), mtf::artifact_error);
  CHECK_THROWS_AS(store.write_file("/abs", "x"), mtf::artifact_error);
  CHECK_THROWS_AS(store.write_file("a/./b", "x"), mtf::artifact_error);
  CHECK_THROWS_AS(store.write_file("status", "promoted"), mtf::artifact_error);
  CHECK_THROWS_AS(store.write_file("manifest.json", "{}"), mtf::artifact_error);
  CHECK_FALSE(fs::exists(scratch.path() / "outside"));
}

TEST_CASE("an abandoned run leaves no trace and frees the store for the next run",
          "[artifact][store]") {
  test::scratch_dir scratch;
  const run_lock lock(scratch.path(), "1h");
  run_store store(lock);
  store.begin_run("failed");
  store.write_file("model.json", "{}");
  const fs::path staging = store.staging_dir();
  store.abandon_run();
  CHECK_FALSE(fs::exists(staging));
  CHECK(store.staged_run_id().empty());
  CHECK_THROWS_AS(store.publish(run_status::rejected), mtf::artifact_error);
  CHECK(publish_run(store, "next", run_status::promoted) == "next");
  CHECK_FALSE(fs::exists(scratch.path() / "1h" / "runs" / "failed"));
}

TEST_CASE("publish refuses a staging directory holding a symlink", "[artifact][store]") {
  test::scratch_dir scratch;
  const run_lock lock(scratch.path(), "1h");
  run_store store(lock);
  store.begin_run("run-1");
  fs::create_symlink("/etc/hostname", store.staging_dir() / "link.json");
  CHECK_THROWS_AS(store.publish(run_status::promoted), mtf::artifact_error);
  CHECK_FALSE(fs::exists(scratch.path() / "1h" / "runs" / "run-1"));
}

TEST_CASE("a run id already used gets a counter suffix", "[artifact][store]") {
  test::scratch_dir scratch;
  const run_lock lock(scratch.path(), "12h");
  run_store store(lock);
  CHECK(publish_run(store, "20261123T145704Z-45b7c1f7", run_status::promoted) ==
        "20261123T145704Z-45b7c1f7");
  CHECK(publish_run(store, "20261123T145704Z-45b7c1f7", run_status::promoted) ==
        "20261123T145704Z-45b7c1f7-2");
  CHECK(publish_run(store, "20261123T145704Z-45b7c1f7", run_status::rejected) ==
        "20261123T145704Z-45b7c1f7-3");
  CHECK(fs::is_directory(scratch.path() / "12h" / "runs" / "20261123T145704Z-45b7c1f7-3"));
}

TEST_CASE("promote writes LATEST.json and extra fields round-trip", "[artifact][store]") {
  test::scratch_dir scratch;
  const run_lock lock(scratch.path(), "24h");
  run_store store(lock);
  CHECK_FALSE(store.read_latest().has_value());
  CHECK_FALSE(store.latest_run_path().has_value());

  const std::string id = publish_run(store, "run-a", run_status::promoted);
  auto latest = store.make_latest(id, "policyfp", "schemahash");
  latest["forced"] = true;
  latest["failed_gates"] = {"accuracy", "min_class_share"};
  latest["test_log_loss"] = 0.9871;
  store.promote(latest);

  const auto read = read_latest(scratch.path(), "24h");
  REQUIRE(read.has_value());
  CHECK(*read == latest);
  CHECK((*read)["path"] == "runs/run-a");
  CHECK((*read)["timeframe"] == "24h");
  CHECK((*read)["policy_fingerprint"] == "policyfp");
  CHECK((*read)["schema_hash"] == "schemahash");
  CHECK((*read)["promoted_at"].get<std::string>().size() == 20);  // 2026-11-23T14:57:04Z
  CHECK(store.latest_run_path() == scratch.path() / "24h" / "runs" / "run-a");
  CHECK(store.backups().empty());  // nothing to back up on the first promotion
}

TEST_CASE("promote refuses a rejected, missing or foreign run and leaves LATEST.json alone",
          "[artifact][store]") {
  test::scratch_dir scratch;
  const run_lock lock(scratch.path(), "5m");
  run_store store(lock);
  const std::string good = publish_run(store, "good", run_status::promoted);
  store.promote(store.make_latest(good, "fp", "sh"));
  const std::string before = read_file(scratch.path() / "5m" / "LATEST.json");

  const std::string rejected = publish_run(store, "bad", run_status::rejected);
  CHECK_THROWS_AS(store.promote(store.make_latest(rejected, "fp", "sh")), mtf::artifact_error);
  CHECK_THROWS_AS(store.promote(store.make_latest("never-published", "fp", "sh")),
                  mtf::artifact_error);
  auto foreign = store.make_latest(good, "fp", "sh");
  foreign["timeframe"] = "1h";
  CHECK_THROWS_AS(store.promote(foreign), mtf::artifact_error);
  auto elsewhere = store.make_latest(good, "fp", "sh");
  elsewhere["path"] = "/somewhere/else";
  CHECK_THROWS_AS(store.promote(elsewhere), mtf::artifact_error);
  CHECK_THROWS_AS(store.promote(nlohmann::json::array()), mtf::artifact_error);

  CHECK(read_file(scratch.path() / "5m" / "LATEST.json") == before);
  CHECK(store.backups().empty());
}

TEST_CASE("read_latest refuses a LATEST.json whose run is missing, incomplete or corrupt",
          "[artifact][store]") {
  test::scratch_dir scratch;
  const fs::path tf_dir = scratch.path() / "1h";
  const run_lock lock(scratch.path(), "1h");
  run_store store(lock);
  const std::string id = publish_run(store, "run-a", run_status::promoted);
  store.promote(store.make_latest(id, "fp", "sh"));
  REQUIRE(read_latest(scratch.path(), "1h").has_value());
  const fs::path run_dir = tf_dir / "runs" / id;

  SECTION("a listed file is missing") {
    fs::remove(run_dir / "calibration" / "isotonic.json");
    try {
      (void)read_latest(scratch.path(), "1h");
      FAIL("incomplete run accepted");
    } catch (const mtf::artifact_error& e) {
      CHECK(message_contains(e, "isotonic.json' is missing"));
      CHECK(message_contains(e, "LATEST.json"));
    }
  }
  SECTION("a listed file changed") {
    write_file_synced(run_dir / "model.json", R"({"trees": [1, 2, 4]})");
    CHECK_THROWS_AS(read_latest(scratch.path(), "1h"), mtf::artifact_error);
  }
  SECTION("the status file is missing") {
    fs::remove(run_dir / "status");
    CHECK_THROWS_AS(read_latest(scratch.path(), "1h"), mtf::artifact_error);
  }
  SECTION("the run directory is gone") {
    fs::remove_all(run_dir);
    try {
      (void)store.latest_run_path();
      FAIL("missing run accepted");
    } catch (const mtf::artifact_error& e) {
      CHECK(message_contains(e, "does not exist"));
    }
  }
  SECTION("LATEST.json does not parse") {
    write_file_synced(tf_dir / "LATEST.json", R"({"run_id": "run-a", "pa)");
    CHECK_THROWS_AS(read_latest(scratch.path(), "1h"), mtf::artifact_error);
  }
  SECTION("LATEST.json belongs to another timeframe") {
    auto latest = nlohmann::json::parse(read_file(tf_dir / "LATEST.json"));
    latest["timeframe"] = "5m";
    write_file_synced(tf_dir / "LATEST.json", latest.dump());
    try {
      (void)read_latest(scratch.path(), "1h");
      FAIL("foreign timeframe accepted");
    } catch (const mtf::artifact_error& e) {
      CHECK(message_contains(e, "is for timeframe \"5m\", not 1h"));
    }
  }
}

TEST_CASE("backups keep the previous LATEST.json files, newest 10", "[artifact][store]") {
  test::scratch_dir scratch;
  const run_lock lock(scratch.path(), "12h");
  run_store store(lock);
  for (int i = 1; i <= 13; ++i) {
    const std::string id = publish_run(store, "run-" + std::to_string(i), run_status::promoted);
    store.promote(store.make_latest(id, "fp", "sh"));
  }
  // Promotions 2..13 each backed up the LATEST.json they replaced (runs 1..12); 10 remain.
  const auto backups = store.backups();
  REQUIRE(backups.size() == 10);
  for (std::size_t i = 0; i < backups.size(); ++i) {
    const std::string expected_id = "run-" + std::to_string(i + 3);
    INFO(backups[i]);
    CHECK(nlohmann::json::parse(read_file(backups[i]))["run_id"] == expected_id);
    CHECK(backups[i].filename().string().ends_with("-" + expected_id + ".json"));
  }
  CHECK(backups.back().filename() == "LATEST-000012-run-12.json");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry :
       fs::directory_iterator(scratch.path() / "12h" / "backups")) {
    ++entries;
  }
  CHECK(entries == 10);  // nothing but the kept backups
  CHECK((*store.read_latest())["run_id"] == "run-13");
}

TEST_CASE("opening the store removes temporaries of killed runs and nothing else",
          "[artifact][store]") {
  test::scratch_dir scratch;
  const fs::path tf_dir = scratch.path() / "5m";
  std::string promoted;
  {
    const run_lock lock(scratch.path(), "5m");
    run_store store(lock);
    promoted = publish_run(store, "run-a", run_status::promoted);
    store.promote(store.make_latest(promoted, "fp", "sh"));
    store.begin_run("run-b");  // abandoned: never published
    store.write_file("model.json", "{}");
  }
  fs::create_directories(tf_dir / ".tmp-run-c-99999" / "nested");
  write_file_synced(tf_dir / ".tmp-LATEST.json-99999-0", "{");
  write_file_synced(tf_dir / "backups" / ".tmp-LATEST-000001-run-a.json-99999-3", "{");

  const run_lock lock(scratch.path(), "5m");
  const run_store store(lock);
  CHECK(store.removed_temporaries().size() == 4);
  std::vector<std::string> left;
  for (const auto& entry : fs::recursive_directory_iterator(tf_dir)) {
    left.push_back(entry.path().lexically_relative(tf_dir).generic_string());
  }
  std::sort(left.begin(), left.end());
  const std::vector<std::string> expected{".lock",
                                          "LATEST.json",
                                          "backups",
                                          "runs",
                                          "runs/run-a",
                                          "runs/run-a/calibration",
                                          "runs/run-a/calibration/isotonic.json",
                                          "runs/run-a/manifest.json",
                                          "runs/run-a/model.json",
                                          "runs/run-a/status"};
  CHECK(left == expected);
  CHECK((*store.read_latest())["run_id"] == promoted);
}
