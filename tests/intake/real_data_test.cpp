// Real candles: the bundled sample (data/) and, where ../shared/data exists, the README's
// cross-check of Binance 1h spot bars aggregated to 24h against Binance's native 1d bars.
// Independent sources agreeing is the reference here, not this code's earlier output.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>

#include "mtf/intake/csv_reader.hpp"
#include "mtf/intake/load_series.hpp"
#include "mtf/intake/quality_checks.hpp"
#include "mtf/intake/resample.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

using namespace mtf::intake;
namespace fs = std::filesystem;

namespace {
const fs::path bundled = fs::path(MTF_SOURCE_DIR) / "data";
const fs::path shared = fs::path(MTF_SHARED_DATA_DIR);

/// Compares `coarse` against `reference` on every timestamp both contain; returns the overlap.
std::size_t check_equal_on_overlap(const mtf::bar_series& coarse,
                                   const mtf::bar_series& reference) {
  std::unordered_map<std::int64_t, std::size_t> index;
  for (std::size_t i = 0; i < reference.size(); ++i)
    index.emplace(reference.timestamp[i], i);
  std::size_t overlap = 0;
  for (std::size_t i = 0; i < coarse.size(); ++i) {
    const auto it = index.find(coarse.timestamp[i]);
    if (it == index.end()) continue;
    const std::size_t j = it->second;
    INFO("bar " << format_iso8601(coarse.timestamp[i]));
    REQUIRE(coarse.open[i] == reference.open[j]);
    REQUIRE(coarse.high[i] == reference.high[j]);
    REQUIRE(coarse.low[i] == reference.low[j]);
    REQUIRE(coarse.close[i] == reference.close[j]);
    REQUIRE(std::abs(coarse.volume[i] - reference.volume[j]) <=
            1e-6 * std::abs(reference.volume[j]));
    ++overlap;
  }
  return overlap;
}
}  // namespace

TEST_CASE("the bundled 5m sample is complete, gap-free and long enough for the 5m policy",
          "[intake][data]") {
  using policy = mtf::timeframes::tf_5m;
  const auto s = read_csv(bundled / "btcusdt_5m.csv");
  CHECK(s.bar_seconds == policy::bar_seconds);
  CHECK(s.size() == 28806);
  CHECK(format_iso8601(s.timestamp.front()) == "2025-09-22T11:00:00Z");
  CHECK(format_iso8601(s.timestamp.back()) == "2025-12-31T11:25:00Z");
  const auto report = check_quality(s, policy::data_quality, policy::min_bars);
  CHECK(report.missing_bars == 0);
  CHECK(report.jumps == 0);
  CHECK(report.zero_volume_bars == 0);
}

TEST_CASE("the bundled 5m sample aggregated to 1h equals the independent 1h archive",
          "[intake][data]") {
  // README cross-check: won9892000's 5m perpetual bars vs ElvisTV's Binance-archive 1h bars.
  const auto hourly_from_5m = load_series(bundled / "btcusdt_5m.csv", 3600);
  CHECK(hourly_from_5m.counts.dropped_leading_partial == 0);   // the sample starts on the hour
  CHECK(hourly_from_5m.counts.dropped_trailing_partial == 6);  // 11:00-11:25 of the last hour
  CHECK(hourly_from_5m.counts.buckets_with_missing_sub_bars == 0);
  const auto hourly = read_csv(bundled / "btcusdt_1h.csv");
  const std::size_t overlap = check_equal_on_overlap(hourly_from_5m.bars, hourly);
  CHECK(overlap == hourly_from_5m.bars.size());
  CHECK(overlap == 2400);  // 100 days
}

TEST_CASE("the bundled 1h sample serves the 1h, 12h and 24h policies", "[intake][data]") {
  const auto hourly = read_csv(bundled / "btcusdt_1h.csv");
  CHECK(hourly.size() == 35064);  // 2022-05-01T00:00Z .. 2026-04-30T23:00Z, 1461 days
  using p1 = mtf::timeframes::tf_1h;
  const auto report = check_quality(hourly, p1::data_quality, p1::min_bars);
  CHECK(report.missing_bars == 0);
  CHECK(report.jumps == 0);
  // One flat, zero-volume hour exists in the Binance archive itself (see data/README.md).
  CHECK(report.zero_volume_bars == 1);
  REQUIRE(report.warnings.size() == 1);
  CHECK(report.warnings[0].find("1 zero-volume bar (") != std::string::npos);

  using p12 = mtf::timeframes::tf_12h;
  const auto half_days = resample(hourly, p12::bar_seconds);
  CHECK(half_days.bars.size() == 2922);
  CHECK(half_days.counts.dropped_leading_partial + half_days.counts.dropped_trailing_partial == 0);
  CHECK_NOTHROW(check_quality(half_days.bars, p12::data_quality, p12::min_bars + 100));

  using p24 = mtf::timeframes::tf_24h;
  const auto days = resample(hourly, p24::bar_seconds);
  CHECK(days.bars.size() == 1461);
  CHECK(format_iso8601(days.bars.timestamp.front()) == "2022-05-01T00:00:00Z");
  CHECK_NOTHROW(check_quality(days.bars, p24::data_quality, p24::min_bars + 100));
}

TEST_CASE("Binance spot 1h bars aggregated to 24h equal the native 1d bars (shared data)",
          "[intake][data][shared]") {
  const fs::path spot_1h = shared / "btcusdt_spot_1h.csv";
  const fs::path spot_1d = shared / "btcusdt_spot_1d.csv";
  if (!fs::exists(spot_1h) || !fs::exists(spot_1d)) {
    WARN("skipped: " << shared.string() << " is not available");
    return;
  }
  const auto days_from_hours = load_series(spot_1h, 86400);
  const auto native_days = read_csv(spot_1d);
  CHECK(native_days.bar_seconds == 86400);
  // README: 540 overlapping days, 2024-01-01 to 2025-06-23, identical in every field.
  CHECK(check_equal_on_overlap(days_from_hours.bars, native_days) == 540);
}

TEST_CASE("daily SPY bars pass intake under the equities calendar only (shared data)",
          "[intake][data][shared]") {
  const fs::path spy = shared / "spy_1d.csv";
  if (!fs::exists(spy)) {
    WARN("skipped: " << shared.string() << " is not available");
    return;
  }
  using p24 = mtf::timeframes::tf_24h;
  const auto s = read_csv(spy);
  REQUIRE(s.size() == 5036);
  // shared/data/README.md: only trading days; the longest closures are two weekdays (Ford's day
  // of mourning 2007-01-02 next to New Year, Hurricane Sandy 2012-10-29/30). Under equities none
  // of the 183 weekdays without a bar (pandas bdate_range minus the dates present) is a gap.
  const auto equities = measure_quality(s, p24::data_quality, p24::min_bars, calendar::equities);
  CHECK(equities.expected_bars == 5036);
  CHECK(equities.missing_bars == 0);
  CHECK(equities.passed());
  CHECK_NOTHROW(check_quality(s, p24::data_quality, p24::min_bars, calendar::equities));
  // Under crypto every calendar day is expected (pandas date_range: 7,305 days).
  const auto crypto = measure_quality(s, p24::data_quality, 0);
  CHECK(crypto.expected_bars == 7305);
  CHECK(crypto.missing_bars == 2269);
  CHECK_FALSE(crypto.passed());
}
