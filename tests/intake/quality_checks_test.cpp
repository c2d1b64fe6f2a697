// Series-level quality checks on hand-built series whose counts are worked out in comments.
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

TEST_CASE("the weekdays calendar does not count weekends as gaps, holidays still count",
          "[intake][quality]") {
  // Daily bars on Mon 1 .. Fri 5, Mon 8, Wed 10, Thu 11 January 2024: Tuesday 9 is missing.
  mtf::bar_series daily;
  daily.bar_seconds = 86400;
  for (int day : {1, 2, 3, 4, 5, 8, 10, 11})
    daily.push_back(t0 + (day - 1) * 86400, 1, 1, 1, 1, 1);
  const auto continuous = measure_quality(daily, permissive(), 0);
  CHECK(continuous.missing_bars == 3);  // Sat 6, Sun 7, Tue 9
  CHECK(continuous.expected_bars == 11);
  CHECK(continuous.gap_count == 2);
  const auto weekdays = measure_quality(daily, permissive(), 0, session_calendar::weekdays);
  CHECK(weekdays.missing_bars == 1);  // Tue 9 only
  CHECK(weekdays.expected_bars == 9);
  CHECK(weekdays.gap_count == 1);
  CHECK(weekdays.largest_gap_after == t0 + 7 * 86400);  // Mon 8

  // Hourly bars Fri 5 Jan 22:00, 23:00, then Mon 8 Jan 00:00 and 02:00 (01:00 missing).
  mtf::bar_series hourly;
  hourly.bar_seconds = hour;
  const std::int64_t friday = t0 + 4 * 86400;
  for (std::int64_t t :
       {friday + 22 * hour, friday + 23 * hour, friday + 72 * hour, friday + 74 * hour})
    hourly.push_back(t, 1, 1, 1, 1, 1);
  CHECK(measure_quality(hourly, permissive(), 0).missing_bars == 48 + 1);
  CHECK(measure_quality(hourly, permissive(), 0, session_calendar::weekdays).missing_bars == 1);
}

TEST_CASE("missing slots are counted per calendar from the bar grid of the earlier bar",
          "[intake][quality]") {
  using enum session_calendar;
  CHECK(missing_slots(0, 3600, 3600, continuous) == 0);
  CHECK(missing_slots(0, 4 * 3600, 3600, continuous) == 3);
  CHECK(missing_slots(0, 5400, 3600, continuous) == 0);  // 1.5 bars: off grid, none missing
  // Thursday 1970-01-01 00:00 to Tuesday 1970-01-06 00:00 in daily bars: Fri 2, Sat 3, Sun 4,
  // Mon 5 are the slots between; two are weekdays.
  CHECK(missing_slots(0, 5 * 86400, 86400, continuous) == 4);
  CHECK(missing_slots(0, 5 * 86400, 86400, weekdays) == 2);
  // 5m bars from Friday 23:55 to Monday 00:05: only Monday 00:00 is a weekday slot.
  const std::int64_t friday_2355 = t0 + 4 * 86400 + 23 * hour + 55 * 60;
  CHECK(missing_slots(friday_2355, friday_2355 + 2 * 86400 + 600, 300, weekdays) == 1);
}
