// The streaming scorer against the batch scoring path of `retrain_<tf> predict`
// (calibrator.predict(stack.predict_proba(rows of compute_feature_matrix))) over a long
// random-walk series: for every bar after the warm-up, the same probabilities, confidence,
// alpha, direction, eligibility and tier. Stacks are small versions of the policies' model mixes
// (same model kinds and meta-model, fewer and shallower trees) fitted on the series itself, so
// the test runs in seconds.

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "../features/feature_test_support.hpp"
#include "mtf/calibration/calibrator.hpp"
#include "mtf/features/feature_matrix.hpp"
#include "mtf/labels/class_balance.hpp"
#include "mtf/pipeline/streaming_scorer.hpp"
#include "mtf/split/purged_kfold.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_5m.hpp"

namespace {

/// tf_5m with a small model mix of the same kinds (random forest, gradient boosting, logistic
/// regression, logistic meta-model).
struct small_5m : mtf::timeframes::tf_5m {
  static constexpr auto base_models = boost::hana::make_tuple(
      mtf::model::random_forest{.trees = 12, .max_depth = 5, .min_leaf = 20},
      mtf::model::gradient_boosting{.rounds = 15, .max_depth = 4, .eta = 0.3},
      mtf::model::logistic_regression{.C = 0.1});
};
static_assert(mtf::TimeframePolicy<small_5m>);

/// tf_12h with a small random forest and its logistic regression.
struct small_12h : mtf::timeframes::tf_12h {
  static constexpr auto base_models = boost::hana::make_tuple(
      mtf::model::random_forest{.trees = 10, .max_depth = 6, .min_leaf = 10},
      mtf::model::logistic_regression{.C = 0.1});
};
static_assert(mtf::TimeframePolicy<small_12h>);

/// Rows [begin, end) of a matrix.
mtf::matrix rows_of(const mtf::matrix& x, std::size_t begin, std::size_t end) {
  std::vector<std::size_t> rows(end - begin);
  std::iota(rows.begin(), rows.end(), begin);
  return mtf::model::gather_rows(x, rows);
}

/// Down / neutral / up by the return over the LAST `horizon` bars against +-threshold: a signal
/// the momentum features see, so the calibrated model's direction varies from bar to bar (on a
/// random walk the future return carries none, and an honestly calibrated model would then
/// output the class prior, one constant direction, which would make the comparison weak).
std::vector<int> past_return_labels(const mtf::bar_series& bars, std::size_t begin, std::size_t end,
                                    int horizon, double threshold) {
  std::vector<int> y;
  for (std::size_t t = begin; t < end; ++t) {
    const std::size_t h = static_cast<std::size_t>(horizon);
    const double r = t >= h ? std::log(bars.close[t] / bars.close[t - h]) : 0.0;
    y.push_back(r < -threshold ? 0 : (r > threshold ? 2 : 1));
  }
  return y;
}

/// Fits a stack of P on `train_rows` rows after the warm-up and a calibrator (P's spec) on the
/// next `calibration_rows` rows, streams every bar and compares each scored bar with the batch
/// path. Returns the number of bars compared.
template <class P>
std::size_t check_streaming_equals_batch(std::uint64_t seed, std::size_t bars_count,
                                         std::size_t train_rows, std::size_t calibration_rows) {
  INFO("seed " << seed);
  const auto bars = mtf::test::random_walk_bars(bars_count, seed, 0.0, 0.01);
  const mtf::matrix x_all = mtf::compute_feature_matrix(P::features, bars);
  const std::size_t first = mtf::first_complete_row(x_all);
  const std::size_t train_end = first + train_rows;
  const std::size_t calibration_end = train_end + calibration_rows;
  REQUIRE(calibration_end + P::horizon < bars.size());

  const double threshold = 0.3 * 0.01 * std::sqrt(static_cast<double>(P::horizon));
  const auto y_train = past_return_labels(bars, first, train_end, P::horizon, threshold);
  const std::vector<std::int64_t> times(bars.timestamp.begin() + first,
                                        bars.timestamp.begin() + train_end);
  const std::int64_t purge = P::horizon * bars.bar_seconds;
  std::vector<std::int64_t> ends(times.size());
  for (std::size_t i = 0; i < times.size(); ++i)
    ends[i] = times[i] + purge;
  const auto folds = mtf::split::purged_kfold(times, ends, 3, 0);
  const mtf::model::fit_context ctx{
      .seed = seed, .threads = 1, .row_times = times, .row_label_ends = ends};
  // The policy's target-mix weights, as `train` fits with.
  const auto stack = mtf::model::fit_stack(
      P::base_models, P::meta_model, rows_of(x_all, first, train_end), y_train,
      mtf::target_mix_sample_weights(y_train, P::class_targets), ctx, folds);
  const auto y_calibration =
      past_return_labels(bars, train_end, calibration_end, P::horizon, threshold);
  const auto calibrator =
      mtf::calibration::fit_calibrator(
          P::calibration, stack.predict_proba(rows_of(x_all, train_end, calibration_end)),
          y_calibration)
          .model;

  // The batch path of `predict`: every complete row at once.
  const mtf::matrix p_batch =
      calibrator.predict(stack.predict_proba(rows_of(x_all, first, bars.size())));
  const auto sig = mtf::validation::compute_signals(p_batch, P::trade_gate);

  // Both tree evaluations: the native walker and xgboost's own predictor.
  mtf::pipeline::streaming_scorer<P> native(stack, calibrator);
  mtf::pipeline::streaming_scorer<P> library(stack, calibrator,
                                             mtf::pipeline::tree_evaluation::library);
  CHECK(native.native_base(0));
  CHECK_FALSE(library.native_base(0));
  std::size_t compared = 0, mismatches = 0;
  std::array<std::size_t, 3> directions{};
  for (std::size_t t = 0; t < bars.size(); ++t) {
    const auto bar = mtf::streaming::bar_at(bars, t);
    for (auto* scorer : {&native, &library}) {
      const auto scored = scorer->score(bar);
      if (t < first) {
        REQUIRE_FALSE(scored.has_value());
        continue;
      }
      REQUIRE(scored.has_value());
      const std::size_t i = t - first;
      const bool same = mtf::test::same_bits(scored->p_down, p_batch(i, 0)) &&
                        mtf::test::same_bits(scored->p_neutral, p_batch(i, 1)) &&
                        mtf::test::same_bits(scored->p_up, p_batch(i, 2)) &&
                        mtf::test::same_bits(scored->confidence, sig.confidence[i]) &&
                        mtf::test::same_bits(scored->alpha, sig.alpha[i]) &&
                        scored->direction == sig.direction[i] &&
                        scored->eligible == static_cast<bool>(sig.eligible[i]) &&
                        scored->tier == mtf::pipeline::confidence_tier<P>(sig.confidence[i]) &&
                        scored->timestamp == bars.timestamp[t];
      if (!same && mismatches++ < 5)
        UNSCOPED_INFO("bar " << t << (scorer == &native ? " native" : " library") << ": streaming "
                             << scored->p_down << ' ' << scored->p_neutral << ' ' << scored->p_up
                             << " batch " << p_batch(i, 0) << ' ' << p_batch(i, 1) << ' '
                             << p_batch(i, 2));
      if (scorer == &native) {
        ++directions[static_cast<std::size_t>(scored->direction)];
        ++compared;
      }
    }
  }
  CHECK(mismatches == 0);
  // The model must say something (not one constant class), or the comparison would be weak.
  CHECK(std::count_if(directions.begin(), directions.end(), [](std::size_t n) { return n > 0; }) >=
        2);
  return compared;
}

}  // namespace

