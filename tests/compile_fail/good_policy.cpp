// Control case: an unmodified shipped policy compiles under the harness.
#include "timeframes/tf_5m.hpp"
static_assert(mtf::TimeframePolicy<mtf::timeframes::tf_5m>);
// ... and so does the shipped system policy (timeframes/system.hpp).
#include "timeframes/system.hpp"
static_assert(mtf::SystemPolicy<mtf::timeframes::system>);
