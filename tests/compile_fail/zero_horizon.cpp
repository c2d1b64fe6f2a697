// expect: horizon must be at least 1 bar
// A zero horizon labels the present.
#include "timeframes/tf_5m.hpp"
struct bad_policy : mtf::timeframes::tf_5m {
  static constexpr int horizon = 0;
};
static_assert(mtf::TimeframePolicy<bad_policy>);
