// expect: drift psi_plan must be positive and at most psi_retrain
// PLAN RETRAIN at a larger PSI than RETRAIN NOW: the milder verdict could never be reached.
#include "timeframes/tf_1h.hpp"
struct bad_policy : mtf::timeframes::tf_1h {
  static constexpr mtf::validation::drift_spec drift{.psi_plan = 0.30, .psi_retrain = 0.25};
};
static_assert(mtf::TimeframePolicy<bad_policy>);
