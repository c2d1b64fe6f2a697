#pragma once
// What the libFuzzer harnesses of tests/fuzz/ share: a per-process scratch directory (in
// /dev/shm when it exists, so file-based loaders are fuzzed at memory speed), writing the input
// there, and the oracle: a harness may end an input only by returning or by an mtf::error (the
// documented, clear refusal). Anything else -- a crash, a sanitizer report, another exception
// escaping (an unclear "internal error" for the operator), a broken invariant -- is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "mtf/core/errors.hpp"

namespace mtf::fuzz {

/// The input as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// A scratch directory private to this process, created once, removed at exit.
inline const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    const std::filesystem::path base =
        std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    auto d = base / ("mtf-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    static const std::filesystem::path removed_at_exit = d;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(removed_at_exit, ec);
    });
    return d;
  }();
  return dir;
}

/// Writes `content` to `path` (truncating).
inline void write(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

/// A broken invariant: print it and abort, so libFuzzer saves the input.
[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "FUZZ FINDING: %s\n", what.c_str());
  std::abort();
}

/// Runs `body`; an mtf::error is the documented refusal, any other exception is a finding.
template <class Body>
void expect_only_mtf_errors(Body&& body) {
  try {
    body();
  } catch (const mtf::error&) {
  } catch (const std::exception& e) {
    finding(std::string("an exception other than mtf::error escaped: ") + e.what());
  }
}

}  // namespace mtf::fuzz
