// The report mapping (pipeline/run_report_mapping.hpp): the label mix under the fitting weights
// and the report header every run states, against hand-computed values and the policy's own.
#include <catch2/catch.hpp>
#include <vector>

#include "mtf/pipeline/run_report_mapping.hpp"
#include "timeframes/tf_1h.hpp"

TEST_CASE("the weighted label mix is each class's share of the total weight", "[pipeline]") {
  // Labels down, down, neutral, up with weights 1, 1, 2, 4: down 2/8, neutral 2/8, up 4/8.
  const std::vector<int> y{0, 0, 1, 2};
  const std::vector<double> w{1, 1, 2, 4};
  const mtf::label_distribution train = mtf::count_labels(y);
  const mtf::label_distribution cal = mtf::count_labels(std::vector<int>{1, 1, 2});
  const auto l = mtf::pipeline::describe_labels(0.7, train, y, w, cal);
  CHECK(l.k == 0.7);
  CHECK(l.train_share == std::array<double, 3>{0.5, 0.25, 0.25});
  CHECK(l.weighted_share == std::array<double, 3>{0.25, 0.25, 0.5});
  CHECK(l.calibration_share[0] == 0.0);
  CHECK(l.calibration_share[1] == Approx(2.0 / 3.0));
}

TEST_CASE("every report of a policy starts with the same header", "[pipeline]") {
  using P = mtf::timeframes::tf_1h;
  const auto r = mtf::pipeline::report_header<P>(7, mtf::intake::calendar::equities);
  CHECK(r.timeframe == "1h");
  CHECK(r.seed == 7);
  CHECK(r.horizon == 8);  // tf_1h: 8 bars
  CHECK(r.bar_seconds == 3600);
  CHECK(r.calendar == "equities");
  CHECK(r.max_feature_share == P::gates.max_feature_share);
}
