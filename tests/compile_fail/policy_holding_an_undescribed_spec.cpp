// expect: policy error: every value a policy holds must be described
// A new feature spec used by a policy without its MTF_DESCRIBE line: its window would be
// missing from the policy fingerprint.
#include "timeframes/tf_5m.hpp"

namespace my {
struct spread_ratio {
  int window;
};
}  // namespace my

struct bad_policy : mtf::timeframes::tf_5m {
  static constexpr std::size_t feature_count = 18;
  static constexpr auto features = mtf::feature::list(tf_5m::features, my::spread_ratio{10});
};
static_assert(mtf::TimeframePolicy<bad_policy>);
