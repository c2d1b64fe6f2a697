#pragma once
/// \file The artifact store of one timeframe, `<out>/<tf>` (SPEC §9):
///
///     LATEST.json      the deployed run: {"run_id", "path", "timeframe", "policy_fingerprint",
///                      "schema_hash", "promoted_at", ...any extra fields, e.g. "forced"}
///     runs/<run_id>/   artifact files + manifest.json (name, size, SHA-256 of each file)
///                      + status ("promoted" or "rejected"), immutable once published
///     backups/         the previous LATEST.json files, newest 10 kept
///     .tmp-*           staging of a run in progress (or debris of a killed one)
///
/// Crash safety — what is true at every instant, whatever gets killed when:
/// * A run is written into `.tmp-<run_id>-<pid>/`, which no reader looks at. Each file, then
///   the manifest, then the status file are fsynced, then the directories; only then is the
///   staging directory renamed to `runs/<run_id>` (rename(2) is atomic) and `runs/` fsynced.
///   So `runs/<run_id>` either does not exist or holds every file the manifest lists.
/// * Published runs are never modified or deleted by the store, so a pointer to one stays
///   valid.
/// * `promote` first checks that the run it is asked to point at is complete and marked
///   promoted, copies the current LATEST.json to backups/ (atomically), then replaces
///   LATEST.json by write-temp, fsync, rename, fsync directory. Until that rename the old
///   LATEST.json is in place; after it the new one is. A crash in between leaves at most an
///   extra backup and a `.tmp-*` file.
/// * Leftover `.tmp-*` entries are removed when the next run_store is opened, which requires
///   the timeframe's run_lock: no live run of this timeframe can own them.
/// * Readers (`read_latest`, published_run.hpp) refuse, with artifact_error, a LATEST.json
///   that does not parse or names a missing or incomplete run; they never use it silently.

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "mtf/artifact/atomic_file.hpp"
#include "mtf/artifact/fault_hook.hpp"
#include "mtf/artifact/posix_file.hpp"
#include "mtf/artifact/published_run.hpp"
#include "mtf/artifact/run_id.hpp"
#include "mtf/artifact/run_lock.hpp"
#include "mtf/core/errors.hpp"

namespace mtf::artifact {

/// How many previous LATEST.json files backups/ keeps.
inline constexpr std::size_t backups_kept = 10;

namespace run_store_detail {

inline bool starts_with_temporary_prefix(const std::filesystem::path& p) {
  return p.filename().string().starts_with(temporary_prefix);
}

/// Backup file name "LATEST-<6-digit sequence>-<run id>.json" and its parsed sequence.
inline std::optional<unsigned long> backup_sequence(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  if (!name.starts_with("LATEST-") || !name.ends_with(".json")) return std::nullopt;
  const char* first = name.data() + 7;
  const char* last = name.data() + name.size();
  unsigned long sequence = 0;
  const auto [end, ec] = std::from_chars(first, last, sequence);
  if (ec != std::errc{} || end == first || *end != '-') return std::nullopt;
  return sequence;
}

}  // namespace run_store_detail

/// Writer of one timeframe's artifact store; see the file comment for the layout and the
/// crash-safety argument. Needs the timeframe's run_lock (it must outlive the store), so two
/// writers of one store cannot exist; opening it removes `.tmp-*` debris of killed runs.
/// Usage: `begin_run(id)`, `write_file(...)` for each artifact, `publish(status)`, then, when
/// the run is deployed, `promote(make_latest(...))`.
class run_store {
 public:
  /// Opens (creating runs/ and backups/) the store the lock protects and removes leftover
  /// temporaries. `hook` runs before every durable step (tests inject faults with it).
  explicit run_store(const run_lock& lock, step_hook hook = {})
      : lock_(&lock), dir_(lock.timeframe_dir()), hook_(std::move(hook)) {
    namespace fs = std::filesystem;
    for (const fs::path& sub : {dir_ / "runs", dir_ / "backups"}) {
      std::error_code ec;
      if (fs::create_directory(sub, ec)) fsync_directory(dir_);
      if (ec) throw artifact_error("cannot create '" + sub.string() + "': " + ec.message());
    }
    // The lock may just have created <out>/<tf>; its entry in <out> must be durable before
    // anything promoted inside it can be.
    fsync_directory(dir_.parent_path().empty() ? std::filesystem::path{"."} : dir_.parent_path());
    remove_temporaries();
  }

  run_store(const run_store&) = delete;
  run_store& operator=(const run_store&) = delete;

