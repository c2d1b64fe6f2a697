#pragma once
/// \file Streaming single-bar scoring (issue 6): a library entry point for a live process that
/// receives one new candle at a time. Indicator state is kept between bars
/// (`streaming_features`), so a new bar costs O(1) per feature; the bar's feature row then goes
/// through the policy's stacked model and calibrator and the trade gate, giving the numbers
/// `retrain_<tf> predict` prints for that bar.
///
/// The xgboost models (random forest, gradient boosting) are by default evaluated by a native
/// walker of their JSON trees (`model::native_softprob_forest`) instead of
/// XGBoosterPredictFromDense, whose per-call overhead dominates a one-row prediction. The walker
/// performs xgboost 1.7's CPU-predictor arithmetic (features and leaf values in float, leaf values
/// summed per class in tree order from base_score, float softmax with a double sum), so its
/// probabilities are bit-identical to the library's; the tests check that on every bar.

#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "mtf/calibration/calibrator.hpp"
#include "mtf/core/xtensor.hpp"
#include "mtf/features/streaming_features.hpp"
#include "mtf/models/gradient_boosting.hpp"
#include "mtf/models/logistic_regression.hpp"
#include "mtf/models/native_forest.hpp"
#include "mtf/models/random_forest.hpp"
#include "mtf/models/xgboost_api.hpp"
#include "mtf/pipeline/inference.hpp"
#include "mtf/pipeline/model_age.hpp"
#include "mtf/policy/timeframe_policy.hpp"
#include "mtf/validation/signal_stats.hpp"

namespace mtf::pipeline {

/// One scored bar: what `retrain_<tf> predict` prints for it.
struct scored_bar {
  std::int64_t timestamp = 0;  ///< the bar's open time, UTC epoch seconds
  double p_down = 0.0;         ///< calibrated probabilities, summing to 1
  double p_neutral = 0.0;
  double p_up = 0.0;
  double confidence = 0.0;  ///< max(p_up, p_down)
  double alpha = 0.0;       ///< |p_up - p_down|
  int direction = 0;        ///< argmax class: 0 down, 1 neutral, 2 up (first maximum wins)
  bool eligible = false;    ///< passes the policy's trade gate (confidence and alpha minimums)
  std::string_view tier;    ///< "high", "medium", "low" or "none" (policy confidence tiers)
  /// "down", "neutral" or "up".
  [[nodiscard]] std::string_view direction_name() const noexcept {
    constexpr std::string_view names[] = {"down", "neutral", "up"};
    return names[direction];
  }
};

/// What the scorer does with a bar past the model's max_model_age (model_age.hpp).
enum class stale_models {
  refuse,  ///< score() throws stale_model_error, as `predict` refuses such a model
  allow    ///< score anyway (`predict --allow-stale`); model_age_at() still tells the age
};

/// How the scorer evaluates the stack's xgboost models.
enum class tree_evaluation {
  native,  ///< model::native_softprob_forest (bit-identical, much faster for one row)
  library  ///< xgboost's XGBoosterPredictFromDense, through the models' predict_proba
};

/// Scores a stream of bars with a fitted stack and calibrator of policy P, one bar at a time.
/// `score(bar)` returns nullopt during the feature warm-up, then for every bar the calibrated
/// probabilities and trade signal of `calibrator.predict(stack.predict_proba(row))` for the
/// bar's feature row -- the row of `compute_feature_matrix(P::features, bars)` bit for bit, and
/// (with either tree evaluation) bit-identical probabilities, so the numbers are those of the
/// batch `predict` path. The stack and calibrator are referenced, not copied: they must outlive
/// the scorer. Bad bars throw data_error (see streaming_features) and leave the state unchanged.
template <TimeframePolicy P>
class streaming_scorer {
  using stack_type = policy_stack<P>;
  static constexpr std::size_t base_count = stack_type::base_count;

 public:
  using features_type = streaming::streaming_features<std::remove_cvref_t<decltype(P::features)>>;
  static constexpr std::size_t feature_count = features_type::size;

  /// Scorer over `stack` and `calibrator` (both must outlive it). With tree_evaluation::native
  /// the xgboost models are converted once here (model_error if one is outside the native
  /// walker's scope; use tree_evaluation::library then).
  streaming_scorer(const stack_type& stack, const calibration::calibrator& calibrator,
                   tree_evaluation evaluation = tree_evaluation::native)
      : stack_(&stack),
        calibrator_(&calibrator),
        features_(P::features),
        row_(std::array<std::size_t, 2>{1, feature_count}),
        base_probabilities_(std::array<std::size_t, 2>{1, 3 * base_count}) {
    if (evaluation == tree_evaluation::native) {
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (convert_base<I>(), ...);
      }
      (std::make_index_sequence<base_count>{});
    }
  }
  /// Scorer over a promoted model (which must outlive it). The model's age is checked on every
  /// scored bar like `predict` checks it: with stale_models::refuse, score() throws
  /// stale_model_error (before touching the feature state) for a bar more than the policy's
  /// max_model_age past the model's training data.
  explicit streaming_scorer(const loaded_model<P>& model,
                            tree_evaluation evaluation = tree_evaluation::native,
                            stale_models stale = stale_models::refuse)
      : streaming_scorer(model.stack, model.calibrator, evaluation) {
    trained_through_ = model.trained_through;
    stale_ = stale;
  }
  explicit streaming_scorer(loaded_model<P>&&, tree_evaluation = tree_evaluation::native,
                            stale_models = stale_models::refuse) = delete;  // would dangle

