#pragma once
/// \file Atomic replacement of a file: write a temporary in the same directory, fsync it, rename
/// it over the target, fsync the directory. A reader (or a crash) sees either the whole old
/// content or the whole new content, never a mixture, because rename(2) within one file system
/// is atomic and the data is on disk before the name points at it.

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <string>
#include <string_view>

#include "mtf/artifact/fault_hook.hpp"
#include "mtf/artifact/posix_file.hpp"

namespace mtf::artifact {

/// Prefix of every temporary entry mtf's artifact writers create; the run store deletes entries
/// with this prefix left behind by a killed run.
inline constexpr std::string_view temporary_prefix = ".tmp-";

/// Atomically sets the content of `path` to `content` (creating or replacing it). The temporary
/// `.tmp-<name>-<pid>-<n>` lives next to the target so the rename never crosses file systems;
/// it is removed again when a step fails with an exception (a crash leaves it for the next
/// run's cleanup). `hook` runs before each step: "write", "fsync", "rename", "fsync directory".
/// Throws artifact_error naming the path and the errno text.
inline void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                              const step_hook& hook = {}) {
  namespace fs = std::filesystem;
  if (path.filename().empty())
    throw artifact_error("cannot write '" + path.string() + "': no file name");
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path{"."};
  const std::string name = path.filename().string();

  // A per-process counter plus the pid makes the temporary name unique among writers; O_EXCL
  // still guards against a leftover from a recycled pid.
  static std::atomic<unsigned> counter{0};
  fs::path temporary;
  unique_fd fd;
  for (int attempt = 0; !fd.valid(); ++attempt) {
    temporary = dir / (std::string(temporary_prefix) + name + "-" + std::to_string(::getpid()) +
                       "-" + std::to_string(counter.fetch_add(1)));
    const int raw = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (raw >= 0) {
      fd = unique_fd{raw};
    } else if (errno != EEXIST && errno != EINTR) {
      throw_io_error("create a temporary file for", path, errno);
    } else if (attempt > 1000) {
      throw_io_error("create a temporary file for", path, EEXIST);
    }
  }

  try {
    before_step(hook, "write " + temporary.filename().string());
    write_all(fd.get(), content, temporary);
    before_step(hook, "fsync " + temporary.filename().string());
    fsync_fd(fd.get(), temporary);
    fd.close(temporary);
    before_step(hook, "rename " + temporary.filename().string() + " -> " + name);
    if (::rename(temporary.c_str(), path.c_str()) != 0) throw_io_error("rename onto", path, errno);
  } catch (...) {
    ::unlink(temporary.c_str());  // best effort: the original error is the one to report
    throw;
  }
  // The rename is done; fsyncing the directory makes it survive a power loss.
  before_step(hook, "fsync directory of " + name);
  fsync_directory(dir);
}

}  // namespace mtf::artifact
