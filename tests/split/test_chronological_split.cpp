// Chronological train / calibration / test split with a purge (SPEC §4.6, §4.10).
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/split/chronological_split.hpp"

namespace {

// n rows, one per bar of `bar` seconds, starting at `start`.
std::vector<std::int64_t> regular_times(std::size_t n, std::int64_t bar, std::int64_t start = 0) {
  std::vector<std::int64_t> t(n);
  for (std::size_t i = 0; i < n; ++i)
    t[i] = start + static_cast<std::int64_t>(i) * bar;
  return t;
}

// Label ends of rows whose labels look `seconds` ahead with no missing bars.
std::vector<std::int64_t> ends_after(const std::vector<std::int64_t>& t, std::int64_t seconds) {
  std::vector<std::int64_t> e(t.size());
  for (std::size_t i = 0; i < t.size(); ++i)
    e[i] = t[i] + seconds;
  return e;
}

}  // namespace

TEST_CASE("one series splits 70/15/15 with a purge of horizon bars before each later segment",
          "[split]") {
  // 100 one-minute rows, horizon 3 bars (purge 180 s): cuts at 70 and 85. Calibration must start
  // after 69 min + 3 min = minute 72, so rows 70..72 go; test after 84 + 3 = 87: rows 85..87 go.
  const auto t = regular_times(100, 60);
  const auto s = mtf::split::chronological_split(t, ends_after(t, 180), mtf::split::spec{});
  CHECK(s.train == mtf::split::index_range{0, 70});
  CHECK(s.calibration == mtf::split::index_range{73, 85});
  CHECK(s.test == mtf::split::index_range{88, 100});
  CHECK(s.purged_before_calibration == 3);
  CHECK(s.purged_before_test == 3);
  CHECK(s.purged_rows() == 6);
}

TEST_CASE("pooled symbols sharing timestamps split by timestamp", "[split]") {
  // Three symbols, 20 hourly bars each, merged: rows 3h..3h+2 share hour h. Cuts at 42 (hour
  // 14) and 51 (hour 17) fall on boundaries. Purge 1 h: calibration drops hour 14 (3 rows, as
  // 14 - 13 = 1 h is not > 1 h), test drops hour 17.
  std::vector<std::int64_t> t;
  for (std::int64_t h = 0; h < 20; ++h)
    for (int symbol = 0; symbol < 3; ++symbol)
      t.push_back(1'700'000'000 + h * 3600);
  const auto s = mtf::split::chronological_split(t, ends_after(t, 3600), mtf::split::spec{});
  CHECK(s.train == mtf::split::index_range{0, 42});
  CHECK(s.calibration == mtf::split::index_range{45, 51});
  CHECK(s.test == mtf::split::index_range{54, 60});
  CHECK(s.purged_rows() == 6);
}

TEST_CASE("a cut inside a group of equal timestamps moves to the nearest group edge", "[split]") {
  // times 0 0 1 1 1 1 2 3 3 4, shares 50/25/25, no purge.
  // Cut 1 = 5 lies in the group of 1s [2, 6): 6 is closer than 2. Cut 2 = round(7.5) = 8 lies in
  // the group of 3s [7, 9): both edges are 1 away, the earlier one (7) is taken.
  const std::vector<std::int64_t> t{0, 0, 1, 1, 1, 1, 2, 3, 3, 4};
  const mtf::split::spec shares{.train = 0.5, .calibration = 0.25, .test = 0.25};
  const auto s = mtf::split::chronological_split(t, ends_after(t, 0), shares);
  CHECK(s.train == mtf::split::index_range{0, 6});
  CHECK(s.calibration == mtf::split::index_range{6, 7});
  CHECK(s.test == mtf::split::index_range{7, 10});
  CHECK(s.purged_rows() == 0);
}

TEST_CASE("a split that leaves a segment empty fails naming the segment", "[split]") {
  // 10 rows with a purge of 2 bars: calibration (rows 7, 8 before the purge) is purged away.
  const auto t = regular_times(10, 60);
  CHECK_THROWS_WITH(mtf::split::chronological_split(t, ends_after(t, 120), mtf::split::spec{}),
                    Catch::Contains("calibration segment is empty"));
  // A single timestamp cannot be split at all.
  const std::vector<std::int64_t> same(50, 7);
  CHECK_THROWS_AS(mtf::split::chronological_split(same, ends_after(same, 0), mtf::split::spec{}),
                  mtf::training_error);
  CHECK_THROWS_AS(mtf::split::chronological_split(std::vector<std::int64_t>{},
                                                  std::vector<std::int64_t>{}, mtf::split::spec{}),
                  mtf::training_error);
}

TEST_CASE("the split rejects decreasing times and bad shares", "[split]") {
  const std::vector<std::int64_t> t{0, 60, 120, 60, 240};
  CHECK_THROWS_WITH(mtf::split::chronological_split(t, ends_after(t, 0), mtf::split::spec{}),
                    Catch::Contains("row 3 (60) is earlier than row 2 (120)"));
  const auto ok = regular_times(100, 60);
  CHECK_THROWS_AS(
      mtf::split::chronological_split(
          ok, ends_after(ok, 0), mtf::split::spec{.train = 0.7, .calibration = 0.2, .test = 0.2}),
      std::invalid_argument);
  // A label cannot end before its row opens, and there is one label end per row.
  CHECK_THROWS_AS(mtf::split::chronological_split(ok, ends_after(ok, -1), mtf::split::spec{}),
                  std::invalid_argument);
  CHECK_THROWS_AS(mtf::split::chronological_split(ok, std::vector<std::int64_t>(99, 1'000'000),
                                                  mtf::split::spec{}),
                  std::invalid_argument);
}

TEST_CASE("with missing bars the purge follows the label ends, not horizon times bar length",
          "[split]") {
  // One-minute bars 0..69, then ten missing minutes, then bars at minutes 80..109: 100 bars.
  // Horizon 3 bars: the label of the bar at minute 69 ends 3 bars later, at minute 82 (bars 70..79
  // do not exist). A purge of 3 minutes would let calibration start at minute 80, inside that
  // label window; the purge on label ends starts it at minute 83.
  std::vector<std::int64_t> t;
  for (std::int64_t m = 0; m < 110; ++m)
    if (m < 70 || m >= 80) t.push_back(60 * m);
  REQUIRE(t.size() == 100);
  std::vector<std::int64_t> label_end(t.size());
  for (std::size_t i = 0; i < t.size(); ++i)
    label_end[i] =
        i + 3 < t.size() ? t[i + 3] : t.back() + 60 * static_cast<std::int64_t>(i + 4 - t.size());
  const auto s = mtf::split::chronological_split(t, label_end, mtf::split::spec{});
  CHECK(s.train == mtf::split::index_range{0, 70});
  REQUIRE(s.calibration.begin < t.size());
  CHECK(t[s.calibration.begin] == 60 * 83);
  // Every train label ends before the first calibration row opens, every calibration label
  // before the first test row.
  for (std::size_t i = s.train.begin; i < s.train.end; ++i)
    CHECK(label_end[i] < t[s.calibration.begin]);
  for (std::size_t i = s.calibration.begin; i < s.calibration.end; ++i)
    CHECK(label_end[i] < t[s.test.begin]);
}
