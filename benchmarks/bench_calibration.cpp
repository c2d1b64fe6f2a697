// Calibration costs: isotonic regression fit on 100,000 points, and the full fit_calibrator
// (isotonic with its 5-fold check against temperature scaling) on 10,000 x 3 probabilities.
//   build-<dir>/benchmarks/bench_calibration
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "mtf/calibration/calibrator.hpp"
#include "mtf/calibration/isotonic_regression.hpp"

namespace {

struct isotonic_data {
  std::vector<double> x, y;
};

/// Scores rounded to 1e-4 (many ties, as model probabilities have) with binary targets.
isotonic_data make_isotonic_data(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  isotonic_data d;
  d.x.reserve(n);
  d.y.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double x = std::round(unit(rng) * 1e4) / 1e4;
    d.x.push_back(x);
    d.y.push_back(unit(rng) < x ? 1.0 : 0.0);
  }
  return d;
}

/// Over-confident 3-class probabilities with labels drawn from the true ones.
std::pair<mtf::matrix, std::vector<int>> make_probabilities(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  mtf::matrix probs = mtf::matrix::from_shape({n, 3});
  std::vector<int> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    double truth[3], model[3], truth_sum = 0.0, model_sum = 0.0;
    for (std::size_t c = 0; c < 3; ++c) {
      const double g = 1.5 * normal(rng);
      truth[c] = std::exp(g);
      model[c] = std::exp(1.5 * g + 0.5 * normal(rng));
      truth_sum += truth[c];
      model_sum += model[c];
    }
    const double u = unit(rng) * truth_sum;
    labels[i] = u < truth[0] ? 0 : (u < truth[0] + truth[1] ? 1 : 2);
    for (std::size_t c = 0; c < 3; ++c)
      probs(i, c) = model[c] / model_sum;
  }
  return {std::move(probs), std::move(labels)};
}

void isotonic_fit(benchmark::State& state) {
  const auto data = make_isotonic_data(static_cast<std::size_t>(state.range(0)), 1);
  for (auto _ : state) {
    auto fit = mtf::calibration::isotonic_regression::fit(data.x, data.y);
    benchmark::DoNotOptimize(fit);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(isotonic_fit)->Arg(100'000)->Unit(benchmark::kMillisecond);

void isotonic_predict(benchmark::State& state) {
  const auto data = make_isotonic_data(100'000, 2);
  const auto fit = mtf::calibration::isotonic_regression::fit(data.x, data.y);
  for (auto _ : state) {
    auto out = fit.predict(data.x);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * 100'000);
}
BENCHMARK(isotonic_predict)->Unit(benchmark::kMillisecond);

void fit_calibrator_method(benchmark::State& state, mtf::calibration::method m) {
  const auto [probs, labels] = make_probabilities(static_cast<std::size_t>(state.range(0)), 3);
  mtf::calibration::spec s;
  s.preferred = m;
  for (auto _ : state) {
    auto result = mtf::calibration::fit_calibrator(s, probs, labels);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK_CAPTURE(fit_calibrator_method, isotonic_with_check, mtf::calibration::method::isotonic)
    ->Arg(10'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(fit_calibrator_method, sigmoid, mtf::calibration::method::sigmoid)
    ->Arg(10'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(fit_calibrator_method, temperature, mtf::calibration::method::temperature)
    ->Arg(10'000)
    ->Unit(benchmark::kMillisecond);

void calibrator_predict(benchmark::State& state) {
  const auto [probs, labels] = make_probabilities(10'000, 4);
  const auto model = mtf::calibration::fit_calibrator({}, probs, labels).model;
  for (auto _ : state) {
    auto out = model.predict(probs);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * 10'000);
}
BENCHMARK(calibrator_predict)->Unit(benchmark::kMillisecond);

}  // namespace
