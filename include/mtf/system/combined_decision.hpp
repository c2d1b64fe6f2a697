#pragma once
/// \file The combination rule of the multi-timeframe system (SPEC §1, §10c): from the four
/// timeframes' views at one execution bar to one decision -- direction, size, and the rule that
/// blocked or scaled it. Pure: no I/O, no models; the policy's numbers are its only settings.

#include <array>
#include <cstdint>
#include <string_view>

#include "mtf/labels/label_classes.hpp"
#include "mtf/system/system_policy.hpp"

namespace mtf::system {

/// One timeframe's opinion at an execution bar: the calibrated probabilities of its last closed
/// bar and the signal read from them under its policy's trade gate. `available` is false while
/// no closed bar of the timeframe has complete features (warm-up, or none closed yet).
struct timeframe_view {
  bool available = false;
  std::int64_t bar_open = 0;      ///< open time of the bar the view comes from (epoch s)
  std::array<double, 3> p{};      ///< p_down, p_neutral, p_up
  double confidence = 0.0;        ///< max(p_up, p_down)
  double alpha = 0.0;             ///< |p_up - p_down|
  int direction = class_neutral;  ///< class_down, class_neutral or class_up
  bool eligible = false;          ///< passes the timeframe's own trade gate
};

/// The four roles' views at one execution bar.
struct system_views {
  timeframe_view execution;  ///< 5m
  timeframe_view overlay;    ///< 1h
  timeframe_view regime;     ///< 12h
  timeframe_view bias;       ///< 24h
};

/// The rule that decided: the first that blocked the trade, or the bias scaling that sized it.
enum class decision_rule {
  no_execution_signal,      ///< 5m neutral, unavailable or below its own trade gate
  regime_unavailable,       ///< no 12h view and the policy does not trade without one
  regime_blocks_all,        ///< 12h calls a ranging market
  regime_blocks_direction,  ///< 12h calls a trend against the trade
  overlay_unavailable,      ///< no 1h view and the policy does not trade without one
  overlay_disagrees,        ///< 1h calls the other direction confidently
  overlay_not_agreeing,     ///< require_agreement and 1h does not call the trade's direction
  below_min_size,           ///< the bias scaling left less than min_size
  sized_with_bias,          ///< traded, 24h agrees
  sized_neutral_bias,       ///< traded, 24h neutral or unconfident
  sized_without_bias,       ///< traded, no 24h view (warm-up): sized like a neutral bias
  sized_against_bias,       ///< traded, 24h points the other way
};

/// Name of a rule as the JSON output spells it.
constexpr std::string_view enum_name(decision_rule r) noexcept {
  switch (r) {
    case decision_rule::no_execution_signal:
      return "no_execution_signal";
    case decision_rule::regime_unavailable:
      return "regime_unavailable";
    case decision_rule::regime_blocks_all:
      return "regime_blocks_all";
    case decision_rule::regime_blocks_direction:
      return "regime_blocks_direction";
    case decision_rule::overlay_unavailable:
      return "overlay_unavailable";
    case decision_rule::overlay_disagrees:
      return "overlay_disagrees";
    case decision_rule::overlay_not_agreeing:
      return "overlay_not_agreeing";
    case decision_rule::below_min_size:
      return "below_min_size";
    case decision_rule::sized_with_bias:
      return "sized_with_bias";
    case decision_rule::sized_neutral_bias:
      return "sized_neutral_bias";
    case decision_rule::sized_without_bias:
      return "sized_without_bias";
    case decision_rule::sized_against_bias:
      return "sized_against_bias";
  }
  return "";
}

/// The system's decision at one execution bar. `direction` is class_up (long), class_down
/// (short) or class_neutral (flat, then `size` is 0); `size` is the fraction of a full position.
struct combined_decision {
  int direction = class_neutral;
  double size = 0.0;
  decision_rule rule = decision_rule::no_execution_signal;
  [[nodiscard]] bool trades() const noexcept { return direction != class_neutral; }
};

namespace decision_detail {
constexpr int opposite(int direction) noexcept {
  return direction == class_up ? class_down : direction == class_down ? class_up : class_neutral;
}
constexpr combined_decision blocked(decision_rule r) noexcept {
  return {class_neutral, 0.0, r};
}
}  // namespace decision_detail

/// Combines the views in the order of authority: the execution signal must exist; the regime
/// may forbid all trading or the trade's direction; the overlay may veto it; the bias sizes
/// what is left, and a size below `sizing.min_size` is not traded.
constexpr combined_decision combine(const system_views& v, const bias_sizing& sizing,
                                    const regime_filter& regime,
                                    const overlay_filter& overlay) noexcept {
  using decision_detail::blocked;
  using decision_detail::opposite;
  const timeframe_view& e = v.execution;
  if (!e.available || !e.eligible || e.direction == class_neutral)
    return blocked(decision_rule::no_execution_signal);
  const int trade = e.direction;

  if (!v.regime.available) {
    if (!regime.trade_without_regime) return blocked(decision_rule::regime_unavailable);
  } else {
    const timeframe_view& r = v.regime;
    if (r.direction == class_neutral && regime.ranging_blocks_all &&
        r.p[class_neutral] >= *regime.ranging_blocks_all)
      return blocked(decision_rule::regime_blocks_all);
    if (r.direction == opposite(trade) && r.confidence >= regime.trend_confidence)
      return blocked(decision_rule::regime_blocks_direction);
  }

  if (!v.overlay.available) {
    if (!overlay.trade_without_overlay) return blocked(decision_rule::overlay_unavailable);
  } else {
    const timeframe_view& o = v.overlay;
    if (o.direction == opposite(trade) && o.confidence >= overlay.disagree_confidence)
      return blocked(decision_rule::overlay_disagrees);
    if (overlay.require_agreement && o.direction != trade)
      return blocked(decision_rule::overlay_not_agreeing);
  }

  double size = sizing.neutral_bias;
  decision_rule rule = decision_rule::sized_without_bias;
  if (v.bias.available) {
    const timeframe_view& b = v.bias;
    const bool counts = b.direction != class_neutral && b.confidence >= sizing.min_confidence;
    if (counts && b.direction == trade) {
      size = sizing.with_bias;
      rule = decision_rule::sized_with_bias;
    } else if (counts) {
      size = sizing.against_bias;
      rule = decision_rule::sized_against_bias;
    } else {
      rule = decision_rule::sized_neutral_bias;
    }
  }
  if (size < sizing.min_size) return blocked(decision_rule::below_min_size);
  return {trade, size, rule};
}

/// combine() under system policy S.
template <SystemPolicy S>
constexpr combined_decision combine(const system_views& v) noexcept {
  return combine(v, S::sizing, S::regime_rule, S::overlay_rule);
}

}  // namespace mtf::system
