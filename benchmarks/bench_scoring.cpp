// Latency of scoring one new bar with `pipeline::streaming_scorer` (streaming features + stacked
// model + calibration + trade signal), per timeframe policy, and of the streaming features alone.
//
// Models: each policy's real model mix (P::base_models, P::meta_model, P::calibration) trained
// once per process on the bundled candles (data/btcusdt_5m.csv for 5m, data/btcusdt_1h.csv
// resampled by mtf::intake::load_series for 1h, 12h and 24h) exactly as `retrain` prepares its
// rows (features, policy labels with k solved on train, target-mix weights, the policy's purged
// folds), except that the training split is cut to its LAST 10,000 rows so that training the
// 5m and 1h stacks takes a minute, not many (MTF_BENCH_TRAIN_ROWS=<n> changes the cut, 0 keeps
// the whole split). Threads: 1 (training and
// prediction), so the latency is that of one core.
//
// Latency: the scorer is seeded with every bar before the test split, then each iteration scores
// the next bar of the test split (one iteration per test bar, each bar scored once). Every
// iteration is timed on its own; the counters report the median and the 99th percentile (us)
// over those samples. score_one_bar/<tf>/0 evaluates the xgboost trees natively (the scorer's
// default), /1 through xgboost's predictor. Run:
//   OMP_WAIT_POLICY=PASSIVE build/benchmarks/bench_scoring
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mtf/calibration/calibrator.hpp"
#include "mtf/features/streaming_features.hpp"
#include "mtf/intake/load_series.hpp"
#include "mtf/labels/class_balance.hpp"
#include "mtf/pipeline/dataset.hpp"
#include "mtf/pipeline/policy_stages.hpp"
#include "mtf/pipeline/retrain.hpp"
#include "mtf/pipeline/streaming_scorer.hpp"
#include "mtf/split/chronological_split.hpp"
#include "mtf/split/purged_kfold.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

namespace {

/// Training rows kept (the last ones of the training split): 10,000, or MTF_BENCH_TRAIN_ROWS
/// (0 = the whole training split, as `retrain` uses).
std::size_t max_train_rows() {
  const char* text = std::getenv("MTF_BENCH_TRAIN_ROWS");
  if (text == nullptr || *text == '\0') return 10'000;
  const auto rows = std::strtoull(text, nullptr, 10);
  return rows == 0 ? std::numeric_limits<std::size_t>::max() : static_cast<std::size_t>(rows);
}

/// A policy's stack and calibrator trained on the bundled candles, and where the test split
/// starts (in bars of the series).
template <class P>
struct trained_policy {
  mtf::bar_series bars;
  std::optional<mtf::pipeline::policy_stack<P>> stack;
  std::optional<mtf::calibration::calibrator> calibrator;
  std::size_t test_first_bar = 0;
  std::size_t train_rows = 0;
};

template <class P>
std::filesystem::path bundled_file() {
  const std::filesystem::path data = std::filesystem::path(MTF_SOURCE_DIR) / "data";
  return data / (P::bar_seconds == 300 ? "btcusdt_5m.csv" : "btcusdt_1h.csv");
}

template <class P>
const trained_policy<P>& trained() {
  // Deliberately never destroyed: freeing xgboost boosters from a static destructor at exit runs
  // after xgboost's own static state is gone (it crashed), and the process ends anyway.
  static const trained_policy<P>* const model = [] {
    auto out = std::make_unique<trained_policy<P>>();
    out->bars = mtf::intake::load_series(bundled_file<P>(), P::bar_seconds).bars;
    mtf::pipeline::symbol_input input;
    input.bars = out->bars;
    mtf::pipeline::symbol_features f;
    f.x = mtf::compute_feature_matrix(P::features, out->bars);
    f.first_complete = mtf::first_complete_row(f.x);
    f.labels = mtf::compute_label_inputs(out->bars.close, P::horizon, P::labeler, "bundled");
    const std::vector<mtf::pipeline::symbol_input> inputs{input};
    const std::vector<mtf::pipeline::symbol_features> features{f};
    const auto rows = mtf::pipeline::merge_rows(inputs, features, P::horizon);
    const auto seg = mtf::split::chronological_split<P>(rows.time, rows.label_end);
    const auto k =
        mtf::pipeline::solve_k_on_rows<P>(rows, features, seg.train.begin, seg.train.end);
    const auto y = mtf::pipeline::label_rows(rows, features, k.k);
    const std::size_t train_begin = seg.train.end - std::min(seg.train.size(), max_train_rows());
    out->train_rows = seg.train.end - train_begin;
    const auto x_train = mtf::pipeline::row_range(rows.x, train_begin, seg.train.end);
    const std::vector<int> y_train(y.begin() + static_cast<std::ptrdiff_t>(train_begin),
                                   y.begin() + static_cast<std::ptrdiff_t>(seg.train.end));
    const std::vector<std::int64_t> t_train(
        rows.time.begin() + static_cast<std::ptrdiff_t>(train_begin),
        rows.time.begin() + static_cast<std::ptrdiff_t>(seg.train.end));
    const std::vector<std::int64_t> end_train(
        rows.label_end.begin() + static_cast<std::ptrdiff_t>(train_begin),
        rows.label_end.begin() + static_cast<std::ptrdiff_t>(seg.train.end));
    const auto w_train = mtf::target_mix_sample_weights(y_train, P::class_targets);
    const auto folds = mtf::split::purged_kfold<P>(t_train, end_train);
    const mtf::model::fit_context ctx{
        .seed = 42, .threads = 1, .row_times = t_train, .row_label_ends = end_train};
    std::fprintf(stderr, "training the %s stack on %zu rows ...\n", std::string(P::name).c_str(),
                 out->train_rows);
    out->stack.emplace(mtf::model::fit_stack(P::base_models, P::meta_model, x_train, y_train,
                                             w_train, ctx, folds));
    const auto x_cal = mtf::pipeline::row_range(rows.x, seg.calibration.begin, seg.calibration.end);
    const std::vector<int> y_cal(y.begin() + static_cast<std::ptrdiff_t>(seg.calibration.begin),
                                 y.begin() + static_cast<std::ptrdiff_t>(seg.calibration.end));
    out->calibrator.emplace(
        mtf::calibration::fit_calibrator(P::calibration, out->stack->predict_proba(x_cal), y_cal)
            .model);
    out->test_first_bar = rows.bar[seg.test.begin];
    return out.release();
  }();
  return *model;
}

/// Median and 99th percentile (nearest rank) of the samples, in microseconds, as counters.
void report_percentiles(benchmark::State& state, std::vector<double>& ns) {
  if (ns.empty()) return;
  std::sort(ns.begin(), ns.end());
  const auto at = [&](double q) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ns.size())));
    return ns[std::min(ns.size() - 1, rank == 0 ? 0 : rank - 1)] / 1000.0;
  };
  state.counters["median_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["max_us"] = ns.back() / 1000.0;
  state.counters["bars"] = static_cast<double>(ns.size());
}

