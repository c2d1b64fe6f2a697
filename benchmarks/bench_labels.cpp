// Labelling with the automatic k solve, and purged fold generation, at 10^6 rows.
// Run: build/benchmarks/bench_labels
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "mtf/labels/assign_labels.hpp"
#include "mtf/labels/regime.hpp"
#include "mtf/labels/solve_k.hpp"
#include "mtf/labels/volatility_adaptive.hpp"
#include "mtf/pipeline/policy_stages.hpp"
#include "mtf/split/chronological_split.hpp"
#include "mtf/split/purged_kfold.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_5m.hpp"

namespace {

// A fat-tailed random walk of closes (fixed seed): the labeler's cost does not depend on the
// path, only on n, vol_window and horizon.
std::vector<double> random_closes(std::size_t n) {
  std::mt19937_64 rng(42);
  std::student_t_distribution<double> step(3.0);
  std::vector<double> close(n);
  double log_price = std::log(50'000.0);
  for (auto& c : close) {
    log_price += 0.002 * step(rng);
    c = std::exp(log_price);
  }
  return close;
}

// Inputs, k solved on the first 70% of labelled bars, labels for every bar: the whole labelling
// stage of one series with policy P.
template <mtf::TimeframePolicy P>
void label_with_auto_k(benchmark::State& state) {
  const auto close = random_closes(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    const auto in = mtf::compute_label_inputs(close, P::horizon, P::labeler);
    std::vector<std::size_t> train;
    train.reserve(in.size());
    for (std::size_t t = 0; t < in.size() * 7 / 10; ++t)
      if (in.status[t] == mtf::label_status::labeled) train.push_back(t);
    const std::vector<mtf::series_rows> parts{{in, train}};
    const auto k = mtf::choose_k<P>(parts);
    auto labels = mtf::assign_labels(in, k.k);
    benchmark::DoNotOptimize(labels.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// Chronological split and 5 purged folds over merged rows of 3 symbols (shared timestamps).
void purged_folds(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  std::vector<std::int64_t> t(rows);
  for (std::size_t i = 0; i < rows; ++i)
    t[i] = 1'600'000'000 + static_cast<std::int64_t>(i / 3) * 300;
  const std::int64_t purge = 12 * 300;
  std::vector<std::int64_t> ends(rows);
  for (std::size_t i = 0; i < rows; ++i)
    ends[i] = t[i] + purge;
  for (auto _ : state) {
    const auto segments = mtf::split::chronological_split(t, ends, mtf::split::spec{});
    auto folds = mtf::split::purged_kfold(
        std::span<const std::int64_t>(t).first(segments.train.end),
        std::span<const std::int64_t>(ends).first(segments.train.end), 5, purge);
    benchmark::DoNotOptimize(folds.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

}  // namespace

BENCHMARK(label_with_auto_k<mtf::timeframes::tf_5m>)
    ->Name("label_with_auto_k/volatility_5m")
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(label_with_auto_k<mtf::timeframes::tf_12h>)
    ->Name("label_with_auto_k/regime_12h")
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(purged_folds)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
