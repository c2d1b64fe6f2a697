#pragma once
/// \file Out-of-fold stacking (SPEC §4.8): base models from a policy's Boost.Hana tuple of specs
/// are fitted fold by fold to produce out-of-fold probabilities, a multinomial logistic
/// meta-model learns from those (never from in-sample predictions) with the same target-mix
/// weights as the base models, and the base models are then refitted on every training row.
/// The stack guard: when the meta-model's cross-fitted out-of-fold log loss is worse than the
/// best base model's by more than `stack_guard_tolerance`, greedy ensemble selection over the
/// base models' out-of-fold probabilities combines them instead. Generic over the spec tuple: no
/// run-time switch on model names.

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/core/file_write.hpp"
#include "mtf/core/parallel_for.hpp"
#include "mtf/core/scoring_rules.hpp"
#include "mtf/core/xtensor.hpp"
#include "mtf/models/ensemble_selection.hpp"
#include "mtf/models/fit_context.hpp"
#include "mtf/models/gradient_boosting.hpp"
#include "mtf/models/logistic_regression.hpp"
#include "mtf/models/model_specs.hpp"
#include "mtf/models/pooled_rows.hpp"
#include "mtf/models/random_forest.hpp"
#include "mtf/models/row_subset.hpp"
#include "mtf/models/xgboost_api.hpp"
#include "mtf/split/fold.hpp"

