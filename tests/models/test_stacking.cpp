#include <boost/hana/tuple.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <vector>

#include "mtf/core/scoring_rules.hpp"
#include "mtf/models/stacking.hpp"
#include "mtf/split/purged_kfold.hpp"
#include "synthetic_data.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_5m.hpp"

using mtf::matrix;
namespace model = mtf::model;
namespace hana = boost::hana;

namespace {

constexpr std::int64_t bar_seconds = 300;
constexpr std::int64_t horizon_seconds = 12 * bar_seconds;

// A small three-model mix shaped like a policy's (RF, GBT, logistic), sized for seconds.
const auto three_models = hana::make_tuple(
    model::random_forest{.trees = 30, .max_depth = 4, .min_leaf = 20},
    model::gradient_boosting{.rounds = 40, .max_depth = 3, .eta = 0.1, .early_stopping_rounds = 10},
    model::logistic_regression{.C = 1.0});
constexpr model::logistic_regression meta_spec{.C = 1.0};

/// Log loss of the constant predictor that outputs the training class frequencies.
double prior_log_loss(const std::vector<int>& train_y, const std::vector<int>& test_y) {
  std::array<double, 3> share{};
  for (int c : train_y)
    share[static_cast<std::size_t>(c)] += 1.0 / static_cast<double>(train_y.size());
  matrix p(std::array<std::size_t, 2>{test_y.size(), 3});
  for (std::size_t i = 0; i < test_y.size(); ++i)
    for (std::size_t k = 0; k < 3; ++k)
      p(i, k) = share[k];
  return mtf::log_loss(p, test_y);
}

std::vector<int> labels_of_rows(const std::vector<int>& y, const std::vector<std::size_t>& rows) {
  std::vector<int> out;
  for (std::size_t r : rows)
    out.push_back(y[r]);
  return out;
}

bool bit_identical(const matrix& a, const matrix& b) {
  if (a.shape() != b.shape()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (a.data()[k] != b.data()[k]) return false;
  return true;
}

std::filesystem::path temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "mtf_test_models" / name;
  std::filesystem::remove_all(dir);
  return dir;
}

}  // namespace

TEST_CASE("a stack beats the class prior out of fold and held out on a planted feature",
          "[models][stacking]") {
  const std::uint64_t seed = 2024;
  INFO("seed " << seed);
  const auto train = mtf::test::make_rows(3000, 5, 1.5, seed);
  const auto test = mtf::test::make_rows(1500, 5, 1.5, seed + 1);
  const auto folds = mtf::split::purged_kfold(
      train.times, mtf::test::ends_after(train.times, horizon_seconds), 5, 0);
  const auto ends = mtf::test::ends_after(train.times, horizon_seconds);
  const model::fit_context ctx{
      .seed = seed, .threads = 2, .row_times = train.times, .row_label_ends = ends};
  const auto stack =
      model::fit_stack(three_models, meta_spec, train.x, train.y, train.w, ctx, folds);

  const double prior = prior_log_loss(train.y, test.y);
  const double held_out = mtf::log_loss(stack.predict_proba(test.x), test.y);
  INFO("prior " << prior << " held-out " << held_out << " oof " << stack.stack_scores().mean);
  CHECK(held_out < prior - 0.1);
  CHECK(stack.stack_scores().mean < prior_log_loss(train.y, train.y) - 0.1);
  CHECK(stack.stack_scores().per_fold.size() == 5);
  CHECK(stack.stack_scores().std >= 0.0);
  for (std::size_t b = 0; b < 3; ++b) {
    CHECK(stack.base_scores(b).per_fold.size() == 5);
    CHECK(stack.base_scores(b).mean < prior_log_loss(train.y, train.y));
  }
  // Blocked K-fold validates every row once: no NaN left in the out-of-fold matrix.
  CHECK(stack.validated_rows().size() == 3000);
  const matrix& oof = stack.oof_probabilities();
  REQUIRE(oof.shape()[1] == 9);
  CHECK(std::none_of(oof.begin(), oof.end(), [](double v) { return std::isnan(v); }));
  // The per-fold base losses are the log losses of these out-of-fold columns.
  const auto& first = folds.front().validation;
  matrix gbt_fold0(std::array<std::size_t, 2>{first.size(), 3});
  for (std::size_t r = 0; r < first.size(); ++r)
    for (std::size_t k = 0; k < 3; ++k)
      gbt_fold0(r, k) = oof(first[r], 3 + k);
  CHECK(stack.base_scores(1).per_fold[0] ==
        Approx(mtf::log_loss(gbt_fold0, labels_of_rows(train.y, first))));

  const auto importance = stack.feature_importance();
  REQUIRE(importance.size() == 5);
  CHECK(std::accumulate(importance.begin(), importance.end(), 0.0) == Approx(1.0));
  CHECK(std::max_element(importance.begin(), importance.end()) == importance.begin());

  const matrix p = stack.predict_proba(test.x);
  for (std::size_t i = 0; i < p.shape()[0]; ++i)
    CHECK(p(i, 0) + p(i, 1) + p(i, 2) == Approx(1.0).margin(1e-9));
}

