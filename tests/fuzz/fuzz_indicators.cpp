// Fuzzes every indicator of features/indicators.hpp and the 5m policy's feature matrix on
// arbitrary series. The first byte picks the mode and the next four the windows (which may be
// zero or negative: a programming_error is the documented refusal):
// * raw mode: the rest of the input is raw doubles (NaN, inf, negatives, denormals): every
//   indicator must return or refuse with an mtf::error;
// * market mode: the rest drives a valid candle series (prices from 1e-3 to 1e6 by bounded
//   log steps, consistent OHLC, volume >= 0): every output must be NaN during its warm-up and
//   finite from its first finite value on (SPEC §5: no inf, no NaN after warm-up).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "mtf/features/feature_matrix.hpp"
#include "mtf/features/indicators.hpp"
#include "timeframes/tf_5m.hpp"

namespace {

bool market_mode = false;

void check(const std::vector<double>& v, const char* what) {
  if (!market_mode) return;
  bool started = false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::isinf(v[i])) mtf::fuzz::finding(std::string(what) + ": inf at " + std::to_string(i));
    if (std::isfinite(v[i])) started = true;
    if (started && std::isnan(v[i]))
      mtf::fuzz::finding(std::string(what) + ": NaN after warm-up at " + std::to_string(i));
  }
}

template <class F>
void guarded(F&& f) {
  mtf::fuzz::expect_only_mtf_errors(f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  market_mode = (data[0] & 1) != 0;
  const int a = static_cast<std::int8_t>(data[1]), b = static_cast<std::int8_t>(data[2]),
            c = static_cast<std::int8_t>(data[3]), d = static_cast<std::int8_t>(data[4]);
  data += 5;
  size -= 5;
  std::vector<double> open, high, low, close, volume;
  if (market_mode) {
    double price = 100.0;
    for (std::size_t i = 0; i + 3 < size; i += 4) {
      const double step = static_cast<std::int8_t>(data[i]) / 256.0;  // |log step| < 0.5
      const double next = std::min(1e6, std::max(1e-3, price * std::exp(step)));
      const double up = data[i + 1] / 2560.0, down = data[i + 2] / 2560.0;
      open.push_back(price);
      close.push_back(next);
      high.push_back(std::max(price, next) * (1.0 + up));
      low.push_back(std::min(price, next) * (1.0 - down));
      volume.push_back(data[i + 3] < 16 ? 0.0 : data[i + 3] * 10.0);
      price = next;
    }
  } else {
    for (std::size_t i = 0; i + 31 < size; i += 32) {
      double v[4];
      std::memcpy(v, data + i, sizeof v);
      open.push_back(v[0]);
      high.push_back(v[1]);
      low.push_back(v[2]);
      close.push_back(v[3]);
      volume.push_back(std::abs(v[0] - v[3]));
    }
  }
  const std::span<const double> h(high), l(low), cl(close), v(volume);
  guarded([&] { check(mtf::sma(cl, a), "sma"); });
  guarded([&] { check(mtf::ema(cl, a), "ema"); });
  guarded([&] { check(mtf::rsi(cl, a), "rsi"); });
  guarded([&] { check(mtf::atr(h, l, cl, a), "atr"); });
  guarded([&] {
    const auto bb = mtf::bollinger(cl, a, 0.5 + (b & 7));
    check(bb.lower, "bollinger lower"), check(bb.upper, "bollinger upper");
    check(bb.percent_b, "bollinger %B");
  });
  guarded([&] {
    const auto m = mtf::macd(cl, a, b, c);
    check(m.line, "macd line"), check(m.signal, "macd signal"), check(m.histogram, "macd hist");
  });
  guarded([&] { check(mtf::roc(cl, a), "roc"); });
  guarded([&] { check(mtf::momentum(cl, a), "momentum"); });
  guarded([&] { check(mtf::realized_vol(cl, b), "realized_vol"); });
  guarded([&] { check(mtf::zscore(cl, a), "zscore"); });
  guarded([&] {
    const auto s = mtf::stochastic(h, l, cl, a, b, c);
    check(s.k, "stochastic %K"), check(s.d, "stochastic %D");
  });
  guarded([&] { check(mtf::williams_r(h, l, cl, a), "williams_r"); });
  guarded([&] {
    const auto x = mtf::adx(h, l, cl, d);
    check(x.plus_di, "+DI"), check(x.minus_di, "-DI"), check(x.adx, "adx");
  });
  guarded([&] { check(mtf::obv(cl, v), "obv"); });
  guarded([&] { check(mtf::volume_ratio(v, a), "volume_ratio"); });
  guarded([&] { check(mtf::cci(h, l, cl, d), "cci"); });
  guarded([&] { check(mtf::cmf(h, l, cl, v, a), "cmf"); });
  guarded([&] {
    mtf::bar_series bars;
    bars.symbol = bars.source = "fuzz";
    bars.bar_seconds = 300;
    for (std::size_t i = 0; i < close.size(); ++i)
      bars.push_back(static_cast<std::int64_t>(i) * 300, open[i], high[i], low[i], close[i],
                     volume[i]);
    const auto x = mtf::compute_feature_matrix(mtf::timeframes::tf_5m::features, bars);
    const std::size_t first = mtf::first_complete_row(x);
    for (std::size_t i = first; market_mode && i < x.shape()[0]; ++i)
      for (std::size_t j = 0; j < x.shape()[1]; ++j)
        if (!std::isfinite(x(i, j))) mtf::fuzz::finding("feature matrix not finite after warm-up");
  });
  return 0;
}
