#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "mtf/validation/gate_evaluation.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_5m.hpp"

using mtf::validation::evaluate_gates;
using mtf::validation::gate_inputs;
using mtf::validation::gate_result;

namespace {
// A table with every optional gate present.
mtf::gates::table full_table() {
  return {
      .up_share = {0.30, 0.40},
      .down_share = {0.30, 0.40},
      .neutral_share = {0.20, 0.40},
      .confidence_mean_min = 0.65,
      .confidence_median_min = 0.60,
      .confidence_share = {.threshold = 0.60, .min_share = 0.40},
      .alpha_mean_min = 0.12,
      .alpha_share = mtf::gates::share_above{.threshold = 0.10, .min_share = 0.50},
      .eligible_share_min = 0.30,
      .non_neutral_min = 0.60,
      .activity = {mtf::gates::activity_metric::backtest_trades_per_day, 10, 30},
  };
}

const std::vector<std::string> feature_names{"rsi_14", "sma_ratio_20", "zscore_20", "cmf_20"};
const std::vector<double> balanced_importance{0.3, 0.25, 0.25, 0.2};

// Inputs that pass every gate of full_table() with a margin.
gate_inputs passing_inputs() {
  gate_inputs in;
  auto& s = in.signals;
  s.predicted_share = {0.35, 0.30, 0.35};
  s.non_neutral_share = 0.70;
  s.confidence_mean = 0.70;
  s.confidence_median = 0.68;
  s.confidence_std = 0.08;
  s.confidence_share_threshold = 0.60;
  s.confidence_share_above = 0.55;
  s.alpha_mean = 0.20;
  s.alpha_share_threshold = 0.10;
  s.alpha_share_above = 0.65;
  s.eligible_share = 0.45;
  s.eligible_signals_per_day = 100;
  s.regime_changes_per_week = 50;
  s.direction_changes_per_month = 80;
  in.backtest_trades_per_day = 20;
  in.backtest_sharpe = 1.4;
  in.test_log_loss = 1.00;
  in.test_log_loss_uncalibrated = 1.02;
  in.prior_log_loss = 1.05;
  in.leakage_audit_passed = true;
  in.feature_names = feature_names;
  in.feature_importance = balanced_importance;
  return in;
}

const gate_result& find(const std::vector<gate_result>& results, const std::string& name) {
  const auto it = std::find_if(results.begin(), results.end(),
                               [&](const gate_result& r) { return r.name == name; });
  if (it == results.end()) FAIL("gate " << name << " was not evaluated");
  return *it;
}
bool has(const std::vector<gate_result>& results, const std::string& name) {
  return std::any_of(results.begin(), results.end(),
                     [&](const gate_result& r) { return r.name == name; });
}
}  // namespace

TEST_CASE("every gate of a full table passes on good inputs, in a fixed order", "[gates]") {
  const auto results = evaluate_gates(full_table(), passing_inputs());
  std::vector<std::string> names;
  for (const auto& r : results)
    names.push_back(r.name);
  CHECK(names == std::vector<std::string>{
                     "predicted_up_share", "predicted_down_share", "predicted_neutral_share",
                     "confidence_mean", "confidence_median", "confidence_share", "alpha_mean",
                     "alpha_share", "eligible_share", "non_neutral_share", "activity", "skill",
                     "not_constant", "calibration_held", "no_leakage", "backtest_sharpe",
                     "feature_concentration"});
  const auto verdict = mtf::validation::summarise_gates(results);
  CHECK(verdict.passed);
  CHECK(verdict.failed.empty());
  CHECK(find(results, "predicted_down_share").value == 0.35);
  CHECK(find(results, "predicted_down_share").threshold == "0.3–0.4");
  CHECK(find(results, "confidence_mean").threshold == "≥ 0.65");
  CHECK(find(results, "activity").threshold == "10–30");
  CHECK(find(results, "activity").detail == "backtest trades/day");
  CHECK(find(results, "feature_concentration").value == Approx(0.3));
  CHECK(find(results, "feature_concentration").detail == "top feature: rsi_14");
}

