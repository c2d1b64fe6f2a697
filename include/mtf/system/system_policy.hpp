#pragma once
/// \file The `mtf::SystemPolicy` concept (SPEC §10c): how the four timeframes' models combine
/// into one decision -- which timeframe plays which role (SPEC §1), how the 24h bias scales
/// size, when the 12h regime blocks a direction or all trading, when the 1h overlay blocks a 5m
/// signal -- and the rules a system policy must obey. An inconsistent system policy does not
/// compile; the error names the broken rule. `timeframes/system.hpp` is the shipped one.

#include <concepts>
#include <cstdint>
#include <optional>
#include <string_view>

#include "mtf/core/described.hpp"
#include "mtf/policy/timeframe_policy.hpp"

namespace mtf::system {

/// How the strategic bias (24h) sizes a trade the execution model (5m) calls. The bias's call
/// counts when it is up or down with confidence (max(p_up, p_down)) at least `min_confidence`;
/// the trade is then sized `with_bias` when it points the same way, `against_bias` when it
/// points the other way, and `neutral_bias` when the bias is neutral, unconfident or unavailable.
/// A trade sized below `min_size` is not taken.
struct bias_sizing {
  double min_confidence;
  double with_bias;
  double neutral_bias;
  double against_bias;
  double min_size;
};

/// When the regime filter (12h) blocks trading. A 12h up/down call with confidence at least
/// `trend_confidence` is a trend and blocks trades against it; a 12h neutral call with p_neutral
/// at least `ranging_blocks_all` (when set) blocks every trade. While no 12h view exists yet
/// (indicator warm-up, no closed bar), trading continues only when `trade_without_regime`.
struct regime_filter {
  double trend_confidence;
  std::optional<double> ranging_blocks_all;
  bool trade_without_regime;
};

/// When the tactical overlay (1h) blocks an execution signal. A 1h call against the trade with
/// confidence at least `disagree_confidence` blocks it; with `require_agreement` any 1h call
/// other than the trade's direction blocks it. While no 1h view exists yet, trading continues
/// only when `trade_without_overlay`.
struct overlay_filter {
  double disagree_confidence;
  bool require_agreement;
  bool trade_without_overlay;
};

}  // namespace mtf::system

MTF_DESCRIBE(mtf::system::bias_sizing, min_confidence, with_bias, neutral_bias, against_bias,
             min_size);
MTF_DESCRIBE(mtf::system::regime_filter, trend_confidence, ranging_blocks_all,
             trade_without_regime);
MTF_DESCRIBE(mtf::system::overlay_filter, disagree_confidence, require_agreement,
             trade_without_overlay);

namespace mtf {

/// Shape of a system policy: a name, the timeframe policy of each role, and the three rules.
template <class S>
concept SystemPolicyShape = requires {
  { S::name } -> std::convertible_to<std::string_view>;
  typename S::execution;  // 5m: calls direction and timing
  typename S::overlay;    // 1h: confirms or vetoes the execution call
  typename S::regime;     // 12h: blocks trading against (or without) a trend
  typename S::bias;       // 24h: sizes the trade
  { S::sizing } -> std::convertible_to<system::bias_sizing>;
  { S::regime_rule } -> std::convertible_to<system::regime_filter>;
  { S::overlay_rule } -> std::convertible_to<system::overlay_filter>;
};

namespace system_detail {
constexpr bool probability_threshold(double x) {
  return x > 0.0 && x <= 1.0;
}
constexpr bool size(double x) {
  return x >= 0.0 && x <= 1.0;
}
}  // namespace system_detail

/// The consistency rules of a system policy. Instantiating this runs every check; each failure
/// is a compile error with the sentence below.
template <SystemPolicyShape S>
struct system_policy_checks {
  static_assert(TimeframePolicy<typename S::execution> && TimeframePolicy<typename S::overlay> &&
                    TimeframePolicy<typename S::regime> && TimeframePolicy<typename S::bias>,
                "system policy error: every role (execution, overlay, regime, bias) must be a "
                "complete timeframe policy");
  static_assert(S::execution::bar_seconds < S::overlay::bar_seconds &&
                    S::overlay::bar_seconds < S::regime::bar_seconds &&
                    S::regime::bar_seconds < S::bias::bar_seconds,
                "system policy error: the roles' bars must get coarser from execution to overlay "
                "to regime to bias (SPEC §1: 5m, 1h, 12h, 24h)");
  static_assert(S::overlay::bar_seconds % S::execution::bar_seconds == 0 &&
                    S::regime::bar_seconds % S::execution::bar_seconds == 0 &&
                    S::bias::bar_seconds % S::execution::bar_seconds == 0,
                "system policy error: every coarser bar must be a whole multiple of the execution "
                "bar, since the system builds them by resampling the execution file");
  static_assert(system_detail::size(S::sizing.with_bias) &&
                    system_detail::size(S::sizing.neutral_bias) &&
                    system_detail::size(S::sizing.against_bias),
                "system policy error: bias sizes are fractions of a full position, in [0, 1]");
  static_assert(S::sizing.against_bias <= S::sizing.neutral_bias &&
                    S::sizing.neutral_bias <= S::sizing.with_bias,
                "system policy error: bias sizing must order against_bias <= neutral_bias <= "
                "with_bias (a bias against the trade cannot size it up)");
  static_assert(S::sizing.min_size > 0.0 && S::sizing.min_size <= S::sizing.with_bias,
                "system policy error: min_size must be positive and at most with_bias, or the "
                "system could never trade");
  static_assert(system_detail::probability_threshold(S::sizing.min_confidence) &&
                    system_detail::probability_threshold(S::regime_rule.trend_confidence) &&
                    system_detail::probability_threshold(S::overlay_rule.disagree_confidence) &&
                    (!S::regime_rule.ranging_blocks_all.has_value() ||
                     system_detail::probability_threshold(*S::regime_rule.ranging_blocks_all)),
                "system policy error: confidence thresholds are probabilities, in (0, 1]");
  static constexpr bool value = true;
};

/// A complete, self-consistent system policy: has the shape, its four roles are timeframe
/// policies, and it passes every check. An inconsistent one does not compile.
template <class S>
concept SystemPolicy = SystemPolicyShape<S> && system_policy_checks<S>::value;

}  // namespace mtf
