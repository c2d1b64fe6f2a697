// Property tests over many random row layouts (sizes, duplicate-timestamp patterns, gaps,
// horizons, K, embargo): the split and the folds never let a label window cross from training
// into validation, and they lose no more rows than the purge requires.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/split/chronological_split.hpp"
#include "mtf/split/purged_kfold.hpp"
#include "mtf/split/purged_tail_split.hpp"

namespace {

// Merged row times of several symbols: each bar appears 1..max_symbols times, bars are
// sometimes missing (gaps), bar length `bar`.
std::vector<std::int64_t> random_row_times(std::mt19937_64& rng, std::size_t bars, int max_symbols,
                                           std::int64_t bar) {
  std::uniform_int_distribution<int> symbols(1, max_symbols);
  std::uniform_int_distribution<int> gap(0, 9);
  std::vector<std::int64_t> t;
  std::int64_t time = 1'600'000'000;
  for (std::size_t b = 0; b < bars; ++b) {
    time += bar * (gap(rng) == 0 ? 3 : 1);  // one bar in ten follows a two-bar gap
    const int n = symbols(rng);
    for (int s = 0; s < n; ++s)
      t.push_back(time);
  }
  return t;
}

}  // namespace

TEST_CASE("chronological segments are ordered, disjoint and purged on random pooled rows",
          "[split]") {
  int checked = 0;
  for (unsigned seed = 1; seed <= 300; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    const std::int64_t bar = 300;
    const std::size_t bars = std::uniform_int_distribution<std::size_t>(20, 600)(rng);
    const int horizon = std::uniform_int_distribution<int>(1, 24)(rng);
    const auto t = random_row_times(rng, bars, 1 + static_cast<int>(seed % 4), bar);
    const std::int64_t purge = horizon * bar;
    mtf::split::segments s;
    try {
      s = mtf::split::chronological_split(t, mtf::split::spec{}, purge);
    } catch (const mtf::training_error&) {
      continue;  // too few rows for this horizon; checked by the hand cases
    }
    ++checked;
    const std::size_t n = t.size();
    REQUIRE(s.train.begin == 0);
    REQUIRE(s.train.end <= s.calibration.begin);
    REQUIRE(s.calibration.begin < s.calibration.end);
    REQUIRE(s.calibration.end <= s.test.begin);
    REQUIRE(s.test.begin < s.test.end);
    REQUIRE(s.test.end == n);
    // Every row is in a segment or purged, exactly once.
    REQUIRE(s.train.size() + s.calibration.size() + s.test.size() + s.purged_rows() == n);
    REQUIRE(s.purged_before_calibration == s.calibration.begin - s.train.end);
    REQUIRE(s.purged_before_test == s.test.begin - s.calibration.end);
    // Purge: the latest row of an earlier segment vs the earliest of a later one.
    REQUIRE(t[s.calibration.begin] - t[s.train.end - 1] > purge);
    REQUIRE(t[s.test.begin] - t[s.calibration.end - 1] > purge);
    REQUIRE(t[s.test.begin] - t[s.train.end - 1] > purge);
    // Minimal purge: each purged row is within the purge of the earlier segment's last row.
    if (s.purged_before_calibration > 0)
      REQUIRE(t[s.calibration.begin - 1] - t[s.train.end - 1] <= purge);
    if (s.purged_before_test > 0) REQUIRE(t[s.test.begin - 1] - t[s.calibration.end - 1] <= purge);
    // Cuts sit on timestamp boundaries (rows sharing a timestamp are in one segment or purged
    // together).
    REQUIRE(t[s.train.end] != t[s.train.end - 1]);
    REQUIRE(t[s.calibration.end] != t[s.calibration.end - 1]);
  }
  CHECK(checked > 200);
}

