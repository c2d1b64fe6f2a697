#pragma once
/// \file What every model fit receives besides its data (seed, threads, row times for purging),
/// and the compile-time map from a policy's model spec to the class that fits it.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/core/xtensor.hpp"

namespace mtf::model {

/// The share of the rows this process fits on when several processes train one model together
/// through xgboost's collective (`xgb::communicator`): worker `rank` of `world` fits the
/// contiguous rows [n·rank/world, n·(rank+1)/world) of every xgboost training and
/// early-stopping set, and xgboost combines the workers' sketches, histograms and metrics.
/// Every worker must hold the same rows and call the same fits in the same order.
/// With `local_rows` every worker instead passes only its own rows (the rows of its symbols,
/// `pipeline/distributed_retrain.hpp`) and fits all of them; what one process computes over all
/// rows (the early-stopping tail, logistic-regression sums) is then pooled through the
/// collective (`models/pooled_rows.hpp`).
struct row_shard {
  std::size_t rank = 0;
  std::size_t world = 1;    ///< 1: this process fits every row (no collective)
  bool local_rows = false;  ///< each worker's rows are its own (not a copy of everyone's)
  [[nodiscard]] bool distributed() const noexcept { return world > 1; }
};

/// The indices of `rows` (a list of row indices) that worker `shard` fits: its contiguous share.
/// Throws model_error when there are fewer rows than workers (a worker would have none). With
/// `local_rows` the rows are already this worker's own: all of them.
inline std::vector<std::size_t> shard_of(std::span<const std::size_t> rows, row_shard shard) {
  if (shard.world == 0 || shard.rank >= shard.world)
    throw model_error("row shard: rank " + std::to_string(shard.rank) + " of " +
                      std::to_string(shard.world) + " workers");
  if (shard.local_rows) return {rows.begin(), rows.end()};
  if (rows.size() < shard.world)
    throw model_error("distributed fit: " + std::to_string(rows.size()) +
                      " rows cannot be shared by " + std::to_string(shard.world) + " workers");
  const std::size_t begin = rows.size() * shard.rank / shard.world;
  const std::size_t end = rows.size() * (shard.rank + 1) / shard.world;
  return {rows.begin() + static_cast<std::ptrdiff_t>(begin),
          rows.begin() + static_cast<std::ptrdiff_t>(end)};
}

/// Run-time settings shared by every model fit.
struct fit_context {
  std::uint64_t seed = 0;  ///< seeds every random choice of the fit (row/feature sampling)
  int threads = 1;         ///< threads for xgboost (train base models one after another)
  /// Timestamp (UTC epoch seconds, bar open) of each training row, time-ordered; used to cut an
  /// early-stopping tail by time. May be empty: rows then count as their own instants.
  std::span<const std::int64_t> row_times{};
  /// Label end of each training row (the open time of the bar whose close ends its label
  /// window, SPEC §4.6): rows whose label ends at or after the first tail row are purged from
  /// the fit. Empty: no purge.
  std::span<const std::int64_t> row_label_ends{};
  /// The rows this process fits when training with other workers (default: all of them). Fits
  /// then run one after another, never concurrently: the collective's calls must come in the
  /// same order on every worker.
  row_shard shard{};
};

/// Maps a model spec (`model::random_forest`, ...) to its fitted-model class. Each model header
/// specialises it; an unknown spec fails to compile.
template <class Spec>
struct fitted_model;

/// The fitted-model class of `Spec`.
template <class Spec>
using fitted_model_t = typename fitted_model<Spec>::type;

/// What stacking needs of a fitted model: fit from a spec, 3-class probabilities, normalised
/// importance per feature, and a save/load round trip.
template <class M, class Spec>
concept FittedModel = requires(const M& m, const Spec& spec, const matrix& x,
                               std::span<const int> y, std::span<const double> w,
                               const fit_context& ctx, const std::filesystem::path& path) {
  { M::fit(spec, x, y, w, ctx) } -> std::same_as<M>;
  { m.predict_proba(x) } -> std::same_as<matrix>;
  { m.feature_importance() } -> std::same_as<std::vector<double>>;
  {m.save(path)};
  { M::load(path) } -> std::same_as<M>;
};

}  // namespace mtf::model
