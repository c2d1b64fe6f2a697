// Resampling against hand-computed OHLCV, the UTC anchor, partial-bucket drops and rejections.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "mtf/intake/resample.hpp"

using namespace mtf::intake;

namespace {
constexpr std::int64_t leap_day = 1709164800;  // 2024-02-29T00:00:00Z
constexpr std::int64_t new_year = 1704067200;  // 2024-01-01T00:00:00Z

mtf::bar_series make_series(std::int64_t bar_seconds, std::string source = "mem/test.csv") {
  mtf::bar_series s;
  s.symbol = "test";
  s.source = std::move(source);
  s.bar_seconds = bar_seconds;
  return s;
}

std::string message_of_resample(const mtf::bar_series& s, std::int64_t target) {
  try {
    (void)resample(s, target);
  } catch (const mtf::data_error& e) {
    CHECK(e.field() == "timestamp");
    CHECK(e.file() == s.source);
    return e.what();
  }
  return "no exception";
}
}  // namespace

TEST_CASE("5m bars resample to 1h with leading and trailing partial hours dropped",
          "[intake][resample]") {
  // 5m bars from 10:50 to 13:10 on 2024-02-29, 12:20 missing. Bar i has open 100 + i,
  // high open + 2, low open - 1, close open + 0.5, volume i + 1; two spikes in the 11:00 hour.
  auto s = make_series(300);
  std::int64_t i = 0;
  for (std::int64_t t = leap_day + 10 * 3600 + 50 * 60; t <= leap_day + 13 * 3600 + 10 * 60;
       t += 300) {
    if (t == leap_day + 12 * 3600 + 20 * 60) continue;  // the missing sub-bar
    const double open = 100.0 + static_cast<double>(i);
    double high = open + 2, low = open - 1;
    if (t == leap_day + 11 * 3600 + 20 * 60) high = 130;
    if (t == leap_day + 11 * 3600 + 40 * 60) low = 90;
    s.push_back(t, open, high, low, open + 0.5, static_cast<double>(i + 1));
    ++i;
  }
  REQUIRE(s.size() == 2 + 12 + 11 + 3);

  const auto r = resample(s, 3600);
  CHECK(r.counts.input_bars == 28);
  CHECK(r.counts.dropped_leading_partial == 2);   // 10:50, 10:55
  CHECK(r.counts.dropped_trailing_partial == 3);  // 13:00, 13:05, 13:10
  CHECK(r.counts.buckets_with_missing_sub_bars == 1);
  REQUIRE(r.counts.output_bars == 2);
  const auto& b = r.bars;
  REQUIRE(b.size() == 2);
  CHECK(b.bar_seconds == 3600);
  CHECK(b.symbol == "test");
  // 11:00 hour = bars 2..13: open 102, close 113.5, high spike 130, low spike 90,
  // volume 3 + 4 + ... + 14 = 102.
  CHECK(b.timestamp[0] == leap_day + 11 * 3600);
  CHECK(b.open[0] == 102);
  CHECK(b.high[0] == 130);
  CHECK(b.low[0] == 90);
  CHECK(b.close[0] == 113.5);
  CHECK(b.volume[0] == 102);
  // 12:00 hour = bars 14..24 (11 sub-bars): open 114, high 124 + 2, low 114 - 1, close 124.5,
  // volume 15 + ... + 25 = 220.
  CHECK(b.timestamp[1] == leap_day + 12 * 3600);
  CHECK(b.open[1] == 114);
  CHECK(b.high[1] == 126);
  CHECK(b.low[1] == 113);
  CHECK(b.close[1] == 124.5);
  CHECK(b.volume[1] == 220);
}