TEST_CASE("on pure noise the stack does not beat the class prior beyond sampling noise",
          "[models][stacking]") {
  const std::uint64_t seed = 77;
  INFO("seed " << seed);
  const auto train = mtf::test::make_rows(3000, 5, 0.0, seed);
  const auto test = mtf::test::make_rows(1500, 5, 0.0, seed + 1);
  const auto folds = mtf::split::purged_kfold(
      train.times, mtf::test::ends_after(train.times, horizon_seconds), 5, 0);
  const auto ends = mtf::test::ends_after(train.times, horizon_seconds);
  const model::fit_context ctx{
      .seed = seed, .threads = 2, .row_times = train.times, .row_label_ends = ends};
  const auto stack =
      model::fit_stack(three_models, meta_spec, train.x, train.y, train.w, ctx, folds);
  // Per-row log-loss differences to the prior have a spread well under 0.5 nats here, so the
  // standard error of a mean over >= 600 rows is < 0.02; a leak (e.g. a meta-model fitted on
  // in-sample base predictions, or out-of-fold rows that were trained on) shows as a gain far
  // larger than that.
  const double prior_train = prior_log_loss(train.y, train.y);
  const double prior_test = prior_log_loss(train.y, test.y);
  const double held_out = mtf::log_loss(stack.predict_proba(test.x), test.y);
  INFO("prior " << prior_test << " held-out " << held_out << " oof " << stack.stack_scores().mean);
  CHECK(held_out > prior_test - 0.02);
  CHECK(stack.stack_scores().mean > prior_train - 0.02);
  for (std::size_t b = 0; b < 3; ++b)
    CHECK(stack.base_scores(b).mean > prior_train - 0.02);
}

TEST_CASE("same data, seed and threads give bit-identical stacks, also after save and load",
          "[models][stacking]") {
  const std::uint64_t seed = 9;
  INFO("seed " << seed);
  const auto train = mtf::test::make_rows(1500, 4, 1.0, seed);
  const auto folds = mtf::split::purged_kfold(
      train.times, mtf::test::ends_after(train.times, horizon_seconds), 3, 0);
  const auto ends = mtf::test::ends_after(train.times, horizon_seconds);
  const model::fit_context ctx{
      .seed = seed, .threads = 2, .row_times = train.times, .row_label_ends = ends};
  const auto a = model::fit_stack(three_models, meta_spec, train.x, train.y, train.w, ctx, folds);
  const auto b = model::fit_stack(three_models, meta_spec, train.x, train.y, train.w, ctx, folds);
  const matrix pa = a.predict_proba(train.x);
  CHECK(bit_identical(pa, b.predict_proba(train.x)));
  CHECK(a.stack_scores().per_fold == b.stack_scores().per_fold);

  const auto dir = temp_dir("stack");
  a.save(dir);
  using stack_type = std::remove_cvref_t<decltype(a)>;
  const auto loaded = stack_type::load(dir);
  CHECK(bit_identical(pa, loaded.predict_proba(train.x)));
  CHECK(loaded.stack_scores().per_fold == a.stack_scores().per_fold);
  CHECK(loaded.base_scores(2).mean == a.base_scores(2).mean);

  // A directory holding another model mix is refused.
  using other_stack = model::stacked_model<
      hana::tuple<model::gradient_boosting, model::random_forest, model::logistic_regression>,
      model::logistic_regression>;
  CHECK_THROWS_WITH(
      other_stack::load(dir),
      Catch::Contains("base model 0 is 'random_forest', expected 'gradient_boosting'"));
}

TEST_CASE("the thread count never changes a stack: every fit is single-threaded",
          "[models][stacking]") {
  // One thread fits the folds and the refits one after another; two or three fit the folds
  // concurrently (a fold per task, in whatever order the threads take them) and the refits side
  // by side, each fit single-threaded. Each fit sees the same rows, weights and early-stopping
  // times either way (gradient boosting's tail is cut by row time), so every score and
  // probability is the same bits.
  const std::uint64_t seed = 31;
  INFO("seed " << seed);
  const auto train = mtf::test::make_rows(1600, 4, 1.2, seed);
  const auto test = mtf::test::make_rows(400, 4, 1.2, seed + 1);
  const auto ends = mtf::test::ends_after(train.times, horizon_seconds);
  const auto folds = mtf::split::purged_kfold(train.times, ends, 5, horizon_seconds);
  auto fit_with = [&](int threads) {
    const model::fit_context ctx{
        .seed = seed, .threads = threads, .row_times = train.times, .row_label_ends = ends};
    return model::fit_stack(three_models, meta_spec, train.x, train.y, train.w, ctx, folds);
  };
  const auto one = fit_with(1);
  for (const int threads : {2, 3}) {
    INFO("threads " << threads);
    const auto many = fit_with(threads);
    CHECK(bit_identical(many.base_probabilities(test.x), one.base_probabilities(test.x)));
    CHECK(bit_identical(many.predict_proba(test.x), one.predict_proba(test.x)));
    for (std::size_t b = 0; b < 3; ++b)
      CHECK(many.base_scores(b).per_fold == one.base_scores(b).per_fold);
    CHECK(many.stack_scores().per_fold == one.stack_scores().per_fold);
  }
}

