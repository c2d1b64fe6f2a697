// The row shards of a distributed fit (models/fit_context.hpp): contiguous, disjoint, covering
// every row once, and refused when a worker would get no row.
#include <catch2/catch.hpp>
#include <numeric>
#include <vector>

#include "mtf/models/fit_context.hpp"

using mtf::model::row_shard;
using mtf::model::shard_of;

TEST_CASE("three workers share ten rows as 3, 3 and 4 contiguous rows", "[models][distributed]") {
  // Worker r of w fits [n r / w, n (r + 1) / w): 10·1/3 = 3, 10·2/3 = 6, then 10.
  const std::vector<std::size_t> rows{40, 41, 42, 43, 44, 45, 46, 47, 48, 49};
  CHECK(shard_of(rows, {0, 3}) == std::vector<std::size_t>{40, 41, 42});
  CHECK(shard_of(rows, {1, 3}) == std::vector<std::size_t>{43, 44, 45});
  CHECK(shard_of(rows, {2, 3}) == std::vector<std::size_t>{46, 47, 48, 49});
  CHECK(shard_of(rows, {0, 1}) == rows);
}

TEST_CASE("the shards of any worker count cover every row exactly once, in order",
          "[models][distributed]") {
  for (std::size_t n : {7u, 100u, 1001u}) {
    std::vector<std::size_t> rows(n);
    std::iota(rows.begin(), rows.end(), std::size_t{5});
    for (std::size_t world = 1; world <= 7; ++world) {
      INFO("rows " << n << ", workers " << world);
      std::vector<std::size_t> joined;
      for (std::size_t rank = 0; rank < world; ++rank) {
        const auto part = shard_of(rows, {rank, world});
        CHECK(!part.empty());
        joined.insert(joined.end(), part.begin(), part.end());
      }
      CHECK(joined == rows);
    }
  }
}

TEST_CASE("a shard refuses fewer rows than workers and a rank outside the job",
          "[models][distributed]") {
  const std::vector<std::size_t> rows{1, 2};
  CHECK_THROWS_WITH(shard_of(rows, {0, 3}),
                    Catch::Contains("2 rows cannot be shared by 3 workers"));
  CHECK_THROWS_AS(shard_of(rows, {2, 2}), mtf::model_error);
  CHECK_FALSE(row_shard{}.distributed());
  CHECK(row_shard{1, 2}.distributed());
}
