// expect: max_model_age must be at least one bar
// A model that is stale before its first bar could never predict.
#include "timeframes/tf_24h.hpp"
struct bad_policy : mtf::timeframes::tf_24h {
  static constexpr std::chrono::hours max_model_age{1};
};
static_assert(mtf::TimeframePolicy<bad_policy>);
