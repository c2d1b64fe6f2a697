#pragma once
// What the tests of tests/system/ share: the shipped timeframes with one linear model each (four
// models train in milliseconds), a system policy over them, models fitted on random walks, and
// publishing a fitted model into an artifact tree exactly as a retrain lays it out.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "../features/feature_test_support.hpp"
#include "mtf/artifact/run_lock.hpp"
#include "mtf/artifact/run_store.hpp"
#include "mtf/split/purged_kfold.hpp"
#include "mtf/system/system_run.hpp"
#include "timeframes/system.hpp"

namespace mtf::test_system {

using mtf::pipeline::loaded_model;
using mtf::system::system_models;

// The shipped timeframes with one linear model each, so four models train in milliseconds;
// features, horizons, trade gates are the shipped ones.
struct lin_5m : mtf::timeframes::tf_5m {
  static constexpr auto base_models =
      boost::hana::make_tuple(mtf::model::logistic_regression{.C = 0.1});
  static constexpr mtf::model::no_meta_model meta_model{};
  // A random walk gives probabilities near the class mix: a low gate lets signals through.
  static constexpr mtf::gates::trade_gate trade_gate{.conf_min = 0.40, .alpha_min = 0.0};
};
struct lin_1h : mtf::timeframes::tf_1h {
  static constexpr auto base_models =
      boost::hana::make_tuple(mtf::model::logistic_regression{.C = 0.1});
  static constexpr mtf::model::no_meta_model meta_model{};
};
struct lin_12h : mtf::timeframes::tf_12h {
  static constexpr auto base_models =
      boost::hana::make_tuple(mtf::model::logistic_regression{.C = 0.1});
  static constexpr mtf::model::no_meta_model meta_model{};
};
struct lin_24h : mtf::timeframes::tf_24h {
  static constexpr auto base_models =
      boost::hana::make_tuple(mtf::model::logistic_regression{.C = 0.1});
  static constexpr mtf::model::no_meta_model meta_model{};
};
/// The linear models under thresholds near their probabilities on a random walk, so that every
/// kind of decision occurs (the prefix test then covers them all).
struct lin_system : mtf::timeframes::system {
  using execution = lin_5m;
  using overlay = lin_1h;
  using regime = lin_12h;
  using bias = lin_24h;
  static constexpr mtf::system::bias_sizing sizing{.min_confidence = 0.42,
                                                   .with_bias = 1.0,
                                                   .neutral_bias = 0.6,
                                                   .against_bias = 0.3,
                                                   .min_size = 0.25};
  static constexpr mtf::system::regime_filter regime_rule{
      .trend_confidence = 0.45, .ranging_blocks_all = 0.40, .trade_without_regime = true};
  static constexpr mtf::system::overlay_filter overlay_rule{
      .disagree_confidence = 0.42, .require_agreement = false, .trade_without_overlay = false};
};
static_assert(mtf::SystemPolicy<lin_system>);

/// The linear models with the overlay as the only filter: the 12h regime never blocks (its
/// thresholds cannot be reached) and the 24h bias sizes; a 1h call against a 5m signal with
/// confidence 0.40 or more vetoes it.
struct overlay_system : lin_system {
  static constexpr mtf::system::regime_filter regime_rule{
      .trend_confidence = 1.0, .ranging_blocks_all = {}, .trade_without_regime = true};
  static constexpr mtf::system::overlay_filter overlay_rule{
      .disagree_confidence = 0.40, .require_agreement = false, .trade_without_overlay = false};
};
static_assert(mtf::SystemPolicy<overlay_system>);

inline constexpr std::int64_t jan_1 = 1767225600;  // 2026-01-01T00:00:00Z

/// 5m bars with a hidden hourly trend: a drift of `drift` per 5m bar whose sign persists for
/// about 16 hours (switching with probability 1/192 per bar), under Gaussian noise of 0.2% per
/// bar. `drift` 0 is a random walk.
inline mtf::bar_series trending(std::size_t n, double drift, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 0.002);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  mtf::bar_series bars;
  bars.symbol = "planted";
  bars.source = "planted";
  bars.bar_seconds = 300;
  double price = 100.0;
  double sign = 1.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (u(rng) < 1.0 / 192) sign = -sign;
    const double open = price;
    price *= std::exp(sign * drift + noise(rng));
    bars.push_back(jan_1 + static_cast<std::int64_t>(i) * 300, open,
                   std::max(open, price) * (1 + 0.0005 * u(rng)),
                   std::min(open, price) * (1 - 0.0005 * u(rng)), price, 10 + 5 * u(rng));
  }
  return bars;
}

