#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <vector>

#include "mtf/models/gradient_boosting.hpp"
#include "mtf/models/random_forest.hpp"
#include "mtf/models/row_subset.hpp"
#include "synthetic_data.hpp"

using mtf::matrix;
using mtf::model::fit_context;
using mtf::model::gradient_boosting;
using mtf::model::gradient_boosting_model;
using mtf::model::random_forest;
using mtf::model::random_forest_model;

namespace {
std::filesystem::path temp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "mtf_test_models";
  std::filesystem::create_directories(dir);
  return dir / name;
}
bool bit_identical(const matrix& a, const matrix& b) {
  if (a.shape() != b.shape()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (a.data()[k] != b.data()[k]) return false;
  return true;
}
}  // namespace

TEST_CASE("fitted_model_t maps each spec to its model class", "[models][trees]") {
  STATIC_REQUIRE(std::is_same_v<mtf::model::fitted_model_t<random_forest>, random_forest_model>);
  STATIC_REQUIRE(
      std::is_same_v<mtf::model::fitted_model_t<gradient_boosting>, gradient_boosting_model>);
  STATIC_REQUIRE(mtf::model::FittedModel<random_forest_model, random_forest>);
  STATIC_REQUIRE(mtf::model::FittedModel<gradient_boosting_model, gradient_boosting>);
}

TEST_CASE("random forest min_leaf maps to min_child_weight = min_leaf * 4/9 * mean weight",
          "[models][trees]") {
  CHECK(mtf::model::random_forest_min_child_weight(50, {}) == Approx(50.0 * 4.0 / 9.0));
  const std::vector<double> w = {1.0, 3.0};  // mean 2
  CHECK(mtf::model::random_forest_min_child_weight(9, w) == Approx(8.0));
}

TEST_CASE("random forest leaves hold at least min_leaf rows", "[models][trees]") {
  // One feature = row index; labels switch at row 10. Unconstrained, a stump splits at 10; with
  // min_leaf = 25 the best admissible split leaves exactly 25 rows on the left.
  const std::size_t n = 100;
  matrix x(std::array<std::size_t, 2>{n, 1});
  std::vector<int> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    x(i, 0) = static_cast<double>(i);
    y[i] = i < 10 ? 0 : 2;
  }
  const random_forest spec{
      .trees = 1, .max_depth = 1, .min_leaf = 25, .subsample = 1.0, .colsample_bynode = 1.0};
  for (double weight : {1.0, 2.5}) {
    INFO("weight " << weight);
    const std::vector<double> w(n, weight);
    const auto model = random_forest_model::fit(spec, x, y, w, {.seed = 1, .threads = 1});
    const matrix p = model.predict_proba(x);
    CHECK(p(0, 0) == p(24, 0));
    CHECK(p(25, 0) == p(99, 0));
    CHECK(p(24, 0) > p(25, 0));
  }
  const random_forest free_spec{
      .trees = 1, .max_depth = 1, .min_leaf = 1, .subsample = 1.0, .colsample_bynode = 1.0};
  const auto free_model = random_forest_model::fit(free_spec, x, y, {}, {.seed = 1, .threads = 1});
  const matrix q = free_model.predict_proba(x);
  CHECK(q(9, 0) > q(10, 0));  // the unconstrained stump splits at the label change
}

TEST_CASE("random forest learns a planted feature and round-trips through JSON",
          "[models][trees]") {
  const std::uint64_t seed = 5;
  INFO("seed " << seed);
  const auto data = mtf::test::make_rows(2000, 5, 2.0, seed);
  const random_forest spec{.trees = 30, .max_depth = 4, .min_leaf = 10};
  const fit_context ctx{.seed = seed, .threads = 2};
  const auto model = random_forest_model::fit(spec, data.x, data.y, data.w, ctx);
  const matrix p = model.predict_proba(data.x);
  REQUIRE(p.shape()[1] == 3);
  for (std::size_t i = 0; i < 2000; ++i)
    CHECK(p(i, 0) + p(i, 1) + p(i, 2) == Approx(1.0).margin(1e-6));
  const auto importance = model.feature_importance();
  CHECK(std::accumulate(importance.begin(), importance.end(), 0.0) == Approx(1.0));
  CHECK(importance[0] > 0.5);

  const auto path = temp_path("forest.json");
  model.save(path);
  const auto loaded = random_forest_model::load(path);
  CHECK(bit_identical(p, loaded.predict_proba(data.x)));
  CHECK_THROWS_WITH(gradient_boosting_model::load(path), Catch::Contains("random_forest"));

  const auto again = random_forest_model::fit(spec, data.x, data.y, data.w, ctx);
  CHECK(bit_identical(p, again.predict_proba(data.x)));
  const auto other_seed =
      random_forest_model::fit(spec, data.x, data.y, data.w, {.seed = seed + 1, .threads = 2});
  CHECK_FALSE(bit_identical(p, other_seed.predict_proba(data.x)));
}