namespace mtf::model {

/// Log loss of one model over the folds, always against the raw labels (weights are for
/// fitting, not scoring): per fold (mean over the fold's validation rows, `mtf::log_loss`), their
/// mean and population standard deviation (the walk-forward stability metric of SPEC §7), and
/// `pooled`, the log loss over every out-of-fold row at once (what the stack guard compares).
struct fold_scores {
  std::vector<double> per_fold;
  double mean = 0.0;
  double std = 0.0;
  double pooled = 0.0;
};

/// The meta-model may be worse than the best base model by at most this much out-of-fold log
/// loss (nats) before the stack falls back to greedy ensemble selection (SPEC §4.8).
inline constexpr double stack_guard_tolerance = 0.002;

/// How a stack combines its base models' probabilities.
enum class combiner {
  single,      ///< one base model: its probabilities
  meta_model,  ///< the logistic meta-model over the base probabilities
  ensemble,    ///< the weighted average chosen by greedy ensemble selection
};

/// "single", "meta_model" or "ensemble" (the spelling in stack.json and the reports).
inline const char* combiner_name(combiner c) {
  switch (c) {
    case combiner::single:
      return "single";
    case combiner::meta_model:
      return "meta_model";
    case combiner::ensemble:
      return "ensemble";
  }
  return "unknown";
}

/// What the stack guard compared and chose (SPEC §4.8): every out-of-fold log loss is pooled
/// over the same rows and scored against raw labels.
struct stack_choice {
  combiner used = combiner::single;
  std::string reason;                    ///< one sentence for the reports
  std::size_t best_base = 0;             ///< index of the base model with the lowest OOF log loss
  double best_base_log_loss = 0.0;       ///< its pooled OOF log loss
  double meta_log_loss = 0.0;            ///< cross-fitted meta-model, pooled OOF (0 without meta)
  double ensemble_log_loss = 0.0;        ///< greedy ensemble on the OOF rows (0 without meta)
  std::vector<double> ensemble_weights;  ///< one per base model (empty without meta)
};

namespace stacking_detail {

inline fold_scores summarise(std::vector<double> per_fold) {
  fold_scores out;
  out.per_fold = std::move(per_fold);
  if (out.per_fold.empty()) return out;
  for (double v : out.per_fold)
    out.mean += v;
  out.mean /= static_cast<double>(out.per_fold.size());
  double squares = 0.0;
  for (double v : out.per_fold)
    squares += (v - out.mean) * (v - out.mean);
  out.std = std::sqrt(squares / static_cast<double>(out.per_fold.size()));
  return out;
}

inline nlohmann::json to_json(const fold_scores& s) {
  return {{"per_fold", s.per_fold}, {"mean", s.mean}, {"std", s.std}, {"pooled", s.pooled}};
}

inline fold_scores scores_from_json(const nlohmann::json& j) {
  fold_scores out = summarise(j.at("per_fold").get<std::vector<double>>());
  out.pooled = j.at("pooled").get<double>();
  return out;
}

/// Shortest readable rendering of a log loss for the reason texts.
inline std::string format_loss(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", value);
  return buffer;
}

inline combiner parse_combiner(const std::string& name) {
  for (const combiner c : {combiner::single, combiner::meta_model, combiner::ensemble})
    if (name == combiner_name(c)) return c;
  throw model_error("unknown stack combiner '" + name + "'");
}

/// Rows `rows` of `probs` as a new matrix.
inline matrix rows_of(const matrix& probs, std::span<const std::size_t> rows) {
  return gather_rows(probs, rows);
}

}  // namespace stacking_detail

/// Columns [3·b, 3·b + 3) of base probabilities side by side (rows x 3·B): base model b's class
/// probabilities (rows x 3).
inline matrix member_probabilities(const matrix& base, std::size_t b) {
  if (3 * b + 3 > base.shape()[1])
    throw model_error("member_probabilities: no base model " + std::to_string(b));
  matrix out = matrix::from_shape({base.shape()[0], 3});
  for (std::size_t r = 0; r < base.shape()[0]; ++r)
    for (std::size_t k = 0; k < 3; ++k)
      out(r, k) = base(r, 3 * b + k);
  return out;
}

/// The pooled training rows of a distributed stack fit in which every worker passes only its
/// own rows (`row_shard::local_rows`, SPEC §10d): the labels, weights and purged folds of every
/// worker's rows together, in the order one process would hold them, and where each of this
/// worker's rows sits in it. The worker's own folds are these folds restricted to its rows.
struct pooled_training {
  std::span<const int> y;                 ///< label of every pooled row
  std::span<const double> w;              ///< weight of every pooled row (empty = 1)
  std::span<const split::fold> folds;     ///< the purged folds over the pooled rows
  std::span<const std::size_t> position;  ///< pooled index of each of this worker's rows
};

template <class BaseTuple, class MetaSpec>
class stacked_model;

/// A fitted stack: B base models (one per spec of the policy's tuple, in order) and, with two or
/// more base models, a combiner over their 3·B class probabilities (columns: model 0
/// down/neutral/up, model 1 down/neutral/up, ...): the logistic-regression meta-model, or — when
/// the stack guard rejects the meta-model — the greedy ensemble's weighted average. With
/// `model::no_meta_model` (exactly one base model) the stack's probabilities are the base
/// model's.
template <class... BaseSpecs, class MetaSpec>
class stacked_model<boost::hana::tuple<BaseSpecs...>, MetaSpec> {
 public:
  static constexpr std::size_t base_count = sizeof...(BaseSpecs);
  static constexpr bool has_meta = !std::is_same_v<MetaSpec, no_meta_model>;
  static_assert(base_count >= 1, "stacking needs at least one base model");
  static_assert(std::is_same_v<MetaSpec, logistic_regression> || !has_meta,
                "the meta-model is model::logistic_regression or model::no_meta_model");
  static_assert(has_meta || base_count == 1,
                "two or more base models need a meta-model (model::logistic_regression)");

  using spec_tuple = boost::hana::tuple<BaseSpecs...>;
  using base_tuple = std::tuple<fitted_model_t<BaseSpecs>...>;

