// expect: system policy error: every coarser bar must be a whole multiple of the execution bar
// An overlay on 57.6-minute bars (a valid timeframe: 25 per day) cannot be built from 5m bars.
#include "timeframes/system.hpp"
struct tf_57m : mtf::timeframes::tf_1h {
  static constexpr std::int64_t bar_seconds = 3456;
};
struct bad_system : mtf::timeframes::system {
  using overlay = tf_57m;
};
static_assert(mtf::SystemPolicy<bad_system>);
