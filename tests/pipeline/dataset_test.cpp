// Pooled symbols (SPEC §4.10): rows merged in timestamp order, dropped rows counted by reason.
#include <catch2/catch.hpp>
#include <cmath>

#include "mtf/pipeline/bundled_sample.hpp"
#include "mtf/pipeline/dataset.hpp"

namespace {

mtf::pipeline::symbol_input make_symbol(std::int64_t start, std::size_t bars) {
  mtf::pipeline::symbol_input s;
  s.bars.bar_seconds = 86400;
  for (std::size_t i = 0; i < bars; ++i) {
    const double c = 100.0 * std::exp(0.01 * std::sin(static_cast<double>(i) * 0.7));
    s.bars.push_back(start + static_cast<std::int64_t>(i) * 86400, c, c * 1.01, c * 0.99, c, 10);
  }
  return s;
}

// Hand-built features: warm-up of 2 bars (NaN), then the bar index.
mtf::pipeline::symbol_features make_features(std::size_t bars, int horizon) {
  mtf::pipeline::symbol_features f;
  f.x = mtf::matrix::from_shape({bars, 1});
  for (std::size_t i = 0; i < bars; ++i)
    f.x(i, 0) = i < 2 ? NAN : static_cast<double>(i);
  f.first_complete = 2;
  f.labels.horizon = horizon;
  f.labels.status.assign(bars, mtf::label_status::labeled);
  f.labels.status[0] = mtf::label_status::vol_warmup;
  for (std::size_t i = bars - static_cast<std::size_t>(horizon); i < bars; ++i)
    f.labels.status[i] = mtf::label_status::past_data_end;
  return f;
}

}  // namespace

TEST_CASE("pooled symbols merge by timestamp, ties in symbol order, and drops are counted",
          "[pipeline]") {
  // Symbol A starts one day before symbol B; both have 6 bars, horizon 2.
  const auto a = make_symbol(0, 6), b = make_symbol(86400, 6);
  const auto table =
      mtf::pipeline::merge_rows({a, b}, {make_features(6, 2), make_features(6, 2)}, 2);
  // Usable bars per symbol: 2 and 3 (0, 1 warm-up; 4, 5 past the data end).
  REQUIRE(table.size() == 4);
  CHECK(table.dropped_warmup == 4);
  CHECK(table.dropped_past_data_end == 4);
  // Times: A2 = day 2, A3 = day 3, B2 = day 3, B3 = day 4.
  CHECK(table.time == std::vector<std::int64_t>{2 * 86400, 3 * 86400, 3 * 86400, 4 * 86400});
  CHECK(table.symbol == std::vector<std::uint32_t>{0, 0, 1, 1});
  CHECK(table.bar == std::vector<std::size_t>{2, 3, 2, 3});
  CHECK(table.x(2, 0) == 2.0);  // B's bar 2 feature row
  // Label ends: the open of bar + 2 of the row's own symbol (A4 = day 4, A5 = day 5, B4 = day 5,
  // B5 = day 6).
  CHECK(table.label_end == std::vector<std::int64_t>{4 * 86400, 5 * 86400, 5 * 86400, 6 * 86400});
}

TEST_CASE("a row's label end counts bars, so a missing bar pushes it later", "[pipeline]") {
  // Days 0, 1, 2, 3, then day 4 missing, then days 5, 6: bar 3's label (horizon 2) ends at bar 5,
  // which opens on day 6, not day 5.
  mtf::pipeline::symbol_input s;
  s.bars.bar_seconds = 86400;
  for (const std::int64_t day : {0, 1, 2, 3, 5, 6, 7}) {
    const double c = 100.0 + static_cast<double>(day);
    s.bars.push_back(day * 86400, c, c * 1.01, c * 0.99, c, 10);
  }
  const auto table = mtf::pipeline::merge_rows({s}, {make_features(7, 2)}, 2);
  REQUIRE(table.bar == std::vector<std::size_t>{2, 3, 4});
  CHECK(table.label_end == std::vector<std::int64_t>{5 * 86400, 6 * 86400, 7 * 86400});
}

TEST_CASE("the bundled sample for a timeframe is the coarsest file whose bar divides it",
          "[pipeline]") {
  const std::filesystem::path data = std::filesystem::path(MTF_SOURCE_DIR) / "data";
  CHECK(mtf::pipeline::find_bundled_sample({data}, 300).filename() == "btcusdt_5m.csv");
  CHECK(mtf::pipeline::find_bundled_sample({data}, 3600).filename() == "btcusdt_1h.csv");
  CHECK(mtf::pipeline::find_bundled_sample({data}, 86400).filename() == "btcusdt_1h.csv");
  CHECK_THROWS_AS(mtf::pipeline::find_bundled_sample({data}, 60), mtf::usage_error);
}