TEST_CASE("early stopping fits only the purged head and slices to the best round",
          "[models][trees]") {
  const std::uint64_t seed = 31;
  INFO("seed " << seed);
  const std::size_t n = 1000;
  const auto data = mtf::test::make_rows(n, 4, 1.0, seed);
  gradient_boosting spec{.rounds = 60, .max_depth = 3, .eta = 0.3};
  spec.early_stopping_rounds = 5;
  // 12 bars of 300 s: the tail is rows 850..999 (15%), rows 838..849 are purged.
  const auto ends = mtf::test::ends_after(data.times, 12 * 300);
  const fit_context ctx{
      .seed = seed, .threads = 1, .row_times = data.times, .row_label_ends = ends};
  const auto stopped = gradient_boosting_model::fit(spec, data.x, data.y, data.w, ctx);
  const int best = stopped.best_iteration();
  INFO("best iteration " << best);
  CHECK(best < spec.rounds - 1);  // eta 0.3 on a weak signal overfits well before 60 rounds
  CHECK(stopped.rounds() == best + 1);
  CHECK(std::isfinite(stopped.best_score()));

  // The same rounds fitted without early stopping on rows 0..837 give the same model.
  std::vector<std::size_t> head(838);
  std::iota(head.begin(), head.end(), std::size_t{0});
  const matrix x_head = mtf::model::gather_rows(data.x, head);
  const std::vector<int> y_head(data.y.begin(), data.y.begin() + 838);
  const std::vector<double> w_head(data.w.begin(), data.w.begin() + 838);
  gradient_boosting plain = spec;
  plain.early_stopping_rounds = 0;
  plain.rounds = best + 1;
  const auto reference =
      gradient_boosting_model::fit(plain, x_head, y_head, w_head, {.seed = seed, .threads = 1});
  CHECK(bit_identical(stopped.predict_proba(data.x), reference.predict_proba(data.x)));
  CHECK(reference.best_iteration() == best);
  CHECK(std::isnan(reference.best_score()));
}

TEST_CASE("early stopping on noise labels keeps few rounds", "[models][trees]") {
  const std::uint64_t seed = 8;
  INFO("seed " << seed);
  const auto data = mtf::test::make_rows(1500, 6, 0.0, seed);
  gradient_boosting spec{.rounds = 200, .max_depth = 6, .eta = 0.3};
  spec.early_stopping_rounds = 10;
  const auto model = gradient_boosting_model::fit(
      spec, data.x, data.y, data.w, {.seed = seed, .threads = 1, .row_times = data.times});
  CHECK(model.best_iteration() < 20);
  CHECK(model.rounds() == model.best_iteration() + 1);
}

