// Numerical stability of the running-sum indicators over a long series: the last values after
// 10^7 bars (Release; fewer under a Debug/sanitizer build) must match a direct recomputation
// over the final window in long double to a relative error of 1e-9.
//
// The path rises for half the series and falls back for the other half (drift +-2e-6 per bar,
// 0.2% noise), so running sums pass through price levels thousands of times larger than the
// final ones: the worst case for sums that accumulate rounding.

#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <random>
#include <span>
#include <vector>

#include "mtf/features/indicators.hpp"

namespace {

#ifdef NDEBUG
constexpr std::size_t long_length = 10'000'000;
#else
constexpr std::size_t long_length = 200'000;  // sanitizer/Debug builds: same code paths, faster
#endif
constexpr std::uint64_t long_seed = 20260101;

struct long_series {
  std::vector<double> high, low, close, volume;
};

/// Built once and shared by every test case (about 320 MB at 10^7 bars).
const long_series& rise_and_fall() {
  static const long_series series = [] {
    long_series s;
    s.high.reserve(long_length);
    s.low.reserve(long_length);
    s.close.reserve(long_length);
    s.volume.reserve(long_length);
    std::mt19937_64 rng(long_seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    const double drift = 2e-6 * (10'000'000.0 / static_cast<double>(long_length));
    double log_price = std::log(100.0);
    for (std::size_t t = 0; t < long_length; ++t) {
      const double open = std::exp(log_price);
      log_price += (t < long_length / 2 ? drift : -drift) + 0.002 * normal(rng);
      const double close = std::exp(log_price);
      s.close.push_back(close);
      s.high.push_back(std::max(open, close) * (1.0 + 0.001 * uniform(rng)));
      s.low.push_back(std::min(open, close) * (1.0 - 0.001 * uniform(rng)));
      // Volume trends with price too, so volume sums also span orders of magnitude.
      s.volume.push_back(close * std::exp(normal(rng)));
    }
    return s;
  }();
  return series;
}

long double window_mean(const std::vector<double>& x, std::size_t end, std::size_t n) {
  long double s = 0;
  for (std::size_t i = end + 1 - n; i <= end; ++i)
    s += x[i];
  return s / static_cast<long double>(n);
}

long double window_population_std(const std::vector<double>& x, std::size_t end, std::size_t n) {
  const long double mean = window_mean(x, end, n);
  long double ss = 0;
  for (std::size_t i = end + 1 - n; i <= end; ++i)
    ss += (x[i] - mean) * (x[i] - mean);
  return std::sqrt(ss / static_cast<long double>(n));
}

void require_close(double actual, long double expected) {
  INFO("actual " << actual << " expected " << static_cast<double>(expected) << " seed "
                 << long_seed);
  REQUIRE(std::isfinite(actual));
  const long double scale = std::fabs(expected) > 0 ? std::fabs(expected) : 1.0L;
  CHECK(static_cast<double>(std::fabs(static_cast<long double>(actual) - expected) / scale) <=
        1e-9);
}

constexpr int window = 20;
constexpr std::size_t last_checked = 5;  // the final few bars of the series

}  // namespace

TEST_CASE("sma stays exact after a long rise and fall", "[indicators][stability]") {
  const auto& s = rise_and_fall();
  const auto out = mtf::sma(s.close, window);
  for (std::size_t t = long_length - last_checked; t < long_length; ++t) {
    require_close(out[t], window_mean(s.close, t, window));
  }
}

TEST_CASE("bollinger and zscore stay exact after a long rise and fall", "[indicators][stability]") {
  const auto& s = rise_and_fall();
  const auto bands = mtf::bollinger(s.close, window, 2.0);
  const auto z = mtf::zscore(s.close, window);
  for (std::size_t t = long_length - last_checked; t < long_length; ++t) {
    const long double mean = window_mean(s.close, t, window);
    const long double sd = window_population_std(s.close, t, window);
    require_close(bands.middle[t], mean);
    require_close(bands.upper[t] - bands.lower[t], 4 * sd);
    require_close(z[t], (s.close[t] - mean) / sd);
  }
}

TEST_CASE("realized volatility stays exact after a long rise and fall", "[indicators][stability]") {
  const auto& s = rise_and_fall();
  const auto out = mtf::realized_vol(s.close, window);
  for (std::size_t t = long_length - last_checked; t < long_length; ++t) {
    std::vector<long double> r;
    for (std::size_t i = t + 1 - window; i <= t; ++i)
      r.push_back(std::log(s.close[i] / s.close[i - 1]));
    long double mean = 0;
    for (auto v : r)
      mean += v;
    mean /= window;
    long double ss = 0;
    for (auto v : r)
      ss += (v - mean) * (v - mean);
    require_close(out[t], std::sqrt(ss / (window - 1)));
  }
}

TEST_CASE("volume ratio, cmf and cci stay exact after a long rise and fall",
          "[indicators][stability]") {
  const auto& s = rise_and_fall();
  const auto ratio = mtf::volume_ratio(s.volume, window);
  const auto money_flow = mtf::cmf(s.high, s.low, s.close, s.volume, window);
  const auto channel = mtf::cci(s.high, s.low, s.close, window);
  for (std::size_t t = long_length - last_checked; t < long_length; ++t) {
    require_close(ratio[t], s.volume[t] / window_mean(s.volume, t, window));
    long double flow = 0, volume = 0;
    std::vector<long double> tp;
    for (std::size_t i = t + 1 - window; i <= t; ++i) {
      const long double h = s.high[i], l = s.low[i], c = s.close[i];
      flow += ((c - l) - (h - c)) / (h - l) * s.volume[i];
      volume += s.volume[i];
      tp.push_back((h + l + c) / 3);
    }
    require_close(money_flow[t], flow / volume);
    long double mean = 0;
    for (auto v : tp)
      mean += v;
    mean /= window;
    long double mad = 0;
    for (auto v : tp)
      mad += std::fabs(v - mean);
    mad /= window;
    require_close(channel[t], (tp.back() - mean) / (0.015L * mad));
  }
}

TEST_CASE("obv stays exact after a long rise and fall", "[indicators][stability]") {
  const auto& s = rise_and_fall();
  const auto out = mtf::obv(s.close, s.volume);
  long double total = s.volume[0];
  long double gross = s.volume[0];
  for (std::size_t t = 1; t < long_length; ++t) {
    if (s.close[t] > s.close[t - 1]) total += s.volume[t];
    if (s.close[t] < s.close[t - 1]) total -= s.volume[t];
    gross += s.volume[t];
  }
  // OBV is a difference of large sums; its error is judged against the volume traded.
  INFO("obv " << out.back() << " expected " << static_cast<double>(total));
  CHECK(static_cast<double>(std::fabs(out.back() - total) / gross) <= 1e-12);
}

TEST_CASE("stochastic and williams %r extremes are exact after a long series",
          "[indicators][stability]") {
  const auto& s = rise_and_fall();
  const auto k = mtf::stochastic(s.high, s.low, s.close, window, 1, 3).k;
  const auto r = mtf::williams_r(s.high, s.low, s.close, window);
  for (std::size_t t = long_length - last_checked; t < long_length; ++t) {
    double hh = s.high[t], ll = s.low[t];
    for (std::size_t i = t + 1 - window; i <= t; ++i) {
      hh = std::max(hh, s.high[i]);
      ll = std::min(ll, s.low[i]);
    }
    CHECK(k[t] == 100.0 * ((s.close[t] - ll) / (hh - ll)));
    require_close(r[t], -100.0L * (hh - s.close[t]) / (hh - ll));
  }
}
