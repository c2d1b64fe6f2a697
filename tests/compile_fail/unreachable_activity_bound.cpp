// expect: activity gate's lower bound is unreachable
// Horizon 60 bars allows at most 288/60 = 4.8 trades/day, below the gate's 10.
#include "timeframes/tf_5m.hpp"
struct bad_policy : mtf::timeframes::tf_5m {
  static constexpr int horizon = 60;
};
static_assert(mtf::TimeframePolicy<bad_policy>);
