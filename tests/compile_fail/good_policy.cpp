// Control case: an unmodified shipped policy compiles under the harness.
#include "timeframes/tf_5m.hpp"
static_assert(mtf::TimeframePolicy<mtf::timeframes::tf_5m>);
