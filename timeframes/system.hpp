#pragma once
// System policy — how the four timeframes work together (SPEC §1, §10c): 24h strategic bias,
// 12h regime filter, 1h tactical overlay, 5m execution. Reviewed configuration: every number
// says why. Rules it must obey: mtf/system/system_policy.hpp; the combination rule that reads
// it: mtf/system/combined_decision.hpp.
#include "mtf/system/system_policy.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

namespace mtf::timeframes {

struct system {
  static constexpr std::string_view name = "system";
  using execution = tf_5m;  // calls the trade: direction over the next hour
  using overlay = tf_1h;    // confirms it: the 8 h trend
  using regime = tf_12h;    // permits it: the two-day regime
  using bias = tf_24h;      // sizes it: the weekly direction

  static constexpr mtf::system::bias_sizing sizing{
      .min_confidence = 0.70,  // the 24h policy's own trade gate (conf_min 0.70): a weaker daily
                               // call is not a bias it would trade on itself
      .with_bias = 1.0,        // full position only when the strategic bias agrees
      .neutral_bias = 0.6,     // no view from 24h: the 5m edge alone, sized down by 40%
      .against_bias = 0.3,     // SPEC §1: the bias is a sizing modifier, not a veto; a trade
                               // against it is kept but small
      .min_size = 0.25,        // a floor for a later policy change: with these sizes every
                               // permitted trade (>= 0.3) passes; a smaller against_bias would
                               // turn counter-bias trades off rather than make them dust
  };
  static constexpr mtf::system::regime_filter regime_rule{
      .trend_confidence = 0.65,       // the 12h policy's trade gate: a regime it would trade itself
                                      // is strong enough to forbid fighting it
      .ranging_blocks_all = 0.60,     // a 12h call of "ranging" at the lowest confidence tier: two
                                      // flat days leave a 5m move too little room beyond costs
      .trade_without_regime = false,  // no regime known yet (warm-up): the filter fails closed
  };
  static constexpr mtf::system::overlay_filter overlay_rule{
      .disagree_confidence = 0.60,     // the 1h policy's trade gate: a 1h call it would trade on
                                       // against the 5m signal marks that signal as noise
      .require_agreement = false,      // a neutral or weak 1h view does not veto: the 1h horizon
                                       // (8 h) is longer than the 5m one (1 h)
      .trade_without_overlay = false,  // no 1h view yet (warm-up): the filter fails closed
  };
};

static_assert(SystemPolicy<system>);

}  // namespace mtf::timeframes
