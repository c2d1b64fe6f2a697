// Streaming feature rows against the batch feature matrix: for every bar t, the row pushed for
// bar t must be bit-identical (NaN where the batch has NaN) to row t of the batch matrix of the
// whole series -- which, by the batch path's prefix invariance, is row t of the matrix of bars
// 0..t. Covers every policy's feature list, a list with every spec type (non-default settings),
// series with flat stretches / zero volume / zero ranges (the neutral values), series long
// enough for several periodic recomputations of the rolling moments, the bundled real candles,
// and bad input.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>
#include "mtf/intake/csv_reader.hpp"

#include "feature_test_support.hpp"
#include "mtf/features/feature_matrix.hpp"
#include "mtf/features/streaming_features.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

namespace {

using mtf::streaming::bar_at;
using mtf::streaming::make_streaming_features;

/// Every spec type of feature_specs.hpp, with windows of 1 and 2 where allowed and non-default
/// k, smoothing and %D windows.
constexpr auto every_spec = boost::hana::make_tuple(
    mtf::feature::log_return{1}, mtf::feature::log_return{7}, mtf::feature::sma_ratio{1},
    mtf::feature::sma_ratio{9}, mtf::feature::ema_ratio{1}, mtf::feature::ema_ratio{12},
    mtf::feature::rsi{1}, mtf::feature::rsi{14}, mtf::feature::atr_ratio{1},
    mtf::feature::atr_ratio{14}, mtf::feature::bollinger_percent_b{20, 1.5},
    mtf::feature::bollinger_percent_b{1}, mtf::feature::bollinger_width{20, 2.5},
    mtf::feature::macd_histogram{3, 10, 4}, mtf::feature::macd_histogram{12, 26, 9},
    mtf::feature::roc{1}, mtf::feature::roc{10}, mtf::feature::momentum_atr{10, 14},
    mtf::feature::momentum_atr{2, 30}, mtf::feature::realized_vol{2},
    mtf::feature::realized_vol{24}, mtf::feature::vol_ratio{6, 28}, mtf::feature::vol_ratio{30, 5},
    mtf::feature::zscore{1}, mtf::feature::zscore{20}, mtf::feature::stochastic_k{14},
    mtf::feature::stochastic_k{5, 3}, mtf::feature::stochastic_d{14},
    mtf::feature::stochastic_d{1, 4}, mtf::feature::williams_r{14}, mtf::feature::williams_r{1},
    mtf::feature::adx{1}, mtf::feature::adx{14}, mtf::feature::di_spread{7},
    mtf::feature::obv_flow{1}, mtf::feature::obv_flow{24}, mtf::feature::volume_ratio{1},
    mtf::feature::volume_ratio{20}, mtf::feature::cci{1}, mtf::feature::cci{20},
    mtf::feature::cmf{1}, mtf::feature::cmf{20});

/// Pushes every bar and compares with the batch matrix bit for bit; also checks that push
/// returns a row exactly from the batch's first complete row on. Returns the mismatch count.
template <class Features>
std::size_t count_mismatches(const Features& features, const mtf::bar_series& bars) {
  const mtf::matrix batch = mtf::compute_feature_matrix(features, bars);
  const std::size_t first = mtf::first_complete_row(batch);
  auto stream = make_streaming_features(features);
  constexpr std::size_t columns = decltype(stream)::size;
  std::size_t mismatches = 0;
  for (std::size_t t = 0; t < bars.size(); ++t) {
    std::array<double, columns> row{};
    const bool complete = stream.push(bar_at(bars, t), std::span<double, columns>(row));
    if (complete != (t >= first)) {
      ++mismatches;
      UNSCOPED_INFO("bar " << t << ": complete = " << complete << ", batch first row " << first);
    }
    for (std::size_t c = 0; c < columns; ++c) {
      if (!mtf::test::same_bits(row[c], batch(t, c))) {
        if (mismatches < 5)
          UNSCOPED_INFO("bar " << t << " column " << stream.names()[c] << ": streaming " << row[c]
                               << " batch " << batch(t, c));
        ++mismatches;
      }
    }
  }
  return mismatches;
}

/// A random walk with flat stretches: runs of identical bars (close = high = low, so zero
/// ranges, zero returns and flat windows), zero-volume runs and zero-range bars with volume.
mtf::bar_series walk_with_flat_stretches(std::size_t n, std::uint64_t seed) {
  mtf::bar_series bars = mtf::test::random_walk_bars(n, seed);
  std::mt19937_64 rng(seed + 1);
  std::uniform_int_distribution<std::size_t> start(1, n - 1);
  for (int run = 0; run < 12; ++run) {
    const std::size_t s = start(rng);
    const std::size_t length = 5 + (s % 60);
    for (std::size_t t = s; t < std::min(n, s + length); ++t) {
      const double p = bars.close[s - 1];
      bars.open[t] = bars.high[t] = bars.low[t] = bars.close[t] = p;
      if (run % 3 == 0) bars.volume[t] = 0.0;
    }
  }
  for (int run = 0; run < 6; ++run) {
    const std::size_t s = start(rng);
    for (std::size_t t = s; t < std::min(n, s + 40); ++t)
      bars.volume[t] = 0.0;
  }
  return bars;
}

/// A bundled data/ file through the intake reader, or nullopt when it is absent.
std::optional<mtf::bar_series> read_bundled_csv(const std::string& name) {
  const std::filesystem::path path = std::filesystem::path(MTF_SOURCE_DIR) / "data" / name;
  if (!std::filesystem::exists(path)) return std::nullopt;
  return mtf::intake::read_csv(path);
}

}  // namespace

