#pragma once
/// \file Costs of the backtest (SPEC §8).

#include "mtf/core/described.hpp"

namespace mtf::backtest {

/// Cost per side of a trade, in basis points of notional.
struct cost_spec {
  double fee_bps = 5.0;
  double slippage_bps = 1.0;
};

}  // namespace mtf::backtest

MTF_DESCRIBE(mtf::backtest::cost_spec, fee_bps, slippage_bps);