TEST_CASE("a stack manifest with numbers outside their types is refused, not converted",
          "[models][stacking][loader]") {
  // get<int>() of 1e86 is undefined behaviour (found by tests/fuzz/fuzz_stack_manifest; the asan
  // preset runs this under UBSan); best_base must name one of the stack's base models.
  const std::uint64_t seed = 12;
  const auto train = mtf::test::make_rows(600, 3, 1.0, seed);
  const auto ends = mtf::test::ends_after(train.times, horizon_seconds);
  const auto folds = mtf::split::purged_kfold(train.times, ends, 3, 0);
  const model::fit_context ctx{
      .seed = seed, .threads = 1, .row_times = train.times, .row_label_ends = ends};
  const auto stack =
      model::fit_stack(three_models, meta_spec, train.x, train.y, train.w, ctx, folds);
  using stack_type = std::remove_cvref_t<decltype(stack)>;
  const auto dir = temp_dir("stack_numbers");
  stack.save(dir);
  std::ifstream in(dir / "stack.json");
  const auto saved = nlohmann::json::parse(in);
  in.close();
  auto write = [&](const nlohmann::json& manifest) {
    std::ofstream(dir / "stack.json") << manifest.dump();
  };
  auto spoiled = saved;
  SECTION("format_version 1e86") {
    spoiled["format_version"] = 1e86;
  }
  SECTION("format_version 2.5") {
    spoiled["format_version"] = 2.5;
  }
  SECTION("best_base 1e30") {
    spoiled["combiner"]["best_base"] = 1e30;
  }
  SECTION("best_base -1") {
    spoiled["combiner"]["best_base"] = -1;
  }
  SECTION("best_base 3 of three base models") {
    spoiled["combiner"]["best_base"] = 3;
  }
  write(spoiled);
  CHECK_THROWS_AS(stack_type::load(dir), mtf::model_error);
  write(saved);
  CHECK_NOTHROW(stack_type::load(dir));
}

TEST_CASE("a single base model without a meta-model predicts with that model",
          "[models][stacking]") {
  const std::uint64_t seed = 10;
  const auto train = mtf::test::make_rows(1200, 3, 1.0, seed);
  const auto folds = mtf::split::purged_kfold(
      train.times, mtf::test::ends_after(train.times, horizon_seconds), 4, 0);
  const auto one = hana::make_tuple(model::logistic_regression{.C = 0.5});
  const auto stack = model::fit_stack(one, model::no_meta_model{}, train.x, train.y, train.w,
                                      {.seed = seed}, folds);
  const auto direct =
      model::logistic_regression_model::fit({.C = 0.5}, train.x, train.y, train.w, {});
  CHECK(bit_identical(stack.predict_proba(train.x), direct.predict_proba(train.x)));
  CHECK(stack.stack_scores().per_fold == stack.base_scores(0).per_fold);
}

TEST_CASE("every shipped policy's model mix instantiates a stack", "[models][stacking]") {
  using tf_5m = mtf::timeframes::tf_5m;
  using stack_5m = model::stacked_model<std::remove_cvref_t<decltype(tf_5m::base_models)>,
                                        std::remove_cvref_t<decltype(tf_5m::meta_model)>>;
  STATIC_REQUIRE(stack_5m::base_count == 3);
  STATIC_REQUIRE(stack_5m::has_meta);
  STATIC_REQUIRE(
      std::is_same_v<std::tuple_element_t<0, stack_5m::base_tuple>, model::random_forest_model>);
  using tf_12h = mtf::timeframes::tf_12h;
  using stack_12h = model::stacked_model<std::remove_cvref_t<decltype(tf_12h::base_models)>,
                                         std::remove_cvref_t<decltype(tf_12h::meta_model)>>;
  STATIC_REQUIRE(stack_12h::base_count >= 2);
  STATIC_REQUIRE(model::FittedModel<model::logistic_regression_model, model::logistic_regression>);
}

