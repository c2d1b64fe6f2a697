// Regime labeler (12h): the efficiency-ratio rule on hand-worked paths (SPEC §6).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <vector>
#include "label_test_support.hpp"

#include "mtf/labels/assign_labels.hpp"
#include "mtf/labels/label_classes.hpp"
#include "mtf/labels/label_inputs.hpp"
#include "mtf/labels/regime.hpp"

namespace {

using label_test::closes_from_log_returns;

}  // namespace

TEST_CASE("regime labels apply the efficiency-ratio rule on a hand-worked path", "[labels]") {
  // Same path as the volatility test: vol_window 2, horizon 2, er_min 0.6.
  // t: next returns      r      sum|g|  ER      scale  label at k = 1
  // 2: 0.02, -0.05   -0.03   0.07   0.4286  0.02   ranging (ER < 0.6, although |r| > tau)
  // 3: -0.05, 0.00   -0.05   0.05   1       0.01   bearish (r < -0.01)
  // 4: 0.00, 0.04     0.04   0.04   1       0.07   ranging (|r| <= tau)
  // 5: 0.04, 0.02     0.06   0.06   1       0.05   bullish (r > 0.05)
  const auto close = closes_from_log_returns({0.01, 0.03, 0.02, -0.05, 0.00, 0.04, 0.02});
  const auto in =
      mtf::compute_label_inputs(close, 2, mtf::label::regime{.vol_window = 2, .er_min = 0.6});
  REQUIRE(in.has_efficiency_ratio());
  CHECK(in.er_min == 0.6);
  CHECK(in.efficiency_ratio[2] == Approx(0.03 / 0.07).epsilon(1e-10));
  CHECK(in.efficiency_ratio[3] == Approx(1.0).epsilon(1e-10));
  CHECK(in.efficiency_ratio[4] == Approx(1.0).epsilon(1e-10));
  CHECK(in.efficiency_ratio[5] == Approx(1.0).epsilon(1e-10));
  CHECK(in.vol_warmup_bars == 2);
  CHECK(in.past_data_end_bars == 2);

  const std::vector<int> at_k1{mtf::no_label,   mtf::no_label,      mtf::class_neutral,
                               mtf::class_down, mtf::class_neutral, mtf::class_up,
                               mtf::no_label,   mtf::no_label};
  CHECK(mtf::assign_labels(in, 1.0) == at_k1);
  // k = 0.5: bar 4 has tau = 0.035 < 0.04 and turns bullish; bar 2 stays ranging for any k.
  const std::vector<int> at_k05{mtf::no_label, mtf::no_label, mtf::class_neutral, mtf::class_down,
                                mtf::class_up, mtf::class_up, mtf::no_label,      mtf::no_label};
  CHECK(mtf::assign_labels(in, 0.5) == at_k05);
  CHECK(mtf::assign_labels(in, 0.0)[2] == mtf::class_neutral);
  CHECK(mtf::critical_k(in, 2) == 0.0);
}

TEST_CASE("an efficiency ratio equal to er_min is directional", "[labels]") {
  mtf::label_inputs in;
  in.horizon = 4;
  in.forward_return = {0.5, -0.5, 0.5};
  in.threshold_scale = {0.125, 0.125, 0.125};
  in.efficiency_ratio = {0.25, 0.25, 0.125};  // exact binary fractions
  in.er_min = 0.25;
  in.status.assign(3, mtf::label_status::labeled);
  CHECK(mtf::assign_labels(in, 1.0) ==
        std::vector<int>{mtf::class_up, mtf::class_down, mtf::class_neutral});
}

TEST_CASE("a flat path is ranging with efficiency ratio 0, never NaN", "[labels]") {
  const std::vector<double> close(10, 50.0);
  const auto in =
      mtf::compute_label_inputs(close, 2, mtf::label::regime{.vol_window = 3, .er_min = 0.25});
  for (std::size_t t = 0; t < in.size(); ++t) {
    if (in.status[t] != mtf::label_status::labeled) continue;
    INFO("bar " << t);
    CHECK(in.efficiency_ratio[t] == 0.0);
    CHECK(in.threshold_scale[t] == 0.0);
    CHECK(mtf::critical_k(in, t) == 0.0);
  }
  CHECK(in.labeled_bars() == 5);  // 10 bars - 3 warm-up - 2 past the data
  for (const int label : mtf::assign_labels(in, 1.0))
    CHECK((label == mtf::class_neutral || label == mtf::no_label));
}

TEST_CASE("a zero-volatility bar with a move is directional for every k", "[labels]") {
  // sigma = 0 (flat window) and r != 0: no finite k makes it neutral.
  const std::vector<double> close{100, 100, 100, 110};
  const auto in =
      mtf::compute_label_inputs(close, 1, mtf::label::regime{.vol_window = 2, .er_min = 0.5});
  REQUIRE(in.status[2] == mtf::label_status::labeled);
  CHECK(std::isinf(mtf::critical_k(in, 2)));
  CHECK(mtf::assign_labels(in, 1e6)[2] == mtf::class_up);
}

TEST_CASE("a regime er_min outside 0..1 is rejected", "[labels]") {
  const std::vector<double> close{1, 2, 3, 4};
  CHECK_THROWS_AS(
      mtf::compute_label_inputs(close, 1, mtf::label::regime{.vol_window = 2, .er_min = 1.5}),
      std::invalid_argument);
}
