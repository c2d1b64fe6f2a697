// LATEST.json is trusted only inside its own tree (SPEC §9): its "path" must be runs/<run_id> of
// the same <out>/<tf>/, and neither a symlink nor a manifest entry may lead a reader outside.
// Each case builds a complete, valid run OUTSIDE the tree that a misdirected reader would load.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "artifact_test_support.hpp"
#include "mtf/artifact/posix_file.hpp"
#include "mtf/artifact/published_run.hpp"
#include "mtf/artifact/run_lock.hpp"
#include "mtf/artifact/run_store.hpp"

using namespace mtf::artifact;
namespace fs = std::filesystem;

namespace {

std::string publish(run_store& store, std::string_view id) {
  const std::string run_id = store.begin_run(id);
  store.write_file("model.json", R"({"trees": [1]})");
  store.publish(run_status::promoted);
  return run_id;
}

/// read_latest's refusal message, or "" when it accepted the pointer.
std::string refusal(const fs::path& out, std::string_view tf) {
  try {
    (void)read_latest(out, tf);
    (void)latest_run_path(out, tf);
    return "";
  } catch (const mtf::artifact_error& e) {
    CHECK(e.code() == mtf::exit_code::artifact);
    return e.what();
  }
}

}  // namespace

TEST_CASE("a LATEST.json path that leaves its tree is refused with exit 4", "[artifact][store]") {
  test::scratch_dir scratch;
  const fs::path out = scratch.path() / "models";
  const fs::path elsewhere = scratch.path() / "elsewhere";
  // A complete promoted run in another store: the target of every redirection below.
  std::string foreign_id;
  {
    const run_lock lock(elsewhere, "1h");
    run_store other(lock);
    foreign_id = publish(other, "foreign");
  }
  const run_lock lock(out, "1h");
  run_store store(lock);
  const std::string id = publish(store, "run-a");
  store.promote(store.make_latest(id, "fp", "sh"));
  REQUIRE(refusal(out, "1h").empty());
  const fs::path latest_path = out / "1h" / "LATEST.json";
  auto latest = nlohmann::json::parse(read_file(latest_path));

  SECTION("a relative path with ..") {
    latest["run_id"] = foreign_id;
    latest["path"] = "../../elsewhere/1h/runs/" + foreign_id;
    write_file_synced(latest_path, latest.dump());
    const std::string why = refusal(out, "1h");
    CHECK(why.find("points outside its tree") != std::string::npos);
    CHECK(why.find("../../elsewhere") != std::string::npos);
  }
  SECTION("an absolute path") {
    latest["run_id"] = foreign_id;
    latest["path"] = (elsewhere / "1h" / "runs" / foreign_id).string();
    write_file_synced(latest_path, latest.dump());
    CHECK(refusal(out, "1h").find("points outside its tree") != std::string::npos);
  }
  SECTION("runs/<id> with a different id than run_id") {
    latest["path"] = "runs/other";
    write_file_synced(latest_path, latest.dump());
    CHECK(refusal(out, "1h").find("must be \"runs/run-a\"") != std::string::npos);
  }
  SECTION("a run id with a path in it") {
    latest["run_id"] = "../../elsewhere/1h/runs/" + foreign_id;
    latest["path"] = "runs/" + latest["run_id"].get<std::string>();
    write_file_synced(latest_path, latest.dump());
    CHECK(refusal(out, "1h").find("invalid run id") != std::string::npos);
  }
  SECTION("runs/<id> is a symlink to a run outside the tree") {
    fs::create_directory_symlink(elsewhere / "1h" / "runs" / foreign_id,
                                 out / "1h" / "runs" / "linked");
    latest["run_id"] = "linked";
    latest["path"] = "runs/linked";
    write_file_synced(latest_path, latest.dump());
    const std::string why = refusal(out, "1h");
    CHECK(why.find("symlink") != std::string::npos);
  }
  SECTION("runs/ itself is a symlink out of the tree") {
    fs::rename(out / "1h" / "runs", out / "1h" / "runs-moved");
    fs::create_directory_symlink(elsewhere / "1h" / "runs", out / "1h" / "runs");
    latest["run_id"] = foreign_id;
    latest["path"] = "runs/" + foreign_id;
    write_file_synced(latest_path, latest.dump());
    CHECK(refusal(out, "1h").find("points outside its tree") != std::string::npos);
  }
  SECTION("a manifest entry that climbs out of the run") {
    const fs::path run_dir = out / "1h" / "runs" / id;
    auto manifest = nlohmann::json::parse(read_file(run_dir / "manifest.json"));
    manifest["files"][0]["path"] = "../../../../elsewhere/1h/runs/" + foreign_id + "/model.json";
    write_file_synced(run_dir / "manifest.json", manifest.dump());
    CHECK(refusal(out, "1h").find("not a file inside the run directory") != std::string::npos);
  }
  SECTION("a listed file that is a symlink out of the run") {
    const fs::path run_dir = out / "1h" / "runs" / id;
    fs::remove(run_dir / "model.json");
    fs::create_symlink(elsewhere / "1h" / "runs" / foreign_id / "model.json",
                       run_dir / "model.json");
    CHECK(refusal(out, "1h").find("not a file inside the run directory") != std::string::npos);
  }
}

TEST_CASE("a store reached through a symlinked output directory still loads", "[artifact][store]") {
  test::scratch_dir scratch;
  const fs::path real = scratch.path() / "real";
  {
    const run_lock lock(real, "24h");
    run_store store(lock);
    const std::string id = publish(store, "run-b");
    store.promote(store.make_latest(id, "fp", "sh"));
  }
  fs::create_directory_symlink(real, scratch.path() / "models");
  CHECK(refusal(scratch.path() / "models", "24h").empty());
  CHECK(latest_run_path(scratch.path() / "models", "24h") ==
        scratch.path() / "models" / "24h" / "runs" / "run-b");
}