TEST_CASE("1h bars resample to 12h buckets at 00:00 and 12:00 UTC", "[intake][resample]") {
  // 36 hourly bars from 2024-01-01T00:00Z: bar i has open 10 + i, high 20 + i, low 5 + i,
  // close 11 + i, volume 0.5.
  auto s = make_series(3600);
  for (int i = 0; i < 36; ++i)
    s.push_back(new_year + i * 3600, 10 + i, 20 + i, 5 + i, 11 + i, 0.5);
  const auto r = resample(s, 43200);
  REQUIRE(r.bars.size() == 3);
  CHECK(r.counts.dropped_leading_partial == 0);
  CHECK(r.counts.dropped_trailing_partial == 0);
  CHECK(r.counts.buckets_with_missing_sub_bars == 0);
  for (int k = 0; k < 3; ++k) {
    INFO("bucket " << k);
    CHECK(r.bars.timestamp[k] == new_year + k * 43200);
    CHECK(r.bars.open[k] == 10 + 12 * k);
    CHECK(r.bars.high[k] == 31 + 12 * k);
    CHECK(r.bars.low[k] == 5 + 12 * k);
    CHECK(r.bars.close[k] == 22 + 12 * k);
    CHECK(r.bars.volume[k] == 6);
  }
}

TEST_CASE("1h bars resample to 24h bars that open at 00:00 UTC", "[intake][resample]") {
  // Hourly bars from 2023-12-31T22:00Z to 2024-01-03T05:00Z: two hours before the first
  // midnight and six after the last are partial days and are dropped.
  auto s = make_series(3600);
  const std::int64_t first = new_year - 2 * 3600;
  const std::int64_t last = new_year + 2 * 86400 + 5 * 3600;
  int i = 0;
  for (std::int64_t t = first; t <= last; t += 3600, ++i) {
    // A zig-zag so the extremes sit inside the day, not at its ends.
    const double mid = 1000.0 + (i % 2 == 0 ? i : -i);
    s.push_back(t, mid, mid + 3, mid - 3, mid + 1, 1.25);
  }
  const auto r = resample(s, 86400);
  CHECK(r.counts.input_bars == 2 + 48 + 6);
  CHECK(r.counts.dropped_leading_partial == 2);
  CHECK(r.counts.dropped_trailing_partial == 6);
  REQUIRE(r.bars.size() == 2);
  // Day 1 = bars i = 2..25: open = mid(2) = 1002, close = mid(25) + 1 = 976,
  // high = mid(24) + 3 = 1027, low = mid(25) - 3 = 972, volume 24 * 1.25 = 30.
  CHECK(r.bars.timestamp[0] == new_year);
  CHECK(r.bars.open[0] == 1002);
  CHECK(r.bars.high[0] == 1027);
  CHECK(r.bars.low[0] == 972);
  CHECK(r.bars.close[0] == 976);
  CHECK(r.bars.volume[0] == 30);
  // Day 2 = bars 26..49: open 1026, high mid(48) + 3 = 1051, low mid(49) - 3 = 948,
  // close mid(49) + 1 = 952.
  CHECK(r.bars.timestamp[1] == new_year + 86400);
  CHECK(r.bars.open[1] == 1026);
  CHECK(r.bars.high[1] == 1051);
  CHECK(r.bars.low[1] == 948);
  CHECK(r.bars.close[1] == 952);
}

TEST_CASE("a series inside one partial bucket resamples to nothing", "[intake][resample]") {
  auto s = make_series(3600);
  for (int i = 3; i < 8; ++i)
    s.push_back(new_year + i * 3600, 1, 1, 1, 1, 1);
  const auto r = resample(s, 86400);
  CHECK(r.bars.empty());
  CHECK(r.counts.dropped_leading_partial + r.counts.dropped_trailing_partial == 5);
}

TEST_CASE("the same bar length passes the series through unchanged", "[intake][resample]") {
  auto s = make_series(3600);
  s.push_back(new_year + 3600, 1, 2, 0.5, 1.5, 7);
  s.push_back(new_year + 2 * 3600, 1.5, 2, 1, 1, 8);
  const auto r = resample(s, 3600);
  CHECK(r.bars.timestamp == s.timestamp);
  CHECK(r.bars.close == s.close);
  CHECK(r.bars.volume == s.volume);
  CHECK(r.counts.input_bars == 2);
  CHECK(r.counts.output_bars == 2);
}

