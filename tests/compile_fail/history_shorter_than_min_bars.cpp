// expect: history_days is too short to hold min_bars bars
// 300 daily bars cannot hold the 700 bars the 24h policy needs: every retrain would exit 2.
#include "timeframes/tf_24h.hpp"
struct bad_policy : mtf::timeframes::tf_24h {
  static constexpr int history_days = 300;
};
static_assert(mtf::TimeframePolicy<bad_policy>);
