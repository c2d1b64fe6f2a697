// Validation hot path on a 100k-row test split: signals and their statistics, the gate table,
// and the backtest with both baselines. Synthetic 5m data, fixed seed.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "mtf/backtest/backtest.hpp"
#include "mtf/validation/gate_evaluation.hpp"
#include "mtf/validation/signal_stats.hpp"
#include "timeframes/tf_5m.hpp"

namespace {
using P = mtf::timeframes::tf_5m;
constexpr std::size_t rows = 100'000;

struct test_split {
  mtf::matrix probs{std::array<std::size_t, 2>{rows, 3}};
  std::vector<std::int64_t> timestamps = std::vector<std::int64_t>(rows);
  std::vector<double> closes = std::vector<double>(rows + P::horizon);
};

const test_split& data() {
  static const test_split split = [] {
    test_split s;
    std::mt19937_64 rng(12345);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    s.closes[0] = 30'000;
    for (std::size_t i = 1; i < s.closes.size(); ++i)
      s.closes[i] = s.closes[i - 1] * std::exp(0.002 * (unit(rng) - 0.5));
    for (std::size_t i = 0; i < rows; ++i) {
      s.timestamps[i] = 1'760'000'000 + static_cast<std::int64_t>(i) * P::bar_seconds;
      double p[3] = {unit(rng), 0.5 * unit(rng), unit(rng)};
      const double sum = p[0] + p[1] + p[2];
      for (std::size_t c = 0; c < 3; ++c)
        s.probs(i, c) = p[c] / sum;
    }
    return s;
  }();
  return split;
}

void signal_stats(benchmark::State& state) {
  const auto& s = data();
  for (auto _ : state) {
    auto stats = mtf::validation::compute_signal_stats_for<P>(s.probs, s.timestamps);
    benchmark::DoNotOptimize(stats);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
}
BENCHMARK(signal_stats)->Unit(benchmark::kMillisecond);

void backtest_with_baselines(benchmark::State& state) {
  const auto& s = data();
  const auto sig = mtf::validation::compute_signals(s.probs, P::trade_gate);
  for (auto _ : state) {
    auto result = mtf::backtest::run_backtest_for<P>(sig, s.timestamps, s.closes);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
}
BENCHMARK(backtest_with_baselines)->Unit(benchmark::kMillisecond);

// Everything validation does after prediction: signals, stats, backtest, gates, verdict.
void signals_backtest_and_gates(benchmark::State& state) {
  const auto& s = data();
  const std::vector<std::string> names{"f1", "f2", "f3", "f4"};
  const std::vector<double> importance{0.3, 0.3, 0.2, 0.2};
  for (auto _ : state) {
    const auto sig = mtf::validation::compute_signals(s.probs, P::trade_gate);
    const auto stats = mtf::validation::compute_signal_stats_for<P>(s.probs, s.timestamps);
    const auto bt = mtf::backtest::run_backtest_for<P>(sig, s.timestamps, s.closes);
    const auto gates = mtf::validation::evaluate_gates(
        P::gates, {.signals = stats,
                   .backtest_trades_per_day = bt.strategy.trades_per_day,
                   .backtest_sharpe = bt.strategy.sharpe,
                   .test_log_loss = 1.0,
                   .test_log_loss_uncalibrated = 1.01,
                   .prior_log_loss = 1.05,
                   .calibration_prior_log_loss = 1.06,
                   .leakage_audit_passed = true,
                   .feature_names = names,
                   .feature_importance = importance});
    auto verdict = mtf::validation::summarise_gates(gates);
    benchmark::DoNotOptimize(verdict);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
}
BENCHMARK(signals_backtest_and_gates)->Unit(benchmark::kMillisecond);
}  // namespace
