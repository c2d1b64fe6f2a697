#pragma once
/// \file `model::gradient_boosting` fitted with xgboost (multi:softprob or focal loss), with
/// early stopping on a purged tail of the training rows.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "mtf/core/xtensor.hpp"
#include "mtf/models/fit_context.hpp"
#include "mtf/models/focal_loss.hpp"
#include "mtf/models/model_specs.hpp"
#include "mtf/models/pooled_rows.hpp"
#include "mtf/models/row_subset.hpp"
#include "mtf/models/tree_model.hpp"
#include "mtf/models/xgboost_api.hpp"
#include "mtf/split/purged_tail_split.hpp"

namespace mtf::model {

/// Gradient-boosted trees fitted by xgboost: multi:softprob, hist trees, the spec's depth, eta,
/// subsample, colsample_bytree, l1 (alpha), l2 (lambda) and min_child_weight.
///
/// Early stopping (when `early_stopping_rounds` > 0): the last 15% of the rows (by time) form a
/// tail that is never fitted; rows whose label window reaches the tail
/// (`fit_context::row_label_ends`) are dropped too (see `purged_tail_split`). After every round the
/// tail's weighted mlogloss is evaluated; training stops `early_stopping_rounds` rounds after the
/// best round, and the model is sliced to rounds [0, best_iteration]. The tail rows are then not
/// used for fitting -- a fold loses ~15% of its rows in exchange for an honest round count.
///
/// Focal objective: gradient and hessian from `focal_gradient` on the training margins, fed with
/// XGBoosterBoostOneIter; the objective stays multi:softprob so prediction applies the softmax
/// and the tail metric is still mlogloss.
class gradient_boosting_model {
 public:
  /// Share of the rows held out as the early-stopping tail.
  static constexpr double tail_share = 0.15;

  /// Fits on rows `x` (finite, time-ordered), labels `y` in {0,1,2}, weights `w` (empty = 1).
  /// Deterministic for a given seed and thread count.
  static gradient_boosting_model fit(const gradient_boosting& spec, const matrix& x,
                                     std::span<const int> y, std::span<const double> w,
                                     const fit_context& ctx) {
    if (spec.rounds < 1 || spec.max_depth < 1 || !(spec.eta > 0.0))
      throw model_error("gradient_boosting: rounds, max_depth and eta must be positive");
    if (spec.early_stopping_rounds < 0)
      throw model_error("gradient_boosting: early_stopping_rounds must not be negative");
    if (spec.objective == boosting_objective::focal && !(spec.focal_gamma >= 0.0))
      throw model_error("gradient_boosting: focal_gamma must not be negative");
    if (x.shape()[0] != y.size())
      throw model_error("gradient_boosting: " + std::to_string(x.shape()[0]) + " rows but " +
                        std::to_string(y.size()) + " labels");

    const bool early_stopping = spec.early_stopping_rounds > 0;
    // The fit rows (all rows, or the purged head) and, with early stopping, the tail.
    std::vector<std::size_t> fit_rows, tail_rows;
    matrix x_fit, x_tail;
    std::vector<int> y_fit, y_tail;
    std::vector<double> w_fit, w_tail;
    if (early_stopping) {
      auto parts = early_stopping_split(y.size(), ctx);
      fit_rows = std::move(parts.fit);
      tail_rows = std::move(parts.stop);
      x_fit = gather_rows(x, fit_rows);
      x_tail = gather_rows(x, tail_rows);
      y_fit = gather(y, fit_rows);
      y_tail = gather(y, tail_rows);
      w_fit = gather(w, fit_rows);
      w_tail = gather(w, tail_rows);
    }
    if (ctx.shard.distributed()) {
      // Several workers: this one fits and evaluates its contiguous share of the fit rows and
      // of the tail (with `local_rows`: its own rows of each); xgboost combines the shares'
      // histograms and the tail metric, so every worker sees the same loss and stops at the
      // same round.
      if (!early_stopping) {
        fit_rows.resize(y.size());
        std::iota(fit_rows.begin(), fit_rows.end(), std::size_t{0});
      }
      fit_rows = shard_of(fit_rows, ctx.shard);
      x_fit = gather_rows(x, fit_rows);
      y_fit = gather(y, fit_rows);
      w_fit = gather(w, fit_rows);
      if (early_stopping) {
        tail_rows = shard_of(tail_rows, ctx.shard);
        x_tail = gather_rows(x, tail_rows);
        y_tail = gather(y, tail_rows);
        w_tail = gather(w, tail_rows);
      }
    }
    const bool subset = early_stopping || ctx.shard.distributed();
    const matrix& train_x = subset ? x_fit : x;
    const std::span<const int> train_y = subset ? std::span<const int>(y_fit) : y;
    const std::span<const double> train_w = subset ? std::span<const double>(w_fit) : w;

    // A worker's share may be empty (its symbols have no rows in the fit part or the tail).
    const auto empty =
        ctx.shard.distributed() ? xgb::empty_share::allowed : xgb::empty_share::refused;
    const xgb::dmatrix train(train_x, train_y, train_w, ctx.threads, empty);
    std::optional<xgb::dmatrix> tail;
    if (early_stopping) tail.emplace(x_tail, y_tail, w_tail, ctx.threads, empty);
    const xgb::dmatrix* cache[] = {&train, tail ? &*tail : nullptr};
    xgb::booster booster{std::span<const xgb::dmatrix* const>(cache, tail ? 2 : 1)};
    tree_detail::set_common_params(booster, ctx.seed, ctx.threads, spec.max_bin);
    booster.set_param("max_depth", std::to_string(spec.max_depth));
    booster.set_param("eta", xgb::param_value(spec.eta));
    booster.set_param("subsample", xgb::param_value(spec.subsample));
    booster.set_param("colsample_bytree", xgb::param_value(spec.colsample_bytree));
    booster.set_param("alpha", xgb::param_value(spec.l1));
    booster.set_param("lambda", xgb::param_value(spec.l2));
    booster.set_param("min_child_weight", xgb::param_value(spec.min_child_weight));
    booster.set_param("eval_metric", "mlogloss");
    booster.configure();

    int best_iteration = spec.rounds - 1;
    double best_score = std::numeric_limits<double>::quiet_NaN();
    std::vector<float> gradient, hessian;
    for (int round = 0; round < spec.rounds; ++round) {
      if (spec.objective == boosting_objective::softprob) {
        booster.update_one_iter(round, train);
      } else {
        const auto margins = booster.training_margins(train, train_y.size() * 3);
        focal_gradient(margins, train_y, train_w, spec.focal_gamma, gradient, hessian);
        booster.boost_one_iter(train, gradient, hessian);
      }
      if (!early_stopping) continue;
      const double score = booster.eval_one_iter(round, *tail);
      if (!std::isfinite(score))
        throw model_error("gradient_boosting: early-stopping loss is not finite at round " +
                          std::to_string(round));
      if (round == 0 || score < best_score) {
        best_score = score;
        best_iteration = round;
      } else if (round - best_iteration >= spec.early_stopping_rounds) {
        break;
      }
    }
    if (booster.boosted_rounds() > best_iteration + 1)
      booster = booster.slice(0, best_iteration + 1);
    booster.set_attr("best_iteration", std::to_string(best_iteration));
    booster.set_attr("best_score", xgb::param_value(best_score));
    return gradient_boosting_model(tree_model(std::move(booster), kind, x.shape()[1]));
  }