  /// `<out>/<tf>`.
  [[nodiscard]] const std::filesystem::path& timeframe_dir() const noexcept { return dir_; }
  /// The timeframe name.
  [[nodiscard]] const std::string& timeframe() const noexcept { return lock_->timeframe(); }
  /// The `.tmp-*` entries the constructor removed (debris of killed runs), for the run log.
  [[nodiscard]] const std::vector<std::filesystem::path>& removed_temporaries() const noexcept {
    return removed_;
  }
  /// `<out>/<tf>/runs/<run_id>` (whether or not it exists).
  [[nodiscard]] std::filesystem::path run_path(std::string_view run_id) const {
    check_run_id(run_id);
    return dir_ / "runs" / std::string(run_id);
  }

  /// Starts a run: creates the staging directory `.tmp-<id>-<pid>` and returns the run id to
  /// use, `run_id` itself or, if `runs/<run_id>` already exists, `run_id-2`, `run_id-3`...
  /// Throws artifact_error for an invalid id or when a run is already staged.
  std::string begin_run(std::string_view run_id) {
    namespace fs = std::filesystem;
    check_run_id(run_id);
    if (!staged_id_.empty()) {
      throw artifact_error("run " + staged_id_ + " is still being written; publish it first");
    }
    std::string id(run_id);
    for (int counter = 2; published_run_detail::exists_no_throw(dir_ / "runs" / id); ++counter) {
      id = std::string(run_id) + "-" + std::to_string(counter);
    }
    const fs::path staging =
        dir_ / (std::string(temporary_prefix) + id + "-" + std::to_string(::getpid()));
    before_step(hook_, "create " + staging.filename().string());
    std::error_code ec;
    if (!fs::create_directory(staging, ec) || ec) {
      throw artifact_error("cannot create staging directory '" + staging.string() +
                           "': " + (ec ? ec.message() : std::string("it already exists")));
    }
    staged_id_ = id;
    staging_ = staging;
    return id;
  }

  /// Id of the run being staged ("" when none).
  [[nodiscard]] const std::string& staged_run_id() const noexcept { return staged_id_; }
  /// The staging directory of the current run; files the caller writes there by other means
  /// (e.g. XGBoosterSaveModel) are included by publish. Throws when no run is staged.
  [[nodiscard]] const std::filesystem::path& staging_dir() const {
    require_staged();
    return staging_;
  }

  /// Writes (creating or replacing) `relative_name` in the staging directory and fsyncs it;
  /// subdirectories are created. Returns the full path. `relative_name` must be relative,
  /// without "." or ".." components, and not a reserved name (status, manifest.json).
  std::filesystem::path write_file(std::string_view relative_name, std::string_view content) {
    namespace fs = std::filesystem;
    require_staged();
    const fs::path relative = checked_relative_name(relative_name);
    const fs::path path = staging_ / relative;
    if (relative.has_parent_path()) {
      std::error_code ec;
      fs::create_directories(path.parent_path(), ec);
      if (ec) {
        throw artifact_error("cannot create '" + path.parent_path().string() +
                             "': " + ec.message());
      }
    }
    write_synced(path, relative.generic_string(), content);
    return path;
  }

  /// Finishes the staged run: fsyncs every file, writes manifest.json and the status file,
  /// fsyncs the directories and renames the staging directory to `runs/<id>` (then fsyncs
  /// runs/). Returns `runs/<id>`. On failure the staging directory stays for the next run's
  /// cleanup and nothing under runs/ changes.
  std::filesystem::path publish(run_status status) {
    namespace fs = std::filesystem;
    require_staged();
    std::vector<fs::path> files;
    std::vector<fs::path> directories{staging_};
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(staging_, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::file_status type = it->symlink_status(ec);
      if (ec) break;
      if (fs::is_directory(type)) {
        directories.push_back(it->path());
      } else if (fs::is_regular_file(type)) {
        files.push_back(it->path());
      } else {
        throw artifact_error("'" + it->path().string() +
                             "' is neither a regular file nor a directory; a run must be "
                             "self-contained");
      }
    }
    if (ec) throw artifact_error("cannot list '" + staging_.string() + "': " + ec.message());
    std::ranges::sort(files);

    nlohmann::json listed = nlohmann::json::array();
    for (const fs::path& file : files) {
      const std::string relative = file.lexically_relative(staging_).generic_string();
      if (relative == status_file_name || relative == manifest_file_name) {
        throw artifact_error("'" + file.string() + "' uses a name reserved for the run store");
      }
      before_step(hook_, "fsync " + relative);
      fsync_file(file);
      const auto [hash, bytes] = published_run_detail::hash_file(file);
      listed.push_back({{"path", relative}, {"bytes", bytes}, {"sha256", hash}});
    }
    const nlohmann::json manifest{{"run_id", staged_id_},
                                  {"timeframe", timeframe()},
                                  {"status", to_string(status)},
                                  {"files", std::move(listed)}};
    write_synced(staging_ / manifest_file_name, std::string(manifest_file_name),
                 manifest.dump(2) + "\n");
    // The status file comes last: its presence certifies the rest even to a reader that
    // looked into a staging directory.
    write_synced(staging_ / status_file_name, std::string(status_file_name),
                 std::string(to_string(status)) + "\n");
    // Deepest first, so each directory's entries are durable before its parent is synced.
    std::ranges::sort(directories, std::greater<>{});
    for (const fs::path& directory : directories) {
      before_step(hook_, "fsync directory " + directory.lexically_relative(dir_).generic_string());
      fsync_directory(directory);
    }

    const fs::path target = dir_ / "runs" / staged_id_;
    before_step(hook_, "rename " + staging_.filename().string() + " -> runs/" + staged_id_);
    if (::rename(staging_.c_str(), target.c_str()) != 0)
      throw_io_error("publish run into", target, errno);
    staged_id_.clear();
    staging_.clear();
    // Both directories changed: runs/ gained the entry, the store root lost the staging one.
    before_step(hook_, "fsync directory runs/");
    fsync_directory(dir_ / "runs");
    before_step(hook_, "fsync directory of the store");
    fsync_directory(dir_);
    return target;
  }

