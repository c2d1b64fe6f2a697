#pragma once
/// \file Streaming single-bar scoring (issue 6): a library entry point for a live process that
/// receives one new candle at a time. Indicator state is kept between bars
/// (`streaming_features`), so a new bar costs O(1) per feature; the bar's feature row then goes
/// through the policy's stacked model and calibrator and the trade gate, giving the numbers
/// `retrain_<tf> predict` prints for that bar.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "mtf/calibration/calibrator.hpp"
#include "mtf/core/xtensor.hpp"
#include "mtf/features/streaming_features.hpp"
#include "mtf/pipeline/inference.hpp"
#include "mtf/pipeline/retrain.hpp"
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

/// Confidence tier of policy P for a confidence value: "high", "medium", "low" or "none"
/// (the same thresholds as `retrain_<tf> predict`).
template <TimeframePolicy P>
constexpr std::string_view confidence_tier(double confidence) noexcept {
  if (confidence >= P::tiers.high) return "high";
  if (confidence >= P::tiers.medium) return "medium";
  if (confidence >= P::tiers.low) return "low";
  return "none";
}

/// Scores a stream of bars with a fitted stack and calibrator of policy P, one bar at a time.
/// `score(bar)` returns nullopt during the feature warm-up, then for every bar the calibrated
/// probabilities and trade signal of `calibrator.predict(stack.predict_proba(row))` for the
/// bar's feature row -- the row of `compute_feature_matrix(P::features, bars)` bit for bit, so
/// the probabilities are those of the batch path. The stack and calibrator are referenced, not
/// copied: they must outlive the scorer. Bad bars throw data_error (see streaming_features) and
/// leave the state unchanged.
template <TimeframePolicy P>
class streaming_scorer {
 public:
  using features_type = streaming::streaming_features<std::remove_cvref_t<decltype(P::features)>>;
  static constexpr std::size_t feature_count = features_type::size;

  /// Scorer over `stack` and `calibrator` (both must outlive it).
  streaming_scorer(const policy_stack<P>& stack, const calibration::calibrator& calibrator)
      : stack_(&stack),
        calibrator_(&calibrator),
        features_(P::features),
        row_(std::array<std::size_t, 2>{1, feature_count}) {}
  /// Scorer over a promoted model (which must outlive it).
  explicit streaming_scorer(const loaded_model<P>& model)
      : streaming_scorer(model.stack, model.calibrator) {}
  explicit streaming_scorer(loaded_model<P>&&) = delete;  // would dangle

  /// Consumes the next bar; its scored signal once the features are past their warm-up.
  std::optional<scored_bar> score(const streaming::bar& b) {
    if (!features_.push(b, row_span())) return std::nullopt;
    const matrix p = calibrator_->predict(stack_->predict_proba(row_));
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

 private:
  std::span<double, feature_count> row_span() noexcept {
    return std::span<double, feature_count>(row_.data(), feature_count);
  }

  const policy_stack<P>* stack_;
  const calibration::calibrator* calibrator_;
  features_type features_;
  matrix row_;  // 1 x feature_count, reused for every bar
};

}  // namespace mtf::pipeline
