// expect: retrain_every (days between retrains) must be at least 1
// A walk-forward study retraining every 0 days never moves forward.
#include "timeframes/tf_24h.hpp"
struct bad_policy : mtf::timeframes::tf_24h {
  static constexpr int retrain_every = 0;
};
static_assert(mtf::TimeframePolicy<bad_policy>);
