// Drift (validation/drift.hpp, SPEC §9): the decile reference, the PSI and the verdict, against
// values worked out by hand from the definitions.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/validation/drift.hpp"

using mtf::validation::feature_reference;

TEST_CASE("the reference holds decile edges and the training share of each bin",
          "[validation][drift]") {
  // Column 1..100: edges are the sorted values at rows 10, 20, ..., 90, i.e. 11, 21, ..., 91.
  // Bins (-inf, 11] = 1..11 (11 rows), (11, 21] ... (81, 91] (10 each), (91, inf) = 92..100 (9).
  mtf::matrix x = xt::zeros<double>({100ul, 2ul});
  for (std::size_t i = 0; i < 100; ++i) {
    x(i, 0) = static_cast<double>(100 - i);  // unsorted on purpose
    x(i, 1) = 5.0;                           // constant: one edge, everything in the first bin
  }
  const auto ref = mtf::validation::build_reference(x, {"ramp", "flat"});
  REQUIRE(ref.size() == 2);
  CHECK(ref[0].name == "ramp");
  CHECK(ref[0].edges == std::vector<double>{11, 21, 31, 41, 51, 61, 71, 81, 91});
  REQUIRE(ref[0].shares.size() == 10);
  CHECK(ref[0].shares.front() == Approx(0.11));
  for (std::size_t b = 1; b < 9; ++b)
    CHECK(ref[0].shares[b] == Approx(0.10));
  CHECK(ref[0].shares.back() == Approx(0.09));
  CHECK(ref[1].edges == std::vector<double>{5});
  CHECK(ref[1].shares == std::vector<double>{1.0, 0.0});
  // Written and read back unchanged.
  const auto back = mtf::validation::reference_from_json(mtf::validation::reference_to_json(ref));
  REQUIRE(back.size() == 2);
  CHECK(back[0].edges == ref[0].edges);
  CHECK(back[0].shares == ref[0].shares);
}

TEST_CASE("PSI follows its definition, with empty bins floored at 1e-4", "[validation][drift]") {
  const feature_reference halves{"f", {0.0}, {0.5, 0.5}};
  // The same distribution: 0. A value on an edge belongs to the bin below it.
  CHECK(mtf::validation::population_stability_index(halves, std::vector<double>{0.0, 0.5}) == 0.0);
  // Actual 0.75 / 0.25 against 0.5 / 0.5: 0.25 ln 1.5 + 0.25 ln 2.
  CHECK(mtf::validation::population_stability_index(halves,
                                                    std::vector<double>{-1.0, -1.0, -1.0, 1.0}) ==
        Approx(0.2746530721670274).epsilon(1e-12));
  // Everything in the bin the training data never reached: 2 (1 - 1e-4) ln 1e4, not infinity.
  const feature_reference all_low{"g", {0.0}, {1.0, 0.0}};
  CHECK(mtf::validation::population_stability_index(all_low, std::vector<double>{3.0}) ==
        Approx(18.41883867587797).epsilon(1e-12));
  CHECK_THROWS_AS(mtf::validation::population_stability_index(halves, std::vector<double>{}),
                  mtf::programming_error);
}

TEST_CASE("the drift verdict applies the policy's thresholds at their boundaries",
          "[validation][drift]") {
  using mtf::validation::drift_verdict;
  const mtf::validation::drift_spec spec{};  // SPEC §9: PSI 0.10 / 0.25, accuracy 5 / 10, ECE 0.05
  const auto verdict = [&](double psi, double accuracy_drop, double ece_rise) {
    const std::vector<mtf::validation::feature_psi> one{{"rsi_14", psi}};
    return mtf::validation::assess_drift(spec, one, accuracy_drop, ece_rise).verdict();
  };
  CHECK(verdict(0.0999, 0.0499, 0.05) == drift_verdict::ok);
  CHECK(verdict(0.10, 0.0, 0.0) == drift_verdict::plan_retrain);   // PSI in [0.10, 0.25]
  CHECK(verdict(0.25, 0.0, 0.0) == drift_verdict::plan_retrain);   // not above 0.25
  CHECK(verdict(0.2501, 0.0, 0.0) == drift_verdict::retrain_now);  // above 0.25
  CHECK(verdict(0.0, 0.05, 0.0) == drift_verdict::plan_retrain);   // fell 5 points
  CHECK(verdict(0.0, 0.10, 0.0) == drift_verdict::plan_retrain);   // 10 points is not more
  CHECK(verdict(0.0, 0.1001, 0.0) == drift_verdict::retrain_now);
  CHECK(verdict(0.0, -0.2, 0.0501) == drift_verdict::retrain_now);  // ECE rose above 0.05
  // A stricter policy says more with the same numbers.
  const mtf::validation::drift_spec strict{.psi_plan = 0.02,
                                           .psi_retrain = 0.05,
                                           .accuracy_drop_plan = 0.01,
                                           .accuracy_drop_retrain = 0.02,
                                           .ece_rise_retrain = 0.01};
  const std::vector<mtf::validation::feature_psi> psi{{"a", 0.03}, {"b", 0.06}};
  const auto a = mtf::validation::assess_drift(strict, psi, 0.015, 0.0);
  CHECK(a.verdict() == drift_verdict::retrain_now);
  // Only the RETRAIN NOW reasons are reported once there is one.
  REQUIRE(a.reasons().size() == 1);
  CHECK(a.reasons()[0] == "PSI of b = 0.060 > 0.05");
  CHECK(a.plan.size() == 2);  // PSI of a, accuracy fell 1.5 points
  CHECK(mtf::validation::verdict_text(a.verdict()) == "RETRAIN NOW");
}

TEST_CASE("a training reference with more edges than shares is refused before PSI indexes it",
          "[validation][drift]") {
  const auto valid = mtf::validation::reference_from_json(
      nlohmann::json::parse(R"([{"name":"rsi_14","edges":[0.1,0.2],"shares":[0.3,0.3,0.4]}])"));
  REQUIRE(valid.size() == 1);
  CHECK(valid[0].shares.size() == 3);
  for (const char* bad : {R"([{"name":"rsi_14","edges":[0.1,0.2,0.3,0.4],"shares":[0.5,0.5]}])",
                          R"([{"name":"rsi_14","edges":[0.2,0.1],"shares":[0.3,0.3,0.4]}])",
                          R"([{"name":"rsi_14","edges":[0.1],"shares":[0.3,0.3]}])",
                          R"([{"name":"rsi_14","edges":[0.1],"shares":[-0.5,1.5]}])",
                          R"([{"name":"rsi_14","edges":["a"],"shares":[0.5,0.5]}])",
                          R"({"name":"x"})", R"([{"edges":[],"shares":[1]}])"}) {
    INFO(bad);
    CHECK_THROWS_AS(mtf::validation::reference_from_json(nlohmann::json::parse(bad)),
                    mtf::artifact_error);
  }
}
