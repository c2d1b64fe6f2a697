#pragma once
/// \file Run ids: "YYYYMMDDTHHMMSSZ-xxxxxxxx", the UTC start second plus 8 hex digits of a
/// content hash, and the check that an id is a safe directory name.

#include <time.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <string>
#include <string_view>

#include "mtf/artifact/content_hash.hpp"
#include "mtf/core/errors.hpp"

namespace mtf::artifact {

/// `when` as ISO-8601 UTC to the second, "2026-11-23T14:57:04Z".
[[nodiscard]] inline std::string format_utc_iso(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

/// Run id "YYYYMMDDTHHMMSSZ-xxxxxxxx": UTC start time (sorts chronologically) plus the first 8
/// hex digits of the SHA-256 of `content` (the run's data hash, seed, policy fingerprint...),
/// so two runs started in the same second differ unless their content is the same; the store
/// adds a counter suffix for that last case.
[[nodiscard]] inline std::string make_run_id(std::chrono::system_clock::time_point when,
                                             std::string_view content) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &utc);
  return std::string(buffer) + "-" + sha256_hex(content).substr(0, 8);
}

/// Throws artifact_error unless `run_id` is a safe directory name: 1-128 characters from
/// [A-Za-z0-9._-], starting with a letter or digit.
inline void check_run_id(std::string_view run_id) {
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  };
  const bool ok = !run_id.empty() && run_id.size() <= 128 && std::ranges::all_of(run_id, allowed) &&
                  run_id.front() != '.' && run_id.front() != '_' && run_id.front() != '-';
  if (!ok) throw artifact_error("invalid run id '" + std::string(run_id) + "'");
}

}  // namespace mtf::artifact
