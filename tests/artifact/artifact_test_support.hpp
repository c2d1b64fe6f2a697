#pragma once
// Helpers shared by the artifact tests: a scratch directory and forked child processes.

#include <signal.h>
#include <stdlib.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <system_error>

namespace mtf::artifact::test {

/// Where crash-loop tests put their stores: /dev/shm (tmpfs) when it is writable with 1 GiB
/// free, else the system temp dir. The loops check the store's logic against process death,
/// which leaves the page cache intact, so real-disk fsyncs would only make them slow (on a busy
/// disk the fault loop took 12 s instead of 0.2 s).
inline std::filesystem::path memory_backed_temp_root() {
  struct statvfs fs_stats {};
  if (::access("/dev/shm", W_OK) == 0 && ::statvfs("/dev/shm", &fs_stats) == 0 &&
      static_cast<unsigned long long>(fs_stats.f_bavail) * fs_stats.f_frsize >= (1ull << 30)) {
    return "/dev/shm";
  }
  return std::filesystem::temp_directory_path();
}

/// A fresh directory, removed with everything in it on destruction: under the system temp dir
/// (a real disk file system), or under memory_backed_temp_root() when `in_memory`.
class scratch_dir {
 public:
  explicit scratch_dir(bool in_memory = false) {
    const std::filesystem::path root =
        in_memory ? memory_backed_temp_root() : std::filesystem::temp_directory_path();
    std::string pattern = (root / "mtf-artifact-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

/// Forks a child that runs `body` and exits with its return value (97 when it throws). The
/// child leaves with _exit so neither Catch2 nor static destructors run twice.
inline pid_t fork_child(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int code = 97;
    try {
      code = body();
    } catch (...) {
      code = 97;
    }
    ::_exit(code);
  }
  return pid;
}

/// Waits for `pid`; returns its exit code, or 128 + signal number when a signal ended it.
inline int wait_child(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

/// Blocks until one byte arrives on `fd`; false on EOF.
inline bool read_byte(int fd) {
  char byte = 0;
  for (;;) {
    const ssize_t got = ::read(fd, &byte, 1);
    if (got == 1) return true;
    if (got == 0) return false;
    if (errno != EINTR) return false;
  }
}

/// Writes one byte to `fd`.
inline void write_byte(int fd) {
  const char byte = 'x';
  while (::write(fd, &byte, 1) < 0 && errno == EINTR) {
  }
}

}  // namespace mtf::artifact::test