  /// Fits the stack on training rows `x` (time-ordered, finite), labels `y`, target-mix sample
  /// weights `w` (empty = 1; SPEC §4.7: used by every base model and by the meta-model, exactly
  /// once) and `folds` (indices into these rows; validation blocks disjoint, train rows purged
  /// and embargoed around them). `ctx.row_times` and `ctx.row_label_ends` (one per row, or empty)
  /// are passed on, gathered per fold, for early stopping.
  ///
  /// 1. For each fold, each base model is fitted on the fold's train rows and predicts its
  ///    validation rows: out-of-fold probabilities (rows that no fold validates stay NaN and are
  ///    left out of everything below). Folds run concurrently, one single-threaded fit each.
  /// 2. With a meta-model: its out-of-fold log loss is cross-fitted on the same purged folds (for
  ///    fold f it is fitted on the validated rows of fold f's train rows and scores fold f's
  ///    validation rows); greedy ensemble selection runs over the base models' out-of-fold
  ///    probabilities; the meta-model is fitted on every validated row. The stack guard then
  ///    picks the meta-model unless its log loss exceeds the best base model's by more than
  ///    `stack_guard_tolerance`, in which case the ensemble combines the base models.
  /// 3. The base models are refitted on all rows.
  /// Every log loss is scored against the raw labels. Throws `model_error` for inconsistent
  /// inputs or folds, `training_error` when a fold lacks a class the logistic models need.
  ///
  /// `pooled` (a distributed fit on local rows): the base models fit this worker's rows of each
  /// fold together with the other workers; the out-of-fold probabilities are then gathered and
  /// step 2 runs on the pooled rows, so scores, meta-model and guard are one process's.
  static stacked_model fit(const spec_tuple& specs, const MetaSpec& meta_spec, const matrix& x,
                           std::span<const int> y, std::span<const double> w,
                           const fit_context& ctx, const std::vector<split::fold>& folds,
                           const pooled_training* pooled = nullptr) {
    const std::size_t n = x.shape()[0];
    if (y.size() != n || (!w.empty() && w.size() != n) ||
        (!ctx.row_times.empty() && ctx.row_times.size() != n) ||
        (!ctx.row_label_ends.empty() && ctx.row_label_ends.size() != n))
      throw model_error(
          "stacking: rows, labels, weights, row times and label ends differ in length");
    if (folds.empty()) throw model_error("stacking: no folds");
    std::vector<int> validated_by(n, -1);
    for (std::size_t f = 0; f < folds.size(); ++f) {
      // A worker's share of a pooled fold may be empty; the pooled folds are checked below.
      if (pooled == nullptr && (folds[f].train.empty() || folds[f].validation.empty()))
        throw model_error("stacking: fold " + std::to_string(f) +
                          " has no train or no validation rows");
      for (std::size_t r : folds[f].validation) {
        if (r >= n)
          throw model_error("stacking: fold " + std::to_string(f) + " validates row " +
                            std::to_string(r) + " beyond " + std::to_string(n) + " rows");
        if (validated_by[r] >= 0)
          throw model_error("stacking: row " + std::to_string(r) + " is validated by folds " +
                            std::to_string(validated_by[r]) + " and " + std::to_string(f));
        validated_by[r] = static_cast<int>(f);
      }
    }

    stacked_model out;
    out.oof_ = matrix(std::array<std::size_t, 2>{n, 3 * base_count},
                      std::numeric_limits<double>::quiet_NaN());
    // Folds are fitted concurrently, one single-threaded fit per worker: many small xgboost
    // fits scale far better across cores (and under load from other processes) than one
    // multi-threaded fit after another, and a single-threaded fit is deterministic, so the
    // result depends on the thread count only, never on scheduling.
    std::array<std::vector<double>, base_count> base_losses;
    for (auto& l : base_losses)
      l.assign(folds.size(), 0.0);
    // In a distributed fit the folds run one after another (the collective's calls must come
    // in the same order on every worker), each with every thread.
    const std::size_t workers =
        ctx.shard.distributed()
            ? 1
            : std::min(folds.size(), static_cast<std::size_t>(std::max(1, ctx.threads)));
    auto fit_fold = [&](std::size_t f) {
      const auto& fold = folds[f];
      const matrix x_train = gather_rows(x, fold.train);
      const matrix x_valid = gather_rows(x, fold.validation);
      const auto y_train = gather(y, fold.train);
      const auto y_valid = gather(y, fold.validation);
      const auto w_train = gather(w, fold.train);
      const auto times_train = gather(ctx.row_times, fold.train);
      const auto ends_train = gather(ctx.row_label_ends, fold.train);
      fit_context fold_ctx = ctx;
      fold_ctx.row_times = times_train;
      fold_ctx.row_label_ends = ends_train;
      if (workers > 1) fold_ctx.threads = 1;
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (out.fit_fold_model<I>(boost::hana::at_c<I>(specs), x_train, y_train, w_train, fold_ctx,
                               x_valid, y_valid, fold.validation, base_losses[I][f]),
         ...);
      }
      (std::make_index_sequence<base_count>{});
    };
    parallel_for(folds.size(), workers, fit_fold);

