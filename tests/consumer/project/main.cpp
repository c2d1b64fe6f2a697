// Uses a vendorable indicator and a shipped policy, as a consumer project would.
#include <cstdio>
#include <vector>

#include "mtf/features/indicators.hpp"
#include "timeframes/tf_1h.hpp"

static_assert(mtf::TimeframePolicy<mtf::timeframes::tf_1h>);

int main() {
  const std::vector<double> close{1, 2, 3, 4, 5};
  const auto s = mtf::sma(close, 3);
  // SMA(3) of 1..5 ends with (3 + 4 + 5) / 3 = 4.
  if (s.size() != 5 || s[4] != 4.0) return 1;
  std::printf("consumer ok: sma=%g horizon=%d\n", s[4], mtf::timeframes::tf_1h::horizon);
  return 0;
}
