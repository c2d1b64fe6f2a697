// Model fits and single-row prediction latency on synthetic data shaped like the 5m policy:
// 36,000 rows x 17 features, 3 classes, 2 threads (the machine's cores). Run:
//   OMP_WAIT_POLICY=PASSIVE build/benchmarks/bench_models --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "mtf/core/xtensor.hpp"
#include "mtf/models/gradient_boosting.hpp"
#include "mtf/models/logistic_regression.hpp"
#include "mtf/models/random_forest.hpp"

namespace {

struct data_set {
  mtf::matrix x;
  std::vector<int> y;
  std::vector<double> w;
  std::vector<std::int64_t> times;
};

/// 36,000 x 17 standard normal features; the label depends on two of them plus noise, with a
/// 40/20/40 class mix like the 5m targets.
const data_set& five_minute_shaped() {
  static const data_set data = [] {
    constexpr std::size_t rows = 36'000, features = 17;
    std::mt19937_64 rng(20261123);
    std::normal_distribution<double> normal(0.0, 1.0);
    data_set d;
    d.x = mtf::matrix(std::array<std::size_t, 2>{rows, features});
    d.y.resize(rows);
    d.w.assign(rows, 1.0);
    d.times.resize(rows);
    for (std::size_t i = 0; i < rows; ++i) {
      for (std::size_t j = 0; j < features; ++j)
        d.x(i, j) = normal(rng);
      const double latent = 0.6 * d.x(i, 0) - 0.4 * d.x(i, 3) + normal(rng);
      d.y[i] = latent < -0.3 ? 0 : (latent > 0.3 ? 2 : 1);
      d.times[i] = 1'700'000'000 + static_cast<std::int64_t>(i) * 300;
    }
    return d;
  }();
  return data;
}

const mtf::model::fit_context& context() {
  static const std::vector<std::int64_t> ends = [] {
    std::vector<std::int64_t> e = five_minute_shaped().times;
    for (auto& t : e)
      t += 12 * 300;
    return e;
  }();
  static const mtf::model::fit_context ctx{
      .seed = 1, .threads = 2, .row_times = five_minute_shaped().times, .row_label_ends = ends};
  return ctx;
}

mtf::matrix one_row() {
  const auto& d = five_minute_shaped();
  mtf::matrix row(std::array<std::size_t, 2>{1, d.x.shape()[1]});
  for (std::size_t j = 0; j < d.x.shape()[1]; ++j)
    row(0, j) = d.x(0, j);
  return row;
}

// The 5m policy's specs.
constexpr mtf::model::random_forest forest_spec{.trees = 200, .max_depth = 8, .min_leaf = 50};
constexpr mtf::model::gradient_boosting boosting_spec{
    .rounds = 200, .max_depth = 6, .eta = 0.05, .early_stopping_rounds = 0};
constexpr mtf::model::logistic_regression logistic_spec{.C = 0.1};

void logistic_fit(benchmark::State& state) {
  const auto& d = five_minute_shaped();
  for (auto _ : state) {
    auto model = mtf::model::logistic_regression_model::fit(logistic_spec, d.x, d.y, d.w, {});
    benchmark::DoNotOptimize(model);
  }
}
BENCHMARK(logistic_fit)->Unit(benchmark::kMillisecond);

void random_forest_fit(benchmark::State& state) {
  const auto& d = five_minute_shaped();
  for (auto _ : state) {
    auto model = mtf::model::random_forest_model::fit(forest_spec, d.x, d.y, d.w, context());
    benchmark::DoNotOptimize(model);
  }
}
BENCHMARK(random_forest_fit)->Unit(benchmark::kMillisecond)->Iterations(3);

void gradient_boosting_fit(benchmark::State& state) {
  const auto& d = five_minute_shaped();
  for (auto _ : state) {
    auto model = mtf::model::gradient_boosting_model::fit(boosting_spec, d.x, d.y, d.w, context());
    benchmark::DoNotOptimize(model);
  }
}
BENCHMARK(gradient_boosting_fit)->Unit(benchmark::kMillisecond)->Iterations(3);

void gradient_boosting_fit_early_stopping(benchmark::State& state) {
  const auto& d = five_minute_shaped();
  auto spec = boosting_spec;
  spec.early_stopping_rounds = 50;
  for (auto _ : state) {
    auto model = mtf::model::gradient_boosting_model::fit(spec, d.x, d.y, d.w, context());
    state.counters["rounds_kept"] = model.rounds();
    benchmark::DoNotOptimize(model);
  }
}
BENCHMARK(gradient_boosting_fit_early_stopping)->Unit(benchmark::kMillisecond)->Iterations(3);

void logistic_predict_one_row(benchmark::State& state) {
  const auto& d = five_minute_shaped();
  const auto model = mtf::model::logistic_regression_model::fit(logistic_spec, d.x, d.y, d.w, {});
  const auto row = one_row();
  for (auto _ : state)
    benchmark::DoNotOptimize(model.predict_proba(row));
}
BENCHMARK(logistic_predict_one_row)->Unit(benchmark::kMicrosecond);

void random_forest_predict_one_row(benchmark::State& state) {
  const auto& d = five_minute_shaped();
  const auto model = mtf::model::random_forest_model::fit(forest_spec, d.x, d.y, d.w, context());
  const auto row = one_row();
  for (auto _ : state)
    benchmark::DoNotOptimize(model.predict_proba(row));
}
BENCHMARK(random_forest_predict_one_row)->Unit(benchmark::kMicrosecond);

void gradient_boosting_predict_one_row(benchmark::State& state) {
  const auto& d = five_minute_shaped();
  const auto model =
      mtf::model::gradient_boosting_model::fit(boosting_spec, d.x, d.y, d.w, context());
  const auto row = one_row();
  for (auto _ : state)
    benchmark::DoNotOptimize(model.predict_proba(row));
}
BENCHMARK(gradient_boosting_predict_one_row)->Unit(benchmark::kMicrosecond);

}  // namespace