TEST_CASE("optional gates the table leaves empty are not evaluated (12h policy)", "[gates]") {
  using P = mtf::timeframes::tf_12h;
  auto in = passing_inputs();
  in.signals.confidence_share_threshold = P::gates.confidence_share.threshold;
  in.signals.confidence_median = 0.0;  // would fail a median gate, but 12h has none
  in.signals.alpha_share_above = 0.0;
  in.signals.eligible_share = 0.0;
  const auto results = evaluate_gates(P::gates, in);
  CHECK_FALSE(has(results, "confidence_median"));
  CHECK_FALSE(has(results, "alpha_share"));
  CHECK_FALSE(has(results, "eligible_share"));
  CHECK(results.size() == 14);
  CHECK(find(results, "activity").detail == "regime changes/week");
}

TEST_CASE("each table gate fails on its own when its value leaves the bound", "[gates]") {
  const auto table = full_table();
  struct case_t {
    std::string gate;
    void (*spoil)(gate_inputs&);
  };
  const std::vector<case_t> cases{
      {"predicted_up_share", [](gate_inputs& in) { in.signals.predicted_share[2] = 0.41; }},
      {"predicted_down_share", [](gate_inputs& in) { in.signals.predicted_share[0] = 0.05; }},
      {"predicted_neutral_share", [](gate_inputs& in) { in.signals.predicted_share[1] = 0.91; }},
      {"confidence_mean", [](gate_inputs& in) { in.signals.confidence_mean = 0.64; }},
      {"confidence_median", [](gate_inputs& in) { in.signals.confidence_median = 0.59; }},
      {"confidence_share", [](gate_inputs& in) { in.signals.confidence_share_above = 0.39; }},
      {"alpha_mean", [](gate_inputs& in) { in.signals.alpha_mean = 0.11; }},
      {"alpha_share", [](gate_inputs& in) { in.signals.alpha_share_above = 0.49; }},
      {"eligible_share", [](gate_inputs& in) { in.signals.eligible_share = 0.29; }},
      {"non_neutral_share", [](gate_inputs& in) { in.signals.non_neutral_share = 0.59; }},
      {"activity", [](gate_inputs& in) { in.backtest_trades_per_day = 31; }},
      {"skill",
       [](gate_inputs& in) {  // equal to the prior: no skill (uncalibrated just as bad)
         in.test_log_loss = 1.05;
         in.test_log_loss_uncalibrated = 1.05;
       }},
      {"not_constant", [](gate_inputs& in) { in.signals.confidence_std = 0.0008; }},
      {"no_leakage", [](gate_inputs& in) { in.leakage_audit_passed = false; }},
      {"backtest_sharpe", [](gate_inputs& in) { in.backtest_sharpe = 0.5; }},  // strict >
  };
  for (const auto& c : cases) {
    INFO("gate " << c.gate);
    auto in = passing_inputs();
    c.spoil(in);
    const auto verdict = mtf::validation::summarise_gates(evaluate_gates(table, in));
    CHECK_FALSE(verdict.passed);
    CHECK(verdict.failed == std::vector<std::string>{c.gate});
  }
}

TEST_CASE("range and minimum gates include their bounds", "[gates]") {
  auto in = passing_inputs();
  in.signals.predicted_share = {0.30, 0.30, 0.40};
  in.signals.confidence_mean = 0.65;
  in.backtest_trades_per_day = 10;
  in.signals.confidence_std = 0.01;
  const auto results = evaluate_gates(full_table(), in);
  CHECK(find(results, "predicted_down_share").passed);
  CHECK(find(results, "predicted_up_share").passed);
  CHECK(find(results, "confidence_mean").passed);
  CHECK(find(results, "activity").passed);
  CHECK(find(results, "not_constant").passed);
}

TEST_CASE("calibration held allows the tolerance and no more", "[gates]") {
  auto in = passing_inputs();
  in.test_log_loss_uncalibrated = 0.99;
  in.test_log_loss = 0.9905;  // worse by 0.0005 < 0.001
  CHECK(find(evaluate_gates(full_table(), in), "calibration_held").passed);
  in.test_log_loss = 0.9915;  // worse by 0.0015
  const auto results = evaluate_gates(full_table(), in);
  CHECK_FALSE(find(results, "calibration_held").passed);
  CHECK(find(results, "calibration_held").threshold == "≤ 0.991 (uncalibrated + 0.001)");
}

