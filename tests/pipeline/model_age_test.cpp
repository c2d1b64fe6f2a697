// The age of a model (pipeline/model_age.hpp): newest bar scored minus the last bar of the
// training data, judged against the policy's max_model_age; the same check in the streaming
// scorer; and the training reference that drift reads, validated before it is indexed.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "../features/feature_test_support.hpp"
#include "mtf/calibration/calibrator.hpp"
#include "mtf/pipeline/model_age.hpp"
#include "mtf/pipeline/streaming_scorer.hpp"
#include "mtf/split/purged_kfold.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

using namespace mtf::pipeline;

namespace {
constexpr std::int64_t day = 86400;
constexpr std::int64_t jan_31 = 1769817600;  // 2026-01-31T00:00:00Z

/// tf_5m with a single linear model and a two-hour age limit, so a short stream crosses it.
struct tiny_5m : mtf::timeframes::tf_5m {
  static constexpr auto base_models =
      boost::hana::make_tuple(mtf::model::logistic_regression{.C = 0.1});
  static constexpr mtf::model::no_meta_model meta_model{};
  static constexpr std::chrono::hours max_model_age{2};
};
static_assert(mtf::TimeframePolicy<tiny_5m>);
}  // namespace

TEST_CASE("the shipped policies carry the planned maximum model ages", "[pipeline][age]") {
  using std::chrono::days;
  CHECK(mtf::timeframes::tf_5m::max_model_age == days(7));
  CHECK(mtf::timeframes::tf_1h::max_model_age == days(14));
  CHECK(mtf::timeframes::tf_12h::max_model_age == days(60));
  CHECK(mtf::timeframes::tf_24h::max_model_age == days(60));
}

TEST_CASE("a model is stale only when the newest bar is more than max_model_age past its data",
          "[pipeline][age]") {
  using P = mtf::timeframes::tf_24h;
  const auto at_limit = measure_model_age<P>(jan_31, jan_31 + 60 * day);
  CHECK(at_limit.age() == std::chrono::days(60));
  CHECK(at_limit.age_days() == 60.0);
  CHECK(at_limit.limit_days() == 60.0);
  CHECK_FALSE(at_limit.stale());  // equal passes
  const auto one_second_more = measure_model_age<P>(jan_31, jan_31 + 60 * day + 1);
  CHECK(one_second_more.stale());
  const auto older_bars = measure_model_age<P>(jan_31, jan_31 - 400 * day);  // a replay
  CHECK(older_bars.age_days() == -400.0);
  CHECK_FALSE(older_bars.stale());
  CHECK(measure_model_age<mtf::timeframes::tf_5m>(jan_31, jan_31 + 8 * day).stale());
  CHECK_FALSE(measure_model_age<mtf::timeframes::tf_1h>(jan_31, jan_31 + 8 * day).stale());
}

TEST_CASE("a stale model is refused with its age, the limit and the way out", "[pipeline][age]") {
  using P = mtf::timeframes::tf_24h;
  const auto age = measure_model_age<P>(jan_31, jan_31 + 75 * day);
  try {
    check_model_age(age, "recent.csv");
    FAIL("a 75-day-old 24h model was accepted");
  } catch (const stale_model_error& e) {
    CHECK(e.code() == mtf::exit_code::artifact);
    const std::string m = e.what();
    CHECK(m ==
          "refusing to score recent.csv: the model trained on data through "
          "2026-01-31T00:00:00Z is 75.0 days old at the bar 2026-04-16T00:00:00Z, more "
          "than max_model_age 60.0 days; retrain it, or pass --allow-stale to score with "
          "it anyway");
  }
  CHECK_NOTHROW(check_model_age(measure_model_age<P>(jan_31, jan_31 + 59 * day), "recent.csv"));
}

