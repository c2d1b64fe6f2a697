// Bar-length detection (modal step) and its short names.
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "mtf/intake/bar_interval.hpp"

using mtf::intake::detect_bar_seconds;
using mtf::intake::format_bar_length;

TEST_CASE("the bar length is the most common step even when it is not a majority",
          "[intake][interval]") {
  // Steps: 300 x3, 600 x2, 900 x2 -> 300 holds only 3 of 7 steps but is the mode.
  const std::vector<std::int64_t> t{0, 300, 900, 1800, 2100, 2400, 3000, 3900};
  CHECK(detect_bar_seconds(t) == 300);
}

TEST_CASE("a tie between steps goes to the shorter step", "[intake][interval]") {
  // Steps: 7200, 3600, 7200, 3600 -> an hourly series with gaps, not a 2h series.
  const std::vector<std::int64_t> t{0, 7200, 10800, 18000, 21600};
  CHECK(detect_bar_seconds(t) == 3600);
}

TEST_CASE("a majority step is found however the series starts", "[intake][interval]") {
  std::vector<std::int64_t> t{0, 86400 * 3};  // a long first step (a weekend, say)
  for (int i = 1; i <= 10; ++i)
    t.push_back(86400 * 3 + i * 86400);
  CHECK(detect_bar_seconds(t) == 86400);
}

TEST_CASE("fewer than two bars or no positive step give an unknown length (0)",
          "[intake][interval]") {
  CHECK(detect_bar_seconds(std::vector<std::int64_t>{}) == 0);
  CHECK(detect_bar_seconds(std::vector<std::int64_t>{1704067200}) == 0);
  CHECK(detect_bar_seconds(std::vector<std::int64_t>{5, 5, 5}) == 0);
  CHECK(detect_bar_seconds(std::vector<std::int64_t>{10, 5, 0}) == 0);
}

TEST_CASE("bar lengths have short names for messages", "[intake][interval]") {
  CHECK(format_bar_length(300) == "5m");
  CHECK(format_bar_length(3600) == "1h");
  CHECK(format_bar_length(43200) == "12h");
  CHECK(format_bar_length(86400) == "24h");
  CHECK(format_bar_length(90) == "90s");
  CHECK(format_bar_length(0) == "0s");
}
