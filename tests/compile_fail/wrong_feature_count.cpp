// expect: the feature list does not have feature_count entries
// Declares 16 features but lists 17.
#include "timeframes/tf_5m.hpp"
struct bad_policy : mtf::timeframes::tf_5m {
  static constexpr std::size_t feature_count = 16;
};
static_assert(mtf::TimeframePolicy<bad_policy>);