TEST_CASE("the training data ends at the latest last bar of any symbol", "[pipeline][age]") {
  const nlohmann::json metadata = {{"data",
                                    {{{"symbol", "a"}, {"last", "2026-01-31T00:00:00Z"}},
                                     {{"symbol", "b"}, {"last", "2026-02-02T12:00:00Z"}},
                                     {{"symbol", "c"}, {"last", "2025-12-31T00:00:00Z"}}}}};
  CHECK(training_data_end(metadata) == jan_31 + 2 * day + day / 2);
  for (const char* bad : {R"({})", R"({"data": []})", R"({"data": [{"last": 5}]})",
                          R"({"data": [{"last": "yesterday"}]})", R"([1])"}) {
    INFO(bad);
    CHECK_THROWS_AS(training_data_end(nlohmann::json::parse(bad)), mtf::artifact_error);
  }
}

TEST_CASE("the streaming scorer refuses bars past the model's age like predict does",
          "[pipeline][age][scorer]") {
  using P = tiny_5m;
  const auto bars = mtf::test::random_walk_bars(600, 11, 0.0, 0.01);
  const mtf::matrix x = mtf::compute_feature_matrix(P::features, bars);
  const std::size_t first = mtf::first_complete_row(x);
  const std::size_t train_end = first + 300;
  std::vector<std::size_t> rows(train_end - first);
  std::iota(rows.begin(), rows.end(), first);
  std::vector<int> y;
  for (std::size_t t = first; t < train_end; ++t)
    y.push_back(bars.close[t + 12] > bars.close[t] * 1.002   ? 2
                : bars.close[t + 12] < bars.close[t] * 0.998 ? 0
                                                             : 1);
  const std::vector<std::int64_t> times(bars.timestamp.begin() + first,
                                        bars.timestamp.begin() + train_end);
  std::vector<std::int64_t> label_ends;  // each label looks 12 bars ahead
  for (const std::int64_t t : times)
    label_ends.push_back(t + 12 * bars.bar_seconds);
  const auto folds = mtf::split::purged_kfold(times, label_ends, 3, 3600);
  const mtf::model::fit_context ctx{
      .seed = 1, .threads = 1, .row_times = times, .row_label_ends = label_ends};
  const mtf::matrix x_train = mtf::model::gather_rows(x, rows);
  loaded_model<P> model{
      {},
      {},
      mtf::model::fit_stack(P::base_models, P::meta_model, x_train, y, {}, ctx, folds),
      mtf::calibration::calibrator::from_json(
          nlohmann::json::parse(R"({"format":"mtf.calibrator","version":1,"method":"temperature",)"
                                R"("probability_floor":1e-6,"parameters":{"temperature":1.0}})")),
      {},
      bars.timestamp[train_end - 1],  // trained through this bar
      mtf::intake::calendar::crypto};

  streaming_scorer<P> refusing(model);
  streaming_scorer<P> allowing(model, tree_evaluation::native, stale_models::allow);
  const std::size_t last_fresh = train_end - 1 + 24;  // 24 five-minute bars = 2 h, the limit
  refusing.seed(bars.prefix(last_fresh));
  allowing.seed(bars.prefix(last_fresh));
  REQUIRE(refusing.model_age_at(bars.timestamp[last_fresh])->age() == std::chrono::hours(2));
  CHECK(refusing.score(mtf::streaming::bar_at(bars, last_fresh)).has_value());
  CHECK(allowing.score(mtf::streaming::bar_at(bars, last_fresh)).has_value());
  const std::size_t seen = refusing.features().bars_seen();
  CHECK_THROWS_AS(refusing.score(mtf::streaming::bar_at(bars, last_fresh + 1)), stale_model_error);
  CHECK(refusing.features().bars_seen() == seen);  // the refused bar changed no state
  const auto scored = allowing.score(mtf::streaming::bar_at(bars, last_fresh + 1));
  REQUIRE(scored.has_value());
  CHECK(allowing.model_age_at(scored->timestamp)->stale());
  // Built from a bare stack and calibrator, the scorer knows no training period: never refused.
  streaming_scorer<P> bare(model.stack, model.calibrator);
  bare.seed(bars.prefix(last_fresh + 1));
  CHECK_FALSE(bare.model_age_at(bars.timestamp[last_fresh + 1]).has_value());
  CHECK(bare.score(mtf::streaming::bar_at(bars, last_fresh + 1)).has_value());
}
