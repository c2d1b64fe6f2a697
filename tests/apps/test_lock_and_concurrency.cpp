// One retrain per (output directory, timeframe) at a time, and the four timeframes side by side
// in one output directory.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "app_fixtures.hpp"
#include "mtf/artifact/published_run.hpp"

namespace fs = std::filesystem;
using namespace mtf::test_apps;

TEST_CASE("a retrain refuses with exit 4 naming the pid while another process holds the lock",
          "[apps][e2e]") {
  temp_dir dir("lock");
  const auto out = dir / "models";
  fs::create_directories(out / "24h");
  const auto lock_path = out / "24h" / ".lock";
  // Hold the lock the way run_lock does: flock(LOCK_EX) on <out>/<tf>/.lock holding "<pid>\n".
  // O_CLOEXEC so the child does not inherit (and thereby co-own) our lock.
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  const std::string pid = std::to_string(::getpid());
  const std::string pid_line = pid + "\n";
  REQUIRE(::ftruncate(fd, 0) == 0);
  REQUIRE(::pwrite(fd, pid_line.data(), pid_line.size(), 0) ==
          static_cast<ssize_t>(pid_line.size()));

  const auto r = run(fast_binary("retrain_24h_fast"),
                     {"--data", bundled_1h().string(), "--out", out.string()}, dir.path());
  ::close(fd);
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("pid " + pid) != std::string::npos);
  CHECK(r.err.find(lock_path.string()) != std::string::npos);
  CHECK(run_dirs(out, "24h").empty());  // refused before training: nothing written
  CHECK_FALSE(fs::exists(out / "24h" / "LATEST.json"));
}

TEST_CASE("the four timeframes retrain concurrently into one output directory", "[apps][e2e]") {
  temp_dir dir("four");
  const auto out = dir / "models";
  struct job {
    std::string tf;
    fs::path data;
  };
  const std::array<job, 4> jobs{
      {{"5m", bundled_5m()}, {"1h", bundled_1h()}, {"12h", bundled_1h()}, {"24h", bundled_1h()}}};
  std::vector<std::unique_ptr<running_binary>> started;
  for (const auto& j : jobs)
    started.push_back(std::make_unique<running_binary>(
        fast_binary("retrain_" + j.tf + "_fast"),
        std::vector<std::string>{"--data", j.data.string(), "--out", out.string(), "--threads", "1",
                                 "--force-promote"},
        dir.path()));
  std::vector<run_result> results;
  for (auto& s : started)
    results.push_back(s->wait());

  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto& tf = jobs[i].tf;
    INFO("timeframe " << tf << "\nstdout:\n" << results[i].out << "\nstderr:\n" << results[i].err);
    CHECK(results[i].exit_code == 0);
    const auto latest = read_json(out / tf / "LATEST.json");
    CHECK(latest.at("timeframe") == tf);
    const auto run_dir = latest_run_dir(out, tf);
    // Its own timeframe's directory, and a complete run: every manifest entry present with
    // its size and hash, status "promoted".
    CHECK(run_dir.parent_path().parent_path() == out / tf);
    CHECK(mtf::artifact::verify_run(run_dir) == mtf::artifact::run_status::promoted);
    const auto manifest = read_json(run_dir / "manifest.json");
    CHECK(manifest.at("files").size() >= 8);
    CHECK(read_json(run_dir / "metadata.json").at("timeframe") == tf);
    CHECK(read_json(run_dir / "report.json").at("timeframe") == tf);
  }
  // No staging leftovers anywhere.
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    INFO(e.path());
    CHECK(e.path().filename().string().rfind(".tmp-", 0) != 0);
  }
}
