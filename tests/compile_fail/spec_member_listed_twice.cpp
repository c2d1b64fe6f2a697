// expect: mtf::backtest::tiered_cost_spec: the MTF_DESCRIBE list must name every data member
// A description that names one member twice and leaves another out has the right length, so
// the member count alone would let borrow_bps slip past the policy fingerprint.
#include "mtf/core/described.hpp"

namespace mtf::backtest {
struct tiered_cost_spec {
  double fee_bps = 5.0;
  double slippage_bps = 1.0;
  double borrow_bps = 0.0;
};
}  // namespace mtf::backtest

MTF_DESCRIBE(mtf::backtest::tiered_cost_spec, fee_bps, slippage_bps, fee_bps);