    // Distributed on local rows: every worker's out-of-fold probabilities are gathered into the
    // pooled row order, and everything below (scores, the cross-fitted and final meta-model, the
    // ensemble, the guard) runs on the pooled rows exactly as one process runs it -- the same
    // rows in the same order, so the same bits on every worker.
    std::span<const int> ys = y;
    std::span<const double> ws = w;
    std::span<const split::fold> fs = folds;
    std::size_t np = n;
    if (pooled != nullptr) {
      np = pooled->y.size();
      if (pooled->position.size() != n || (!pooled->w.empty() && pooled->w.size() != np) ||
          pooled->folds.size() != folds.size())
        throw model_error("stacking: the pooled rows do not match this worker's rows and folds");
      const std::size_t width = 3 * base_count;
      std::vector<double> buffer(np * width, -0.0);
      for (std::size_t r = 0; r < n; ++r)
        if (validated_by[r] >= 0)
          for (std::size_t c = 0; c < width; ++c)
            buffer[pooled->position[r] * width + c] = out.oof_(r, c);
      sum_over_workers(buffer, ctx.shard);
      validated_by.assign(np, -1);
      for (std::size_t f = 0; f < pooled->folds.size(); ++f) {
        if (pooled->folds[f].train.empty() || pooled->folds[f].validation.empty())
          throw model_error("stacking: pooled fold " + std::to_string(f) +
                            " has no train or no validation rows");
        for (std::size_t r : pooled->folds[f].validation)
          validated_by[r] = static_cast<int>(f);
      }
      out.oof_ =
          matrix(std::array<std::size_t, 2>{np, width}, std::numeric_limits<double>::quiet_NaN());
      for (std::size_t r = 0; r < np; ++r)
        if (validated_by[r] >= 0)
          for (std::size_t c = 0; c < width; ++c)
            out.oof_(r, c) = buffer[r * width + c];
      ys = pooled->y;
      ws = pooled->w;
      fs = pooled->folds;
      for (std::size_t f = 0; f < fs.size(); ++f) {
        const matrix p = stacking_detail::rows_of(out.oof_, fs[f].validation);
        const auto y_valid = gather(ys, fs[f].validation);
        for (std::size_t b = 0; b < base_count; ++b)
          base_losses[b][f] = log_loss(member_probabilities(p, b), y_valid);
      }
    }
    // The meta-model sees the same (pooled) rows on every worker: it is fitted alone.
    fit_context meta_ctx = ctx;
    meta_ctx.shard = {};

    for (std::size_t r = 0; r < np; ++r)
      if (validated_by[r] >= 0) out.validated_rows_.push_back(r);
    const std::span<const std::size_t> validated(out.validated_rows_);
    const auto y_validated = gather(ys, validated);
    const matrix oof_validated = stacking_detail::rows_of(out.oof_, validated);
    std::vector<matrix> members;
    for (std::size_t b = 0; b < base_count; ++b) {
      members.push_back(member_probabilities(oof_validated, b));
      out.base_scores_[b] = stacking_detail::summarise(std::move(base_losses[b]));
      out.base_scores_[b].pooled = log_loss(members.back(), y_validated);
    }
    stack_choice& choice = out.choice_;
    for (std::size_t b = 1; b < base_count; ++b)
      if (out.base_scores_[b].pooled < out.base_scores_[choice.best_base].pooled)
        choice.best_base = b;
    choice.best_base_log_loss = out.base_scores_[choice.best_base].pooled;