TEST_CASE("stacking rejects inconsistent folds and inputs", "[models][stacking]") {
  const auto train = mtf::test::make_rows(600, 3, 1.0, 3);
  const auto one = hana::make_tuple(model::logistic_regression{.C = 0.5});
  auto folds = mtf::split::purged_kfold(train.times,
                                        mtf::test::ends_after(train.times, horizon_seconds), 3, 0);
  auto overlapping = folds;
  overlapping[1].validation.push_back(overlapping[0].validation.front());
  CHECK_THROWS_WITH(
      model::fit_stack(one, model::no_meta_model{}, train.x, train.y, train.w, {}, overlapping),
      Catch::Contains("validated by folds 0 and 1"));
  auto beyond = folds;
  beyond[2].validation.push_back(600);
  CHECK_THROWS_AS(
      model::fit_stack(one, model::no_meta_model{}, train.x, train.y, train.w, {}, beyond),
      mtf::model_error);
  const std::vector<int> short_y(train.y.begin(), train.y.end() - 1);
  CHECK_THROWS_AS(
      model::fit_stack(one, model::no_meta_model{}, train.x, short_y, train.w, {}, folds),
      mtf::model_error);
}

TEST_CASE("the stack guard falls back to greedy ensemble selection when the meta-model is worse",
          "[models][stacking]") {
  // A meta-model regularised to almost nothing (C = 1e-6) can only output the class mix: far
  // worse than base models that see a planted feature. The guard must notice on the out-of-fold
  // rows and combine the base models by ensemble selection instead (SPEC §4.8).
  const std::uint64_t seed = 515;
  INFO("seed " << seed);
  const auto train = mtf::test::make_rows(2400, 4, 1.5, seed);
  const auto test = mtf::test::make_rows(1200, 4, 1.5, seed + 1);
  const auto ends = mtf::test::ends_after(train.times, horizon_seconds);
  const auto folds = mtf::split::purged_kfold(train.times, ends, 4, horizon_seconds);
  const model::fit_context ctx{
      .seed = seed, .threads = 2, .row_times = train.times, .row_label_ends = ends};
  const auto stack = model::fit_stack(three_models, model::logistic_regression{.C = 1e-6}, train.x,
                                      train.y, train.w, ctx, folds);
  const auto& choice = stack.choice();
  INFO(choice.reason);
  REQUIRE(choice.used == model::combiner::ensemble);
  CHECK(choice.meta_log_loss > choice.best_base_log_loss + model::stack_guard_tolerance);
  CHECK(choice.ensemble_log_loss <= choice.best_base_log_loss);
  CHECK(stack.stack_scores().pooled == choice.ensemble_log_loss);
  CHECK_THAT(choice.reason, Catch::Contains("greedy ensemble selection used"));
  // The stack predicts the weighted average of its refitted base models.
  const matrix base = stack.base_probabilities(test.x);
  std::vector<matrix> members;
  for (std::size_t b = 0; b < 3; ++b)
    members.push_back(model::member_probabilities(base, b));
  CHECK(bit_identical(stack.predict_proba(test.x),
                      model::weighted_average(members, choice.ensemble_weights)));
  // Saved and loaded, it still uses the ensemble.
  const auto dir = temp_dir("guarded_stack");
  stack.save(dir);
  const auto loaded = std::remove_cvref_t<decltype(stack)>::load(dir);
  CHECK(loaded.choice().used == model::combiner::ensemble);
  CHECK(loaded.choice().ensemble_weights == choice.ensemble_weights);
  CHECK(bit_identical(loaded.predict_proba(test.x), stack.predict_proba(test.x)));
}

TEST_CASE("a stack is never worse out of fold than its best member beyond the tolerance",
          "[models][stacking]") {
  // Property over signal strengths and meta regularisation: whatever the meta-model does, the
  // stack's pooled out-of-fold log loss stays within the guard's tolerance of the best member.
  for (const double signal : {0.0, 0.8, 2.0}) {
    for (const double c : {1e-6, 1.0}) {
      const std::uint64_t seed = 600 + static_cast<std::uint64_t>(10 * signal + c);
      INFO("seed " << seed << " signal " << signal << " C " << c);
      const auto train = mtf::test::make_rows(1500, 4, signal, seed);
      const auto ends = mtf::test::ends_after(train.times, horizon_seconds);
      const auto folds = mtf::split::purged_kfold(train.times, ends, 4, 0);
      const model::fit_context ctx{
          .seed = seed, .threads = 2, .row_times = train.times, .row_label_ends = ends};
      const auto stack = model::fit_stack(three_models, model::logistic_regression{.C = c}, train.x,
                                          train.y, train.w, ctx, folds);
      double best = INFINITY;
      for (std::size_t b = 0; b < 3; ++b)
        best = std::min(best, stack.base_scores(b).pooled);
      CHECK(stack.stack_scores().pooled <= best + model::stack_guard_tolerance);
      CHECK(stack.choice().best_base_log_loss == best);
    }
  }
}
