// Purged, embargoed blocked K-fold and the purged early-stopping tail (SPEC §4.8).
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/split/purged_kfold.hpp"
#include "mtf/split/purged_tail_split.hpp"

namespace {

std::vector<std::int64_t> regular_times(std::size_t n, std::int64_t bar) {
  std::vector<std::int64_t> t(n);
  for (std::size_t i = 0; i < n; ++i)
    t[i] = static_cast<std::int64_t>(i) * bar;
  return t;
}

using rows = std::vector<std::size_t>;

// Label ends of rows whose labels look `seconds` ahead with no missing bars.
std::vector<std::int64_t> ends_after(const std::vector<std::int64_t>& t, std::int64_t seconds) {
  std::vector<std::int64_t> e(t.size());
  for (std::size_t i = 0; i < t.size(); ++i)
    e[i] = t[i] + seconds;
  return e;
}

}  // namespace

TEST_CASE("blocked 5-fold on 10 bars purges one bar on each side of the block", "[split]") {
  // Blocks [0,2) [2,4) [4,6) [6,8) [8,10); purge 1 bar: fold 3 validates bars 4, 5 and trains on
  // bars more than 1 bar away: 0..2 and 7..9.
  const auto t = regular_times(10, 60);
  const auto folds = mtf::split::purged_kfold(t, ends_after(t, 60), 5, 0);
  REQUIRE(folds.size() == 5);
  CHECK(folds[0].validation == rows{0, 1});
  CHECK(folds[0].train == rows{3, 4, 5, 6, 7, 8, 9});
  CHECK(folds[2].validation == rows{4, 5});
  CHECK(folds[2].train == rows{0, 1, 2, 7, 8, 9});
  CHECK(folds[4].validation == rows{8, 9});
  CHECK(folds[4].train == rows{0, 1, 2, 3, 4, 5, 6});
}

TEST_CASE("an embargo drops further rows after each validation block only", "[split]") {
  // Same folds, embargo 1 bar: fold 3 additionally loses bar 7 (after the block), not bar 2.
  const auto t = regular_times(10, 60);
  const auto folds = mtf::split::purged_kfold(t, ends_after(t, 60), 5, 60);
  CHECK(folds[2].train == rows{0, 1, 2, 8, 9});
  CHECK(folds[0].train == rows{4, 5, 6, 7, 8, 9});
  CHECK(folds[4].train == rows{0, 1, 2, 3, 4, 5, 6});
}

TEST_CASE("validation blocks keep rows sharing a timestamp together", "[split]") {
  // times 0 0 0 1 1 2 2 2 3 3 (two or three symbols per bar), 3 folds, no purge.
  // Cuts round(10/3) = 3 (edge of the 0s) and round(20/3) = 7 inside the 2s [5, 8): 8 is nearer.
  const std::vector<std::int64_t> t{0, 0, 0, 1, 1, 2, 2, 2, 3, 3};
  const auto folds = mtf::split::purged_kfold(t, ends_after(t, 0), 3, 0);
  CHECK(folds[0].validation == rows{0, 1, 2});
  CHECK(folds[1].validation == rows{3, 4, 5, 6, 7});
  CHECK(folds[2].validation == rows{8, 9});
  // No purge still keeps other rows at a validation timestamp out (|dt| = 0 is not > 0).
  CHECK(folds[1].train == rows{0, 1, 2, 8, 9});
}

TEST_CASE("with missing bars the folds purge on label ends", "[split]") {
  // Minute bars 0..9 and 20..29 (ten missing minutes), horizon 2 bars: the bar at minute 9 has
  // its label end at minute 21. Two folds: block 0 = rows 0..9, block 1 = rows 10..19. Fold 1
  // trains on rows before minute 20 whose labels end before minute 20: minutes 0..7 only (the
  // label of minute 8 ends at 20, of minute 9 at 21). A purge of 2 minutes would keep 8 and 9.
  std::vector<std::int64_t> t;
  for (std::int64_t m = 0; m < 30; ++m)
    if (m < 10 || m >= 20) t.push_back(60 * m);
  std::vector<std::int64_t> label_end(t.size());
  for (std::size_t i = 0; i < t.size(); ++i)
    label_end[i] =
        i + 2 < t.size() ? t[i + 2] : t.back() + 60 * static_cast<std::int64_t>(i + 3 - t.size());
  const auto folds = mtf::split::purged_kfold(t, label_end, 2, 0);
  REQUIRE(folds.size() == 2);
  CHECK(folds[1].validation.front() == 10);
  CHECK(folds[1].train == rows{0, 1, 2, 3, 4, 5, 6, 7});
  // Fold 0 validates minutes 0..9 (last label end minute 21): trains on minutes after 21.
  CHECK(folds[0].train.front() == 12);
}