TEST_CASE("streaming rows of every policy equal the batch matrix rows bit for bit",
          "[features][streaming]") {
  // 20,000 bars: more than ten periodic recomputations of every rolling moment window.
  for (const std::uint64_t seed : {11u, 12u}) {
    INFO("seed " << seed);
    const auto bars = mtf::test::random_walk_bars(20'000, seed);
    CHECK(count_mismatches(mtf::timeframes::tf_5m::features, bars) == 0);
    CHECK(count_mismatches(mtf::timeframes::tf_1h::features, bars) == 0);
    CHECK(count_mismatches(mtf::timeframes::tf_12h::features, bars) == 0);
    CHECK(count_mismatches(mtf::timeframes::tf_24h::features, bars) == 0);
  }
}

TEST_CASE("streaming values of every spec type equal the batch values bit for bit",
          "[features][streaming]") {
  for (const std::uint64_t seed : {21u, 22u, 23u}) {
    INFO("seed " << seed);
    CHECK(count_mismatches(every_spec, mtf::test::random_walk_bars(6'000, seed)) == 0);
    // A high-volatility walk: large moves make the compensated sums and Welford updates work.
    CHECK(count_mismatches(every_spec, mtf::test::random_walk_bars(3'000, seed, 0.0, 0.08)) == 0);
  }
}

TEST_CASE("streaming values match the batch through flat stretches and zero volume",
          "[features][streaming]") {
  for (const std::uint64_t seed : {31u, 32u}) {
    INFO("seed " << seed);
    const auto bars = walk_with_flat_stretches(5'000, seed);
    // The fixture must really contain the degenerate cases the neutral values are for.
    const mtf::matrix batch = mtf::compute_feature_matrix(every_spec, bars);
    std::size_t flat_zscores = 0;
    for (std::size_t t = 100; t < bars.size(); ++t)
      flat_zscores += batch(t, 24) == 0.0 ? 1 : 0;  // zscore{20}: 0 in a flat window
    CHECK(flat_zscores > 10);
    CHECK(count_mismatches(every_spec, bars) == 0);
  }
  SECTION("a series that starts flat") {
    auto bars = mtf::test::random_walk_bars(600, 41);
    for (std::size_t t = 0; t < 80; ++t) {
      bars.open[t] = bars.high[t] = bars.low[t] = bars.close[t] = 100.0;
      bars.volume[t] = 0.0;
    }
    CHECK(count_mismatches(every_spec, bars) == 0);
  }
}

TEST_CASE("streaming rows equal the batch rows on the bundled real candles",
          "[features][streaming]") {
  const auto five = read_bundled_csv("btcusdt_5m.csv");
  const auto hourly = read_bundled_csv("btcusdt_1h.csv");
  if (!five || !hourly) {
    WARN("bundled data/ candles not found: skipped");
    return;
  }
  REQUIRE(five->size() > 20'000);
  CHECK(count_mismatches(mtf::timeframes::tf_5m::features, *five) == 0);
  CHECK(count_mismatches(every_spec, *five) == 0);
  CHECK(count_mismatches(mtf::timeframes::tf_1h::features, *hourly) == 0);
  CHECK(count_mismatches(every_spec, *hourly) == 0);
}

TEST_CASE("a stream seeded from history continues exactly like one fed bar by bar",
          "[features][streaming]") {
  const auto bars = mtf::test::random_walk_bars(2'000, 51);
  const mtf::matrix batch = mtf::compute_feature_matrix(mtf::timeframes::tf_5m::features, bars);
  auto stream = make_streaming_features(mtf::timeframes::tf_5m::features);
  const auto seeded = stream.seed(bars.prefix(1'500));
  REQUIRE(seeded.has_value());
  CHECK(stream.bars_seen() == 1'500);
  for (std::size_t c = 0; c < seeded->size(); ++c)
    CHECK(mtf::test::same_bits((*seeded)[c], batch(1'499, c)));
  for (std::size_t t = 1'500; t < bars.size(); ++t) {
    const auto row = stream.push(bar_at(bars, t));
    REQUIRE(row.has_value());
    for (std::size_t c = 0; c < row->size(); ++c)
      REQUIRE(mtf::test::same_bits((*row)[c], batch(t, c)));
  }
}

TEST_CASE("push returns no row during the warm-up", "[features][streaming]") {
  // tf_24h's longest warm-up is sma_ratio{100}: first complete row at bar 99.
  const auto bars = mtf::test::random_walk_bars(150, 61);
  auto stream = make_streaming_features(mtf::timeframes::tf_24h::features);
  for (std::size_t t = 0; t < bars.size(); ++t)
    CHECK(stream.push(bar_at(bars, t)).has_value() == (t >= 99));
}

TEST_CASE("streaming features refuse bad bars without corrupting their state",
          "[features][streaming]") {
  const auto bars = mtf::test::random_walk_bars(400, 71);
  const mtf::matrix batch = mtf::compute_feature_matrix(every_spec, bars);
  auto stream = make_streaming_features(every_spec);
  for (std::size_t t = 0; t < 200; ++t)
    stream.push(bar_at(bars, t));
  auto bad = bar_at(bars, 200);
  bad.close = 0.0;
  CHECK_THROWS_AS(stream.push(bad), mtf::data_error);
  CHECK_THROWS_WITH(stream.push(bad), Catch::Contains("finite and positive"));
  bad = bar_at(bars, 200);
  bad.high = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(stream.push(bad), Catch::Contains("high") && Catch::Contains("non-finite"));
  bad = bar_at(bars, 200);
  bad.volume = -1.0;
  CHECK_THROWS_WITH(stream.push(bad), Catch::Contains("volume must be finite and non-negative"));
  bad = bar_at(bars, 200);
  bad.timestamp = bars.timestamp[199];
  CHECK_THROWS_WITH(stream.push(bad), Catch::Contains("not after the previous bar"));
  CHECK(stream.bars_seen() == 200);
  // The refused bars left no trace: the stream goes on exactly as the batch.
  for (std::size_t t = 200; t < bars.size(); ++t) {
    const auto row = stream.push(bar_at(bars, t));
    REQUIRE(row.has_value());
    for (std::size_t c = 0; c < row->size(); ++c)
      REQUIRE(mtf::test::same_bits((*row)[c], batch(t, c)));
  }
}

TEST_CASE("streaming features check only the fields their features read", "[features][streaming]") {
  // rsi reads closes only and accepts any finite close, as the batch rsi does.
  auto stream = make_streaming_features(boost::hana::make_tuple(mtf::feature::rsi{3}));
  CHECK_NOTHROW(stream.push(mtf::streaming::bar{0, 1.0, std::nan(""), std::nan(""), -5.0, -1.0}));
  CHECK_THROWS_AS(stream.push(mtf::streaming::bar{1, 1.0, 1.0, 1.0, std::nan(""), 1.0}),
                  mtf::data_error);
}

TEST_CASE("streaming features reject the windows the batch features reject",
          "[features][streaming]") {
  CHECK_THROWS_AS(make_streaming_features(boost::hana::make_tuple(mtf::feature::sma_ratio{0})),
                  mtf::programming_error);
  CHECK_THROWS_AS(make_streaming_features(boost::hana::make_tuple(mtf::feature::realized_vol{1})),
                  mtf::programming_error);
  CHECK_THROWS_WITH(
      make_streaming_features(boost::hana::make_tuple(mtf::feature::macd_histogram{26, 12, 9})),
      Catch::Contains("fast window must be shorter"));
  CHECK_THROWS_WITH(
      make_streaming_features(boost::hana::make_tuple(mtf::feature::bollinger_width{20, 0.0})),
      Catch::Contains("band width k"));
}

TEST_CASE("ring buffer keeps the newest values oldest first", "[features][streaming]") {
  mtf::streaming::ring_buffer<double> ring(3);
  CHECK(ring.size() == 0);
  for (double v : {1.0, 2.0, 3.0, 4.0, 5.0})
    ring.push(v);
  REQUIRE(ring.size() == 3);
  CHECK(ring[0] == 3.0);
  CHECK(ring[1] == 4.0);
  CHECK(ring[2] == 5.0);
  CHECK(ring.back(0) == 5.0);
  CHECK(ring.back(2) == 3.0);
}

TEST_CASE("streaming window extremes and sums match hand-computed values",
          "[features][streaming]") {
  mtf::streaming::window_extreme<mtf::streaming::at_least> highest(3);
  mtf::streaming::window_sum sum(3);
  const double x[] = {4.0, 1.0, 3.0, 2.0, 0.5, 7.0};
  const double max3[] = {NAN, NAN, 4.0, 3.0, 3.0, 7.0};
  const double sum3[] = {NAN, NAN, 8.0, 6.0, 5.5, 9.5};
  for (std::size_t i = 0; i < 6; ++i) {
    INFO("i " << i);
    CHECK(mtf::test::same_bits(highest.push(x[i]), max3[i]));
    CHECK(mtf::test::same_bits(sum.push(x[i]), sum3[i]));
  }
}
