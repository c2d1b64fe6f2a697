// expect: class target shares (down, neutral, up) must sum to 1
// Class targets 40/30/40 sum to 110%.
#include "timeframes/tf_5m.hpp"
struct bad_policy : mtf::timeframes::tf_5m {
  static constexpr std::array class_targets{0.40, 0.30, 0.40};
};
static_assert(mtf::TimeframePolicy<bad_policy>);
