// expect: ma_windows must be exactly the windows of the feature list's sma_ratio features
// Changes the reviewed MA windows but keeps the inherited feature list: the new window would
// change the docs and the fingerprint, not one feature.
#include "timeframes/tf_5m.hpp"
struct bad_policy : mtf::timeframes::tf_5m {
  static constexpr std::array ma_windows{5, 10, 20, 60};
};
static_assert(mtf::TimeframePolicy<bad_policy>);
