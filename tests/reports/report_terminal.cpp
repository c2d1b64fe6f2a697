#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "mtf/reports/html_report.hpp"
#include "mtf/reports/json_report.hpp"
#include "mtf/reports/terminal_report.hpp"

namespace mtf::reports {
run_report sample_report();  // report_fixture.cpp
}

using mtf::reports::decision;
using mtf::reports::run_report;

namespace {
std::string render(const run_report& r, bool colour) {
  std::ostringstream out;
  mtf::reports::write_terminal_report(out, r, colour);
  return out.str();
}
std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1))
    ++n;
  return n;
}
}  // namespace

TEST_CASE("the terminal summary has one ✓/✗ row per gate and no ANSI codes without colour",
          "[report]") {
  run_report r = mtf::reports::sample_report();
  r.gates[0].passed = true;
  r.gates[1].passed = false;
  const std::string text = render(r, false);
  std::size_t passed = 0;
  for (const auto& g : r.gates)
    passed += g.passed;
  CHECK(count(text, "✓ ") == passed);
  CHECK(count(text, "✗ ") == r.gates.size() - passed);
  CHECK(text.find('\033') == std::string::npos);
  for (const auto& g : r.gates)
    CHECK(text.find(g.name) != std::string::npos);
  CHECK(text.find("buy & hold") != std::string::npos);
  CHECK(text.find("random dir.") != std::string::npos);
  CHECK(text.find(r.run_path) != std::string::npos);
  // the fixture's data span, 1,752,000,000 .. 1,760,100,000 s (Python's utcfromtimestamp)
  CHECK(text.find("2025-07-08 18:40 .. 2025-10-10 12:40") != std::string::npos);
}

TEST_CASE("the verdict line says PROMOTED, REJECTED with the failed gates, or REPORT ONLY",
          "[report]") {
  run_report r = mtf::reports::sample_report();
  r.verdict = {decision::promoted, {}, {}};
  CHECK(render(r, false).find("PROMOTED  run " + r.run_path + "\n") != std::string::npos);
  r.verdict = {decision::rejected, {"activity", "backtest_sharpe"}, {}};
  CHECK(render(r, false).find("REJECTED: 2 gates failed (activity, backtest_sharpe)") !=
        std::string::npos);
  r.verdict = {decision::rejected, {"skill"}, {}};
  CHECK(render(r, false).find("REJECTED: 1 gate failed (skill)") != std::string::npos);
  r.verdict = {decision::report_only, {}, {}};
  CHECK(render(r, false).find("REPORT ONLY") != std::string::npos);
  r.verdict = {decision::forced, {"skill"}, {}};
  CHECK(render(r, false).find("FORCED PROMOTION: 1 gate failed (skill)") != std::string::npos);
}

TEST_CASE("colour is used only when asked for", "[report]") {
  run_report r = mtf::reports::sample_report();
  r.verdict = {decision::rejected, {"skill"}, {}};
  const std::string coloured = render(r, true);
  CHECK(coloured.find("\033[31mREJECTED: 1 gate failed (skill)\033[0m") != std::string::npos);
  CHECK(coloured.find("\033[32m✓\033[0m") != std::string::npos);
}

TEST_CASE("gate values line up in one column", "[report]") {
  const run_report r = mtf::reports::sample_report();
  const std::string text = render(r, false);
  std::istringstream lines(text);
  std::string line;
  std::vector<std::size_t> value_ends;
  std::size_t gate = 0;
  while (std::getline(lines, line) && gate < r.gates.size()) {
    if (line.rfind("  ✓ ", 0) != 0 && line.rfind("  ✗ ", 0) != 0) continue;
    const auto& g = r.gates[gate++];
    const auto name_at = line.find(g.name);
    REQUIRE(name_at != std::string::npos);
    const std::string value = mtf::reports::report_text::fixed(g.value, 4);
    const auto value_at = line.find(value, name_at + g.name.size());
    REQUIRE(value_at != std::string::npos);
    value_ends.push_back(value_at + value.size());  // ✓ and ✗ are both 3 bytes: bytes = columns
  }
  CHECK(value_ends.size() == r.gates.size());
  for (const auto end : value_ends)
    CHECK(end == value_ends.front());
}

