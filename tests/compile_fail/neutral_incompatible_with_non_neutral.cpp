// expect: neutral-share range cannot be met together with the non-neutral gate
// At least 45% neutral cannot coexist with at least 60% non-neutral.
#include "timeframes/tf_5m.hpp"
struct bad_policy : mtf::timeframes::tf_5m {
  static constexpr mtf::gates::table gates = [] {
    auto g = tf_5m::gates;
    g.up_share = {0.20, 0.40};
    g.down_share = {0.20, 0.40};
    g.neutral_share = {0.45, 0.50};
    return g;
  }();
};
static_assert(mtf::TimeframePolicy<bad_policy>);