template <class P>
std::size_t test_bars() {
  const auto& m = trained<P>();
  return m.bars.size() - m.test_first_bar;
}

/// Streaming features + stack + calibration + signal for one new bar, the xgboost models
/// evaluated natively (the default) or by xgboost (state.range(0) == 1).
template <class P>
void BM_score_one_bar(benchmark::State& state) {
  const auto& m = trained<P>();
  const auto evaluation = state.range(0) == 1 ? mtf::pipeline::tree_evaluation::library
                                              : mtf::pipeline::tree_evaluation::native;
  mtf::pipeline::streaming_scorer<P> scorer(*m.stack, *m.calibrator, evaluation);
  for (std::size_t i = 0; i < m.test_first_bar; ++i)
    scorer.score(mtf::streaming::bar_at(m.bars, i));  // warm-up and history (also scored)
  std::vector<double> ns;
  ns.reserve(test_bars<P>());
  std::size_t next = m.test_first_bar;
  for (auto _ : state) {
    const auto bar = mtf::streaming::bar_at(m.bars, next++);
    const auto start = std::chrono::steady_clock::now();
    auto scored = scorer.score(bar);
    const auto stop = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(scored);
    const double elapsed = std::chrono::duration<double, std::nano>(stop - start).count();
    state.SetIterationTime(elapsed * 1e-9);
    ns.push_back(elapsed);
  }
  report_percentiles(state, ns);
  state.SetLabel(std::string(P::name) + (state.range(0) == 1 ? " xgboost" : " native") +
                 " trees, trained on " + std::to_string(m.train_rows) + " rows");
}

