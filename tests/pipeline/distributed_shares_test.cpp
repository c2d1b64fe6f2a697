// What one worker of a distributed retrain takes on and what it pools (SPEC §10d): its share of
// the --data files, and the order-free decisions (k from gathered critical values, the drift
// reference from gathered columns) that must equal one process's on all rows.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "mtf/labels/solve_k.hpp"
#include "mtf/pipeline/distributed_retrain.hpp"
#include "mtf/validation/drift.hpp"

using mtf::pipeline::symbols_of_worker;

TEST_CASE("file i goes to worker i mod N, every file to exactly one worker",
          "[pipeline][distributed]") {
  CHECK(symbols_of_worker(5, 0, 2) == std::vector<std::size_t>{0, 2, 4});
  CHECK(symbols_of_worker(5, 1, 2) == std::vector<std::size_t>{1, 3});
  CHECK(symbols_of_worker(3, 2, 3) == std::vector<std::size_t>{2});
  CHECK(symbols_of_worker(4, 0, 1) == std::vector<std::size_t>{0, 1, 2, 3});
  for (int workers = 1; workers <= 7; ++workers) {
    std::vector<int> owners(7, 0);
    for (int rank = 0; rank < workers; ++rank)
      for (const std::size_t i : symbols_of_worker(7, rank, workers))
        ++owners[i];
    INFO(workers << " workers");
    CHECK(std::all_of(owners.begin(), owners.end(), [](int c) { return c == 1; }));
  }
}

TEST_CASE("more workers than files is a usage error that says so", "[pipeline][distributed]") {
  try {
    (void)symbols_of_worker(3, 0, 4);
    FAIL("no error");
  } catch (const mtf::usage_error& e) {
    CHECK(std::string(e.what()).find("4 workers for 3 --data file(s)") != std::string::npos);
  }
  CHECK_THROWS_AS(symbols_of_worker(3, 3, 3), mtf::usage_error);
}

TEST_CASE("k from critical values gathered in any order is the k of the rows in series order",
          "[labels][distributed]") {
  const std::uint64_t seed = 20261201;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> magnitude(1.5);
  std::vector<double> critical(997);
  for (auto& c : critical)
    c = magnitude(rng);
  critical[10] = 0.0;           // neutral for every k
  critical[11] = critical[12];  // a tie
  std::vector<double> shuffled = critical;
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  const auto a = mtf::solve_k_from_critical(critical, 0.10);
  const auto b = mtf::choose_k_from_critical(std::nullopt, 0.10, shuffled);
  CHECK(b.k == a.k);
  CHECK(b.neutral_rows == a.neutral_rows);
  CHECK(b.rows == 997);
  // The neutral share a k gives is the share of rows whose critical value is at most k.
  const auto fixed = mtf::choose_k_from_critical(0.5, 0.10, shuffled);
  CHECK(fixed.fixed_by_policy);
  CHECK(fixed.neutral_rows ==
        static_cast<std::size_t>(
            std::count_if(critical.begin(), critical.end(), [](double c) { return c <= 0.5; })));
  CHECK_THROWS_AS(mtf::choose_k_from_critical(std::nullopt, 0.10, {}), mtf::training_error);
}

TEST_CASE("a column's drift reference depends on its values, not their order",
          "[validation][distributed]") {
  const std::uint64_t seed = 7;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  mtf::matrix x = mtf::matrix::from_shape({503, 1});
  std::vector<double> column;
  for (std::size_t i = 0; i < 503; ++i) {
    x(i, 0) = i % 7 == 0 ? 1.0 : normal(rng);  // a repeated value too
    column.push_back(x(i, 0));
  }
  std::shuffle(column.begin(), column.end(), rng);
  const auto whole = mtf::validation::build_reference(x, {"f"});
  const auto pooled = mtf::validation::column_reference("f", column);
  CHECK(pooled.name == "f");
  CHECK(pooled.edges == whole[0].edges);
  CHECK(pooled.shares == whole[0].shares);
  // Decile edges strictly increasing (a repeated value merges bins), shares summing to 1.
  CHECK(std::adjacent_find(pooled.edges.begin(), pooled.edges.end(),
                           [](double a, double b) { return !(a < b); }) == pooled.edges.end());
  double total = 0.0;
  for (const double s : pooled.shares)
    total += s;
  CHECK(total == Approx(1.0));
}
