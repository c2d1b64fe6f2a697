// Cross-timeframe causality (system/closed_bar_alignment.hpp): at an execution bar a coarser
// view comes from the last coarser bar closed at or before the execution bar's close.
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "mtf/system/closed_bar_alignment.hpp"

using mtf::system::last_closed_bar;
using mtf::system::no_closed_bar;

namespace {
std::vector<std::int64_t> opens(std::int64_t first, std::int64_t step, std::size_t n) {
  std::vector<std::int64_t> t;
  for (std::size_t i = 0; i < n; ++i)
    t.push_back(first + static_cast<std::int64_t>(i) * step);
  return t;
}
}  // namespace

TEST_CASE("a 1h bar is visible from the 5m bar that closes with it, not before",
          "[system][alignment]") {
  // 5m bars 00:00 .. 02:55 (36 bars); 1h bars 00:00, 01:00, 02:00.
  const auto fine = opens(0, 300, 36);
  const auto coarse = opens(0, 3600, 3);
  const auto idx = last_closed_bar(fine, 300, coarse, 3600);
  REQUIRE(idx.size() == 36);
  // 5m bars 00:00 .. 00:50 close by 00:55: no 1h bar closed yet.
  for (std::size_t i = 0; i < 11; ++i)
    CHECK(idx[i] == no_closed_bar);
  CHECK(idx[11] == 0);  // 5m 00:55 closes at 01:00 with the 1h bar 00:00
  CHECK(idx[22] == 0);  // 5m 01:50 closes at 01:55: 1h 01:00 still open
  CHECK(idx[23] == 1);  // 5m 01:55 closes at 02:00 with 1h 01:00
  CHECK(idx[35] == 2);
}

TEST_CASE("gaps: a coarse bar closing inside a gap is seen from the next fine bar",
          "[system][alignment]") {
  // 5m bars at 00:00..00:45 then nothing until 01:30; the 1h bar 00:00 (closing 01:00) falls in
  // the gap and becomes visible at the first bar after it.
  std::vector<std::int64_t> fine = opens(0, 300, 10);
  fine.push_back(5400);  // 01:30
  const std::vector<std::int64_t> coarse{0};
  const auto idx = last_closed_bar(fine, 300, coarse, 3600);
  for (std::size_t i = 0; i < 10; ++i)
    CHECK(idx[i] == no_closed_bar);
  CHECK(idx[10] == 0);
}

TEST_CASE("24h bars open at 00:00 UTC are seen from the last 5m bar of the day",
          "[system][alignment]") {
  const std::int64_t day = 86400;
  const auto fine = opens(day - 600, 300, 4);  // 23:50, 23:55, 00:00, 00:05
  const std::vector<std::int64_t> coarse{0, day};
  const auto idx = last_closed_bar(fine, 300, coarse, day);
  CHECK(idx[0] == no_closed_bar);  // closes 23:55: day 0 still open
  CHECK(idx[1] == 0);              // closes at midnight with day 0
  CHECK(idx[2] == 0);
  CHECK(idx[3] == 0);  // day 1 is still open
}

TEST_CASE("unordered open times are a caller's bug, not bad data", "[system][alignment]") {
  const std::vector<std::int64_t> fine{0, 600, 300};
  const std::vector<std::int64_t> coarse{0};
  CHECK_THROWS_AS(last_closed_bar(fine, 300, coarse, 3600), mtf::programming_error);
  CHECK_THROWS_AS(last_closed_bar(coarse, 0, coarse, 3600), mtf::programming_error);
}
