#pragma once
/// \file The fault-injection hook of the artifact writers: a callback run before every durable
/// step (each file write, fsync, rename, backup copy), so tests can make any single step fail
/// and check that what is on disk afterwards is still consistent.

#include <functional>
#include <string_view>

namespace mtf::artifact {

/// Called with a short description of the step about to run ("write report.json",
/// "fsync runs/", "rename LATEST.json", ...). Production code passes an empty hook; a test hook
/// may throw to simulate a failure (or a crash) just before that step.
using step_hook = std::function<void(std::string_view step)>;

/// Runs `hook` (when set) for `step`; exceptions from the hook propagate unchanged.
inline void before_step(const step_hook& hook, std::string_view step) {
  if (hook) hook(step);
}

}  // namespace mtf::artifact
