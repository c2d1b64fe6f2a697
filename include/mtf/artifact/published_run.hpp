#pragma once
/// \file Reading a timeframe's published artifacts: a run directory's status and completeness
/// (its manifest lists every file with size and SHA-256) and the LATEST.json pointer, which is
/// refused, never silently used, when it names a missing or incomplete run. Needs no lock:
/// `predict`, `drift` and `evaluate` read while a retrain may be writing.

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "mtf/artifact/content_hash.hpp"
#include "mtf/artifact/posix_file.hpp"
#include "mtf/artifact/run_id.hpp"
#include "mtf/artifact/run_lock.hpp"
#include "mtf/core/errors.hpp"

namespace mtf::artifact {

/// The decision recorded in a run's `status` file.
enum class run_status { promoted, rejected };

/// "promoted" or "rejected".
[[nodiscard]] inline std::string_view to_string(run_status status) noexcept {
  return status == run_status::promoted ? "promoted" : "rejected";
}

/// File names with a fixed meaning in the store.
inline constexpr std::string_view latest_file_name = "LATEST.json";
inline constexpr std::string_view status_file_name = "status";
inline constexpr std::string_view manifest_file_name = "manifest.json";

namespace published_run_detail {

/// SHA-256 hex and size of a file's content.
inline std::pair<std::string, std::uintmax_t> hash_file(const std::filesystem::path& path) {
  const std::string content = read_file(path);
  return {sha256_hex(content), content.size()};
}

inline run_status parse_status(std::string_view text, const std::filesystem::path& path) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.remove_suffix(1);
  if (text == "promoted") return run_status::promoted;
  if (text == "rejected") return run_status::rejected;
  throw artifact_error("'" + path.string() + "' holds '" + std::string(text) +
                       "', expected 'promoted' or 'rejected'");
}

/// True when `path` resolves (all symlinks followed) to a location inside `root` (resolved too).
inline bool resolves_inside(const std::filesystem::path& path, const std::filesystem::path& root) {
  std::error_code ec;
  const auto real_root = std::filesystem::weakly_canonical(root, ec);
  if (ec) return false;
  const auto real = std::filesystem::weakly_canonical(path, ec);
  if (ec) return false;
  const auto relative = real.lexically_relative(real_root);
  return !relative.empty() && *relative.begin() != ".." && relative.is_relative();
}

/// A manifest entry's path: relative, normalised, without "." or ".." components.
inline bool plain_relative(const std::filesystem::path& p) {
  if (p.empty() || !p.is_relative() || p.lexically_normal() != p) return false;
  for (const auto& part : p)
    if (part == "." || part == ".." || part.empty()) return false;
  return true;
}

inline bool exists_no_throw(const std::filesystem::path& path) {
  std::error_code ec;
  const bool present = std::filesystem::exists(path, ec);
  if (ec) throw artifact_error("cannot stat '" + path.string() + "': " + ec.message());
  return present;
}

}  // namespace published_run_detail

/// The status recorded in `<run_dir>/status` (no completeness check). Throws artifact_error
/// when the file is missing or holds anything but "promoted"/"rejected".
[[nodiscard]] inline run_status read_run_status(const std::filesystem::path& run_dir) {
  const auto path = run_dir / status_file_name;
  return published_run_detail::parse_status(read_file(path), path);
}

/// Checks that `run_dir` is a complete published run: a valid status file, a manifest that
/// parses, and every file the manifest lists present with the listed size and SHA-256.
/// Returns the status; throws artifact_error saying what is missing or different.
inline run_status verify_run(const std::filesystem::path& run_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(run_dir, ec)) {
    throw artifact_error("run directory '" + run_dir.string() + "' does not exist");
  }
  const run_status status = read_run_status(run_dir);
  const fs::path manifest_path = run_dir / manifest_file_name;
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(read_file(manifest_path));
  } catch (const nlohmann::json::exception& e) {
    throw artifact_error("'" + manifest_path.string() + "' is not valid JSON: " + e.what());
  }
  if (!manifest.is_object() || !manifest.contains("files") || !manifest["files"].is_array()) {
    throw artifact_error("'" + manifest_path.string() + "' has no \"files\" list");
  }
  for (const auto& entry : manifest["files"]) {
    if (!entry.is_object() || !entry.contains("path") || !entry["path"].is_string() ||
        !entry.contains("bytes") || !entry["bytes"].is_number_unsigned() ||
        !entry.contains("sha256") || !entry["sha256"].is_string()) {
      throw artifact_error("'" + manifest_path.string() +
                           "' has a malformed file entry: " + entry.dump());
    }
    const fs::path listed = entry["path"].get<std::string>();
    const fs::path file = run_dir / listed;
    // A tampered manifest must not make the reader hash (or a loader open) files outside the run.
    if (!published_run_detail::plain_relative(listed) ||
        !published_run_detail::resolves_inside(file, run_dir)) {
      throw artifact_error("'" + manifest_path.string() + "' lists " + entry["path"].dump() +
                           ", which is not a file inside the run directory");
    }
    if (!fs::is_regular_file(file, ec)) {
      throw artifact_error("run '" + run_dir.string() + "' is incomplete: '" + file.string() +
                           "' is missing");
    }
    const auto [hash, bytes] = published_run_detail::hash_file(file);
    if (bytes != entry["bytes"].get<std::uintmax_t>() ||
        hash != entry["sha256"].get<std::string>()) {
      throw artifact_error("run '" + run_dir.string() + "' is corrupt: '" + file.string() +
                           "' differs from its manifest entry");
    }
  }
  return status;
}

