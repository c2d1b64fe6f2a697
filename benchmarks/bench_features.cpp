// Indicator and feature-matrix throughput on 10^6 bars, single thread (issue 14 target: the 5m
// policy's whole matrix for 10^6 bars in at most 50 ms on one core), per policy: the batch matrix
// (one fused pass over the features' kernels, writing each bar's row) and, for comparison, the
// same kernels fed one bar at a time through the live path (streaming_features).
// Run: build/benchmarks/bench_features --benchmark_repetitions=5 (report CPU time: the machine
// is shared).

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>

#include "mtf/features/feature_matrix.hpp"
#include "mtf/features/indicators.hpp"
#include "mtf/features/streaming_features.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

namespace {

constexpr std::size_t bench_bars = 1'000'000;

/// Seeded geometric random walk with OHLCV columns, built once.
const mtf::bar_series& bars() {
  static const mtf::bar_series series = [] {
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    mtf::bar_series b;
    b.reserve(bench_bars);
    double price = 30'000.0;
    for (std::size_t t = 0; t < bench_bars; ++t) {
      const double open = price;
      price *= std::exp(0.002 * normal(rng));
      b.push_back(static_cast<std::int64_t>(t) * 300, open,
                  std::max(open, price) * (1 + 0.001 * uniform(rng)),
                  std::min(open, price) * (1 - 0.001 * uniform(rng)), price,
                  std::exp(3 + normal(rng)));
    }
    return b;
  }();
  return series;
}

template <class F>
void run_indicator(benchmark::State& state, F&& f) {
  const auto& b = bars();
  for (auto _ : state) {
    auto out = f(b);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * bench_bars));
}

#define MTF_BENCH_INDICATOR(name, expr)                                  \
  void BM_##name(benchmark::State& state) {                              \
    run_indicator(state, [](const mtf::bar_series& b) { return expr; }); \
  }                                                                      \
  BENCHMARK(BM_##name)->Unit(benchmark::kMillisecond)

MTF_BENCH_INDICATOR(sma_20, mtf::sma(b.close, 20));
MTF_BENCH_INDICATOR(ema_20, mtf::ema(b.close, 20));
MTF_BENCH_INDICATOR(rsi_14, mtf::rsi(b.close, 14));
MTF_BENCH_INDICATOR(atr_14, mtf::atr(b.high, b.low, b.close, 14));
MTF_BENCH_INDICATOR(bollinger_20, mtf::bollinger(b.close, 20));
MTF_BENCH_INDICATOR(macd_12_26_9, mtf::macd(b.close));
MTF_BENCH_INDICATOR(roc_12, mtf::roc(b.close, 12));
MTF_BENCH_INDICATOR(momentum_12, mtf::momentum(b.close, 12));
MTF_BENCH_INDICATOR(realized_vol_48, mtf::realized_vol(b.close, 48));
MTF_BENCH_INDICATOR(zscore_20, mtf::zscore(b.close, 20));
MTF_BENCH_INDICATOR(stochastic_14_3_3, mtf::stochastic(b.high, b.low, b.close, 14, 3, 3));
MTF_BENCH_INDICATOR(williams_r_14, mtf::williams_r(b.high, b.low, b.close, 14));
MTF_BENCH_INDICATOR(adx_14, mtf::adx(b.high, b.low, b.close, 14));
MTF_BENCH_INDICATOR(obv, mtf::obv(b.close, b.volume));
MTF_BENCH_INDICATOR(volume_ratio_20, mtf::volume_ratio(b.volume, 20));
MTF_BENCH_INDICATOR(cci_20, mtf::cci(b.high, b.low, b.close, 20));
MTF_BENCH_INDICATOR(cmf_20, mtf::cmf(b.high, b.low, b.close, b.volume, 20));

template <class Policy>
void BM_feature_matrix(benchmark::State& state) {
  const auto& b = bars();
  for (auto _ : state) {
    auto m = mtf::compute_feature_matrix(Policy::features, b);
    benchmark::DoNotOptimize(m.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * bench_bars));
}
BENCHMARK_TEMPLATE(BM_feature_matrix, mtf::timeframes::tf_5m)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_feature_matrix, mtf::timeframes::tf_1h)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_feature_matrix, mtf::timeframes::tf_12h)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_feature_matrix, mtf::timeframes::tf_24h)->Unit(benchmark::kMillisecond);

/// The policy's rows for 10^6 bars pushed one bar at a time through streaming_features (input
/// checks per bar, a row per bar, no matrix): the live path's cost per bar, in aggregate.
template <class Policy>
void BM_streaming_rows(benchmark::State& state) {
  const auto& b = bars();
  for (auto _ : state) {
    auto stream = mtf::streaming::make_streaming_features(Policy::features);
    typename decltype(stream)::row row{};
    double sum = 0.0;
    for (std::size_t i = 0; i < b.size(); ++i) {
      stream.push(mtf::streaming::bar_at(b, i), std::span(row));
      sum += row[0];
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * bench_bars));
}
BENCHMARK_TEMPLATE(BM_streaming_rows, mtf::timeframes::tf_5m)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_streaming_rows, mtf::timeframes::tf_1h)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_streaming_rows, mtf::timeframes::tf_12h)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_streaming_rows, mtf::timeframes::tf_24h)->Unit(benchmark::kMillisecond);

}  // namespace
