// Label inputs under a timeframe policy: the policy's horizon, vol_window and labeler kind.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>

#include "mtf/core/errors.hpp"
#include "mtf/intake/bar_series.hpp"
#include "mtf/labels/policy_label_inputs.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_24h.hpp"

namespace {

mtf::bar_series daily_series(std::size_t n, std::int64_t bar_seconds) {
  mtf::bar_series bars;
  bars.symbol = "test";
  bars.source = "test.csv";
  bars.bar_seconds = bar_seconds;
  for (std::size_t i = 0; i < n; ++i) {
    const double c = 100.0 * std::exp(0.01 * std::sin(static_cast<double>(i)));
    bars.push_back(static_cast<std::int64_t>(i) * bar_seconds, c, c, c, c, 1.0);
  }
  return bars;
}

}  // namespace

TEST_CASE("policy label inputs use the policy's horizon and volatility window", "[labels]") {
  // tf_24h: horizon 5, vol_window 20 -> 20 warm-up bars, 5 past the data.
  const auto in24 =
      mtf::compute_policy_label_inputs<mtf::timeframes::tf_24h>(daily_series(100, 86'400));
  CHECK(in24.horizon == 5);
  CHECK(in24.vol_warmup_bars == 20);
  CHECK(in24.past_data_end_bars == 5);
  CHECK_FALSE(in24.has_efficiency_ratio());
  // tf_12h: regime labeler, horizon 4, vol_window 14, er_min from the policy.
  const auto in12 =
      mtf::compute_policy_label_inputs<mtf::timeframes::tf_12h>(daily_series(100, 43'200));
  CHECK(in12.vol_warmup_bars == 14);
  CHECK(in12.past_data_end_bars == 4);
  CHECK(in12.has_efficiency_ratio());
  CHECK(in12.er_min == mtf::timeframes::tf_12h::labeler.er_min);
}

TEST_CASE("policy label inputs refuse a series of another bar length", "[labels]") {
  // Hourly bars under the 24h policy would make a 5-hour horizon out of a 5-day one.
  CHECK_THROWS_WITH(
      mtf::compute_policy_label_inputs<mtf::timeframes::tf_24h>(daily_series(100, 3600)),
      Catch::Contains("3600 s bars") && Catch::Contains("resample"));
}
