// expect: the model mix needs at least one base model
// No base model at all.
#include "timeframes/tf_5m.hpp"
struct bad_policy : mtf::timeframes::tf_5m {
  static constexpr auto base_models = boost::hana::make_tuple();
};
static_assert(mtf::TimeframePolicy<bad_policy>);