TEST_CASE("coarser input and non-dividing targets are rejected naming both lengths",
          "[intake][resample]") {
  auto hourly = make_series(3600, "data/hourly.csv");
  hourly.push_back(new_year, 1, 1, 1, 1, 1);
  hourly.push_back(new_year + 3600, 1, 1, 1, 1, 1);
  const std::string coarser = message_of_resample(hourly, 300);
  CHECK(coarser.find("data/hourly.csv") != std::string::npos);
  CHECK(coarser.find("1h (3600 s)") != std::string::npos);
  CHECK(coarser.find("5m (300 s)") != std::string::npos);
  CHECK(coarser.find("coarser") != std::string::npos);

  auto seven_minutes = make_series(420, "data/odd.csv");
  seven_minutes.push_back(0, 1, 1, 1, 1, 1);
  seven_minutes.push_back(420, 1, 1, 1, 1, 1);
  const std::string misfit = message_of_resample(seven_minutes, 3600);
  CHECK(misfit.find("data/odd.csv") != std::string::npos);
  CHECK(misfit.find("7m (420 s)") != std::string::npos);
  CHECK(misfit.find("1h (3600 s)") != std::string::npos);
  CHECK(misfit.find("not a whole multiple") != std::string::npos);
}

TEST_CASE("input bars off their own grid and unknown bar lengths are rejected",
          "[intake][resample]") {
  auto half_past = make_series(3600);
  half_past.push_back(new_year + 1800, 1, 1, 1, 1, 1);
  half_past.push_back(new_year + 5400, 1, 1, 1, 1, 1);
  CHECK(message_of_resample(half_past, 86400).find("2024-01-01T00:30:00Z") != std::string::npos);

  auto single = make_series(0);
  single.push_back(new_year, 1, 1, 1, 1, 1);
  CHECK(message_of_resample(single, 3600).find("unknown") != std::string::npos);
  CHECK_THROWS_AS(resample(half_past, 0), mtf::usage_error);
}

TEST_CASE("resampling in two steps equals resampling in one (random gaps, fixed seed)",
          "[intake][resample]") {
  const unsigned seed = 20240229;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> step(-1.0, 1.0);
  std::uniform_int_distribution<int> volume(0, 1000);  // integers: sums are exact in any order
  std::bernoulli_distribution drop(0.05);
  auto s = make_series(300);
  const std::int64_t start = new_year;             // a 12h boundary
  const std::int64_t end = new_year + 10 * 86400;  // exclusive, also a 12h boundary
  double price = 100.0;
  for (std::int64_t t = start; t < end; t += 300) {
    const bool first_or_last = t == start || t == end - 300;
    const double open = price;
    price *= 1.0 + 0.002 * step(rng);
    if (!first_or_last && drop(rng)) continue;
    const double high = std::max(open, price) * (1.0 + 0.001 * (step(rng) + 1.0));
    const double low = std::min(open, price) * (1.0 - 0.001 * (step(rng) + 1.0));
    s.push_back(t, open, high, low, price, volume(rng));
  }
  const auto direct = resample(s, 43200);
  const auto via_hours = resample(resample(s, 3600).bars, 43200);
  CHECK(direct.bars.size() == 20);
  CHECK(direct.bars.timestamp == via_hours.bars.timestamp);
  CHECK(direct.bars.open == via_hours.bars.open);
  CHECK(direct.bars.high == via_hours.bars.high);
  CHECK(direct.bars.low == via_hours.bars.low);
  CHECK(direct.bars.close == via_hours.bars.close);
  CHECK(direct.bars.volume == via_hours.bars.volume);
  CHECK(direct.counts.buckets_with_missing_sub_bars > 0);
}
