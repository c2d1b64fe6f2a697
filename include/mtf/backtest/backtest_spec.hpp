#pragma once
/// \file Costs of the backtest (SPEC §8).

namespace mtf::backtest {

/// Cost per side of a trade, in basis points of notional.
struct cost_spec {
  double fee_bps = 5.0;
  double slippage_bps = 1.0;
};

}  // namespace mtf::backtest
