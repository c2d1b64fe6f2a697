// Timestamp parsing and formatting. Expected epoch values are from Python's
// calendar.timegm(datetime.fromisoformat(...).timetuple()) and well-known anchors
// (2000-01-01 = 946684800, 2038-01-19T03:14:07 = 2^31 - 1), not from this code.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "mtf/intake/timestamp.hpp"

using namespace mtf::intake;

namespace {
std::int64_t iso(std::string_view text) {
  const auto result = parse_iso8601(text);
  INFO(text << ": " << result.error);
  REQUIRE(result.ok());
  return result.epoch_seconds;
}
std::string iso_error(std::string_view text) {
  const auto result = parse_iso8601(text);
  REQUIRE_FALSE(result.ok());
  return std::string(result.error);
}
}  // namespace

TEST_CASE("ISO-8601 UTC timestamps parse to known epoch seconds", "[intake][timestamp]") {
  CHECK(iso("1970-01-01T00:00:00Z") == 0);
  CHECK(iso("1969-12-31T23:59:59Z") == -1);
  CHECK(iso("2000-01-01T00:00:00Z") == 946684800);
  CHECK(iso("2038-01-19T03:14:07Z") == 2147483647);
  CHECK(iso("2025-07-04T11:35:00Z") == 1751628900);
  CHECK(iso("9999-12-31T23:59:59Z") == 253402300799);
  CHECK(iso("1900-03-01T00:00:00Z") == -2203891200);
}

TEST_CASE("leap days and year boundaries follow the Gregorian rules", "[intake][timestamp]") {
  CHECK(iso("2024-02-29T00:00:00Z") == 1709164800);
  CHECK(iso("2024-02-29T23:59:59Z") == 1709251199);
  CHECK(iso("2024-03-01T00:00:00Z") == 1709251200);
  CHECK(iso("2023-12-31T23:59:59Z") == 1704067199);
  CHECK(iso("2024-01-01T00:00:00Z") == 1704067200);
  CHECK(iso("2000-02-29T12:00:00Z") == 951825600);     // divisible by 400: leap
  CHECK(iso("1600-02-29T00:00:00Z") == -11670998400);  // pre-1970 leap day, negative era
  CHECK(iso("2100-03-01T00:00:00Z") == 4107542400);
  CHECK(iso_error("2023-02-29T00:00:00Z").find("day out of range") != std::string::npos);
  CHECK(iso_error("2100-02-29T00:00:00Z").find("day out of range") != std::string::npos);
  CHECK(iso_error("1900-02-29T00:00:00Z").find("day out of range") != std::string::npos);
  CHECK(iso_error("2024-04-31T00:00:00Z").find("day out of range") != std::string::npos);
}

TEST_CASE("UTC designators: Z, zero and non-zero offsets, space separator, zero fraction",
          "[intake][timestamp]") {
  const std::int64_t expected = 1751628900;  // 2025-07-04T11:35:00Z
  CHECK(iso("2025-07-04 11:35:00Z") == expected);
  CHECK(iso("2025-07-04T11:35:00+00:00") == expected);
  CHECK(iso("2025-07-04T11:35:00-00:00") == expected);
  CHECK(iso("2025-07-04T11:35:00+0000") == expected);
  CHECK(iso("2025-07-04T11:35:00+00") == expected);
  CHECK(iso("2025-07-04T11:35:00.000Z") == expected);
  CHECK(iso("2025-07-04T11:35:00z") == expected);
  // Local time with an offset converts to the same instant (how the README's +03:00 sources
  // were normalised).
  CHECK(iso("2025-07-04T14:35:00+03:00") == expected);
  CHECK(iso("2025-07-04T06:05:00-05:30") == expected);
  CHECK(iso("2025-07-05T01:35:00+14:00") == expected);
}

TEST_CASE("malformed ISO timestamps are rejected with a reason", "[intake][timestamp]") {
  CHECK(iso_error("2025-07-04T11:35:00").find("missing UTC designator") != std::string::npos);
  CHECK(iso_error("2025-13-04T11:35:00Z").find("month") != std::string::npos);
  CHECK(iso_error("2025-00-04T11:35:00Z").find("month") != std::string::npos);
  CHECK(iso_error("2025-07-00T11:35:00Z").find("day") != std::string::npos);
  CHECK(iso_error("2025-07-04T24:00:00Z").find("hour") != std::string::npos);
  CHECK(iso_error("2025-07-04T11:60:00Z").find("minute") != std::string::npos);
  CHECK(iso_error("2016-12-31T23:59:60Z").find("second") != std::string::npos);
  CHECK(iso_error("2025-07-04T11:35:00.500Z").find("fractional") != std::string::npos);
  CHECK(iso_error("2025-07-04T11:35:00Zjunk").find("unexpected characters") != std::string::npos);
  CHECK(iso_error("2025-07-04T11:35:00+25:00").find("offset") != std::string::npos);
  CHECK(iso_error("2025-07-04T11:35:00 UTC").find("'Z'") != std::string::npos);
  CHECK(iso_error("25-07-04T11:35:00Z").find("year") != std::string::npos);
  CHECK(iso_error("2025-7-4T11:35:00Z").find("month") != std::string::npos);
  CHECK(iso_error("2025-07-04").find("time of day") != std::string::npos);
  CHECK(iso_error("2025-07-04T11:35Z").find("HH:MM:SS") != std::string::npos);
  CHECK(iso_error("").find("year") != std::string::npos);
}

