// expect: system policy error: min_size must be positive and at most with_bias
// A size floor above the largest size: the system could never trade.
#include "timeframes/system.hpp"
struct bad_system : mtf::timeframes::system {
  static constexpr mtf::system::bias_sizing sizing{.min_confidence = 0.7,
                                                   .with_bias = 0.5,
                                                   .neutral_bias = 0.4,
                                                   .against_bias = 0.2,
                                                   .min_size = 0.6};
};
static_assert(mtf::SystemPolicy<bad_system>);
