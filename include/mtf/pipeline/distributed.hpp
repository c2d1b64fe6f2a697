#pragma once
/// \file `train --distributed` (SPEC §10d, depth): this process is one of N workers that train
/// one pooled model together through xgboost's own collective (rabit), started by
/// `scripts/mtf-distributed` (a tracker plus N workers, locally or under `srun -n N`).
///
/// This header is the worker's membership of the job (environment, joining, rank checks, the
/// inputs' identity); the retrain itself, in which each worker reads and prepares only its share
/// of the `--data` symbols and the pooled quantities are made global with the collective, is
/// `pipeline/distributed_retrain.hpp`. Worker 0 alone takes the output lock and writes the
/// artifact through the ordinary decision and atomic promotion.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/models/fit_context.hpp"
#include "mtf/models/xgboost_api.hpp"

namespace mtf::pipeline {

/// Where a worker finds the tracker and who it is, from the environment the launcher sets:
/// `DMLC_TRACKER_URI`, `DMLC_TRACKER_PORT`, `DMLC_TASK_ID` (this worker, 0-based; under Slurm
/// `$SLURM_PROCID`) and `DMLC_NUM_WORKER` (how many workers the job has).
struct worker_environment {
  std::string tracker_uri;
  int tracker_port = 0;
  int task_id = 0;
  int workers = 0;
};

namespace distributed_detail {
/// A non-negative integer environment variable, or usage_error naming it.
inline int integer_variable(const char* name, int min_value) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0')
    throw usage_error(std::string("train --distributed: environment variable ") + name +
                      " is not set (start the workers with scripts/mtf-distributed)");
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < min_value || value > 1'000'000)
    throw usage_error(std::string("train --distributed: environment variable ") + name + "='" +
                      text + "' is not an integer >= " + std::to_string(min_value));
  return static_cast<int>(value);
}
}  // namespace distributed_detail

/// Reads the worker environment; usage_error (exit 1) names a missing or malformed variable.
inline worker_environment read_worker_environment() {
  worker_environment env;
  const char* uri = std::getenv("DMLC_TRACKER_URI");
  if (uri == nullptr || *uri == '\0')
    throw usage_error(
        "train --distributed: environment variable DMLC_TRACKER_URI is not set (start the "
        "workers with scripts/mtf-distributed)");
  env.tracker_uri = uri;
  env.tracker_port = distributed_detail::integer_variable("DMLC_TRACKER_PORT", 1);
  env.task_id = distributed_detail::integer_variable("DMLC_TASK_ID", 0);
  env.workers = distributed_detail::integer_variable("DMLC_NUM_WORKER", 1);
  if (env.task_id >= env.workers)
    throw usage_error("train --distributed: DMLC_TASK_ID " + std::to_string(env.task_id) +
                      " is not below DMLC_NUM_WORKER " + std::to_string(env.workers));
  return env;
}

/// This process's membership of the job's collective: joins on construction (blocking until
/// every worker has reached the tracker), checks that the collective has exactly the expected
/// workers and that this worker's rank is its task id, and leaves on destruction.
class distributed_worker {
 public:
  explicit distributed_worker(const worker_environment& env)
      : env_(env), comm_(env.tracker_uri, env.tracker_port, env.task_id) {
    const int world = comm_.world_size();
    if (world != env.workers)
      throw artifact_error(
          "train --distributed: xgboost's collective has " + std::to_string(world) +
          " worker(s), the job expects " + std::to_string(env.workers) +
          (world == 1 ? " (the tracker configuration was not applied: this worker would train "
                        "alone)"
                      : ""));
    if (comm_.rank() != env.task_id)
      throw artifact_error("train --distributed: the tracker gave task " +
                           std::to_string(env.task_id) + " rank " + std::to_string(comm_.rank()) +
                           " (the tracker must sort workers by task id)");
  }

  /// The contiguous share of rows this worker fits when every worker holds the same rows
  /// (`model::row_shard`; the retrain uses `local_rows` instead: each worker its own rows).
  [[nodiscard]] model::row_shard shard() const {
    return {static_cast<std::size_t>(env_.task_id), static_cast<std::size_t>(env_.workers)};
  }
  [[nodiscard]] int rank() const noexcept { return env_.task_id; }
  [[nodiscard]] int workers() const noexcept { return env_.workers; }

  /// Fails on every worker (artifact_error, exit 4) unless all of them pass the same `values`
  /// (the inputs' identity: file list, seed, window end). Workers given different inputs would
  /// make different collective calls and hang or train nonsense together.
  void require_same(const std::vector<std::uint64_t>& values, std::string_view what) const {
    std::vector<std::uint64_t> low = values, high = values;
    xgb::allreduce_min(low);
    xgb::allreduce_max(high);
    if (low != high)
      throw artifact_error("train --distributed: the workers disagree on " + std::string(what) +
                           " (every worker must be given the same --data files, --seed and --to)");
  }

 private:
  worker_environment env_;
  xgb::communicator comm_;
};

/// The first 16 hex digits of a SHA-256 hex digest as a number (for `require_same`).
inline std::uint64_t digest_prefix(const std::string& hex) {
  return std::strtoull(hex.substr(0, 16).c_str(), nullptr, 16);
}

}  // namespace mtf::pipeline
