// expect: every class target share (down, neutral, up) must lie strictly between 0 and 1
// A zero neutral target is the opposite of the 91%-neutral failure, and as wrong.
#include "timeframes/tf_5m.hpp"
struct bad_policy : mtf::timeframes::tf_5m {
  static constexpr std::array class_targets{0.50, 0.0, 0.50};
};
static_assert(mtf::TimeframePolicy<bad_policy>);