TEST_CASE("the activity gate reads the metric the table names", "[gates]") {
  using mtf::gates::activity_metric;
  auto in = passing_inputs();
  in.backtest_trades_per_day = 1;
  in.signals.eligible_signals_per_day = 2;
  in.signals.regime_changes_per_week = 3;
  in.signals.direction_changes_per_month = 4;
  const std::vector<std::pair<activity_metric, double>> expected{
      {activity_metric::backtest_trades_per_day, 1},
      {activity_metric::eligible_signals_per_day, 2},
      {activity_metric::regime_changes_per_week, 3},
      {activity_metric::direction_changes_per_month, 4}};
  for (const auto& [metric, value] : expected) {
    auto table = full_table();
    table.activity = {metric, 2.5, 3.5};
    const auto results = evaluate_gates(table, in);
    const auto& g = find(results, "activity");
    CHECK(g.value == value);
    CHECK(g.passed == (value == 3));
    CHECK(g.detail == mtf::validation::activity_metric_name(metric));
  }
}

TEST_CASE("feature concentration fails above the share and when nothing has importance",
          "[gates]") {
  auto in = passing_inputs();
  const std::vector<double> concentrated{1.0, 5.0, 2.0, 2.0};  // 5 / 10 = 0.5 > 0.3
  in.feature_importance = concentrated;
  auto g = find(evaluate_gates(full_table(), in), "feature_concentration");
  CHECK_FALSE(g.passed);
  CHECK(g.value == Approx(0.5));
  CHECK(g.detail == "top feature: sma_ratio_20");
  const std::vector<double> zeros{0, 0, 0, 0};
  in.feature_importance = zeros;
  g = find(evaluate_gates(full_table(), in), "feature_concentration");
  CHECK_FALSE(g.passed);
  CHECK(g.value == 1.0);
}

TEST_CASE("inconsistent gate inputs throw data_error", "[gates]") {
  auto in = passing_inputs();
  const std::vector<double> three{0.2, 0.3, 0.5};
  in.feature_importance = three;
  CHECK_THROWS_AS(evaluate_gates(full_table(), in), mtf::data_error);
  in = passing_inputs();
  const std::vector<double> negative{0.2, -0.3, 0.5, 0.1};
  in.feature_importance = negative;
  CHECK_THROWS_WITH(evaluate_gates(full_table(), in), Catch::Contains("sma_ratio_20"));
  in = passing_inputs();
  in.signals.confidence_share_threshold = 0.55;  // stats computed for another policy
  CHECK_THROWS_WITH(evaluate_gates(full_table(), in), Catch::Contains("threshold 0.55"));
}

TEST_CASE("prior log loss is the constant train-mix predictor's log loss", "[gates]") {
  const std::vector<int> labels{0, 1, 2, 1};
  // -(ln .25 + ln .5 + ln .25 + ln .5) / 4 = 1.5 ln 2
  CHECK(mtf::validation::prior_log_loss({0.25, 0.5, 0.25}, labels) == Approx(1.5 * std::log(2.0)));
  // uniform prior: ln 3 whatever the labels
  CHECK(mtf::validation::prior_log_loss({1.0 / 3, 1.0 / 3, 1.0 / 3}, labels) ==
        Approx(std::log(3.0)));
  CHECK_THROWS_AS(mtf::validation::prior_log_loss({0.5, 0.5, 0.5}, labels), mtf::data_error);
}

TEST_CASE("policy tables evaluate generically (5m has every optional gate)", "[gates]") {
  using P = mtf::timeframes::tf_5m;
  const auto results = evaluate_gates(P::gates, passing_inputs());
  CHECK(results.size() == 17);
  CHECK(find(results, "activity").detail == "backtest trades/day");
}

TEST_CASE("skill must also beat the constant predictor of the calibration split's mix", "[gates]") {
  // A calibrator can learn the calibration split's class mix alone (SPEC §7): beating the train
  // mix is not enough when the test labels look like the calibration mix.
  auto in = passing_inputs();
  in.test_log_loss = 1.00;
  in.prior_log_loss = 1.05;
  in.calibration_prior_log_loss = 0.99;  // the calibration mix alone scores better
  const auto failing = find(evaluate_gates(full_table(), in), "skill");
  CHECK_FALSE(failing.passed);
  CHECK_THAT(failing.threshold, Catch::Contains("calibration mix 0.99"));
  in.calibration_prior_log_loss = 1.01;
  const auto passing = find(evaluate_gates(full_table(), in), "skill");
  CHECK(passing.passed);
  CHECK(passing.threshold == "< 1.01 (prior log loss: train mix 1.05, calibration mix 1.01)");
  // Strict: equal to the better constant is no skill.
  in.test_log_loss = 1.01;
  CHECK_FALSE(find(evaluate_gates(full_table(), in), "skill").passed);
}