TEST_CASE("purged folds never train on a row whose label window touches validation", "[split]") {
  int checked = 0;
  for (unsigned seed = 1; seed <= 300; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed * 7919);
    const std::int64_t bar = 3600;
    const std::size_t bars = std::uniform_int_distribution<std::size_t>(30, 400)(rng);
    const int horizon = std::uniform_int_distribution<int>(1, 12)(rng);
    const int k = std::uniform_int_distribution<int>(2, 8)(rng);
    const std::int64_t embargo = bar * std::uniform_int_distribution<int>(0, 3)(rng);
    const auto t = random_row_times(rng, bars, 1 + static_cast<int>(seed % 3), bar);
    const std::int64_t purge = horizon * bar;
    std::vector<mtf::split::fold> folds;
    try {
      folds = mtf::split::purged_kfold(t, k, purge, embargo);
    } catch (const mtf::training_error&) {
      continue;
    }
    ++checked;
    const std::size_t n = t.size();
    REQUIRE(folds.size() == static_cast<std::size_t>(k));
    // Validation blocks partition the rows into contiguous, ordered, non-empty blocks.
    std::size_t next = 0;
    for (const auto& f : folds) {
      REQUIRE_FALSE(f.validation.empty());
      for (const std::size_t v : f.validation)
        REQUIRE(v == next++);
      // No shared timestamp across a block edge.
      if (f.validation.front() > 0) REQUIRE(t[f.validation.front() - 1] != t[f.validation.front()]);
    }
    REQUIRE(next == n);
    for (const auto& f : folds) {
      const std::int64_t first = t[f.validation.front()];
      const std::int64_t last = t[f.validation.back()];
      REQUIRE(std::is_sorted(f.train.begin(), f.train.end()));
      std::vector<bool> in_train(n, false);
      for (const std::size_t i : f.train) {
        REQUIRE(i < n);
        in_train[i] = true;
        // |t_train - t_val| > purge for every validation row: the nearest are first and last.
        for (const std::size_t v : {f.validation.front(), f.validation.back()})
          REQUIRE((t[i] > t[v] ? t[i] - t[v] : t[v] - t[i]) > purge);
        if (t[i] > last) REQUIRE(t[i] - last > purge + embargo);
      }
      // Maximal: every row far enough from the block (and past the embargo) is used.
      for (std::size_t i = 0; i < n; ++i) {
        const bool eligible = t[i] < first - purge || t[i] > last + purge + embargo;
        REQUIRE(in_train[i] == eligible);
      }
    }
  }
  CHECK(checked > 200);
}

TEST_CASE("purged tails of random folds keep fit rows clear of the stopping rows", "[split]") {
  int checked = 0;
  for (unsigned seed = 1; seed <= 200; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed * 104729);
    const std::int64_t bar = 60;
    const auto t =
        random_row_times(rng, std::uniform_int_distribution<std::size_t>(40, 300)(rng), 3, bar);
    const std::int64_t purge = bar * std::uniform_int_distribution<int>(0, 10)(rng);
    const double tail = std::uniform_real_distribution<double>(0.05, 0.5)(rng);
    std::vector<mtf::split::fold> folds;
    try {
      folds = mtf::split::purged_kfold(t, 4, purge);
    } catch (const mtf::training_error&) {
      continue;
    }
    for (const auto& f : folds) {
      mtf::split::tail_split s;
      try {
        s = mtf::split::purged_tail_split(f.train, t, tail, purge);
      } catch (const mtf::training_error&) {
        continue;
      }
      ++checked;
      REQUIRE(s.fit.size() + s.stop.size() <= f.train.size());
      // Stop rows are the last rows of the fold, fit rows come before, all in the fold.
      REQUIRE(std::equal(s.stop.rbegin(), s.stop.rend(), f.train.rbegin()));
      REQUIRE(std::equal(s.fit.begin(), s.fit.end(), f.train.begin()));
      REQUIRE(t[s.stop.front()] - t[s.fit.back()] > purge);
      // Rows dropped between them are within the purge of the first stopping row.
      const std::size_t dropped_from = s.fit.size();
      const std::size_t dropped_to = f.train.size() - s.stop.size();
      for (std::size_t i = dropped_from; i < dropped_to; ++i)
        REQUIRE(t[s.stop.front()] - t[f.train[i]] <= purge);
    }
  }
  CHECK(checked > 200);
}
