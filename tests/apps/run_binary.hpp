#pragma once
// Running a retrain binary from a test as an operator would: fork + exec in a working
// directory, stdout and stderr captured, exit code returned. Also a self-removing temporary
// directory and small file helpers shared by the tests of tests/apps/.
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

extern char** environ;

namespace mtf::test_apps {

/// What a finished binary left behind. `exit_code` is the process's exit status, or 128 + the
/// signal number when it was killed by a signal (like a shell's $?).
struct run_result {
  int exit_code = -1;
  std::string out;  ///< everything written to stdout
  std::string err;  ///< everything written to stderr
};

namespace run_binary_detail {

/// An unlinked temporary file (close-on-exec) that a child's stdout or stderr is redirected to;
/// read back after the child exits. Files, not pipes, so a chatty child can never block on a
/// full pipe while the parent waits for another child.
class capture_file {
 public:
  capture_file() {
    std::string name = (std::filesystem::temp_directory_path() / "mtf-capture-XXXXXX").string();
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "mkostemp " + name);
    ::unlink(name.c_str());
  }
  capture_file(const capture_file&) = delete;
  capture_file& operator=(const capture_file&) = delete;
  capture_file(capture_file&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  capture_file& operator=(capture_file&&) = delete;
  ~capture_file() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int fd() const noexcept { return fd_; }
  /// The whole content written so far.
  [[nodiscard]] std::string read_all() const {
    std::string text;
    char buffer[65536];
    off_t offset = 0;
    for (;;) {
      const ssize_t got = ::pread(fd_, buffer, sizeof buffer, offset);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw std::system_error(errno, std::generic_category(), "pread capture");
      if (got == 0) break;
      text.append(buffer, static_cast<std::size_t>(got));
      offset += got;
    }
    return text;
  }

 private:
  int fd_ = -1;
};

}  // namespace run_binary_detail

/// A started binary; `wait()` collects it. Destroying an unwaited one waits for it, so no
/// zombie or stray process outlives a failed test.
class running_binary {
 public:
  running_binary(const std::filesystem::path& binary, const std::vector<std::string>& args,
                 const std::filesystem::path& cwd)
      : command_(binary.string()) {
    for (const auto& a : args)
      command_ += " " + a;
    // Everything the child needs is prepared before fork: between fork and exec only
    // async-signal-safe calls are allowed.
    std::vector<std::string> argv_text{binary.string()};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_text)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    // xgboost's OpenMP workers spin-wait by default; passive waiting keeps concurrent runs on
    // a 2-core machine sane (SPEC §3).
    std::vector<std::string> env_text;
    bool has_wait_policy = false;
    for (char** e = environ; e && *e; ++e) {
      env_text.emplace_back(*e);
      has_wait_policy = has_wait_policy || env_text.back().rfind("OMP_WAIT_POLICY=", 0) == 0;
    }
    if (!has_wait_policy) env_text.emplace_back("OMP_WAIT_POLICY=PASSIVE");
    std::vector<char*> envp;
    for (auto& e : env_text)
      envp.push_back(e.data());
    envp.push_back(nullptr);
    const std::string dir = cwd.string();
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0) throw std::system_error(errno, std::generic_category(), "open /dev/null");

    pid_ = ::fork();
    if (pid_ < 0) {
      ::close(null_fd);
      throw std::system_error(errno, std::generic_category(), "fork");
    }
    if (pid_ == 0) {
      // Child: exit 127 (like a shell) when the binary cannot be started at all.
      if (::chdir(dir.c_str()) != 0 || ::dup2(null_fd, STDIN_FILENO) < 0 ||
          ::dup2(out_.fd(), STDOUT_FILENO) < 0 || ::dup2(err_.fd(), STDERR_FILENO) < 0)
        ::_exit(127);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(null_fd);
  }
  running_binary(const running_binary&) = delete;
  running_binary& operator=(const running_binary&) = delete;
  ~running_binary() {
    if (pid_ > 0) (void)collect();
  }

  /// Process id of the child.
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  /// The command line, for failure messages.
  [[nodiscard]] const std::string& command() const noexcept { return command_; }

  /// Waits for the child and returns its exit code and output.
  run_result wait() {
    run_result r;
    r.exit_code = collect();
    r.out = out_.read_all();
    r.err = err_.read_all();
    return r;
  }

 private:
  int collect() {
    int status = 0;
    pid_t got = 0;
    do {
      got = ::waitpid(pid_, &status, 0);
    } while (got < 0 && errno == EINTR);
    pid_ = -1;
    if (got < 0) return -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
  }

  std::string command_;
  run_binary_detail::capture_file out_;
  run_binary_detail::capture_file err_;
  pid_t pid_ = -1;
};

/// Runs `binary args...` in `cwd` to completion.
inline run_result run(const std::filesystem::path& binary, const std::vector<std::string>& args,
                      const std::filesystem::path& cwd) {
  return running_binary(binary, args, cwd).wait();
}

/// A fresh directory under the system temp directory, removed with everything in it when the
/// object goes out of scope.
class temp_dir {
 public:
  explicit temp_dir(const std::string& purpose) {
    static std::atomic<unsigned> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("mtf-apps-" + purpose + "-" + std::to_string(::getpid()) + "-" +
             std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
    return path_ / name;
  }

 private:
  std::filesystem::path path_;
};

/// Whole content of a file ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Writes `text` to `file`, replacing it.
inline void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

/// Lines of `text` (without the newline characters; no trailing empty line).
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

/// Counts the occurrences of `needle` in `text`.
inline std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++n;
  return n;
}

}  // namespace mtf::test_apps
