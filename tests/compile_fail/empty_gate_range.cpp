// expect: predicted-share gate ranges must be non-empty
// An up-share gate of 0.50-0.40 admits nothing.
#include "timeframes/tf_5m.hpp"
struct bad_policy : mtf::timeframes::tf_5m {
  static constexpr mtf::gates::table gates = [] {
    auto g = tf_5m::gates;
    g.up_share = {0.50, 0.40};
    return g;
  }();
};
static_assert(mtf::TimeframePolicy<bad_policy>);
