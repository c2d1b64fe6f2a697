#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "../chromium_screenshot.hpp"
#include "mtf/reports/html_report.hpp"

namespace mtf::reports {
run_report sample_report();  // report_fixture.cpp
}

using mtf::reports::render_html_report;

namespace {
std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1))
    ++n;
  return n;
}
}  // namespace

TEST_CASE("the HTML report is one self-contained document without script or network", "[report]") {
  const std::string html = render_html_report(mtf::reports::sample_report());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("</html>") != std::string::npos);
  CHECK(count(html, "<svg") == 6);  // reliability, shares, 2 histograms, equity, importance
  CHECK(count(html, "<svg") == count(html, "</svg>"));
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
}

TEST_CASE("the HTML report shows the verdict and every gate with its mark", "[report]") {
  auto r = mtf::reports::sample_report();
  r.verdict = {mtf::reports::decision::rejected, {"skill", "activity"}, {}};
  const std::string html = render_html_report(r);
  CHECK(html.find("<div class=\"verdict rejected\">REJECTED: 2 gates failed (skill, activity)") !=
        std::string::npos);
  std::size_t passed = 0;
  for (const auto& g : r.gates) {
    passed += g.passed;
    CHECK(html.find("<td>" + g.name + "</td>") != std::string::npos);
  }
  CHECK(count(html, "mark pass\">&#10003;") == passed);
  CHECK(count(html, "mark fail\">&#10007;") == r.gates.size() - passed);
  // the histogram thresholds are drawn and labelled
  CHECK(html.find("trade gate conf_min 0.60") != std::string::npos);
  CHECK(html.find("trade gate alpha_min 0.10") != std::string::npos);
}

TEST_CASE("every text in the HTML report is escaped", "[report]") {
  auto r = mtf::reports::sample_report();
  r.run_id = "<script>alert('x')</script>";
  r.verdict.note = "champion & challenger \"tie\"";
  const std::string html = render_html_report(r);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("champion &amp; challenger &quot;tie&quot;") != std::string::npos);
  // the fixture's feature named cmf_<20>&"q"
  CHECK(html.find("cmf_&lt;20&gt;&amp;&quot;q&quot;") != std::string::npos);
  CHECK(mtf::reports::html_escape("a<b>&'\"") == "a&lt;b&gt;&amp;&#39;&quot;");
}

TEST_CASE("the HTML report renders in headless chromium (skipped without /usr/bin/chromium)",
          "[report][chromium]") {
  if (!std::filesystem::exists("/usr/bin/chromium")) {
    WARN("SKIPPED: /usr/bin/chromium not installed; the HTML report was not rendered");
    return;
  }
  std::mt19937_64 rng(std::random_device{}());
  const auto dir = std::filesystem::temp_directory_path() /
                   ("mtf_report_html_" + std::to_string(rng() % 1'000'000'000));
  std::filesystem::create_directories(dir);
  const auto page = dir / "report.html", png = dir / "report.png";
  {
    std::ofstream out(page);
    mtf::reports::write_html_report(out, mtf::reports::sample_report());
  }
  const auto shot = mtf::test::chromium_screenshot(page, png, dir);
  INFO("command: " << shot.command);
  CHECK(shot.status == 0);
  REQUIRE(std::filesystem::exists(png));
  // A blank 1280x2000 page compresses to a few kB; charts, tables and text take far more.
  CHECK(std::filesystem::file_size(png) > 50'000);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

TEST_CASE(
    "report.html names the stack's members, meta-model, ensemble and choice, and lists "
    "pooled symbols",
    "[report][html]") {
  auto r = mtf::reports::sample_report();
  r.per_symbol = {{"BTCUSDT", 300, 1.0412, 1.0512, 0.42, 0.10, 12, 0.8, 0.031},
                  {"ETHUSDT", 280, 1.0612, 1.0555, 0.39, 0.07, 9, -0.3, -0.012}};
  const std::string html = mtf::reports::render_html_report(r);
  CHECK(html.find("<td>greedy ensemble</td>") != std::string::npos);
  CHECK(html.find("weights random_forest 0.40, gradient_boosting 0.60, logistic_regression 0.00") !=
        std::string::npos);
  CHECK(html.find("test log loss alone 1.0466") != std::string::npos);
  CHECK(html.find("<td>stack</td><td>uses meta_model") != std::string::npos);
  CHECK(html.find("<td>ETHUSDT</td>") != std::string::npos);
  CHECK(html.find("equal capital per symbol") != std::string::npos);
}
