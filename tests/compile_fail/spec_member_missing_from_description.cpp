// expect: mtf::backtest::tiered_cost_spec: the MTF_DESCRIBE list must name every data member
// A spec that grew a member (borrow_bps) without adding it to its description: the policy
// fingerprint, its JSON dump and docs/policies.md would not see the new setting.
#include "mtf/core/described.hpp"

namespace mtf::backtest {
struct tiered_cost_spec {
  double fee_bps = 5.0;
  double slippage_bps = 1.0;
  double borrow_bps = 0.0;
};
}  // namespace mtf::backtest

MTF_DESCRIBE(mtf::backtest::tiered_cost_spec, fee_bps, slippage_bps);
