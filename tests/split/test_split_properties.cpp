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

// Label ends of the rows: `horizon` seconds after the row, sometimes up to two bars later (missing
// bars inside the label window make h bars span more time).
std::vector<std::int64_t> random_label_ends(std::mt19937_64& rng,
                                            const std::vector<std::int64_t>& t,
                                            std::int64_t horizon, std::int64_t bar) {
  std::uniform_int_distribution<int> extra(0, 5);
  std::vector<std::int64_t> e(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    const int x = extra(rng);
    e[i] = t[i] + horizon + (x < 4 ? 0 : bar * (x - 3));
  }
  return e;
}

std::int64_t max_end(const std::vector<std::int64_t>& e, std::size_t begin, std::size_t end) {
  return *std::max_element(e.begin() + static_cast<std::ptrdiff_t>(begin),
                           e.begin() + static_cast<std::ptrdiff_t>(end));
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
    const auto e = random_label_ends(rng, t, horizon * bar, bar);
    mtf::split::segments s;
    try {
      s = mtf::split::chronological_split(t, e, mtf::split::spec{});
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
    // Purge: every label of an earlier segment ends before the first row of a later one opens.
    REQUIRE(max_end(e, 0, s.train.end) < t[s.calibration.begin]);
    REQUIRE(max_end(e, 0, s.calibration.end) < t[s.test.begin]);
    // Minimal purge: each purged row opens before some earlier label has ended.
    if (s.purged_before_calibration > 0)
      REQUIRE(t[s.calibration.begin - 1] <= max_end(e, 0, s.train.end));
    if (s.purged_before_test > 0) REQUIRE(t[s.test.begin - 1] <= max_end(e, 0, s.calibration.end));
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
    const auto e = random_label_ends(rng, t, horizon * bar, bar);
    std::vector<mtf::split::fold> folds;
    try {
      folds = mtf::split::purged_kfold(t, e, k, embargo);
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
      const std::int64_t last_end = max_end(e, f.validation.front(), f.validation.back() + 1);
      REQUIRE(std::is_sorted(f.train.begin(), f.train.end()));
      std::vector<bool> in_train(n, false);
      for (const std::size_t i : f.train) {
        REQUIRE(i < n);
        in_train[i] = true;
        // No train label window overlaps a validation row's; rows after the block also clear
        // the embargo.
        if (i < f.validation.front())
          REQUIRE(e[i] < first);
        else
          REQUIRE(t[i] > last_end + embargo);
      }
      // Maximal: every row clear of the block (and past the embargo) is used.
      for (std::size_t i = 0; i < n; ++i) {
        const bool eligible = (i < f.validation.front() && e[i] < first) ||
                              (i > f.validation.back() && t[i] > last_end + embargo);
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
    const auto e = random_label_ends(rng, t, purge, bar);
    const double tail = std::uniform_real_distribution<double>(0.05, 0.5)(rng);
    std::vector<mtf::split::fold> folds;
    try {
      folds = mtf::split::purged_kfold(t, e, 4, 0);
    } catch (const mtf::training_error&) {
      continue;
    }
    for (const auto& f : folds) {
      mtf::split::tail_split s;
      try {
        s = mtf::split::purged_tail_split(f.train, t, e, tail);
      } catch (const mtf::training_error&) {
        continue;
      }
      ++checked;
      REQUIRE(s.fit.size() + s.stop.size() <= f.train.size());
      // Stop rows are the last rows of the fold, fit rows come before, all in the fold.
      REQUIRE(std::equal(s.stop.rbegin(), s.stop.rend(), f.train.rbegin()));
      REQUIRE(std::is_sorted(s.fit.begin(), s.fit.end()));
      REQUIRE((s.fit.empty() || s.fit.back() < s.stop.front()));
      for (const std::size_t i : s.fit)
        REQUIRE(e[i] < t[s.stop.front()]);
      // Rows of the fold left out of both have labels reaching the first stopping row.
      std::vector<bool> used(t.size(), false);
      for (const std::size_t i : s.fit)
        used[i] = true;
      for (const std::size_t i : s.stop)
        used[i] = true;
      for (const std::size_t i : f.train)
        if (!used[i]) REQUIRE(e[i] >= t[s.stop.front()]);
    }
  }
  CHECK(checked > 200);
}
