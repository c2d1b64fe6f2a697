// expect: the feature list must hold exactly one rsi feature, feature::rsi{rsi_window}
// rsi_window = 21 over a feature list that still computes rsi_14 (issue 13's example).
#include "timeframes/tf_5m.hpp"
struct bad_policy : mtf::timeframes::tf_5m {
  static constexpr int rsi_window = 21;
};
static_assert(mtf::TimeframePolicy<bad_policy>);
