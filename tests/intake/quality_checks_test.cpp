// Series-level quality checks on hand-built series whose counts are worked out in comments.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "mtf/intake/quality_checks.hpp"

using namespace mtf::intake;

namespace {
constexpr std::int64_t hour = 3600;
constexpr std::int64_t t0 = 1704067200;  // 2024-01-01T00:00:00Z

// Hourly bars at hours 0, 1, 2, 5, 6, 10, 11: gaps of 2 (hours 3-4) and 3 (hours 7-9) bars.
// Closes 100, 101, 160, 150, 70, 71, 71: moves +58.4% (2) and -53.3% (4) exceed 50%.
// Volumes 1, 0, 2, 0, 0, 3, 4: three zero-volume bars.
mtf::bar_series flawed_series() {
  mtf::bar_series s;
  s.source = "mem/flawed.csv";
  s.bar_seconds = hour;
  const std::vector<int> hours{0, 1, 2, 5, 6, 10, 11};
  const std::vector<double> closes{100, 101, 160, 150, 70, 71, 71};
  const std::vector<double> volumes{1, 0, 2, 0, 0, 3, 4};
  for (std::size_t i = 0; i < hours.size(); ++i)
    s.push_back(t0 + hours[i] * hour, closes[i], closes[i], closes[i], closes[i], volumes[i]);
  return s;
}

quality_spec permissive() {
  return {
      .max_gap_share = 1, .jump_threshold = 0.5, .max_jump_share = 1, .max_zero_volume_share = 1};
}
}  // namespace

TEST_CASE("gaps, jumps and zero-volume bars are counted", "[intake][quality]") {
  const auto r = measure_quality(flawed_series(), permissive(), 0);
  CHECK(r.bars == 7);
  CHECK(r.expected_bars == 12);  // hours 0..11
  CHECK(r.missing_bars == 5);
  CHECK(r.gap_count == 2);
  CHECK(r.largest_gap_bars == 3);
  CHECK(r.largest_gap_after == t0 + 6 * hour);
  CHECK(r.off_grid_steps == 0);
  CHECK(r.jumps == 2);
  CHECK(r.zero_volume_bars == 3);
  CHECK(r.gap_share == Approx(5.0 / 12.0));
  CHECK(r.jump_share == Approx(2.0 / 7.0));
  CHECK(r.zero_volume_share == Approx(3.0 / 7.0));
  CHECK(r.passed());
  REQUIRE(r.warnings.size() == 3);
  CHECK(r.warnings[0].find("5 missing 1h bars in 2 gaps (") != std::string::npos);
  CHECK(r.warnings[0].find("largest gap 3 bars after 2024-01-01T06:00:00Z") != std::string::npos);
  CHECK(r.warnings[1].find("2 single-bar moves above 50%") != std::string::npos);
  CHECK(r.warnings[2].find("3 zero-volume bars") != std::string::npos);
  CHECK_NOTHROW(check_quality(flawed_series(), permissive(), 7));
}

TEST_CASE("a clean series has no warnings and passes the default thresholds", "[intake][quality]") {
  mtf::bar_series s;
  s.bar_seconds = 300;
  for (int i = 0; i < 100; ++i)
    s.push_back(t0 + i * 300, 10, 11, 9, 10.5 + 0.01 * i, 5);
  const auto r = check_quality(s, quality_spec{}, 100);
  CHECK(r.expected_bars == 100);
  CHECK(r.missing_bars == 0);
  CHECK(r.jumps == 0);
  CHECK(r.zero_volume_bars == 0);
  CHECK(r.warnings.empty());
}

