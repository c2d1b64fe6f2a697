// expect: two or more base models need a meta-model
// Three base models and nothing to stack them.
#include "timeframes/tf_5m.hpp"
struct bad_policy : mtf::timeframes::tf_5m {
  static constexpr mtf::model::no_meta_model meta_model{};
};
static_assert(mtf::TimeframePolicy<bad_policy>);