TEST_CASE("report dates are UTC civil dates (checked against Python's datetime)", "[report]") {
  using mtf::reports::report_text::utc_minutes;
  CHECK(utc_minutes(0) == "1970-01-01 00:00");
  CHECK(utc_minutes(951'782'400) == "2000-02-29 00:00");  // leap day of a century leap year
  CHECK(utc_minutes(-86'400) == "1969-12-31 00:00");
  CHECK(utc_minutes(4'102'444'799) == "2099-12-31 23:59");
}

TEST_CASE("the models lines name every member, the meta-model, the ensemble and the choice",
          "[report]") {
  run_report r = mtf::reports::sample_report();
  const std::string text = render(r, false);
  CHECK(text.find("the stack uses meta_model") != std::string::npos);
  CHECK(text.find("out-of-fold           random_forest 1.0412  gradient_boosting 1.0387  "
                  "logistic_regression 1.0655  meta 1.0351  ensemble 1.0371") != std::string::npos);
  CHECK(text.find("test (uncalibrated)   random_forest 1.0501  gradient_boosting 1.0466  "
                  "logistic_regression 1.0702  meta 1.0433  ensemble 1.0450") != std::string::npos);
  r.models.combiner = "ensemble";
  CHECK(render(r, false).find("the stack uses ensemble (weights random_forest 0.40 "
                              "gradient_boosting 0.60 logistic_regression 0.00)") !=
        std::string::npos);
}

TEST_CASE("pooled runs list every symbol under the backtest", "[report]") {
  run_report r = mtf::reports::sample_report();
  CHECK(render(r, false).find("symbols") == std::string::npos);  // one symbol: no table
  r.per_symbol = {{"BTCUSDT", 300, 1.0412, 1.0512, 0.42, 0.10, 12, 0.8, 0.031},
                  {"ETHUSDT", 280, 1.0612, 1.0555, 0.39, 0.07, 9, -0.3, -0.012}};
  const std::string text = render(r, false);
  CHECK(text.find("symbols") != std::string::npos);
  CHECK(text.find("BTCUSDT") != std::string::npos);
  CHECK(text.find("ETHUSDT") != std::string::npos);
  CHECK(text.find("1.0612") != std::string::npos);
}

TEST_CASE(
    "an evaluation has its own view: the model's training period and the skipped rows, "
    "no training lines",
    "[report]") {
  run_report r = mtf::reports::sample_report();
  r.evaluation = mtf::reports::evaluation_summary{"20261101T000000Z-1", 1'700'000'000,
                                                  1'750'000'000, 412, 1'234};
  r.verdict = {decision::evaluated, {"skill"}, {}};
  const std::string text = render(r, false);
  CHECK(text.find("mtf evaluate 5m  model 20261101T000000Z-1") != std::string::npos);
  CHECK(text.find("trained on bars 2023-11-14 22:13 .. 2025-06-15 15:06") != std::string::npos);
  CHECK(text.find("rows judged 1234  skipped as in-sample 412") != std::string::npos);
  CHECK(text.find("calibration  ") == std::string::npos);
  CHECK(text.find("models  ") == std::string::npos);
  CHECK(text.find("EVALUATED: 1 gate failed (skill)") != std::string::npos);
}

TEST_CASE("a distributed run's report states its worker count and one process's does not",
          "[report]") {
  run_report r = mtf::reports::sample_report();
  r.workers = 4;
  CHECK(render(r, false).find("  workers 4  ") != std::string::npos);
  CHECK(mtf::reports::render_html_report(r).find(" &middot; 4 workers &middot; ") !=
        std::string::npos);
  const run_report back =
      mtf::reports::report_from_json(nlohmann::json::parse(mtf::reports::report_to_json(r).dump()));
  CHECK(back.workers == 4);
  r.workers = 1;
  CHECK(render(r, false).find("workers") == std::string::npos);
  CHECK(mtf::reports::render_html_report(r).find("workers &middot;") == std::string::npos);
}
