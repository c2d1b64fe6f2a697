#pragma once
/// \file The per-(output directory, timeframe) run lock: `flock(LOCK_EX | LOCK_NB)` on
/// `<out>/<tf>/.lock`, held for the lock object's life. The kernel drops a flock when the last
/// descriptor of the holder closes, including when the holder is killed, so a crashed retrain
/// never leaves a stale lock. Different timeframes lock different files and never conflict.

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "mtf/artifact/posix_file.hpp"
#include "mtf/core/errors.hpp"

namespace mtf::artifact {

/// Throws artifact_error unless `timeframe` is usable as one directory name ("5m", "1h"):
/// non-empty, not "." or "..", no '/' and no NUL.
inline void check_timeframe_name(std::string_view timeframe) {
  if (timeframe.empty() || timeframe == "." || timeframe == ".." ||
      timeframe.find_first_of(std::string_view{"/\0", 2}) != std::string_view::npos) {
    throw artifact_error("invalid timeframe name '" + std::string(timeframe) +
                         "' for an output directory");
  }
}

/// Exclusive lock of one timeframe's output directory `<out>/<tf>` (created if missing). The
/// lock file holds the holder's pid (decimal, newline) so a refused second run can say who
/// holds it. Move-only; released when destroyed (or when the process dies). Note that a
/// forked child shares the lock with its parent until one of them closes it.
class run_lock {
 public:
  /// Acquires the lock without waiting. Throws artifact_error "another retrain_<tf> (pid N)
  /// holds <out>/<tf>/.lock" when another holder exists (also another run_lock of the same
  /// process), or an I/O artifact_error naming the path.
  run_lock(const std::filesystem::path& out_dir, std::string_view timeframe)
      : timeframe_(timeframe) {
    namespace fs = std::filesystem;
    check_timeframe_name(timeframe);
    timeframe_dir_ = out_dir / timeframe_;
    lock_path_ = timeframe_dir_ / ".lock";
    std::error_code ec;
    fs::create_directories(timeframe_dir_, ec);
    if (ec)
      throw artifact_error("cannot create '" + timeframe_dir_.string() + "': " + ec.message());

    unique_fd fd = open_file(lock_path_, O_RDWR | O_CREAT);
    int rc = 0;
    do {
      rc = ::flock(fd.get(), LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      if (errno != EWOULDBLOCK) throw_io_error("lock", lock_path_, errno);
      throw artifact_error("another retrain_" + timeframe_ + " (pid " + holder_pid(fd.get()) +
                           ") holds " + lock_path_.string());
    }
    // Record our pid for the message a refused run prints. Informational only, so no fsync:
    // after a crash the kernel lock is gone anyway.
    const std::string pid_line = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd.get(), 0) != 0) throw_io_error("truncate", lock_path_, errno);
    if (::pwrite(fd.get(), pid_line.data(), pid_line.size(), 0) !=
        static_cast<ssize_t>(pid_line.size())) {
      throw_io_error("write the pid into", lock_path_, errno);
    }
    fd_ = std::move(fd);
  }

  run_lock(const run_lock&) = delete;
  run_lock& operator=(const run_lock&) = delete;
  run_lock(run_lock&&) noexcept = default;
  run_lock& operator=(run_lock&&) noexcept = default;
  /// Clears the pid (so nobody reports a finished holder) and releases the lock.
  ~run_lock() {
    if (fd_.valid()) (void)::ftruncate(fd_.get(), 0);
  }

  /// `<out>/<tf>`, the directory this lock protects.
  [[nodiscard]] const std::filesystem::path& timeframe_dir() const noexcept {
    return timeframe_dir_;
  }
  /// `<out>/<tf>/.lock`.
  [[nodiscard]] const std::filesystem::path& lock_path() const noexcept { return lock_path_; }
  /// The timeframe name ("5m").
  [[nodiscard]] const std::string& timeframe() const noexcept { return timeframe_; }

 private:
  // The holder writes its pid just after acquiring, so an empty file means "about to be
  // written": retry briefly before giving up on naming it.
  static std::string holder_pid(int fd) {
    for (int attempt = 0; attempt < 50; ++attempt) {
      char buffer[32] = {};
      const ssize_t got = ::pread(fd, buffer, sizeof buffer - 1, 0);
      if (got > 0) {
        std::string text(buffer, static_cast<std::size_t>(got));
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
          text.pop_back();
        if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) return text;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return "unknown";
  }

  std::string timeframe_;
  std::filesystem::path timeframe_dir_;
  std::filesystem::path lock_path_;
  unique_fd fd_;
};

}  // namespace mtf::artifact
