// Numbers in model files that do not fit the type they are read into are refused, not converted:
// nlohmann's get<int>() of 1e80 or get<float>() of 1e300 is undefined behaviour (found by
// tests/fuzz/fuzz_calibrator; the asan preset runs these under UBSan).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "mtf/calibration/calibrator.hpp"
#include "mtf/models/native_forest.hpp"

TEST_CASE("a calibrator whose version is a huge float is refused", "[models][loader]") {
  const auto j =
      nlohmann::json::parse(R"({"format":"mtf.calibrator","version":1e80,"method":"temperature",)"
                            R"("probability_floor":1e-6,"parameters":{"temperature":1.0}})");
  CHECK_THROWS_AS(mtf::calibration::calibrator::from_json(j), mtf::artifact_error);
  auto ok = j;
  ok["version"] = 1;
  CHECK_NOTHROW(mtf::calibration::calibrator::from_json(ok));
}

TEST_CASE("a native forest refuses tree numbers outside their types", "[models][loader]") {
  // One 3-class softprob tree per class, each a single leaf, then one field spoiled at a time.
  nlohmann::json tree = {{"left_children", {-1}}, {"right_children", {-1}},
                         {"split_indices", {0}},  {"split_conditions", {0.25}},
                         {"default_left", {0}},   {"split_type", {0}}};
  nlohmann::json model = {
      {"learner",
       {{"objective", {{"name", "multi:softprob"}}},
        {"learner_model_param", {{"num_class", "3"}, {"base_score", "5E-1"}, {"num_feature", "2"}}},
        {"gradient_booster",
         {{"name", "gbtree"},
          {"model", {{"trees", {tree, tree, tree}}, {"tree_info", {0, 1, 2}}}}}}}}};
  const auto forest = mtf::model::native_softprob_forest::from_json(model);
  const auto p = forest.predict(std::vector<double>{0.0, 1.0});
  CHECK(p[0] + p[1] + p[2] == Approx(1.0));

  auto& trees = model["learner"]["gradient_booster"]["model"];
  SECTION("a class index of 1e30") {
    trees["tree_info"][0] = 1e30;
  }
  SECTION("a split condition beyond float") {
    trees["trees"][0]["split_conditions"][0] = 1e300;
  }
  SECTION("a child index beyond int32") {
    trees["trees"][1]["left_children"][0] = 4294967296LL;
  }
  SECTION("a fractional child index") {
    trees["trees"][2]["right_children"][0] = 0.5;
  }
  CHECK_THROWS_AS(mtf::model::native_softprob_forest::from_json(model), mtf::model_error);
}