TEST_CASE("each share above its threshold is fatal and says which, the share and the threshold",
          "[intake][quality]") {
  const auto s = flawed_series();
  auto fatal_message = [&](const quality_spec& spec, std::size_t min_bars) {
    try {
      (void)check_quality(s, spec, min_bars);
    } catch (const mtf::data_error& e) {
      CHECK(e.code() == mtf::exit_code::bad_data);
      CHECK(e.file() == "mem/flawed.csv");
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  auto gaps = permissive();
  gaps.max_gap_share = 0.05;
  const std::string gap_message = fatal_message(gaps, 0);
  CHECK(gap_message.find("max_gap_share 5%") != std::string::npos);
  CHECK(gap_message.find("41.7%") != std::string::npos);  // 5 / 12

  auto jumps = permissive();
  jumps.max_jump_share = 0.001;
  const std::string jump_message = fatal_message(jumps, 0);
  CHECK(jump_message.find("max_jump_share 0.1%") != std::string::npos);
  CHECK(jump_message.find("28.6%") != std::string::npos);  // 2 / 7

  auto zero = permissive();
  zero.max_zero_volume_share = 0.02;
  const std::string zero_message = fatal_message(zero, 0);
  CHECK(zero_message.find("max_zero_volume_share 2%") != std::string::npos);
  CHECK(zero_message.find("42.9%") != std::string::npos);  // 3 / 7

  const std::string short_message = fatal_message(permissive(), 8);
  CHECK(short_message.find("only 7 1h bars, the policy needs at least 8") != std::string::npos);

  // The defaults break all four at once: one message lists every reason.
  const std::string all = fatal_message(quality_spec{}, 8);
  CHECK(all.find("min_bars") != std::string::npos);
  CHECK(all.find("max_gap_share") != std::string::npos);
  CHECK(all.find("max_jump_share") != std::string::npos);
  CHECK(all.find("max_zero_volume_share") != std::string::npos);
  CHECK(measure_quality(s, quality_spec{}, 8).fatal_reasons.size() == 4);
}

TEST_CASE("a share equal to its threshold passes and only exceeding it is fatal",
          "[intake][quality]") {
  auto spec = permissive();
  spec.max_gap_share = 5.0 / 12.0;
  spec.max_jump_share = 2.0 / 7.0;
  spec.max_zero_volume_share = 3.0 / 7.0;
  CHECK(measure_quality(flawed_series(), spec, 7).passed());
}

TEST_CASE("a move of exactly the jump threshold is not a jump", "[intake][quality]") {
  mtf::bar_series s;
  s.bar_seconds = hour;
  s.push_back(t0, 100, 100, 100, 100, 1);
  s.push_back(t0 + hour, 150, 150, 150, 150, 1);  // +50% exactly
  s.push_back(t0 + 2 * hour, 75, 75, 75, 75, 1);  // -50% exactly
  s.push_back(t0 + 3 * hour, 37, 37, 37, 37, 1);  // -50.7%
  const auto r = measure_quality(s, permissive(), 0);
  CHECK(r.jumps == 1);
}

TEST_CASE("steps that are not whole bars are reported as irregular", "[intake][quality]") {
  mtf::bar_series s;
  s.bar_seconds = hour;
  s.push_back(t0, 1, 1, 1, 1, 1);
  s.push_back(t0 + hour, 1, 1, 1, 1, 1);
  s.push_back(t0 + hour + hour / 2 * 3, 1, 1, 1, 1, 1);  // 1.5 h later
  const auto r = measure_quality(s, permissive(), 0);
  CHECK(r.off_grid_steps == 1);
  CHECK(r.missing_bars == 0);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("irregular") != std::string::npos);
}

TEST_CASE("an empty series fails min_bars without dividing by zero", "[intake][quality]") {
  mtf::bar_series s;
  s.source = "empty.csv";
  const auto r = measure_quality(s, quality_spec{}, 1);
  CHECK(r.gap_share == 0.0);
  CHECK(r.jump_share == 0.0);
  CHECK(r.zero_volume_share == 0.0);
  CHECK_FALSE(r.passed());
  CHECK_THROWS_AS(check_quality(s, quality_spec{}, 1), mtf::data_error);
}

TEST_CASE("days of the week count from Thursday 1970-01-01", "[intake][quality]") {
  CHECK(weekday_from_days(0) == 3);      // 1970-01-01, Thursday
  CHECK(weekday_from_days(-1) == 2);     // 1969-12-31, Wednesday
  CHECK(weekday_from_days(19723) == 0);  // 2024-01-01, Monday
  CHECK(weekday_from_days(19782) == 3);  // 2024-02-29, Thursday
  CHECK(weekday_from_days(19728) == 5);  // 2024-01-06, Saturday
}

TEST_CASE("weekdays between two days are counted in constant time", "[intake][quality]") {
  const std::int64_t monday = 19723;  // 2024-01-01
  CHECK(weekdays_between(monday, monday + 1) == 0);
  CHECK(weekdays_between(monday, monday + 7) == 4);       // Tue..Fri; Sat, Sun are not weekdays
  CHECK(weekdays_between(monday + 4, monday + 7) == 0);   // Friday to Monday: a weekend
  CHECK(weekdays_between(monday, monday + 15) == 10);     // two whole weeks
  CHECK(weekdays_between(monday + 5, monday + 12) == 5);  // Saturday to Saturday
  CHECK(weekdays_between(monday, monday) == 0);
  CHECK(weekdays_between(monday + 3, monday) == 0);
  // Brute force over a year of pairs, against a day-by-day count.
  for (std::int64_t a = monday; a < monday + 30; ++a)
    for (std::int64_t b = a; b < a + 40; ++b) {
      std::int64_t expected = 0;
      for (std::int64_t d = a + 1; d < b; ++d)
        expected += weekday_from_days(d) < 5 ? 1 : 0;
      INFO("days " << a << " .. " << b);
      CHECK(weekdays_between(a, b) == expected);
    }
}

TEST_CASE("equities daily bars: weekends and exchange holidays are not gaps", "[intake][quality]") {
  // Daily bars on Mon 1 .. Fri 5, Mon 8, Wed 10, Thu 11 January 2024: Tuesday 9 has no bar at
  // all, so it is an exchange holiday (SPEC §4.2), like the weekend of 6-7 January.
  mtf::bar_series daily;
  daily.bar_seconds = 86400;
  for (int day : {1, 2, 3, 4, 5, 8, 10, 11})
    daily.push_back(t0 + (day - 1) * 86400, 1, 1, 1, 1, 1);
  const auto crypto = measure_quality(daily, permissive(), 0);
  CHECK(crypto.missing_bars == 3);  // Sat 6, Sun 7, Tue 9
  CHECK(crypto.expected_bars == 11);
  const auto equities = measure_quality(daily, permissive(), 0, calendar::equities);
  CHECK(equities.missing_bars == 0);
  CHECK(equities.expected_bars == 8);
  CHECK(equities.gap_count == 0);
  CHECK(equities.warnings.empty());
}

TEST_CASE("equities daily bars: more than five weekdays without a bar are a real gap",
          "[intake][quality]") {
  const auto series = [](std::initializer_list<int> days) {
    mtf::bar_series s;
    s.bar_seconds = 86400;
    for (int day : days)
      s.push_back(t0 + (day - 1) * 86400, 1, 1, 1, 1, 1);
    return s;
  };
  // Mon 1 -> Tue 9 January: Tue 2 .. Fri 5 and Mon 8 are 5 weekdays, the longest closure allowed
  // (the September 2001 closure lasted 4): holidays, nothing missing.
  CHECK(measure_quality(series({1, 9}), permissive(), 0, calendar::equities).missing_bars == 0);
  // Mon 1 -> Wed 10: 6 weekdays without a bar is a hole in the data: all 6 are missing.
  const auto six = measure_quality(series({1, 10}), permissive(), 0, calendar::equities);
  CHECK(six.missing_bars == 6);
  CHECK(six.gap_count == 1);
  CHECK(six.largest_gap_after == t0);
  // Mon 1 -> Mon 15: 9 weekdays missing (Tue 2 .. Fri 12), the weekends in between are not.
  const auto two_weeks =
      measure_quality(series({1, 15, 16}), quality_spec{}, 0, calendar::equities);
  CHECK(two_weeks.missing_bars == 9);
  CHECK(two_weeks.expected_bars == 12);
  CHECK(two_weeks.gap_share == Approx(9.0 / 12.0));
  CHECK_FALSE(two_weeks.passed());  // 75% missing is fatal above max_gap_share 5%
}

namespace {
/// 30-minute bars of one UTC day from `first` to `last` (HH*60+MM), skipping `holes`.
void add_session(mtf::bar_series& s, int day, int first, int last, std::vector<int> holes = {}) {
  for (int m = first; m <= last; m += 30) {
    if (std::find(holes.begin(), holes.end(), m) != holes.end()) continue;
    s.push_back(t0 + (day - 1) * 86400 + m * 60, 1, 1, 1, 1, 1);
  }
}
}  // namespace

TEST_CASE(
    "equities intraday bars: nights, weekends, half days and holidays are not gaps, a hole "
    "inside a session is",
    "[intake][quality]") {
  // 30m bars in the session the data shows, 14:30-20:30 UTC (13 bars a day):
  // Fri 5 Jan full; Mon 8 a half day ending 17:30 (7 bars); Tue 9 without 16:00 and 16:30 (a
  // real gap of 2 bars); Wed 10 a holiday (no bar); Thu 11 full.
  mtf::bar_series s;
  s.bar_seconds = 1800;
  add_session(s, 5, 870, 1230);
  add_session(s, 8, 870, 1050);
  add_session(s, 9, 870, 1230, {960, 990});
  add_session(s, 11, 870, 1230);
  REQUIRE(s.size() == 13 + 7 + 11 + 13);
  CHECK(typical_session_bars(s, calendar::equities) == 13);  // median of 13, 7, 11, 13
  const auto equities = measure_quality(s, permissive(), 0, calendar::equities);
  CHECK(equities.missing_bars == 2);
  CHECK(equities.gap_count == 1);
  CHECK(equities.largest_gap_bars == 2);
  CHECK(equities.largest_gap_after == t0 + 8 * 86400 + 930 * 60);  // Tue 9 15:30
  CHECK(equities.expected_bars == s.size() + 2);
  CHECK(equities.passed());
  // Under crypto every half hour from Fri 14:30 to Thu 20:30 is expected.
  const auto crypto = measure_quality(s, permissive(), 0);
  CHECK(crypto.expected_bars == (6 * 86400 + 6 * 3600) / 1800 + 1);
  CHECK(crypto.missing_bars == crypto.expected_bars - s.size());
}

TEST_CASE("equities intraday bars: two missing weeks count a typical session per weekday",
          "[intake][quality]") {
  mtf::bar_series s;
  s.bar_seconds = 1800;
  add_session(s, 5, 870, 1230);   // Fri 5 Jan
  add_session(s, 22, 870, 1230);  // Mon 22 Jan: 10 weekdays (8-12, 15-19) without a bar between
  add_session(s, 23, 870, 1230);
  const auto q = measure_quality(s, quality_spec{}, 0, calendar::equities);
  CHECK(q.missing_bars == 10 * 13);
  CHECK(q.gap_count == 1);
  CHECK_FALSE(q.passed());
}

TEST_CASE("missing slots are counted per calendar from the bar grid of the earlier bar",
          "[intake][quality]") {
  using enum calendar;
  CHECK(missing_slots(0, 3600, 3600, crypto) == 0);
  CHECK(missing_slots(0, 4 * 3600, 3600, crypto) == 3);
  CHECK(missing_slots(0, 5400, 3600, crypto) == 0);  // 1.5 bars: off grid, none missing
  // Thursday 1970-01-01 to Tuesday 1970-01-06 in daily bars: Fri 2, Sat 3, Sun 4, Mon 5 are the
  // slots between; under equities Fri 2 and Mon 5 are a two-day closure, not missing.
  CHECK(missing_slots(0, 5 * 86400, 86400, crypto) == 4);
  CHECK(missing_slots(0, 5 * 86400, 86400, equities) == 0);
  // 5m bars from Friday 23:55 to Monday 00:05: a weekend under equities.
  const std::int64_t friday_2355 = t0 + 4 * 86400 + 23 * hour + 55 * 60;
  CHECK(missing_slots(friday_2355, friday_2355 + 2 * 86400 + 600, 300, equities) == 0);
  // Same day, 10:00 -> 10:20 in 5m bars: 10:05, 10:10, 10:15 are missing in both calendars.
  CHECK(missing_slots(t0 + 10 * hour, t0 + 10 * hour + 1200, 300, equities) == 3);
  CHECK(missing_slots(t0 + 10 * hour, t0 + 10 * hour + 1200, 300, crypto) == 3);
  // Weekly bars are counted on their grid under either calendar.
  CHECK(missing_slots(0, 21 * 86400, 7 * 86400, equities) == 2);
}