TEST_CASE("the streaming scorer gives the batch predict numbers for every bar (5m mix)",
          "[features][streaming][scorer]") {
  CHECK(check_streaming_equals_batch<small_5m>(81, 6'000, 1'500, 1'200) > 5'000);
}

TEST_CASE("the streaming scorer gives the batch predict numbers for every bar (12h mix)",
          "[features][streaming][scorer]") {
  CHECK(check_streaming_equals_batch<small_12h>(82, 4'000, 800, 400) > 3'500);
}

TEST_CASE("the native forest predicts xgboost's probabilities bit for bit",
          "[features][streaming][scorer]") {
  // Policy-sized forests (tf_5m's random forest and gradient boosting) on synthetic rows with a
  // planted signal, plus rows far outside the training range.
  const std::uint64_t seed = 91;
  INFO("seed " << seed);
  constexpr std::size_t rows = 4'000, columns = 17;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  mtf::matrix x(std::array<std::size_t, 2>{rows, columns});
  std::vector<int> y(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < columns; ++j)
      x(i, j) = normal(rng) * (j == 5 ? 1e-4 : 1.0);  // one tiny-scaled column: float splits
    const double latent = x(i, 0) - 0.5 * x(i, 3) + 2e3 * x(i, 5) + normal(rng);
    y[i] = latent < -0.5 ? 0 : (latent > 0.5 ? 2 : 1);
  }
  const mtf::model::fit_context ctx{.seed = seed, .threads = 1};
  const auto forest = mtf::model::random_forest_model::fit(
      {.trees = 50, .max_depth = 8, .min_leaf = 20}, x, y, {}, ctx);
  const auto boosted = mtf::model::gradient_boosting_model::fit(
      {.rounds = 60, .max_depth = 6, .eta = 0.1}, x, y, {}, ctx);
  mtf::matrix probe(std::array<std::size_t, 2>{rows, columns});
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < columns; ++j)
      probe(i, j) = normal(rng) * (i % 10 == 0 ? 50.0 : 1.0) * (j == 5 ? 1e-4 : 1.0);
  for (const auto* trees : {&forest.trees(), &boosted.trees()}) {
    const auto native = mtf::model::native_softprob_forest::from_booster(trees->booster());
    CHECK(native.features() == columns);
    CHECK(native.tree_count() ==
          (trees == &forest.trees() ? 150u : 3u * static_cast<unsigned>(boosted.rounds())));
    const mtf::matrix expected = trees->predict_proba(probe);
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < rows; ++i) {
      const auto p = native.predict(std::span<const double>(&probe(i, 0), columns));
      for (std::size_t k = 0; k < 3; ++k)
        mismatches += mtf::test::same_bits(p[k], expected(i, k)) ? 0 : 1;
    }
    CHECK(mismatches == 0);
  }
}

