// expect: system policy error: the roles' bars must get coarser
// A regime filter on finer bars than the overlay it outranks: roles swapped by mistake.
#include "timeframes/system.hpp"
struct bad_system : mtf::timeframes::system {
  using overlay = mtf::timeframes::tf_12h;
  using regime = mtf::timeframes::tf_1h;
};
static_assert(mtf::SystemPolicy<bad_system>);
