// expect: system policy error: confidence thresholds are probabilities, in (0, 1]
// A percentage typed where a probability belongs: 65 instead of 0.65.
#include "timeframes/system.hpp"
struct bad_system : mtf::timeframes::system {
  static constexpr mtf::system::regime_filter regime_rule{
      .trend_confidence = 65, .ranging_blocks_all = 0.6, .trade_without_regime = false};
};
static_assert(mtf::SystemPolicy<bad_system>);
