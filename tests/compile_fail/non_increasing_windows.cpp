// expect: ma_windows must be positive and strictly increasing
// MA windows out of order (a copy-paste slip).
#include "timeframes/tf_5m.hpp"
struct bad_policy : mtf::timeframes::tf_5m {
  static constexpr std::array ma_windows{5, 20, 10, 50};
};
static_assert(mtf::TimeframePolicy<bad_policy>);
