#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "artifact_test_support.hpp"
#include "mtf/artifact/atomic_file.hpp"
#include "mtf/artifact/posix_file.hpp"

using namespace mtf::artifact;
namespace fs = std::filesystem;

namespace {
std::vector<std::string> entry_names(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}
}  // namespace

TEST_CASE("write_file_atomic writes the exact content and leaves no temporary", "[artifact]") {
  test::scratch_dir scratch;
  const fs::path target = scratch.path() / "LATEST.json";
  std::string content = "{\"run_id\": \"x\"}\n";
  content.push_back('\0');  // binary-safe: the NUL byte and what follows are kept
  content += "tail";
  write_file_atomic(target, content);
  CHECK(read_file(target) == content);
  CHECK(entry_names(scratch.path()) == std::vector<std::string>{"LATEST.json"});
}

TEST_CASE("write_file_atomic replaces an existing file", "[artifact]") {
  test::scratch_dir scratch;
  const fs::path target = scratch.path() / "pointer";
  write_file_atomic(target, std::string(100'000, 'o'));
  write_file_atomic(target, "new");
  CHECK(read_file(target) == "new");
  CHECK(entry_names(scratch.path()) == std::vector<std::string>{"pointer"});
}

TEST_CASE("write_file_atomic into a missing directory throws artifact_error naming the path",
          "[artifact]") {
  test::scratch_dir scratch;
  const fs::path target = scratch.path() / "no-such-dir" / "LATEST.json";
  try {
    write_file_atomic(target, "x");
    FAIL("no exception");
  } catch (const mtf::artifact_error& e) {
    CHECK(e.code() == mtf::exit_code::artifact);
    CHECK_THAT(e.what(), Catch::Contains(target.string()));
    CHECK_THAT(e.what(), Catch::Contains("No such file or directory"));
  }
}

TEST_CASE("write_file_atomic where the directory is a regular file throws artifact_error",
          "[artifact]") {
  // Permission bits do not stop root (the CI user), so an unusable directory is made by
  // putting a regular file where the directory should be.
  test::scratch_dir scratch;
  write_file_atomic(scratch.path() / "plain", "I am a file");
  const fs::path target = scratch.path() / "plain" / "LATEST.json";
  CHECK_THROWS_MATCHES(write_file_atomic(target, "x"), mtf::artifact_error,
                       Catch::Matchers::Predicate<mtf::artifact_error>([&](const auto& e) {
                         const std::string what = e.what();
                         return what.find(target.string()) != std::string::npos &&
                                what.find("Not a directory") != std::string::npos;
                       }));
}

TEST_CASE("write_file_atomic keeps the old content when a step fails before the rename",
          "[artifact]") {
  test::scratch_dir scratch;
  const fs::path target = scratch.path() / "LATEST.json";
  write_file_atomic(target, "old");
  // Count the steps, then fail at each one before the rename in turn.
  std::vector<std::string> steps;
  write_file_atomic(target, "old", [&](std::string_view step) { steps.emplace_back(step); });
  REQUIRE(steps.size() == 4);
  CHECK(steps[2].starts_with("rename "));
  for (std::size_t fail_at = 0; fail_at < steps.size(); ++fail_at) {
    INFO("failing before step " << fail_at << ": " << steps[fail_at]);
    std::size_t step = 0;
    CHECK_THROWS_AS(write_file_atomic(target, "new",
                                      [&](std::string_view) {
                                        if (step++ == fail_at) throw std::runtime_error("fault");
                                      }),
                    std::runtime_error);
    // Before the rename the old content stays; from the final directory fsync on it is new.
    CHECK(read_file(target) == (fail_at <= 2 ? "old" : "new"));
    CHECK(entry_names(scratch.path()) == std::vector<std::string>{"LATEST.json"});
    write_file_atomic(target, "old");
  }
}
