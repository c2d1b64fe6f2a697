#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "artifact_test_support.hpp"
#include "mtf/artifact/posix_file.hpp"
#include "mtf/artifact/run_lock.hpp"

using namespace mtf::artifact;
namespace fs = std::filesystem;

TEST_CASE("run lock creates the timeframe directory and records the holder's pid",
          "[artifact][lock]") {
  test::scratch_dir scratch;
  const run_lock lock(scratch.path() / "models", "5m");
  CHECK(lock.timeframe_dir() == scratch.path() / "models" / "5m");
  CHECK(lock.lock_path() == scratch.path() / "models" / "5m" / ".lock");
  CHECK(read_file(lock.lock_path()) == std::to_string(::getpid()) + "\n");
}

TEST_CASE("a second run lock in the same process is refused with a message naming the pid",
          "[artifact][lock]") {
  test::scratch_dir scratch;
  const run_lock first(scratch.path(), "5m");
  const std::string expected = "another retrain_5m (pid " + std::to_string(::getpid()) +
                               ") holds " + (scratch.path() / "5m" / ".lock").string();
  try {
    const run_lock second(scratch.path(), "5m");
    FAIL("second lock acquired");
  } catch (const mtf::artifact_error& e) {
    CHECK(std::string(e.what()) == expected);
    CHECK(e.code() == mtf::exit_code::artifact);
  }
}

TEST_CASE("a released run lock can be taken again", "[artifact][lock]") {
  test::scratch_dir scratch;
  { const run_lock first(scratch.path(), "1h"); }
  const run_lock again(scratch.path(), "1h");
  CHECK(read_file(again.lock_path()) == std::to_string(::getpid()) + "\n");
}

TEST_CASE("run locks of different timeframes in one output directory do not conflict",
          "[artifact][lock]") {
  test::scratch_dir scratch;
  const run_lock a(scratch.path(), "5m");
  const run_lock b(scratch.path(), "1h");
  const run_lock c(scratch.path(), "12h");
  const run_lock d(scratch.path(), "24h");
  CHECK(fs::exists(scratch.path() / "24h" / ".lock"));
}

TEST_CASE("run lock rejects timeframe names that are not one directory", "[artifact][lock]") {
  test::scratch_dir scratch;
  CHECK_THROWS_AS(run_lock(scratch.path(), ""), mtf::artifact_error);
  CHECK_THROWS_AS(run_lock(scratch.path(), ".."), mtf::artifact_error);
  CHECK_THROWS_AS(run_lock(scratch.path(), "a/b"), mtf::artifact_error);
}

TEST_CASE(
    "a lock held by another process is refused naming that process, and a SIGKILLed "
    "holder leaves no stale lock",
    "[artifact][lock]") {
  test::scratch_dir scratch;
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = test::fork_child([&] {
    ::close(ready[0]);
    const run_lock held(scratch.path(), "12h");
    test::write_byte(ready[1]);
    for (;;)
      ::pause();  // hold until killed
    return 0;
  });
  ::close(ready[1]);
  REQUIRE(test::read_byte(ready[0]));
  ::close(ready[0]);

  const std::string expected = "another retrain_12h (pid " + std::to_string(child) + ") holds " +
                               (scratch.path() / "12h" / ".lock").string();
  try {
    const run_lock refused(scratch.path(), "12h");
    FAIL("lock acquired while the child holds it");
  } catch (const mtf::artifact_error& e) {
    CHECK(std::string(e.what()) == expected);
  }
  // Another timeframe is free while the child holds 12h.
  { const run_lock other(scratch.path(), "24h"); }

  REQUIRE(::kill(child, SIGKILL) == 0);
  CHECK(test::wait_child(child) == 128 + SIGKILL);
  const run_lock after(scratch.path(), "12h");
  CHECK(read_file(after.lock_path()) == std::to_string(::getpid()) + "\n");
}
