// `features`: the matrix, labels and weights an operator can inspect as CSV.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>

#include "app_fixtures.hpp"
#include "timeframes/tf_24h.hpp"

namespace fs = std::filesystem;
using namespace mtf::test_apps;

TEST_CASE("features writes the timestamp then the policy features then label and weight",
          "[apps][e2e]") {
  temp_dir dir("features");
  const auto r = run(fast_binary("retrain_24h_fast"),
                     {"features", "--data", bundled_1h().string(), "--out", "f.csv"}, dir.path());
  INFO("stderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  const auto lines = lines_of(slurp(dir / "f.csv"));
  REQUIRE(lines.size() > 1'000);

  // The 24h policy's ten features in policy order (timeframes/tf_24h.hpp).
  CHECK(lines[0] ==
        "timestamp,log_return_5,log_return_20,sma_ratio_10,sma_ratio_20,sma_ratio_50,"
        "sma_ratio_100,rsi_14,realized_vol_20,macd_hist_12_26_9,zscore_50,label,weight");

  struct row {
    std::string label, weight;
  };
  std::vector<row> rows;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream in(lines[i]);
    while (std::getline(in, field, ','))
      fields.push_back(field);
    if (!lines[i].empty() && lines[i].back() == ',') fields.push_back("");
    INFO("line " << i << ": " << lines[i]);
    REQUIRE(fields.size() == 13);
    rows.push_back({fields[11], fields[12]});
  }
  // The horizon (5 daily bars) runs past the data on the last 5 rows, and only there.
  const std::size_t horizon = mtf::timeframes::tf_24h::horizon;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const bool tail = i >= rows.size() - horizon;
    INFO("row " << i);
    CHECK(rows[i].label.empty() == tail);
    CHECK(rows[i].weight.empty() == tail);
  }

  // Weights are per class (one weight per label value) and make the weighted class mix of the
  // training rows the policy's target. The training rows are the first N labelled rows, N as
  // reported on stderr ("solved on N training rows").
  std::map<std::string, std::string> weight_of_label;
  for (std::size_t i = 0; i + horizon < rows.size(); ++i) {
    CHECK((rows[i].label == "0" || rows[i].label == "1" || rows[i].label == "2"));
    auto [it, inserted] = weight_of_label.emplace(rows[i].label, rows[i].weight);
    CHECK(it->second == rows[i].weight);
  }
  CHECK(weight_of_label.size() == 3);
  const auto at = r.err.find("training rows");
  REQUIRE(at != std::string::npos);
  const auto number_start = r.err.rfind("solved on ", at);
  REQUIRE(number_start != std::string::npos);
  const std::size_t train_rows = std::stoul(r.err.substr(number_start + 10));
  REQUIRE(train_rows > rows.size() / 2);
  REQUIRE(train_rows < rows.size() - horizon);
  std::array<double, 3> mass{};
  double total = 0;
  for (std::size_t i = 0; i < train_rows; ++i) {
    const double w = std::stod(rows[i].weight);
    mass[static_cast<std::size_t>(std::stoi(rows[i].label))] += w;
    total += w;
  }
  const auto target = mtf::timeframes::tf_24h::class_targets;
  for (std::size_t c = 0; c < 3; ++c) {
    INFO("class " << c);
    CHECK(mass[c] / total == Approx(target[c]).margin(0.005));
  }
}