    if constexpr (has_meta) {
      // Cross-fitted meta score on the purged folds: fold f's rows scored by a meta-model fitted
      // on the validated rows among fold f's (purged, embargoed) train rows.
      matrix meta_oof = matrix::from_shape({np, 3});
      std::vector<double> meta_losses;
      for (std::size_t f = 0; f < fs.size(); ++f) {
        std::vector<std::size_t> fit_rows;
        for (std::size_t r : fs[f].train)
          if (validated_by[r] >= 0) fit_rows.push_back(r);
        if (fit_rows.empty())
          throw model_error("stacking: fold " + std::to_string(f) +
                            " leaves no out-of-fold rows to fit the meta-model on");
        const auto meta = logistic_regression_model::fit(
            meta_spec, stacking_detail::rows_of(out.oof_, fit_rows), gather(ys, fit_rows),
            gather(ws, std::span<const std::size_t>(fit_rows)), meta_ctx);
        const matrix p = meta.predict_proba(stacking_detail::rows_of(out.oof_, fs[f].validation));
        meta_losses.push_back(log_loss(p, gather(ys, fs[f].validation)));
        for (std::size_t i = 0; i < fs[f].validation.size(); ++i)
          for (std::size_t k = 0; k < 3; ++k)
            meta_oof(fs[f].validation[i], k) = p(i, k);
      }
      out.stack_scores_ = stacking_detail::summarise(std::move(meta_losses));
      out.stack_scores_.pooled =
          log_loss(stacking_detail::rows_of(meta_oof, validated), y_validated);
      choice.meta_log_loss = out.stack_scores_.pooled;
      out.meta_.emplace(logistic_regression_model::fit(meta_spec, oof_validated, y_validated,
                                                       gather(ws, validated), meta_ctx));

      const ensemble_weights ensemble = select_ensemble(members, y_validated);
      choice.ensemble_log_loss = ensemble.log_loss;
      choice.ensemble_weights = ensemble.weights;
      const std::string losses =
          "meta-model " + stacking_detail::format_loss(choice.meta_log_loss) +
          ", best base model " + stacking_detail::format_loss(choice.best_base_log_loss) +
          ", ensemble " + stacking_detail::format_loss(choice.ensemble_log_loss) +
          " (out-of-fold log loss)";
      if (choice.meta_log_loss > choice.best_base_log_loss + stack_guard_tolerance) {
        choice.used = combiner::ensemble;
        choice.reason = "the meta-model is worse than the best base model by more than " +
                        stacking_detail::format_loss(stack_guard_tolerance) +
                        ": greedy ensemble selection used; " + losses;
        // The stack's out-of-fold scores are the ensemble's on the same rows and folds.
        std::vector<double> per_fold;
        const matrix averaged = weighted_average(members, choice.ensemble_weights);
        for (const auto& fold : fs) {
          std::vector<std::size_t> positions;
          for (std::size_t r : fold.validation)
            positions.push_back(static_cast<std::size_t>(
                std::lower_bound(out.validated_rows_.begin(), out.validated_rows_.end(), r) -
                out.validated_rows_.begin()));
          per_fold.push_back(log_loss(stacking_detail::rows_of(averaged, positions),
                                      gather(std::span<const int>(y_validated), positions)));
        }
        out.stack_scores_ = stacking_detail::summarise(std::move(per_fold));
        out.stack_scores_.pooled = choice.ensemble_log_loss;
      } else {
        choice.used = combiner::meta_model;
        choice.reason = "the meta-model is within " +
                        stacking_detail::format_loss(stack_guard_tolerance) +
                        " of the best base model or better: meta-model used; " + losses;
      }
    } else {
      out.stack_scores_ = out.base_scores_[0];
      choice.used = combiner::single;
      choice.reason = "one base model: its probabilities are the stack's";
    }

    out.bases_.emplace(refit_all(specs, x, y, w, ctx, std::make_index_sequence<base_count>{}));
    return out;
  }

  /// Stacked class probabilities (rows x 3) for feature rows `x`, through the chosen combiner.
  [[nodiscard]] matrix predict_proba(const matrix& x) const {
    if constexpr (has_meta) {
      return combine(choice_.used, base_probabilities(x));
    } else {
      return std::get<0>(*bases_).predict_proba(x);
    }
  }

  /// Probabilities (rows x 3) of combiner `how` applied to base probabilities `base` (rows x 3·B,
  /// from `base_probabilities`): the meta-model's, the ensemble's or the single base model's.
  /// Reports use it to score the combiner the guard did not choose on the same rows.
  [[nodiscard]] matrix combine(combiner how, const matrix& base) const {
    if (base.shape()[1] != 3 * base_count)
      throw model_error("stacking: " + std::to_string(base.shape()[1]) +
                        " base probability columns, expected " + std::to_string(3 * base_count));
    if constexpr (has_meta) {
      if (how == combiner::meta_model) return meta_->predict_proba(base);
      if (how == combiner::ensemble) {
        std::vector<matrix> members;
        for (std::size_t b = 0; b < base_count; ++b)
          members.push_back(member_probabilities(base, b));
        return weighted_average(members, choice_.ensemble_weights);
      }
    } else {
      if (how == combiner::single) return base;
    }
    throw model_error(std::string("stacking: this stack has no ") + combiner_name(how) +
                      " combiner");
  }