/// The streaming feature row alone for one new bar.
template <class P>
void BM_features_one_bar(benchmark::State& state) {
  const auto& m = trained<P>();
  auto stream = mtf::streaming::make_streaming_features(P::features);
  using row = typename decltype(stream)::row;
  row values{};
  for (std::size_t i = 0; i < m.test_first_bar; ++i)
    stream.push(mtf::streaming::bar_at(m.bars, i), std::span(values));
  std::vector<double> ns;
  ns.reserve(test_bars<P>());
  std::size_t next = m.test_first_bar;
  for (auto _ : state) {
    const auto bar = mtf::streaming::bar_at(m.bars, next++);
    const auto start = std::chrono::steady_clock::now();
    const bool complete = stream.push(bar, std::span(values));
    const auto stop = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(complete);
    benchmark::DoNotOptimize(values);
    const double elapsed = std::chrono::duration<double, std::nano>(stop - start).count();
    state.SetIterationTime(elapsed * 1e-9);
    ns.push_back(elapsed);
  }
  report_percentiles(state, ns);
  state.SetLabel(std::string(P::name));
}

/// Stack + calibration for one feature row through the models' own predict_proba (xgboost's
/// predictor), on the batch feature rows of the test split.
template <class P>
void BM_model_one_row(benchmark::State& state) {
  const auto& m = trained<P>();
  const mtf::matrix x = mtf::compute_feature_matrix(P::features, m.bars);
  const std::size_t columns = x.shape()[1];
  mtf::matrix row(std::array<std::size_t, 2>{1, columns});
  std::vector<double> ns;
  ns.reserve(test_bars<P>());
  std::size_t next = m.test_first_bar;
  for (auto _ : state) {
    std::copy_n(&x(next++, 0), columns, row.data());
    const auto start = std::chrono::steady_clock::now();
    auto p = m.calibrator->predict(m.stack->predict_proba(row));
    const auto stop = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(p);
    const double elapsed = std::chrono::duration<double, std::nano>(stop - start).count();
    state.SetIterationTime(elapsed * 1e-9);
    ns.push_back(elapsed);
  }
  report_percentiles(state, ns);
  state.SetLabel(std::string(P::name));
}

/// The native walk of the stack's xgboost models alone (the tree part of BM_score_one_bar).
template <class P>
void BM_native_trees_one_row(benchmark::State& state) {
  const auto& m = trained<P>();
  using stack_type = mtf::pipeline::policy_stack<P>;
  std::vector<mtf::model::native_softprob_forest> forests;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          using model_type = std::tuple_element_t<I, typename stack_type::base_tuple>;
          if constexpr (!std::is_same_v<model_type, mtf::model::logistic_regression_model>)
            forests.push_back(mtf::model::native_softprob_forest::from_booster(
                m.stack->template base<I>().trees().booster()));
        }(),
        ...);
  }
  (std::make_index_sequence<stack_type::base_count>{});
  std::size_t trees = 0;
  for (const auto& f : forests)
    trees += f.tree_count();
  const mtf::matrix x = mtf::compute_feature_matrix(P::features, m.bars);
  const std::size_t columns = x.shape()[1];
  std::vector<double> ns;
  ns.reserve(test_bars<P>());
  std::size_t next = m.test_first_bar;
  for (auto _ : state) {
    const std::span<const double> row(&x(next++, 0), columns);
    const auto start = std::chrono::steady_clock::now();
    for (const auto& f : forests) {
      auto p = f.predict(row);
      benchmark::DoNotOptimize(p);
    }
    const auto stop = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double, std::nano>(stop - start).count();
    state.SetIterationTime(elapsed * 1e-9);
    ns.push_back(elapsed);
  }
  report_percentiles(state, ns);
  state.SetLabel(std::string(P::name) + ", " + std::to_string(trees) + " trees");
}

template <class P>
void register_policy() {
  const std::string name(P::name);
  // One iteration per test-split bar: every bar scored once, in order.
  const auto iterations = static_cast<benchmark::IterationCount>(test_bars<P>());
  benchmark::RegisterBenchmark(("score_one_bar/" + name).c_str(), BM_score_one_bar<P>)
      ->Arg(0)
      ->Arg(1)
      ->Iterations(iterations)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark(("features_one_bar/" + name).c_str(), BM_features_one_bar<P>)
      ->Iterations(iterations)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark(("native_trees_one_row/" + name).c_str(), BM_native_trees_one_row<P>)
      ->Iterations(iterations)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark(("model_one_row/" + name).c_str(), BM_model_one_row<P>)
      ->Iterations(iterations)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
}

// Registration trains the models (the iteration count is the test split's length), before
// benchmark_main runs anything.
const bool registered = [] {
  register_policy<mtf::timeframes::tf_5m>();
  register_policy<mtf::timeframes::tf_1h>();
  register_policy<mtf::timeframes::tf_12h>();
  register_policy<mtf::timeframes::tf_24h>();
  return true;
}();

}  // namespace