  /// The model's age at a bar opening at `timestamp`, or nullopt when the scorer was built from
  /// a bare stack and calibrator (its training period is unknown, so it is never refused).
  [[nodiscard]] std::optional<model_age> model_age_at(std::int64_t timestamp) const {
    if (!trained_through_) return std::nullopt;
    return measure_model_age<P>(*trained_through_, timestamp);
  }

  /// Consumes the next bar; its scored signal once the features are past their warm-up.
  std::optional<scored_bar> score(const streaming::bar& b) {
    if (stale_ == stale_models::refuse)
      if (const auto age = model_age_at(b.timestamp); age && age->stale())
        check_model_age(*age, "the streamed bar " + intake::format_iso8601(b.timestamp));
    if (!features_.push(b, row_span())) return std::nullopt;
    const matrix p = calibrator_->predict(stack_probabilities());
    const auto sig = validation::compute_signals(p, P::trade_gate);
    scored_bar out;
    out.timestamp = b.timestamp;
    out.p_down = p(0, 0);
    out.p_neutral = p(0, 1);
    out.p_up = p(0, 2);
    out.confidence = sig.confidence[0];
    out.alpha = sig.alpha[0];
    out.direction = sig.direction[0];
    out.eligible = sig.eligible[0] != 0;
    out.tier = confidence_tier<P>(out.confidence);
    return out;
  }

  /// Feeds a history through the feature state without scoring it (a live process seeds the
  /// indicators with the recent past, then scores each new bar). Returns bars consumed.
  std::size_t seed(const bar_series& history) {
    feature_detail::check_columns(history);
    for (std::size_t i = 0; i < history.size(); ++i)
      features_.push(streaming::bar_at(history, i), row_span());
    return features_.bars_seen();
  }

  /// The feature row of the last bar consumed (NaN entries during the warm-up).
  [[nodiscard]] std::span<const double, feature_count> last_row() const noexcept {
    return std::span<const double, feature_count>(row_.data(), feature_count);
  }
  /// The streaming feature state.
  [[nodiscard]] const features_type& features() const noexcept { return features_; }
  /// True when base model `i` is an xgboost model evaluated natively.
  [[nodiscard]] bool native_base(std::size_t i) const { return forests_.at(i).has_value(); }

 private:
  std::span<double, feature_count> row_span() noexcept {
    return std::span<double, feature_count>(row_.data(), feature_count);
  }

  template <std::size_t I>
  void convert_base() {
    using model_type = std::tuple_element_t<I, typename stack_type::base_tuple>;
    if constexpr (std::is_same_v<model_type, model::random_forest_model> ||
                  std::is_same_v<model_type, model::gradient_boosting_model>) {
      forests_[I].emplace(model::native_softprob_forest::from_booster(
          stack_->template base<I>().trees().booster()));
      if (forests_[I]->features() != feature_count)
        throw model_error("streaming_scorer: base model " + std::to_string(I) + " reads " +
                          std::to_string(forests_[I]->features()) + " features, the policy has " +
                          std::to_string(feature_count));
    }
  }

  /// Base model I's probabilities for the current row into columns 3I..3I+2.
  template <std::size_t I>
  void base_into_columns() {
    if (forests_[I]) {
      const auto p = forests_[I]->predict(std::span<const double>(row_.data(), feature_count));
      for (std::size_t k = 0; k < 3; ++k)
        base_probabilities_(0, 3 * I + k) = p[k];
    } else {
      const matrix p = stack_->template base<I>().predict_proba(row_);
      for (std::size_t k = 0; k < 3; ++k)
        base_probabilities_(0, 3 * I + k) = p(0, k);
    }
  }

  /// stack.predict_proba(row_), with the native forests where converted.
  matrix stack_probabilities() {
    bool any_native = false;
    for (const auto& f : forests_)
      any_native = any_native || f.has_value();
    if (!any_native) return stack_->predict_proba(row_);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (base_into_columns<I>(), ...);
    }
    (std::make_index_sequence<base_count>{});
    // The combiner the stack guard chose (meta-model, ensemble or the single base model).
    return stack_->combine(stack_->choice().used, base_probabilities_);
  }

  const stack_type* stack_;
  const calibration::calibrator* calibrator_;
  features_type features_;
  matrix row_;                 // 1 x feature_count, reused for every bar
  matrix base_probabilities_;  // 1 x 3·base_count, the meta-model's input
  std::array<std::optional<model::native_softprob_forest>, base_count> forests_;
  std::optional<std::int64_t> trained_through_;  // known when built from a loaded_model
  stale_models stale_ = stale_models::refuse;
};

}  // namespace mtf::pipeline
