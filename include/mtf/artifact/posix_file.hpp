#pragma once
/// \file Thin POSIX file primitives for the artifact stage (open, write-all, fsync of files and
/// directories, read whole file). std::filesystem cannot fsync, and durability needs fsync of
/// both the file and its directory; every failure becomes an artifact_error naming the path and
/// the errno text.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "mtf/core/errors.hpp"

namespace mtf::artifact {

/// Throws artifact_error "cannot <action> '<path>': <strerror(err)>".
[[noreturn]] inline void throw_io_error(std::string_view action, const std::filesystem::path& path,
                                        int err) {
  throw artifact_error("cannot " + std::string(action) + " '" + path.string() +
                       "': " + std::strerror(err));
}

/// Owning file descriptor: closed on destruction (errors ignored there; call `close()` where a
/// close error must be reported, e.g. after writing).
class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~unique_fd() { reset(); }

  /// The descriptor, or -1 when empty.
  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
  /// Closes and reports failure (a deferred write error can surface only here).
  void close(const std::filesystem::path& path_for_message) {
    const int fd = std::exchange(fd_, -1);
    if (fd >= 0 && ::close(fd) != 0) throw_io_error("close", path_for_message, errno);
  }

 private:
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd_ = -1;
};

/// open(2) with O_CLOEXEC (descriptors must not leak into children), retried on EINTR.
inline unique_fd open_file(const std::filesystem::path& path, int flags, mode_t mode = 0644) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) throw_io_error("open", path, errno);
  return unique_fd{fd};
}

/// Writes all of `content` at the current offset, looping over short writes and EINTR.
inline void write_all(int fd, std::string_view content, const std::filesystem::path& path) {
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw_io_error("write", path, errno);
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
}

/// fsync(2) of an open descriptor.
inline void fsync_fd(int fd, const std::filesystem::path& path) {
  int rc = 0;
  do {
    rc = ::fsync(fd);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) throw_io_error("fsync", path, errno);
}

/// Flushes a regular file's data and metadata to disk.
inline void fsync_file(const std::filesystem::path& path) {
  unique_fd fd = open_file(path, O_RDONLY);
  fsync_fd(fd.get(), path);
  fd.close(path);
}

/// Flushes a directory, making the creations, renames and deletions of its entries durable.
inline void fsync_directory(const std::filesystem::path& dir) {
  unique_fd fd = open_file(dir, O_RDONLY | O_DIRECTORY);
  fsync_fd(fd.get(), dir);
  fd.close(dir);
}

/// Creates (or truncates) `path`, writes `content` and fsyncs it. Not atomic: a reader may see
/// a partial file; use it only inside a directory nobody reads until it is published.
inline void write_file_synced(const std::filesystem::path& path, std::string_view content) {
  unique_fd fd = open_file(path, O_WRONLY | O_CREAT | O_TRUNC);
  write_all(fd.get(), content, path);
  fsync_fd(fd.get(), path);
  fd.close(path);
}

/// The whole content of a file.
[[nodiscard]] inline std::string read_file(const std::filesystem::path& path) {
  unique_fd fd = open_file(path, O_RDONLY);
  std::string content;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw_io_error("read", path, errno);
    }
    if (got == 0) break;
    content.append(buffer, static_cast<std::size_t>(got));
  }
  return content;
}

}  // namespace mtf::artifact
