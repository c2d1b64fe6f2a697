#include <catch2/catch.hpp>
#include <string>

#include "mtf/reports/json_report.hpp"

namespace mtf::reports {
run_report sample_report();  // report_fixture.cpp
}

using mtf::reports::report_from_json;
using mtf::reports::run_report;

TEST_CASE("report JSON carries report_version and round-trips the key fields", "[report]") {
  const run_report original = mtf::reports::sample_report();
  const nlohmann::json j = mtf::reports::report_to_json(original);
  CHECK(j.at("report_version") == 2);
  CHECK(j.at("timeframe") == "5m");
  CHECK(j.at("verdict").at("outcome").is_string());
  // Through text, as report.json is written and read.
  const run_report back = report_from_json(nlohmann::json::parse(j.dump()));
  CHECK(back.report_version == 2);
  CHECK(back.models.combiner == "meta_model");
  CHECK(back.models.base.at(1).test_log_loss == original.models.base.at(1).test_log_loss);
  CHECK(back.models.ensemble_weights == original.models.ensemble_weights);
  CHECK(back.labels.calibration_share == original.labels.calibration_share);
  CHECK(back.validation.calibration_prior_log_loss ==
        original.validation.calibration_prior_log_loss);
  CHECK(j.at("evaluation").is_null());
  CHECK(back.run_id == original.run_id);
  CHECK(back.run_path == original.run_path);
  CHECK(back.seed == original.seed);
  CHECK(back.validation.test_log_loss == original.validation.test_log_loss);
  CHECK(back.validation.prior_log_loss == original.validation.prior_log_loss);
  CHECK(back.validation.signals.predicted_share == original.validation.signals.predicted_share);
  CHECK(back.validation.classification.confusion == original.validation.classification.confusion);
  REQUIRE(back.gates.size() == original.gates.size());
  for (std::size_t i = 0; i < back.gates.size(); ++i) {
    CHECK(back.gates[i].name == original.gates[i].name);
    CHECK(back.gates[i].passed == original.gates[i].passed);
    CHECK(back.gates[i].value == original.gates[i].value);
    CHECK(back.gates[i].threshold == original.gates[i].threshold);
  }
  CHECK(back.verdict.outcome == original.verdict.outcome);
  CHECK(back.verdict.failed_gates == original.verdict.failed_gates);
  CHECK(back.backtest.strategy.sharpe == original.backtest.strategy.sharpe);
  CHECK(back.backtest.strategy_equity == original.backtest.strategy_equity);
  CHECK(back.calibration.test_reliability_after.size() == 15);
  CHECK(back.confidence_histogram.counts == original.confidence_histogram.counts);
  CHECK(back.feature_importance.front().name == "rsi_14");  // largest share first
  // Everything else too: the whole document survives unchanged.
  CHECK(nlohmann::json(back) == j);
}

TEST_CASE("champion/challenger reads the test log loss back from a stored report", "[report]") {
  run_report r;
  r.validation.test_log_loss = 0.9876;
  const auto j = nlohmann::json::parse(nlohmann::json(r).dump());
  CHECK(mtf::reports::report_test_log_loss(j) == 0.9876);
}

TEST_CASE("decisions are written as the words operators read", "[report]") {
  run_report r;
  r.verdict.outcome = mtf::reports::decision::report_only;
  CHECK(nlohmann::json(r)["verdict"]["outcome"] == "report-only");
  r.verdict.outcome = mtf::reports::decision::forced;
  CHECK(nlohmann::json(r)["verdict"]["outcome"] == "forced");
  // an outcome this build does not know never reads back as promoted
  auto j = nlohmann::json(r);
  j["verdict"]["outcome"] = "promoted-by-magic";
  CHECK(report_from_json(j).verdict.outcome == mtf::reports::decision::rejected);
}

TEST_CASE("a report missing keys loads with defaults and a foreign document is refused",
          "[report]") {
  const auto minimal = nlohmann::json::parse(
      R"({"report_version": 1, "timeframe": "1h", "validation": {"test_log_loss": 1.05}})");
  const run_report r = report_from_json(minimal);
  CHECK(r.timeframe == "1h");
  CHECK(r.validation.test_log_loss == 1.05);
  CHECK(r.gates.empty());
  CHECK_THROWS_AS(report_from_json(nlohmann::json::parse(R"({"timeframe": "1h"})")),
                  mtf::artifact_error);
  CHECK_THROWS_WITH(report_from_json(nlohmann::json::parse(R"({"report_version": 3})")),
                    Catch::Contains("report_version 3 is not supported"));
  CHECK_THROWS_AS(report_from_json(nlohmann::json::parse(
                      R"({"report_version": 1, "validation": {"test_log_loss": "low"}})")),
                  mtf::artifact_error);
  CHECK_THROWS_AS(
      mtf::reports::report_test_log_loss(nlohmann::json::parse(R"({"report_version": 1})")),
      mtf::artifact_error);
}

TEST_CASE("feature shares are normalised and sorted largest first", "[report]") {
  const std::vector<std::string> names{"a", "b", "c"};
  const std::vector<double> importance{1.0, 3.0, 0.0};
  const auto shares = mtf::reports::feature_shares(names, importance);
  REQUIRE(shares.size() == 3);
  CHECK(shares[0].name == "b");
  CHECK(shares[0].share == 0.75);
  CHECK(shares[1].share == 0.25);
  CHECK(shares[2].share == 0.0);
  const std::vector<double> negative{1.0, -1.0, 0.0};
  CHECK_THROWS_AS(mtf::reports::feature_shares(names, negative), mtf::data_error);
}
