#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <string>
#include <type_traits>
#include <vector>

#include "mtf/models/xgboost_api.hpp"
#include "synthetic_data.hpp"

using mtf::matrix;
namespace xgb = mtf::xgb;

namespace {
std::filesystem::path temp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "mtf_test_models";
  std::filesystem::create_directories(dir);
  return dir / name;
}
}  // namespace

TEST_CASE("xgboost handles are move-only", "[models][xgboost]") {
  STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<xgb::dmatrix>);
  STATIC_REQUIRE_FALSE(std::is_copy_assignable_v<xgb::booster>);
  STATIC_REQUIRE(std::is_nothrow_move_constructible_v<xgb::dmatrix>);
  STATIC_REQUIRE(std::is_nothrow_move_constructible_v<xgb::booster>);
}

TEST_CASE("a moved-from dmatrix no longer owns its handle", "[models][xgboost]") {
  const auto data = mtf::test::make_rows(50, 3, 1.0, 7);
  xgb::dmatrix a(data.x, data.y, data.w);
  const auto handle = a.get();
  REQUIRE(handle != nullptr);
  xgb::dmatrix b(std::move(a));
  CHECK(b.get() == handle);
  CHECK(a.get() == nullptr);  // NOLINT(bugprone-use-after-move): checking the moved-from state
}

TEST_CASE("a misspelt xgboost parameter throws with xgboost's own message", "[models][xgboost]") {
  const auto data = mtf::test::make_rows(60, 3, 1.0, 11);
  const xgb::dmatrix train(data.x, data.y, data.w);
  const xgb::dmatrix* cache[] = {&train};
  xgb::booster booster{std::span<const xgb::dmatrix* const>(cache)};
  booster.set_param("validate_parameters", "1");
  booster.set_param("objective", "multi:softprob");
  booster.set_param("num_class", "3");
  booster.set_param("max_dept", "3");  // sic
  try {
    booster.configure();
    FAIL("configure accepted an unknown parameter");
  } catch (const mtf::model_error& e) {
    const std::string message = e.what();
    CHECK_THAT(message, Catch::Contains("max_dept"));
    CHECK_THAT(message, Catch::Contains("are not used"));
    CHECK(e.code() == mtf::exit_code::artifact);
  }
}

TEST_CASE("an invalid parameter value is reported through check()", "[models][xgboost]") {
  const auto data = mtf::test::make_rows(60, 3, 1.0, 12);
  const xgb::dmatrix train(data.x, data.y, data.w);
  const xgb::dmatrix* cache[] = {&train};
  xgb::booster booster{std::span<const xgb::dmatrix* const>(cache)};
  booster.set_param("objective", "multi:softprob");
  booster.set_param("num_class", "3");
  booster.set_param("max_depth", "-4");
  CHECK_THROWS_AS(booster.update_one_iter(0, train), mtf::model_error);
}

TEST_CASE("check() turns a failing return code into model_error with the last error",
          "[models][xgboost]") {
  CHECK_NOTHROW(xgb::check(0));
  CHECK_THROWS_WITH(xgb::booster::load_json(temp_path("does_not_exist.json")),
                    Catch::Contains("cannot open model file"));
  const auto garbage = temp_path("garbage.json");
  { std::ofstream(garbage) << "{ not a model"; }
  CHECK_THROWS_AS(xgb::booster::load_json(garbage), mtf::model_error);
}

TEST_CASE("dmatrix rejects mismatched labels, bad labels and non-finite features",
          "[models][xgboost]") {
  auto data = mtf::test::make_rows(20, 2, 1.0, 3);
  std::vector<int> short_labels(data.y.begin(), data.y.end() - 1);
  CHECK_THROWS_WITH(xgb::dmatrix(data.x, short_labels, {}), Catch::Contains("19 labels"));
  auto bad_labels = data.y;
  bad_labels[4] = 3;
  CHECK_THROWS_WITH(xgb::dmatrix(data.x, bad_labels, {}), Catch::Contains("row 4"));
  std::vector<double> negative(20, 1.0);
  negative[2] = -1.0;
  CHECK_THROWS_AS(xgb::dmatrix(data.x, data.y, negative), mtf::model_error);
  data.x(5, 1) = std::nan("");
  CHECK_THROWS_WITH(xgb::dmatrix(data.x, data.y, {}), Catch::Contains("row 5, column 1"));
}

TEST_CASE("a dmatrix of no rows is refused unless it is one worker's share of a distributed fit",
          "[models][xgboost]") {
  const matrix no_rows = matrix::from_shape({0, 3});
  CHECK_THROWS_WITH(xgb::dmatrix(no_rows, {}, {}), Catch::Contains("empty feature matrix"));
  // A worker whose symbols have no rows in a fold still builds its (empty) share.
  const xgb::dmatrix share(no_rows, {}, {}, 1, xgb::empty_share::allowed);
  CHECK(share.get() != nullptr);
  // No columns is never a share of anything.
  const matrix no_columns = matrix::from_shape({4, 0});
  const std::vector<int> labels{0, 1, 2, 1};
  CHECK_THROWS_WITH(xgb::dmatrix(no_columns, labels, {}, 1, xgb::empty_share::allowed),
                    Catch::Contains("empty feature matrix"));
}

TEST_CASE("predict_proba returns rows x 3 probabilities and the JSON model round-trips bit for bit",
          "[models][xgboost]") {
  const auto data = mtf::test::make_rows(300, 4, 2.0, 21);
  const xgb::dmatrix train(data.x, data.y, data.w, 1);
  const xgb::dmatrix* cache[] = {&train};
  xgb::booster booster{std::span<const xgb::dmatrix* const>(cache)};
  booster.set_param("validate_parameters", "1");
  booster.set_param("objective", "multi:softprob");
  booster.set_param("num_class", "3");
  booster.set_param("max_depth", "3");
  booster.set_param("nthread", "1");
  booster.configure();
  for (int round = 0; round < 5; ++round)
    booster.update_one_iter(round, train);
  CHECK(booster.boosted_rounds() == 5);
  const matrix p = booster.predict_proba(data.x);
  REQUIRE(p.shape()[0] == 300);
  REQUIRE(p.shape()[1] == 3);
  for (std::size_t i = 0; i < 300; ++i)
    CHECK(p(i, 0) + p(i, 1) + p(i, 2) == Approx(1.0).margin(1e-6));

  const auto path = temp_path("roundtrip.json");
  booster.save_json(path);
  const auto loaded = xgb::booster::load_json(path);
  const matrix q = loaded.predict_proba(data.x);
  REQUIRE(q.shape() == p.shape());
  for (std::size_t k = 0; k < p.size(); ++k)
    CHECK(q.data()[k] == p.data()[k]);

  const auto sliced = booster.slice(0, 2);
  CHECK(sliced.boosted_rounds() == 2);
}