  /// Class probabilities, rows x 3 (down, neutral, up).
  [[nodiscard]] matrix predict_proba(const matrix& x) const { return model_.predict_proba(x); }
  /// Total gain per feature, normalised to sum 1.
  [[nodiscard]] std::vector<double> feature_importance() const {
    return model_.feature_importance();
  }
  /// Writes the xgboost JSON model (with best_iteration and best_score attributes).
  void save(const std::filesystem::path& path) const { model_.save(path); }
  /// Reads a model written by `save` (fails on another kind of model).
  static gradient_boosting_model load(const std::filesystem::path& path) {
    return gradient_boosting_model(tree_model::load(path, kind));
  }

  /// 0-based index of the last round kept (rounds - 1 without early stopping).
  [[nodiscard]] int best_iteration() const {
    return std::stoi(model_.booster().attr("best_iteration"));
  }
  /// Tail mlogloss at best_iteration (NaN without early stopping).
  [[nodiscard]] double best_score() const { return std::stod(model_.booster().attr("best_score")); }
  /// Boosting rounds in the (sliced) model.
  [[nodiscard]] int rounds() const { return model_.booster().boosted_rounds(); }
  /// The underlying xgboost model.
  [[nodiscard]] const tree_model& trees() const noexcept { return model_; }

  static constexpr const char* kind = "gradient_boosting";

 private:
  /// The purged tail split of `split::purged_tail_split` on the context's row times and label
  /// ends. Without row times every row counts as its own instant (and label ends must be absent).
  static split::tail_split early_stopping_split(std::size_t rows, const fit_context& ctx) {
    std::vector<std::size_t> all(rows);
    std::iota(all.begin(), all.end(), std::size_t{0});
    if (!ctx.row_times.empty()) {
      if (ctx.row_times.size() != rows)
        throw model_error("gradient_boosting: " + std::to_string(ctx.row_times.size()) +
                          " row times for " + std::to_string(rows) + " rows");
      return pooled_tail_split(all, ctx.row_times, ctx.row_label_ends, tail_share, ctx.shard);
    }
    if (!ctx.row_label_ends.empty())
      throw model_error("gradient_boosting: early stopping with label ends needs row times");
    if (ctx.shard.local_rows)
      throw model_error("gradient_boosting: a distributed fit on local rows needs row times");
    std::vector<std::int64_t> index_times(all.begin(), all.end());
    return split::purged_tail_split(all, index_times, {}, tail_share);
  }

  explicit gradient_boosting_model(tree_model model) : model_(std::move(model)) {}
  tree_model model_;
};

template <>
struct fitted_model<gradient_boosting> {
  using type = gradient_boosting_model;
};

}  // namespace mtf::model
