#pragma once
/// \file Writing a whole file with the operating system's reason when it fails. An iostream says
/// only that a write failed; an operator whose disk is full needs to read "No space left on
/// device". Used by the model savers, which sit before the artifact stage and its fsyncing
/// writers (artifact/posix_file.hpp).

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

namespace mtf {

/// Creates or truncates `path` and writes all of `content` (retrying short writes and EINTR),
/// then closes it. Returns 0, or the errno of the first call that failed (open, write or close:
/// a delayed write error can surface only at close).
[[nodiscard]] inline int write_whole_file(const std::filesystem::path& path,
                                          std::string_view content) noexcept {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return errno;
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return err;
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  if (::close(fd) != 0) return errno;
  return 0;
}

/// ": <strerror(err)>", or "" when err is 0 -- the tail of an I/O error message.
inline std::string os_reason(int err) {
  return err != 0 ? std::string(": ") + std::strerror(err) : std::string();
}

}  // namespace mtf