  /// Drops the staged run (e.g. training failed after begin_run): removes its staging
  /// directory so the store can begin another run. Does nothing when no run is staged.
  void abandon_run() {
    if (staged_id_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(staging_, ec);
    if (ec) throw artifact_error("cannot remove '" + staging_.string() + "': " + ec.message());
    staged_id_.clear();
    staging_.clear();
  }

  /// A LATEST.json record for `run_id` of this timeframe: run_id, path ("runs/<id>", relative
  /// so the output directory can be moved), timeframe, policy_fingerprint, schema_hash,
  /// promoted_at (now, UTC). Callers add extra fields ("forced", "failed_gates", metrics).
  [[nodiscard]] nlohmann::json make_latest(std::string_view run_id,
                                           std::string_view policy_fingerprint,
                                           std::string_view schema_hash) const {
    check_run_id(run_id);
    return nlohmann::json{{"run_id", run_id},
                          {"path", "runs/" + std::string(run_id)},
                          {"timeframe", timeframe()},
                          {"policy_fingerprint", policy_fingerprint},
                          {"schema_hash", schema_hash},
                          {"promoted_at", format_utc_iso(std::chrono::system_clock::now())}};
  }

  /// Points LATEST.json at the run `latest["run_id"]`. Requires a JSON object whose
  /// "timeframe" is this store's and whose "path" (filled in as "runs/<id>" when absent) is
  /// "runs/<run_id>"; the run must be published, complete and marked promoted. The previous
  /// LATEST.json is first copied to backups/ (the newest `backups_kept` are kept). Extra
  /// fields are written unchanged. Throws artifact_error; LATEST.json is then unchanged.
  void promote(nlohmann::json latest) {
    namespace fs = std::filesystem;
    if (!latest.is_object() || !latest.contains("run_id") || !latest["run_id"].is_string()) {
      throw artifact_error("a LATEST.json record needs a string run_id: " + latest.dump());
    }
    const std::string run_id = latest["run_id"].get<std::string>();
    const fs::path run_dir = run_path(run_id);
    const std::string expected_path = "runs/" + run_id;
    if (!latest.contains("path")) latest["path"] = expected_path;
    if (latest["path"] != expected_path) {
      throw artifact_error("LATEST.json path " + latest["path"].dump() + " must be \"" +
                           expected_path + "\"");
    }
    if (!latest.contains("timeframe")) latest["timeframe"] = timeframe();
    if (latest["timeframe"] != timeframe()) {
      throw artifact_error("cannot promote a record for timeframe " + latest["timeframe"].dump() +
                           " into the " + timeframe() + " store");
    }
    if (!latest.contains("promoted_at")) {
      latest["promoted_at"] = format_utc_iso(std::chrono::system_clock::now());
    }
    if (verify_run(run_dir) != run_status::promoted) {
      throw artifact_error("run " + run_id + " was published as rejected; it cannot be promoted");
    }

    const fs::path latest_path = dir_ / latest_file_name;
    if (published_run_detail::exists_no_throw(latest_path)) {
      before_step(hook_, "backup LATEST.json");
      const std::string previous = read_file(latest_path);
      std::string previous_id = "unknown";
      try {
        const auto parsed = nlohmann::json::parse(previous);
        if (parsed.contains("run_id") && parsed["run_id"].is_string()) {
          const auto id = parsed["run_id"].get<std::string>();
          check_run_id(id);
          previous_id = id;
        }
      } catch (const std::exception&) {
        // A damaged pointer is still backed up byte for byte; only its name is generic.
      }
      const auto existing = backups();
      unsigned long next = 1;
      if (!existing.empty()) next = *run_store_detail::backup_sequence(existing.back()) + 1;
      char sequence[24];
      std::snprintf(sequence, sizeof sequence, "%06lu", next);
      write_file_atomic(
          dir_ / "backups" / ("LATEST-" + std::string(sequence) + "-" + previous_id + ".json"),
          previous, hook_);
    }
    write_file_atomic(latest_path, latest.dump(2) + "\n", hook_);
    prune_backups();
  }

  /// The previous LATEST.json files in backups/, oldest first.
  [[nodiscard]] std::vector<std::filesystem::path> backups() const {
    namespace fs = std::filesystem;
    std::vector<std::pair<unsigned long, fs::path>> found;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir_ / "backups", ec);
         !ec && it != fs::directory_iterator(); it.increment(ec)) {
      if (const auto sequence = run_store_detail::backup_sequence(it->path())) {
        found.emplace_back(*sequence, it->path());
      }
    }
    if (ec)
      throw artifact_error("cannot list '" + (dir_ / "backups").string() + "': " + ec.message());
    std::ranges::sort(found);
    std::vector<fs::path> paths;
    for (auto& entry : found)
      paths.push_back(std::move(entry.second));
    return paths;
  }

