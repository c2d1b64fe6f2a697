// Test-only worker for tests/apps/test_distributed.cpp: fits mtf's two xgboost models
// (gradient boosting with early stopping on a purged tail, under softprob and under focal loss,
// and the random forest) and the logistic regression on a fixed, seeded data set whose every
// feature takes few distinct values (16, far below xgboost's max_bin of 256), with no row or
// column subsampling, and writes them as JSON. Alone it fits
// every row; with --distributed it joins the job's collective (pipeline/distributed.hpp, the
// code path of `train --distributed`) and fits its row shard. SCALE.md: with at most max_bin
// distinct values per feature and subsample = 1, any number of workers gives the same bytes.
// With --own-rows each worker keeps only its own rows, interleaved as a retrain's symbols are
// (row i to worker i mod N), and fits them with `row_shard::local_rows` (the early-stopping
// tail cut on the pooled times, the logistic regression's sums added over the workers). With
// --own-block each worker keeps one block of time instead, as symbols listed late or ended early
// do: the last worker the last 10% of the rows (all inside the 15% early-stopping tail, so its
// boosting fit part is empty), the others equal blocks of the first 90% (the first holds none of
// the tail); it needs at least two workers.
//
//   distributed_fit_probe OUT_DIR [--distributed [--own-rows | --own-block]]
// writes OUT_DIR/rank<r>/gradient_boosting.json, gradient_boosting_focal.json, random_forest.json
// and logistic_regression.json (r = 0 alone).
#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/labels/class_balance.hpp"
#include "mtf/models/gradient_boosting.hpp"
#include "mtf/models/logistic_regression.hpp"
#include "mtf/models/random_forest.hpp"
#include "mtf/models/row_subset.hpp"
#include "mtf/pipeline/distributed.hpp"

namespace {

constexpr std::size_t rows = 3'000;
constexpr std::size_t columns = 6;
constexpr std::uint64_t data_seed = 20261201;

struct data_set {
  mtf::matrix x = mtf::matrix::from_shape({rows, columns});
  std::vector<int> y;
  std::vector<double> w;
  std::vector<std::int64_t> time, label_end;
};

/// Integer features 0..15; the class follows a linear score of three of them, with 25% of the
/// labels redrawn at random so that early stopping has something to stop.
data_set make_data() {
  data_set d;
  std::mt19937_64 rng(data_seed);
  std::uniform_int_distribution<int> level(0, 15);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> any_class(0, 2);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < columns; ++j)
      d.x(i, j) = level(rng);
    const double score = d.x(i, 0) + d.x(i, 1) - d.x(i, 2) - 15.0;
    int label = score > 3.0 ? 2 : (score < -3.0 ? 0 : 1);
    if (unit(rng) < 0.25) label = any_class(rng);
    d.y.push_back(label);
    d.time.push_back(static_cast<std::int64_t>(i) * 3600);
    d.label_end.push_back(static_cast<std::int64_t>(i + 8) * 3600);
  }
  // The target-mix weights of the pipeline (SPEC §4.7), not round numbers.
  d.w = mtf::target_mix_sample_weights(d.y, std::array{0.45, 0.10, 0.45});
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const bool distributed = args.size() >= 2 && args[1] == "--distributed";
    const bool own_block = distributed && args.size() == 3 && args[2] == "--own-block";
    const bool own_rows = own_block || (distributed && args.size() == 3 && args[2] == "--own-rows");
    if (args.empty() || args.size() > 3 || (args.size() >= 2 && !distributed) ||
        (args.size() == 3 && !own_rows)) {
      std::fprintf(stderr,
                   "usage: distributed_fit_probe OUT_DIR [--distributed [--own-rows | "
                   "--own-block]]\n");
      return 1;
    }
    const std::filesystem::path out = args[0];
    std::optional<mtf::pipeline::distributed_worker> worker;
    if (distributed) worker.emplace(mtf::pipeline::read_worker_environment());
    data_set d = make_data();
    mtf::model::row_shard shard = worker ? worker->shard() : mtf::model::row_shard{};
    if (own_rows) {
      // Keep rows i with i mod N == rank (this worker's "symbols"), or the rank-th block of time.
      shard.local_rows = true;
      data_set own;
      std::vector<std::size_t> keep;
      if (own_block) {
        if (shard.world < 2) {
          std::fprintf(stderr, "distributed_fit_probe: --own-block needs at least two workers\n");
          return 1;
        }
        const std::size_t head = rows * 9 / 10, blocks = shard.world - 1;
        const bool last = shard.rank == shard.world - 1;
        const std::size_t begin = last ? head : shard.rank * head / blocks;
        const std::size_t end = last ? rows : (shard.rank + 1) * head / blocks;
        for (std::size_t i = begin; i < end; ++i)
          keep.push_back(i);
      } else {
        for (std::size_t i = shard.rank; i < rows; i += shard.world)
          keep.push_back(i);
      }
      own.x = mtf::model::gather_rows(d.x, keep);
      own.y = mtf::model::gather(std::span<const int>(d.y), keep);
      own.w = mtf::model::gather(std::span<const double>(d.w), keep);
      own.time = mtf::model::gather(std::span<const std::int64_t>(d.time), keep);
      own.label_end = mtf::model::gather(std::span<const std::int64_t>(d.label_end), keep);
      d = std::move(own);
    }
    const mtf::model::fit_context ctx{.seed = 7,
                                      .threads = 1,
                                      .row_times = d.time,
                                      .row_label_ends = d.label_end,
                                      .shard = shard};
    const auto boosting = mtf::model::gradient_boosting_model::fit({.rounds = 30,
                                                                    .max_depth = 4,
                                                                    .eta = 0.3,
                                                                    .subsample = 1.0,
                                                                    .colsample_bytree = 1.0,
                                                                    .early_stopping_rounds = 5},
                                                                   d.x, d.y, d.w, ctx);
    const auto focal = mtf::model::gradient_boosting_model::fit(
        {.rounds = 30,
         .max_depth = 4,
         .eta = 0.3,
         .subsample = 1.0,
         .colsample_bytree = 1.0,
         .early_stopping_rounds = 5,
         .objective = mtf::model::boosting_objective::focal},
        d.x, d.y, d.w, ctx);
    const auto forest = mtf::model::random_forest_model::fit(
        {.trees = 10, .max_depth = 4, .min_leaf = 20, .subsample = 1.0, .colsample_bynode = 1.0},
        d.x, d.y, d.w, ctx);
    const auto linear = mtf::model::logistic_regression_model::fit({.C = 0.1}, d.x, d.y, d.w, ctx);
    const auto dir = out / ("rank" + std::to_string(worker ? worker->rank() : 0));
    std::filesystem::create_directories(dir);
    boosting.save(dir / "gradient_boosting.json");
    focal.save(dir / "gradient_boosting_focal.json");
    forest.save(dir / "random_forest.json");
    linear.save(dir / "logistic_regression.json");
    std::printf("rank %d: %d boosting rounds kept\n", worker ? worker->rank() : 0,
                boosting.rounds());
    return 0;
  } catch (const mtf::error& e) {
    std::fprintf(stderr, "distributed_fit_probe: %s\n", e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "distributed_fit_probe: %s\n", e.what());
    return 4;
  }
}