TEST_CASE("the native forest refuses models outside its scope", "[features][streaming][scorer]") {
  nlohmann::json model = {
      {"learner",
       {{"objective", {{"name", "multi:softmax"}}},
        {"learner_model_param", {{"num_class", "3"}, {"base_score", "5E-1"}, {"num_feature", "2"}}},
        {"gradient_booster",
         {{"name", "gbtree"},
          {"model",
           {{"trees", nlohmann::json::array()}, {"tree_info", nlohmann::json::array()}}}}}}}};
  using mtf::model::native_softprob_forest;
  CHECK_THROWS_WITH(native_softprob_forest::from_json(model), Catch::Contains("multi:softprob"));
  model["learner"]["objective"]["name"] = "multi:softprob";
  CHECK_NOTHROW(native_softprob_forest::from_json(model));
  // One stump whose split reads feature 7 of a 2-feature model.
  model["learner"]["gradient_booster"]["model"]["trees"].push_back(
      {{"left_children", {1, -1, -1}},
       {"right_children", {2, -1, -1}},
       {"split_indices", {7, 0, 0}},
       {"split_conditions", {0.5, -1.0, 1.0}},
       {"default_left", {1, 0, 0}},
       {"split_type", {0, 0, 0}}});
  model["learner"]["gradient_booster"]["model"]["tree_info"].push_back(0);
  CHECK_THROWS_WITH(native_softprob_forest::from_json(model), Catch::Contains("feature range"));
  auto& tree = model["learner"]["gradient_booster"]["model"]["trees"][0];
  tree["split_indices"] = {1, 0, 0};
  const auto stump = native_softprob_forest::from_json(model);
  // Hand-computed: margins (0.5 + leaf, 0.5, 0.5); softmax of (0.5 -+ 1, 0.5, 0.5).
  const double low[] = {0.0, 0.2};
  const auto p = stump.predict(low);
  const double e = std::exp(-1.0);
  CHECK(p[0] == Approx(e / (e + 2.0)).epsilon(1e-6));
  CHECK(p[1] == Approx(1.0 / (e + 2.0)).epsilon(1e-6));
  const double nan_row[] = {0.0, std::nan("")};  // default_left: the left leaf
  CHECK(stump.predict(nan_row)[0] == p[0]);
  const double high[] = {0.0, 0.9};
  CHECK(stump.predict(high)[0] == Approx(std::exp(1.0) / (std::exp(1.0) + 2.0)).epsilon(1e-6));
  CHECK_THROWS_AS(stump.predict(std::span<const double>(high, 1)), mtf::model_error);
  tree["split_type"] = {1, 0, 0};
  CHECK_THROWS_WITH(native_softprob_forest::from_json(model), Catch::Contains("categorical"));
  tree["split_type"] = {0, 0, 0};
  tree["right_children"] = {0, -1, -1};
  CHECK_THROWS_WITH(native_softprob_forest::from_json(model), Catch::Contains("precedes"));
}

TEST_CASE("the streaming scorer names tiers and directions as predict does",
          "[features][streaming][scorer]") {
  using P = mtf::timeframes::tf_5m;  // tiers 0.60 / 0.65 / 0.80
  CHECK(mtf::pipeline::confidence_tier<P>(0.59) == "none");
  CHECK(mtf::pipeline::confidence_tier<P>(0.60) == "low");
  CHECK(mtf::pipeline::confidence_tier<P>(0.65) == "medium");
  CHECK(mtf::pipeline::confidence_tier<P>(0.80) == "high");
  mtf::pipeline::scored_bar s;
  s.direction = 0;
  CHECK(s.direction_name() == "down");
  s.direction = 2;
  CHECK(s.direction_name() == "up");
}