/// Reads `<out>/<tf>/LATEST.json`. Returns nullopt when there is none (nothing promoted yet).
/// Throws artifact_error when it does not parse, lacks "run_id"/"path", names another
/// timeframe, or names a run directory that is missing or incomplete (verify_run). LATEST.json
/// is trusted only inside its own tree (SPEC §9): "path" must be exactly "runs/<run_id>" and that
/// directory must resolve, through any symlinks, to `runs/<run_id>` of the same `<out>/<tf>/`
/// (an absolute path, "..", or a symlink leaving the tree is refused). The returned JSON carries
/// every field the writer put in, including extra ones.
[[nodiscard]] inline std::optional<nlohmann::json> read_latest(const std::filesystem::path& out_dir,
                                                               std::string_view timeframe) {
  namespace fs = std::filesystem;
  check_timeframe_name(timeframe);
  const fs::path timeframe_dir = out_dir / std::string(timeframe);
  const fs::path latest_path = timeframe_dir / latest_file_name;
  if (!published_run_detail::exists_no_throw(latest_path)) return std::nullopt;
  nlohmann::json latest;
  try {
    latest = nlohmann::json::parse(read_file(latest_path));
  } catch (const nlohmann::json::exception& e) {
    throw artifact_error("'" + latest_path.string() + "' is not valid JSON: " + e.what());
  }
  if (!latest.is_object() || !latest.contains("run_id") || !latest["run_id"].is_string() ||
      !latest.contains("path") || !latest["path"].is_string()) {
    throw artifact_error("'" + latest_path.string() + "' lacks the string fields run_id and path");
  }
  if (!latest.contains("timeframe") || latest["timeframe"] != std::string(timeframe)) {
    throw artifact_error("'" + latest_path.string() + "' is for timeframe " +
                         (latest.contains("timeframe") ? latest["timeframe"].dump() : "(none)") +
                         ", not " + std::string(timeframe));
  }
  const std::string run_id = latest["run_id"].get<std::string>();
  const std::string path = latest["path"].get<std::string>();
  try {
    check_run_id(run_id);
  } catch (const artifact_error&) {
    throw artifact_error("'" + latest_path.string() + "' names an invalid run id " +
                         latest["run_id"].dump());
  }
  if (path != "runs/" + run_id) {
    throw artifact_error("'" + latest_path.string() + "' points outside its tree: \"path\" is " +
                         latest["path"].dump() + ", it must be \"runs/" + run_id + "\" inside " +
                         timeframe_dir.string());
  }
  const fs::path run_dir = timeframe_dir / "runs" / run_id;
  {
    std::error_code ec;
    const auto real = fs::weakly_canonical(run_dir, ec);
    const auto expected = fs::weakly_canonical(timeframe_dir, ec) / "runs" / run_id;
    if (ec || real != expected) {
      throw artifact_error("'" + latest_path.string() +
                           "' points outside its tree: " + run_dir.string() + " resolves to " +
                           real.string() + " (a symlink); a run must live in " + expected.string());
    }
  }
  try {
    verify_run(run_dir);
  } catch (const artifact_error& e) {
    throw artifact_error("'" + latest_path.string() + "' names run " + latest["run_id"].dump() +
                         " which cannot be used: " + e.what());
  }
  return latest;
}

/// Directory of the run LATEST.json names (verified complete), or nullopt when nothing has
/// been promoted. Throws like read_latest.
[[nodiscard]] inline std::optional<std::filesystem::path> latest_run_path(
    const std::filesystem::path& out_dir, std::string_view timeframe) {
  const auto latest = read_latest(out_dir, timeframe);
  if (!latest) return std::nullopt;
  return out_dir / std::string(timeframe) / "runs" / (*latest)["run_id"].get<std::string>();
}

}  // namespace mtf::artifact