TEST_CASE("epoch seconds and milliseconds parse to epoch seconds", "[intake][timestamp]") {
  const auto seconds = parse_epoch("1751628900", timestamp_format::epoch_seconds);
  REQUIRE(seconds.ok());
  CHECK(seconds.epoch_seconds == 1751628900);
  const auto negative = parse_epoch("-86400", timestamp_format::epoch_seconds);
  REQUIRE(negative.ok());
  CHECK(negative.epoch_seconds == -86400);
  const auto ms = parse_epoch("1709164800000", timestamp_format::epoch_milliseconds);
  REQUIRE(ms.ok());
  CHECK(ms.epoch_seconds == 1709164800);  // 2024-02-29T00:00:00Z
  CHECK_FALSE(parse_epoch("1709164800123", timestamp_format::epoch_milliseconds).ok());
  CHECK_FALSE(parse_epoch("17091648.5", timestamp_format::epoch_seconds).ok());
  CHECK_FALSE(parse_epoch("", timestamp_format::epoch_seconds).ok());
  CHECK_FALSE(parse_epoch("+5", timestamp_format::epoch_seconds).ok());
  CHECK(std::string(parse_epoch("99999999999999999999", timestamp_format::epoch_seconds).error)
            .find("out of range") != std::string::npos);
  // The accepted range is the years ISO text can express, 0000-9999.
  CHECK(parse_epoch("253402300799", timestamp_format::epoch_seconds).ok());
  CHECK(std::string(parse_epoch("253402300800", timestamp_format::epoch_seconds).error)
            .find("0000-9999") != std::string::npos);
  CHECK(parse_epoch("-62167219200", timestamp_format::epoch_seconds).ok());
  CHECK_FALSE(parse_epoch("-62167219201", timestamp_format::epoch_seconds).ok());
  CHECK_FALSE(parse_epoch("9000000000000000000", timestamp_format::epoch_milliseconds).ok());
  CHECK(format_iso8601(-62167219200) == "0000-01-01T00:00:00Z");
}

TEST_CASE("the timestamp format is detected from the first data row", "[intake][timestamp]") {
  CHECK(detect_timestamp_format("2025-07-04T11:35:00Z") == timestamp_format::iso8601);
  CHECK(detect_timestamp_format("2025-07-04 11:35:00+00:00") == timestamp_format::iso8601);
  CHECK(detect_timestamp_format("1751628900") == timestamp_format::epoch_seconds);
  CHECK(detect_timestamp_format("1751628900000") == timestamp_format::epoch_milliseconds);
  // The threshold: 1e11 - 1 seconds is year 5138, 1e11 ms is 1973-03-03.
  CHECK(detect_timestamp_format("99999999999") == timestamp_format::epoch_seconds);
  CHECK(detect_timestamp_format("100000000000") == timestamp_format::epoch_milliseconds);
  CHECK(detect_timestamp_format("-3600") == timestamp_format::epoch_seconds);
  CHECK_FALSE(detect_timestamp_format("yesterday").has_value());
  CHECK_FALSE(detect_timestamp_format("1751628900.0").has_value());
  CHECK_FALSE(detect_timestamp_format("").has_value());
}

TEST_CASE("epoch seconds format as ISO-8601 UTC with Z", "[intake][timestamp]") {
  CHECK(format_iso8601(0) == "1970-01-01T00:00:00Z");
  CHECK(format_iso8601(-1) == "1969-12-31T23:59:59Z");
  CHECK(format_iso8601(1709164800) == "2024-02-29T00:00:00Z");
  CHECK(format_iso8601(1704067199) == "2023-12-31T23:59:59Z");
  CHECK(format_iso8601(2147483647) == "2038-01-19T03:14:07Z");
  CHECK(format_iso8601(-11670998400) == "1600-02-29T00:00:00Z");
  CHECK(format_iso8601(253402300799) == "9999-12-31T23:59:59Z");
}

TEST_CASE("formatting and parsing are inverse over four centuries of day starts and times",
          "[intake][timestamp]") {
  // Every 7th day plus a varying time of day from 1800 to 2200: covers all months, leap and
  // century years. Round-trip is an invariant independent of any single reference value.
  const std::int64_t start = -5364662400;  // 1800-01-01T00:00:00Z
  const std::int64_t stop = 7258118400;    // 2200-01-01T00:00:00Z
  std::int64_t checked = 0;
  for (std::int64_t t = start; t < stop; t += 7 * 86400 + 3661) {
    const std::string text = format_iso8601(t);
    const auto back = parse_iso8601(text);
    INFO(t << " -> " << text);
    REQUIRE(back.ok());
    REQUIRE(back.epoch_seconds == t);
    ++checked;
  }
  CHECK(checked > 20000);
  // days_from_civil and civil_from_days agree on every day of those four centuries.
  for (std::int64_t day = -62091; day < 84006; ++day) {
    const civil_date date = civil_from_days(day);
    REQUIRE(days_from_civil(date.year, date.month, date.day) == day);
    REQUIRE(date.day <= days_in_month(date.year, date.month));
  }
}

TEST_CASE("floor division buckets negative timestamps downwards", "[intake][timestamp]") {
  CHECK(floor_div(7, 2) == 3);
  CHECK(floor_div(-7, 2) == -4);
  CHECK(floor_div(-8, 2) == -4);
  CHECK(floor_mod(-7, 3600) == 3593);
  CHECK(floor_mod(7200, 3600) == 0);
}