  /// The current LATEST.json (see the free read_latest).
  [[nodiscard]] std::optional<nlohmann::json> read_latest() const {
    return artifact::read_latest(dir_.parent_path(), timeframe());
  }
  /// Directory of the promoted run (see the free latest_run_path).
  [[nodiscard]] std::optional<std::filesystem::path> latest_run_path() const {
    return artifact::latest_run_path(dir_.parent_path(), timeframe());
  }
  /// Status of a published run, after checking it is complete (verify_run).
  [[nodiscard]] run_status load_run_status(std::string_view run_id) const {
    return verify_run(run_path(run_id));
  }

 private:
  void require_staged() const {
    if (staged_id_.empty()) throw artifact_error("no run is being written; call begin_run first");
  }

  static std::filesystem::path checked_relative_name(std::string_view name) {
    const std::filesystem::path relative{std::string(name)};
    bool ok = !name.empty() && relative.is_relative() && relative.has_filename();
    for (const auto& part : relative) {
      if (part == "." || part == ".." || part.empty()) ok = false;
    }
    const std::string generic = relative.generic_string();
    if (generic == status_file_name || generic == manifest_file_name) ok = false;
    if (!ok) throw artifact_error("invalid artifact file name '" + std::string(name) + "'");
    return relative;
  }

  void write_synced(const std::filesystem::path& path, const std::string& label,
                    std::string_view content) {
    before_step(hook_, "write " + label);
    unique_fd fd = open_file(path, O_WRONLY | O_CREAT | O_TRUNC);
    write_all(fd.get(), content, path);
    before_step(hook_, "fsync " + label);
    fsync_fd(fd.get(), path);
    fd.close(path);
  }

  void remove_temporaries() {
    namespace fs = std::filesystem;
    for (const fs::path& directory : {dir_, dir_ / "runs", dir_ / "backups"}) {
      std::vector<fs::path> debris;
      std::error_code ec;
      for (auto it = fs::directory_iterator(directory, ec); !ec && it != fs::directory_iterator();
           it.increment(ec)) {
        if (run_store_detail::starts_with_temporary_prefix(it->path()))
          debris.push_back(it->path());
      }
      if (ec) throw artifact_error("cannot list '" + directory.string() + "': " + ec.message());
      for (const fs::path& entry : debris) {
        fs::remove_all(entry, ec);
        if (ec) throw artifact_error("cannot remove '" + entry.string() + "': " + ec.message());
        removed_.push_back(entry);
      }
      if (!debris.empty()) fsync_directory(directory);
    }
  }

  void prune_backups() {
    namespace fs = std::filesystem;
    const auto all = backups();
    if (all.size() <= backups_kept) return;
    before_step(hook_, "prune backups");
    for (std::size_t i = 0; i + backups_kept < all.size(); ++i) {
      std::error_code ec;
      fs::remove(all[i], ec);
      if (ec)
        throw artifact_error("cannot remove old backup '" + all[i].string() + "': " + ec.message());
    }
    fsync_directory(dir_ / "backups");
  }

  const run_lock* lock_;
  std::filesystem::path dir_;
  step_hook hook_;
  std::string staged_id_;
  std::filesystem::path staging_;
  std::vector<std::filesystem::path> removed_;
};

}  // namespace mtf::artifact