TEST_CASE("gradient boosting is deterministic, uses its seed and round-trips through JSON",
          "[models][trees]") {
  const std::uint64_t seed = 123;
  INFO("seed " << seed);
  const auto data = mtf::test::make_rows(1500, 5, 1.5, seed);
  gradient_boosting spec{.rounds = 30, .max_depth = 4, .eta = 0.1};
  const auto ends = mtf::test::ends_after(data.times, 3600);
  const fit_context ctx{
      .seed = seed, .threads = 2, .row_times = data.times, .row_label_ends = ends};
  const auto a = gradient_boosting_model::fit(spec, data.x, data.y, data.w, ctx);
  const auto b = gradient_boosting_model::fit(spec, data.x, data.y, data.w, ctx);
  const matrix p = a.predict_proba(data.x);
  CHECK(bit_identical(p, b.predict_proba(data.x)));
  const auto c = gradient_boosting_model::fit(
      spec, data.x, data.y, data.w,
      {.seed = seed + 1, .threads = 2, .row_times = data.times, .row_label_ends = ends});
  CHECK_FALSE(bit_identical(p, c.predict_proba(data.x)));
  const auto importance = a.feature_importance();
  CHECK(std::accumulate(importance.begin(), importance.end(), 0.0) == Approx(1.0));
  CHECK(*std::max_element(importance.begin(), importance.end()) == importance[0]);

  const auto path = temp_path("boosting.json");
  a.save(path);
  const auto loaded = gradient_boosting_model::load(path);
  CHECK(bit_identical(p, loaded.predict_proba(data.x)));
  CHECK(loaded.best_iteration() == a.best_iteration());
  CHECK_THROWS_WITH(random_forest_model::load(path), Catch::Contains("gradient_boosting"));
}

TEST_CASE("tree models reject bad specs and inputs with clear errors", "[models][trees]") {
  const auto data = mtf::test::make_rows(200, 3, 1.0, 2);
  CHECK_THROWS_AS(random_forest_model::fit({.trees = 0, .max_depth = 3, .min_leaf = 1}, data.x,
                                           data.y, data.w, {}),
                  mtf::model_error);
  gradient_boosting spec{.rounds = 5, .max_depth = 3, .eta = 0.1};
  const auto ends = mtf::test::ends_after(data.times, 600);
  CHECK_THROWS_WITH(
      gradient_boosting_model::fit(spec, data.x, data.y, data.w, {.row_label_ends = ends}),
      Catch::Contains("row times"));
  const auto model = gradient_boosting_model::fit(spec, data.x, data.y, data.w, {});
  matrix narrow(std::array<std::size_t, 2>{4, 2}, 0.0);
  CHECK_THROWS_WITH(model.predict_proba(narrow), Catch::Contains("3 features"));
  std::vector<std::size_t> beyond = {0, 200};
  CHECK_THROWS_AS(mtf::model::gather_rows(data.x, beyond), mtf::model_error);
}

TEST_CASE("max_bin reaches xgboost: splits can only fall on histogram bin edges",
          "[models][trees]") {
  // One feature spread evenly over [0, 1), labels up only in its top tenth. With 256 bins there is
  // a bin edge within a few rows of 0.9, so a stump separates 0.85 from 0.95; with 2 bins the
  // only edge is near the median, so 0.85 and 0.95 fall into the same leaf whatever is learned.
  const std::size_t n = 1000;
  matrix x(std::array<std::size_t, 2>{n, 1});
  std::vector<int> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    x(i, 0) = static_cast<double>(i) / static_cast<double>(n);
    y[i] = i >= 900 ? 2 : 0;
  }
  const fit_context ctx{.seed = 1, .threads = 1};
  for (int bins : {2, 256}) {
    INFO("max_bin " << bins);
    const random_forest forest{.trees = 1,
                               .max_depth = 1,
                               .min_leaf = 1,
                               .subsample = 1.0,
                               .colsample_bynode = 1.0,
                               .max_bin = bins};
    const gradient_boosting boosting{
        .rounds = 5, .max_depth = 1, .eta = 0.3, .early_stopping_rounds = 0, .max_bin = bins};
    const matrix pf = random_forest_model::fit(forest, x, y, {}, ctx).predict_proba(x);
    const matrix pg = gradient_boosting_model::fit(boosting, x, y, {}, ctx).predict_proba(x);
    for (const matrix* p : {&pf, &pg}) {
      if (bins == 2) {
        CHECK((*p)(850, 2) == (*p)(950, 2));
        CHECK((*p)(100, 2) < (*p)(950, 2));  // the median edge still splits off the low half
      } else {
        CHECK((*p)(850, 2) < (*p)(950, 2));
      }
    }
  }
  CHECK_THROWS_WITH(random_forest_model::fit(
                        {.trees = 1, .max_depth = 1, .min_leaf = 1, .max_bin = 1}, x, y, {}, ctx),
                    Catch::Contains("max_bin must be at least 2"));
}
