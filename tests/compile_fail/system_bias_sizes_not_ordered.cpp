// expect: system policy error: bias sizing must order against_bias <= neutral_bias <= with_bias
// A trade against the 24h bias sized larger than one without any bias.
#include "timeframes/system.hpp"
struct bad_system : mtf::timeframes::system {
  static constexpr mtf::system::bias_sizing sizing{.min_confidence = 0.7,
                                                   .with_bias = 1.0,
                                                   .neutral_bias = 0.5,
                                                   .against_bias = 0.8,
                                                   .min_size = 0.25};
};
static_assert(mtf::SystemPolicy<bad_system>);
