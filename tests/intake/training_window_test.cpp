// The trailing training window (SPEC §10b): which bars a retrain ending at a time may use.
#include <catch2/catch.hpp>
#include <cstdint>

#include "mtf/intake/training_window.hpp"

using mtf::bar_series;
using mtf::intake::cut_window;

namespace {
/// Hourly bars opening at 0, 3600, ... with close = index (so a bar names itself).
bar_series hourly(std::size_t n) {
  bar_series s{"X", "x.csv", 3600, {}, {}, {}, {}, {}, {}};
  for (std::size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(i);
    s.push_back(static_cast<std::int64_t>(i) * 3600, v, v, v, v, 1.0);
  }
  return s;
}
}  // namespace

TEST_CASE("a window keeps the bars that open after its start and close by its end",
          "[intake][window]") {
  const auto s = hourly(10);  // bars open at 0h..9h, close at 1h..10h
  // Start 2h, end 7h: bars opening 2h..6h (the 6h bar closes at 7h; the 7h bar is still open).
  const auto cut = cut_window(s, 2 * 3600, 7 * 3600);
  REQUIRE(cut.bars.size() == 5);
  CHECK(cut.bars.close.front() == 2.0);
  CHECK(cut.bars.close.back() == 6.0);
  CHECK(cut.dropped_older == 2);
  CHECK(cut.dropped_later == 3);
  CHECK(cut.bars.symbol == "X");
  CHECK(cut.bars.bar_seconds == 3600);
}

TEST_CASE("a window edge inside a bar drops that bar, never splits it", "[intake][window]") {
  const auto s = hourly(10);
  // Start 2.5h: the 2h bar opened before it; end 7.5h: the 7h bar closes at 8h, after it.
  const auto cut = cut_window(s, 2 * 3600 + 1800, 7 * 3600 + 1800);
  REQUIRE(cut.bars.size() == 4);
  CHECK(cut.bars.close.front() == 3.0);
  CHECK(cut.bars.close.back() == 6.0);
  CHECK(cut.dropped_older + cut.bars.size() + cut.dropped_later == s.size());
}

TEST_CASE("a window beyond the data keeps everything, one before it keeps nothing",
          "[intake][window]") {
  const auto s = hourly(10);
  const auto all = cut_window(s, -100 * 3600, 100 * 3600);
  CHECK(all.bars.size() == 10);
  CHECK(all.dropped_older == 0);
  CHECK(all.dropped_later == 0);
  const auto none = cut_window(s, -10 * 3600, 0);  // nothing has closed by the first open
  CHECK(none.bars.empty());
  CHECK(none.dropped_later == 10);
}

TEST_CASE("a day is 86,400 seconds", "[intake][window]") {
  STATIC_REQUIRE(mtf::intake::days_to_seconds(730) == 730 * 86'400);
}

TEST_CASE("min_bars counts 24/7 bars: an equities window of the same span needs fewer",
          "[intake][window]") {
  using mtf::intake::calendar;
  using mtf::intake::min_bars_under;
  CHECK(min_bars_under(700, 86'400, calendar::crypto) == 700);
  CHECK(min_bars_under(700, 86'400, calendar::equities) == 484);   // ceil(700 * 252 / 365)
  CHECK(min_bars_under(4'000, 3'600, calendar::equities) == 748);  // ceil(4000 * 1638 / 8760)
}