/// A random walk of `n` bars of policy P's length (each model trains on its own file).
template <class P>
mtf::bar_series walk(std::size_t n, std::uint64_t seed) {
  auto bars = mtf::test::random_walk_bars(n, seed, 0.0, 0.01);
  bars.bar_seconds = P::bar_seconds;
  for (std::size_t i = 0; i < n; ++i)
    bars.timestamp[i] = static_cast<std::int64_t>(i) * P::bar_seconds;
  return bars;
}

/// A model of policy P fitted on `bars` (of P's bar length): labels up/down/neutral by the sign
/// of the horizon return beyond `band` x sqrt(horizon), identity calibration; trained through
/// the last bar (its label windows saw every bar).
template <class P>
loaded_model<P> fit_on(const mtf::bar_series& bars, std::uint64_t seed, double band_unit = 0.002) {
  const mtf::matrix x = mtf::compute_feature_matrix(P::features, bars);
  const std::size_t first = mtf::first_complete_row(x);
  const std::size_t end = bars.size() - P::horizon;
  const double band = band_unit * std::sqrt(static_cast<double>(P::horizon));
  std::vector<std::size_t> rows;
  std::vector<int> y;
  std::vector<std::int64_t> times, label_ends;
  for (std::size_t t = first; t < end; ++t) {
    const double r = bars.close[t + P::horizon] / bars.close[t] - 1.0;
    rows.push_back(t);
    y.push_back(r > band ? 2 : r < -band ? 0 : 1);
    times.push_back(bars.timestamp[t]);
    label_ends.push_back(bars.timestamp[t + P::horizon]);
  }
  const auto folds = mtf::split::purged_kfold(times, label_ends, 3, P::bar_seconds);
  const mtf::model::fit_context ctx{
      .seed = seed, .threads = 1, .row_times = times, .row_label_ends = label_ends};
  return loaded_model<P>{{},
                         {},
                         mtf::model::fit_stack(P::base_models, P::meta_model,
                                               mtf::model::gather_rows(x, rows), y, {}, ctx, folds),
                         mtf::calibration::calibrator::from_json(nlohmann::json::parse(
                             R"({"format":"mtf.calibrator","version":1,"method":"temperature",)"
                             R"("probability_floor":1e-6,"parameters":{"temperature":1.0}})")),
                         {},
                         bars.timestamp.back(),
                         mtf::intake::calendar::crypto};
}

/// A model of policy P fitted on a random walk of 700 bars.
template <class P>
loaded_model<P> fit(std::uint64_t seed) {
  return fit_on<P>(walk<P>(700, seed), seed);
}

inline const system_models<lin_system>& models() {
  static const system_models<lin_system> m{fit<lin_5m>(1), fit<lin_1h>(2), fit<lin_12h>(3),
                                           fit<lin_24h>(4)};
  return m;
}

/// Publishes `model` as the promoted model of P in `out` through the run store (the retrain's
/// writer): models/, calibrator.json, feature_schema.json and a metadata.json with the identity
/// fields and training period predict reads, then LATEST.json.
template <class P>
void publish(const std::filesystem::path& out, const loaded_model<P>& model,
             const std::string& run_id) {
  namespace pl = mtf::pipeline;
  const mtf::artifact::run_lock lock(out, P::name);
  mtf::artifact::run_store store(lock);
  const std::string id = store.begin_run(run_id);
  model.stack.save(store.staging_dir() / pl::artifact_files::models_dir);
  store.write_file(pl::artifact_files::calibrator, model.calibrator.to_json().dump());
  const auto names = mtf::feature_names(P::features);
  const std::string hash = mtf::artifact::feature_schema_hash(names);
  store.write_file(pl::artifact_files::schema,
                   nlohmann::json{{"names", names}, {"hash", hash}}.dump());
  const std::string last = mtf::intake::format_iso8601(model.trained_through);
  store.write_file(pl::artifact_files::metadata,
                   nlohmann::json{{"timeframe", std::string(P::name)},
                                  {"policy_fingerprint", pl::policy_fingerprint<P>()},
                                  {"calendar", "crypto"},
                                  {"training_data_first", last},
                                  {"training_data_last", last},
                                  {"data", {{{"symbol", "walk"}, {"last", last}}}}}
                       .dump());
  store.publish(mtf::artifact::run_status::promoted);
  store.promote(store.make_latest(id, pl::policy_fingerprint<P>(), hash));
}

}  // namespace mtf::test_system
