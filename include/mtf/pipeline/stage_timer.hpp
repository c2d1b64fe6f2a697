#pragma once
/// \file Wall time per pipeline stage (SPEC §4: "every stage prints its wall time").

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace mtf::pipeline {

/// Records and prints the wall time of each stage on stderr as `[stage] 1.23 s`. When stderr
/// is a terminal, a stage prints a "started" line first so a long stage (over ~2 s) is seen
/// to progress rather than hang. A quiet timer (walk-forward windows running side by side) only
/// records.
class stage_timer {
 public:
  explicit stage_timer(bool progress, bool quiet = false)
      : progress_(progress && !quiet), quiet_(quiet) {}

  /// Runs `work` as the named stage and returns its result.
  template <class F>
  decltype(auto) run(const std::string& stage, F&& work) {
    if (progress_) std::fprintf(stderr, "[%s] ...\r", stage.c_str());
    const auto start = std::chrono::steady_clock::now();
    struct finish {
      stage_timer& self;
      const std::string& stage;
      std::chrono::steady_clock::time_point start;
      ~finish() {
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        self.stages_.emplace_back(stage, s);
        if (!self.quiet_) std::fprintf(stderr, "[%s] %.2f s\n", stage.c_str(), s);
      }
    } guard{*this, stage, start};
    return std::forward<F>(work)();
  }

  /// (stage, seconds) in the order the stages ran.
  [[nodiscard]] const std::vector<std::pair<std::string, double>>& stages() const {
    return stages_;
  }

 private:
  bool progress_;
  bool quiet_;
  std::vector<std::pair<std::string, double>> stages_;
};

}  // namespace mtf::pipeline