TEST_CASE("K-fold fails clearly when the rows cannot fill the folds", "[split]") {
  const std::vector<std::int64_t> two_times{5, 5, 5, 9, 9};
  CHECK_THROWS_WITH(mtf::split::purged_kfold(two_times, ends_after(two_times, 0), 3, 0),
                    Catch::Contains("is empty"));
  // A purge that covers everything leaves a fold without training rows.
  const auto ten = regular_times(10, 60);
  CHECK_THROWS_WITH(mtf::split::purged_kfold(ten, ends_after(ten, 600), 2, 0),
                    Catch::Contains("no training rows"));
  CHECK_THROWS_AS(mtf::split::purged_kfold(ten, ends_after(ten, 0), 1, 0), std::invalid_argument);
  CHECK_THROWS_AS(mtf::split::purged_kfold(ten, ends_after(ten, 0), 2, -1), std::invalid_argument);
  const std::vector<std::int64_t> backwards{3, 2, 4};
  CHECK_THROWS_AS(mtf::split::purged_kfold(backwards, ends_after(backwards, 0), 2, 0),
                  mtf::training_error);
}

TEST_CASE("the early-stopping tail is the latest rows, purged from the fit rows", "[split]") {
  // Fold train rows 0 1 2 7 8 9 (bars of 60 s), tail share 1/3 = 2 rows: stop on 8, 9; fit rows
  // must be more than 1 bar before bar 8, so bar 7 is dropped.
  const auto t = regular_times(10, 60);
  const rows train{0, 1, 2, 7, 8, 9};
  const auto s = mtf::split::purged_tail_split(train, t, ends_after(t, 60), 1.0 / 3.0);
  CHECK(s.stop == rows{8, 9});
  CHECK(s.fit == rows{0, 1, 2});
  // Without a purge nothing is dropped.
  const auto no_purge = mtf::split::purged_tail_split(train, t, {}, 1.0 / 3.0);
  CHECK(no_purge.fit == rows{0, 1, 2, 7});
}

TEST_CASE("the early-stopping tail does not split a shared timestamp", "[split]") {
  // times by row: 0 0 1 1 2 2 3 3; tail 25% = 2 rows -> cut 6, a group edge: stop {6, 7}.
  // tail 40% = round(3.2) = 3 rows -> cut 5 inside the 2s [4, 6): both edges 1 away, the earlier
  // one (4) is taken: stop {4..7}; purge 1 s leaves fit rows with time < 1: {0, 1}.
  const std::vector<std::int64_t> t{0, 0, 1, 1, 2, 2, 3, 3};
  const rows all{0, 1, 2, 3, 4, 5, 6, 7};
  const auto quarter = mtf::split::purged_tail_split(all, t, {}, 0.25);
  CHECK(quarter.stop == rows{6, 7});
  CHECK(quarter.fit == rows{0, 1, 2, 3, 4, 5});
  const auto forty = mtf::split::purged_tail_split(all, t, ends_after(t, 1), 0.4);
  CHECK(forty.stop == rows{4, 5, 6, 7});
  CHECK(forty.fit == rows{0, 1});
}

TEST_CASE("the early-stopping tail fails clearly when nothing is left to fit", "[split]") {
  const auto t = regular_times(10, 60);
  CHECK_THROWS_AS(mtf::split::purged_tail_split(rows{0, 1, 2, 3}, t, ends_after(t, 600), 0.5),
                  mtf::training_error);
  CHECK_THROWS_AS(mtf::split::purged_tail_split(rows{}, t, {}, 0.5), mtf::training_error);
  CHECK_THROWS_AS(mtf::split::purged_tail_split(rows{0, 1}, t, {}, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(mtf::split::purged_tail_split(rows{0, 42}, t, {}, 0.5), std::invalid_argument);
  CHECK_THROWS_AS(mtf::split::purged_tail_split(rows{3, 1}, t, {}, 0.5), mtf::training_error);
}