  /// The refitted base models' probabilities side by side (rows x 3·B), the combiner's input.
  [[nodiscard]] matrix base_probabilities(const matrix& x) const {
    matrix out(std::array<std::size_t, 2>{x.shape()[0], 3 * base_count});
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (copy_columns(std::get<I>(*bases_).predict_proba(x), out, I), ...);
    }
    (std::make_index_sequence<base_count>{});
    return out;
  }

  /// Out-of-fold base probabilities of the training rows (rows x 3·B); rows no fold validated
  /// are NaN. Empty after `load` (not saved).
  [[nodiscard]] const matrix& oof_probabilities() const noexcept { return oof_; }
  /// Training rows that some fold validated (the meta-model's rows), ascending. Empty after load.
  [[nodiscard]] const std::vector<std::size_t>& validated_rows() const noexcept {
    return validated_rows_;
  }
  /// Out-of-fold log loss of base model `b` per fold, mean, std and pooled.
  [[nodiscard]] const fold_scores& base_scores(std::size_t b) const { return base_scores_.at(b); }
  /// Out-of-fold log loss of the stacked predictor as used (cross-fitted meta-model, ensemble or
  /// the single base model) per fold, mean, std and pooled; `.std` is the fold stability metric.
  [[nodiscard]] const fold_scores& stack_scores() const noexcept { return stack_scores_; }
  /// What the stack guard compared and chose.
  [[nodiscard]] const stack_choice& choice() const noexcept { return choice_; }
  /// Mean over base models of each model's normalised feature importance (sums to 1 unless every
  /// model reports all zeros).
  [[nodiscard]] std::vector<double> feature_importance() const {
    std::vector<double> out;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (add_importance(std::get<I>(*bases_).feature_importance(), out), ...);
    }
    (std::make_index_sequence<base_count>{});
    for (double& v : out)
      v /= static_cast<double>(base_count);
    return out;
  }
  /// Base model `I` (refitted on all rows).
  template <std::size_t I>
  [[nodiscard]] const auto& base() const {
    return std::get<I>(*bases_);
  }
  /// The meta-model (only when the stack has one; fitted even when the ensemble is used).
  [[nodiscard]] const logistic_regression_model& meta() const requires has_meta { return *meta_; }

  /// Saves into directory `dir` (created if missing): base_<i>_<kind>.json per base model (xgboost
  /// JSON or logistic JSON), meta_logistic_regression.json, and stack.json listing them with the
  /// out-of-fold scores and the stack guard's choice (combiner and ensemble weights).
  void save(const std::filesystem::path& dir) const {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      throw model_error("cannot create model directory " + dir.string() + ": " + ec.message());
    nlohmann::json manifest;
    manifest["format_version"] = 2;
    manifest["base_models"] = nlohmann::json::array();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (save_base<I>(dir, manifest), ...);
    }
    (std::make_index_sequence<base_count>{});
    if constexpr (has_meta) {
      meta_->save(dir / "meta_logistic_regression.json");
      manifest["meta_model"] = {{"kind", logistic_regression_model::kind},
                                {"file", "meta_logistic_regression.json"}};
    } else {
      manifest["meta_model"] = nullptr;
    }
    manifest["combiner"] = {{"used", combiner_name(choice_.used)},
                            {"reason", choice_.reason},
                            {"best_base", choice_.best_base},
                            {"best_base_log_loss", choice_.best_base_log_loss},
                            {"meta_log_loss", choice_.meta_log_loss},
                            {"ensemble_log_loss", choice_.ensemble_log_loss},
                            {"ensemble_weights", choice_.ensemble_weights}};
    manifest["stack_scores"] = stacking_detail::to_json(stack_scores_);
    if (const int err = write_whole_file(dir / "stack.json", manifest.dump(1) + '\n'))
      throw model_error("cannot write " + (dir / "stack.json").string() + os_reason(err));
  }

  /// Loads a stack saved by `save` with the same base-spec tuple and meta spec types; throws
  /// `model_error` when the directory holds another mix of models, another format version or a
  /// file is unreadable.
  static stacked_model load(const std::filesystem::path& dir) {
    errno = 0;
    std::ifstream in(dir / "stack.json");
    if (!in) throw model_error("cannot open " + (dir / "stack.json").string() + os_reason(errno));
    nlohmann::json manifest;
    try {
      manifest = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw model_error((dir / "stack.json").string() + " is malformed: " + e.what());
    }
    try {
      // Compared as JSON values: get<int>() of a float like 1e86 would be undefined behaviour
      // (found by tests/fuzz/fuzz_stack_manifest).
      if (manifest.at("format_version") != 2)
        throw model_error((dir / "stack.json").string() + " has format version " +
                          manifest.at("format_version").dump() + ", this build reads 2");
      const auto& bases = manifest.at("base_models");
      if (!bases.is_array() || bases.size() != base_count)
        throw model_error((dir / "stack.json").string() + " lists " + std::to_string(bases.size()) +
                          " base models, expected " + std::to_string(base_count));
      if (manifest.at("meta_model").is_null() == has_meta)
        throw model_error((dir / "stack.json").string() + ": meta-model presence differs");
      stacked_model out;
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        // Braced initialisation loads in order, so the first mismatching model is reported.
        out.bases_.emplace(base_tuple{load_base<I>(dir, bases[I])...});
        ((out.base_scores_[I] = stacking_detail::scores_from_json(bases[I].at("scores"))), ...);
      }
      (std::make_index_sequence<base_count>{});
      if constexpr (has_meta)
        out.meta_.emplace(
            logistic_regression_model::load(model_file(dir, manifest.at("meta_model"))));
      const auto& c = manifest.at("combiner");
      out.choice_.used = stacking_detail::parse_combiner(c.at("used").get<std::string>());
      out.choice_.reason = c.at("reason").get<std::string>();
      const auto& best_base = c.at("best_base");
      if (!best_base.is_number_unsigned() || best_base.get<std::uint64_t>() >= base_count)
        throw model_error((dir / "stack.json").string() + ": best_base " + best_base.dump() +
                          " is not the index of one of the " + std::to_string(base_count) +
                          " base models");
      out.choice_.best_base = static_cast<std::size_t>(best_base.get<std::uint64_t>());
      out.choice_.best_base_log_loss = c.at("best_base_log_loss").get<double>();
      out.choice_.meta_log_loss = c.at("meta_log_loss").get<double>();
      out.choice_.ensemble_log_loss = c.at("ensemble_log_loss").get<double>();
      out.choice_.ensemble_weights = c.at("ensemble_weights").get<std::vector<double>>();
      const bool consistent =
          has_meta ? out.choice_.used != combiner::single : out.choice_.used == combiner::single;
      double weight_sum = 0.0;
      for (const double v : out.choice_.ensemble_weights) {
        if (!(v >= 0.0) || !std::isfinite(v)) weight_sum = -1.0;
        weight_sum += v;
      }
      if (!consistent || (out.choice_.used == combiner::ensemble &&
                          (out.choice_.ensemble_weights.size() != base_count ||
                           std::abs(weight_sum - 1.0) > 1e-9)))
        throw model_error((dir / "stack.json").string() +
                          ": the combiner does not fit this stack (or its ensemble weights are "
                          "not a distribution over the base models)");
      out.stack_scores_ = stacking_detail::scores_from_json(manifest.at("stack_scores"));
      return out;
    } catch (const nlohmann::json::exception& e) {
      throw model_error((dir / "stack.json").string() + " is malformed: " + e.what());
    }
  }

 private:
  stacked_model() = default;

  template <std::size_t I, class Spec>
  void fit_fold_model(const Spec& spec, const matrix& x_train, const std::vector<int>& y_train,
                      const std::vector<double>& w_train, const fit_context& ctx,
                      const matrix& x_valid, const std::vector<int>& y_valid,
                      const std::vector<std::size_t>& valid_rows, double& loss) {
    const auto model = fitted_model_t<Spec>::fit(spec, x_train, y_train, w_train, ctx);
    if (valid_rows.empty()) return;  // a worker without rows in this fold's validation block
    const matrix p = model.predict_proba(x_valid);
    loss = log_loss(p, y_valid);
    for (std::size_t r = 0; r < valid_rows.size(); ++r)
      for (std::size_t k = 0; k < 3; ++k)
        oof_(valid_rows[r], 3 * I + k) = p(r, k);
  }

  template <std::size_t... I>
  static base_tuple refit_all(const spec_tuple& specs, const matrix& x, std::span<const int> y,
                              std::span<const double> w, const fit_context& ctx,
                              std::index_sequence<I...>) {
    if (ctx.threads <= 1 || base_count == 1 || ctx.shard.distributed()) {
      // Braced initialisation evaluates left to right: base models train one after another.
      return base_tuple{fitted_model_t<std::tuple_element_t<I, std::tuple<BaseSpecs...>>>::fit(
          boost::hana::at_c<I>(specs), x, y, w, ctx)...};
    }
    // With several threads, the base models are refitted concurrently, each single-threaded.
    fit_context single = ctx;
    single.threads = 1;
    auto pending = std::make_tuple(std::async(std::launch::async, [&] {
      return fitted_model_t<std::tuple_element_t<I, std::tuple<BaseSpecs...>>>::fit(
          boost::hana::at_c<I>(specs), x, y, w, single);
    })...);
    return base_tuple{std::get<I>(pending).get()...};
  }

  static void copy_columns(const matrix& p, matrix& out, std::size_t model) {
    for (std::size_t r = 0; r < p.shape()[0]; ++r)
      for (std::size_t k = 0; k < 3; ++k)
        out(r, 3 * model + k) = p(r, k);
  }

  static void add_importance(const std::vector<double>& importance, std::vector<double>& out) {
    if (out.empty()) out.assign(importance.size(), 0.0);
    if (importance.size() != out.size())
      throw model_error("stacking: base models disagree on the number of features");
    for (std::size_t j = 0; j < out.size(); ++j)
      out[j] += importance[j];
  }

  template <std::size_t I>
  void save_base(const std::filesystem::path& dir, nlohmann::json& manifest) const {
    using model_type = std::tuple_element_t<I, base_tuple>;
    const std::string file = "base_" + std::to_string(I) + "_" + model_type::kind + ".json";
    std::get<I>(*bases_).save(dir / file);
    manifest["base_models"].push_back({{"kind", model_type::kind},
                                       {"file", file},
                                       {"scores", stacking_detail::to_json(base_scores_[I])}});
  }

  /// `dir / entry["file"]`, which must be a plain file name: a tampered stack.json must not make
  /// the loader read outside the model directory.
  static std::filesystem::path model_file(const std::filesystem::path& dir,
                                          const nlohmann::json& entry) {
    const std::filesystem::path file = entry.at("file").get<std::string>();
    if (file.empty() || file != file.filename() || file == "." || file == "..")
      throw model_error("stack in " + dir.string() + ": model file " + entry.at("file").dump() +
                        " is not a file name inside the model directory");
    return dir / file;
  }

  template <std::size_t I>
  static std::tuple_element_t<I, base_tuple> load_base(const std::filesystem::path& dir,
                                                       const nlohmann::json& entry) {
    using model_type = std::tuple_element_t<I, base_tuple>;
    const auto kind = entry.at("kind").get<std::string>();
    if (kind != model_type::kind)
      throw model_error("stack in " + dir.string() + ": base model " + std::to_string(I) + " is '" +
                        kind + "', expected '" + model_type::kind + "'");
    return model_type::load(model_file(dir, entry));
  }

  std::optional<base_tuple> bases_;
  std::optional<logistic_regression_model> meta_;
  matrix oof_;
  std::vector<std::size_t> validated_rows_;
  std::array<fold_scores, base_count> base_scores_{};
  fold_scores stack_scores_;
  stack_choice choice_;
};

/// Fits the stack of a policy's `base_models` tuple and `meta_model` (see `stacked_model::fit`).
template <class... BaseSpecs, class MetaSpec>
stacked_model<boost::hana::tuple<BaseSpecs...>, MetaSpec> fit_stack(
    const boost::hana::tuple<BaseSpecs...>& specs, const MetaSpec& meta_spec, const matrix& x,
    std::span<const int> y, std::span<const double> w, const fit_context& ctx,
    const std::vector<split::fold>& folds, const pooled_training* pooled = nullptr) {
  return stacked_model<boost::hana::tuple<BaseSpecs...>, MetaSpec>::fit(specs, meta_spec, x, y, w,
                                                                        ctx, folds, pooled);
}

}  // namespace mtf::model
