// Honest stacking end to end (SPEC §4.7-4.9): target-mix weights applied once, the stack guard,
// and a calibrator that restores the real class prior — on synthetic features of known skill.
#include <algorithm>
#include <boost/hana/tuple.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "mtf/calibration/calibrator.hpp"
#include "mtf/core/scoring_rules.hpp"
#include "mtf/labels/class_balance.hpp"
#include "mtf/models/stacking.hpp"
#include "mtf/split/purged_kfold.hpp"

namespace model = mtf::model;
namespace hana = boost::hana;
using mtf::matrix;

namespace {

constexpr std::int64_t bar_seconds = 3600;
constexpr std::int64_t horizon_seconds = 8 * bar_seconds;

/// Rows whose labels depend on feature 0 with strength `signal` (none at 0), in a class mix of
/// exactly 0.42 / 0.10 / 0.48 (down / neutral / up): the latent signal·x0 + e is cut at its own
/// 42% and 52% quantiles, so no split's mix carries sampling noise.
struct rows {
  matrix x;
  std::vector<int> y;
  std::vector<std::int64_t> times, ends;
};

rows make(std::size_t n, double signal, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  rows out{matrix::from_shape({n, 5}), std::vector<int>(n), {}, {}};
  std::vector<double> latent(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < 5; ++j)
      out.x(i, j) = normal(rng);
    latent[i] = signal * out.x(i, 0) + normal(rng);
    out.times.push_back(1'600'000'000 + static_cast<std::int64_t>(i) * bar_seconds);
    out.ends.push_back(out.times.back() + horizon_seconds);
  }
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return latent[a] < latent[b]; });
  for (std::size_t r = 0; r < n; ++r)
    out.y[order[r]] = r < n * 42 / 100 ? 0 : (r < n * 52 / 100 ? 1 : 2);
  return out;
}

constexpr std::array<double, 3> mix{0.42, 0.10, 0.48};
constexpr std::array<double, 3> target{0.45, 0.10, 0.45};  // the policy's target (SPEC §4.7)

const auto mix_of_models = hana::make_tuple(
    model::random_forest{.trees = 40, .max_depth = 6, .min_leaf = 20},
    model::gradient_boosting{.rounds = 60, .max_depth = 3, .eta = 0.1, .early_stopping_rounds = 10},
    model::logistic_regression{.C = 0.1});

struct outcome {
  double stack_test = 0, best_member_test = 0, calibrated_test = 0, prior_test = 0;
  std::array<double, 3> calibrated_mean{};
  double max_deviation_from_prior = 0, mean_deviation_from_prior = 0;
  std::string combiner, calibrator;
};

outcome run(double signal, std::uint64_t seed) {
  const auto train = make(6000, signal, seed);
  const auto calibration = make(4000, signal, seed + 1);
  const auto test = make(4000, signal, seed + 2);
  const auto w = mtf::target_mix_sample_weights(train.y, target);
  const auto folds = mtf::split::purged_kfold(train.times, train.ends, 5, horizon_seconds);
  const model::fit_context ctx{
      .seed = seed, .threads = 2, .row_times = train.times, .row_label_ends = train.ends};
  const auto stack = model::fit_stack(mix_of_models, model::logistic_regression{.C = 0.1}, train.x,
                                      train.y, w, ctx, folds);
  outcome o;
  o.combiner = model::combiner_name(stack.choice().used);
  const matrix base = stack.base_probabilities(test.x);
  o.best_member_test = INFINITY;
  for (std::size_t b = 0; b < 3; ++b)
    o.best_member_test =
        std::min(o.best_member_test, mtf::log_loss(model::member_probabilities(base, b), test.y));
  o.stack_test = mtf::log_loss(stack.predict_proba(test.x), test.y);
  // As `train` calibrates: the bias prior undoes the target-mix weights (log mix / target).
  std::vector<double> center(3);
  for (std::size_t c = 0; c < 3; ++c)
    center[c] = std::log(mix[c] / target[c]);
  const auto cal = mtf::calibration::fit_calibrator(
      mtf::calibration::spec{}, stack.predict_proba(calibration.x), calibration.y,
      {.row_time = calibration.times, .row_label_end = calibration.ends, .bias_center = center});
  const matrix p = cal.model.predict(stack.predict_proba(test.x));
  o.calibrated_test = mtf::log_loss(p, test.y);
  o.calibrator = cal.report.reason;
  matrix prior = matrix::from_shape({test.y.size(), 3});
  for (std::size_t i = 0; i < test.y.size(); ++i)
    for (std::size_t c = 0; c < 3; ++c) {
      prior(i, c) = mix[c];
      o.calibrated_mean[c] += p(i, c) / static_cast<double>(test.y.size());
      o.max_deviation_from_prior = std::max(o.max_deviation_from_prior, std::abs(p(i, c) - mix[c]));
      o.mean_deviation_from_prior +=
          std::abs(p(i, c) - mix[c]) / static_cast<double>(3 * test.y.size());
    }
  o.prior_test = mtf::log_loss(prior, test.y);
  return o;
}

}  // namespace

TEST_CASE(
    "with a planted signal the stack is as good as its best member and calibration "
    "restores the class mix",
    "[pipeline][stacking]") {
  const std::uint64_t seed = 31337;
  INFO("seed " << seed);
  const auto o = run(1.0, seed);
  INFO("combiner " << o.combiner << ", stack " << o.stack_test << ", best member "
                   << o.best_member_test << ", calibrated " << o.calibrated_test << ", prior "
                   << o.prior_test << ", mean p " << o.calibrated_mean[0] << "/"
                   << o.calibrated_mean[1] << "/" << o.calibrated_mean[2]);
  CHECK(o.stack_test <= o.best_member_test + 0.002);
  for (std::size_t c = 0; c < 3; ++c)
    CHECK(o.calibrated_mean[c] == Approx(mix[c]).margin(0.02));
  CHECK(o.calibrated_test < o.prior_test - 0.05);
}

TEST_CASE("without any signal the calibrated stack outputs the class prior",
          "[pipeline][stacking]") {
  const std::uint64_t seed = 4711;
  INFO("seed " << seed);
  const auto o = run(0.0, seed);
  INFO("combiner " << o.combiner << ", calibrated " << o.calibrated_test << ", prior "
                   << o.prior_test << ", largest deviation " << o.max_deviation_from_prior
                   << ", mean deviation " << o.mean_deviation_from_prior << ", mean p "
                   << o.calibrated_mean[0] << "/" << o.calibrated_mean[1] << "/"
                   << o.calibrated_mean[2] << "; " << o.calibrator);
  // The output is the prior: its mean matches the class mix and the rows stay within 0.02 of it
  // on average. Single rows of a model fitted to noise still wander: a temperature fitted on
  // 4,000 noise rows keeps a slope of order 1/sqrt(4000) ~ 0.016 (seed 4711 measured 0.0136),
  // so 0.02 is the noise floor, an order of magnitude below the failure it guards against (the
  // old pipeline put 1/3 on neutral here: a mean deviation of about 0.15).
  for (std::size_t c = 0; c < 3; ++c)
    CHECK(o.calibrated_mean[c] == Approx(mix[c]).margin(0.01));
  CHECK(o.mean_deviation_from_prior <= 0.02);
  CHECK(o.calibrated_test <= o.prior_test + 0.005);
}
