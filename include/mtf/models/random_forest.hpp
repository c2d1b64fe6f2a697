#pragma once
/// \file `model::random_forest` fitted with xgboost's random-forest mode.

#include <cstddef>
#include <filesystem>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "mtf/core/xtensor.hpp"
#include "mtf/models/fit_context.hpp"
#include "mtf/models/model_specs.hpp"
#include "mtf/models/pooled_rows.hpp"
#include "mtf/models/row_subset.hpp"
#include "mtf/models/tree_model.hpp"
#include "mtf/models/xgboost_api.hpp"

namespace mtf::model {

/// xgboost `min_child_weight` equivalent to the plan's "at least `min_leaf` rows per leaf".
/// xgboost limits the hessian sum of a leaf, not its row count; under multi:softprob a row's
/// hessian is 2 p (1 - p) w, and in random-forest mode every tree is grown in the one and only
/// round, where p = 1/3 for every class, so a row weighs 2 · (1/3) · (2/3) · w = (4/9) w.
/// Hence min_child_weight = min_leaf · 4/9 · mean(w): exact for unit weights, and "min_leaf rows
/// of average weight" otherwise. It is lowered by a relative 1e-6 because xgboost sums hessians in
/// float: without that slack a leaf of exactly min_leaf rows can fall a rounding error short and be
/// refused, while min_leaf − 1 rows stay far below the bound.
inline double random_forest_min_child_weight(int min_leaf, std::span<const double> weights) {
  const double mean_weight = weights.empty()
                                 ? 1.0
                                 : std::accumulate(weights.begin(), weights.end(), 0.0) /
                                       static_cast<double>(weights.size());
  return static_cast<double>(min_leaf) * (4.0 / 9.0) * mean_weight * (1.0 - 1e-6);
}

/// A random forest fitted by xgboost: one boosting round growing `trees` parallel trees with
/// eta = 1, row `subsample` per tree, `colsample_bynode` features per split, `max_depth`,
/// hist tree method, multi:softprob, min_child_weight from `random_forest_min_child_weight`.
/// xgboost averages the parallel trees' leaf values (each a Newton step from the uniform
/// start), so its probabilities are smoother than leaf class frequencies; the meta-model and
/// the calibration stage rescale them.
class random_forest_model {
 public:
  /// Fits on rows `x` (finite), labels `y` in {0,1,2}, weights `w` (empty = 1). Deterministic for
  /// a given seed and thread count.
  static random_forest_model fit(const random_forest& spec, const matrix& x, std::span<const int> y,
                                 std::span<const double> w, const fit_context& ctx) {
    if (spec.trees < 1 || spec.max_depth < 1 || spec.min_leaf < 1)
      throw model_error("random_forest: trees, max_depth and min_leaf must be positive");
    if (!(spec.subsample > 0.0 && spec.subsample <= 1.0) ||
        !(spec.colsample_bynode > 0.0 && spec.colsample_bynode <= 1.0))
      throw model_error("random_forest: subsample and colsample_bynode must lie in (0, 1]");
    // With several workers this one fits its contiguous share of the rows (or, with
    // `local_rows`, its own rows); xgboost combines the shares. min_child_weight below is the
    // same everywhere: from every weight, or from the pooled weight sum.
    std::optional<xgb::dmatrix> shard_train;
    if (ctx.shard.distributed()) {
      std::vector<std::size_t> all(y.size());
      std::iota(all.begin(), all.end(), std::size_t{0});
      const auto mine = shard_of(all, ctx.shard);
      // This worker's share may be empty: the other workers' rows make the forest.
      shard_train.emplace(gather_rows(x, mine), gather(y, mine), gather(w, mine), ctx.threads,
                          xgb::empty_share::allowed);
    }
    const xgb::dmatrix train =
        shard_train ? std::move(*shard_train) : xgb::dmatrix(x, y, w, ctx.threads);
    const xgb::dmatrix* cache[] = {&train};
    xgb::booster booster{std::span<const xgb::dmatrix* const>(cache)};
    tree_detail::set_common_params(booster, ctx.seed, ctx.threads, spec.max_bin);
    booster.set_param("num_parallel_tree", std::to_string(spec.trees));
    booster.set_param("eta", "1");
    booster.set_param("max_depth", std::to_string(spec.max_depth));
    booster.set_param("subsample", xgb::param_value(spec.subsample));
    booster.set_param("colsample_bynode", xgb::param_value(spec.colsample_bynode));
    double min_child_weight = random_forest_min_child_weight(spec.min_leaf, w);
    if (ctx.shard.distributed() && ctx.shard.local_rows) {
      // Each worker holds its own rows: the mean weight is the pooled rows' (summed over the
      // workers), so every worker sets the same floor.
      std::vector<double> sums{
          w.empty() ? static_cast<double>(y.size()) : std::accumulate(w.begin(), w.end(), 0.0),
          static_cast<double>(y.size())};
      sum_over_workers(sums, ctx.shard);
      min_child_weight = static_cast<double>(spec.min_leaf) * (4.0 / 9.0) *
                         (sums[1] > 0.0 ? sums[0] / sums[1] : 1.0) * (1.0 - 1e-6);
    }
    booster.set_param("min_child_weight", xgb::param_value(min_child_weight));
    booster.configure();
    booster.update_one_iter(0, train);
    return random_forest_model(tree_model(std::move(booster), kind, x.shape()[1]));
  }

  /// Class probabilities, rows x 3 (down, neutral, up).
  [[nodiscard]] matrix predict_proba(const matrix& x) const { return model_.predict_proba(x); }
  /// Total gain per feature, normalised to sum 1.
  [[nodiscard]] std::vector<double> feature_importance() const {
    return model_.feature_importance();
  }
  /// Writes the xgboost JSON model.
  void save(const std::filesystem::path& path) const { model_.save(path); }
  /// Reads a model written by `save` (fails on another kind of model).
  static random_forest_model load(const std::filesystem::path& path) {
    return random_forest_model(tree_model::load(path, kind));
  }
  /// The underlying xgboost model.
  [[nodiscard]] const tree_model& trees() const noexcept { return model_; }

  static constexpr const char* kind = "random_forest";

 private:
  explicit random_forest_model(tree_model model) : model_(std::move(model)) {}
  tree_model model_;
};

template <>
struct fitted_model<random_forest> {
  using type = random_forest_model;
};

}  // namespace mtf::model
