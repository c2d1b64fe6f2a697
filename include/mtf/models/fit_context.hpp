#pragma once
/// \file What every model fit receives besides its data (seed, threads, row times for purging),
/// and the compile-time map from a policy's model spec to the class that fits it.

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "mtf/core/xtensor.hpp"

namespace mtf::model {

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
