#pragma once
/// \file Bar timestamps: ISO-8601 UTC text and integer epoch seconds/milliseconds to UTC epoch
/// seconds and back. Hand-written calendar arithmetic (Howard Hinnant's days-from-civil) so that
/// no locale, time zone database or `std::get_time` is involved and parsing costs a few dozen
/// integer operations per row.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace mtf::intake {

/// A proleptic Gregorian calendar date.
struct civil_date {
  std::int64_t year = 1970;
  unsigned month = 1;  ///< 1..12
  unsigned day = 1;    ///< 1..31
};

/// Days since 1970-01-01 of a proleptic Gregorian date (negative before 1970). Valid for every
/// date representable in `int64`; the caller checks month/day ranges. Hinnant's algorithm:
/// count from 0000-03-01 so the leap day is the last day of the shifted year, then split the
/// calendar into 400-year eras of 146,097 days.
constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) noexcept {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);  // [0, 399]
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;  // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

/// Inverse of days_from_civil: the date `days` after 1970-01-01 (negative = before).
constexpr civil_date civil_from_days(std::int64_t days) noexcept {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);  // [0, 146096]
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);  // [0, 365]
  const unsigned shifted_month = (5 * day_of_year + 2) / 153;                  // [0, 11], March = 0
  const unsigned day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  const unsigned month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  return {static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

/// True for Gregorian leap years (divisible by 4, except centuries not divisible by 400).
constexpr bool is_leap_year(std::int64_t year) noexcept {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

/// Number of days in `month` (1..12) of `year`.
constexpr unsigned days_in_month(std::int64_t year, unsigned month) noexcept {
  constexpr unsigned lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29u : lengths[month - 1];
}

/// Floor division (rounds towards negative infinity), for bucketing pre-1970 timestamps.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// Non-negative remainder matching floor_div.
constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) noexcept {
  return a - floor_div(a, b) * b;
}

/// How a file writes its timestamps. One format holds for a whole file.
enum class timestamp_format {
  iso8601,             ///< `2025-07-04T11:35:00Z` (also a space for `T`, `+00:00` offsets)
  epoch_seconds,       ///< integer seconds since 1970-01-01T00:00:00Z
  epoch_milliseconds,  ///< integer milliseconds since 1970-01-01T00:00:00Z (whole seconds only)
};

/// Human-readable name of a timestamp format, for messages.
constexpr std::string_view to_string(timestamp_format format) noexcept {
  switch (format) {
    case timestamp_format::iso8601:
      return "ISO-8601 UTC";
    case timestamp_format::epoch_seconds:
      return "epoch seconds";
    case timestamp_format::epoch_milliseconds:
      return "epoch milliseconds";
  }
  return "unknown";
}

/// Outcome of parsing one timestamp: epoch seconds, or a short static reason why not.
struct timestamp_parse_result {
  std::int64_t epoch_seconds = 0;
  std::string_view error;  ///< empty on success; otherwise a static string saying what is wrong
  [[nodiscard]] constexpr bool ok() const noexcept { return error.empty(); }
};

namespace timestamp_detail {
/// Reads exactly `width` ASCII digits at `pos`; false when any is not a digit.
constexpr bool read_digits(std::string_view text, std::size_t pos, std::size_t width,
                           unsigned& value) noexcept {
  if (pos + width > text.size()) return false;
  value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return true;
}
constexpr timestamp_parse_result fail(std::string_view why) noexcept {
  return {0, why};
}
}  // namespace timestamp_detail

/// Parses `YYYY-MM-DDTHH:MM:SS` (or a space instead of `T`), optionally with a fraction of a
/// second that is all zeros, followed by a mandatory UTC designator: `Z`, or a numeric offset
/// `+HH:MM`, `+HHMM` or `+HH` (any offset is converted to UTC; `-00:00` is accepted as UTC).
/// A missing zone is rejected: local time is ambiguous. Returns UTC epoch seconds. Leap seconds
/// (`:60`) are rejected: exchanges do not open bars on them.
constexpr timestamp_parse_result parse_iso8601(std::string_view text) noexcept {
  using timestamp_detail::fail;
  using timestamp_detail::read_digits;
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, 0, 4, year) || text.size() < 5 || text[4] != '-')
    return fail("expected a 4-digit year followed by '-' (YYYY-MM-DD)");
  if (!read_digits(text, 5, 2, month) || text.size() < 8 || text[7] != '-')
    return fail("expected a 2-digit month followed by '-' (YYYY-MM-DD)");
  if (!read_digits(text, 8, 2, day)) return fail("expected a 2-digit day (YYYY-MM-DD)");
  if (text.size() < 11 || (text[10] != 'T' && text[10] != ' '))
    return fail("expected 'T' or ' ' and a time of day after the date");
  if (!read_digits(text, 11, 2, hour) || text.size() < 14 || text[13] != ':' ||
      !read_digits(text, 14, 2, minute) || text.size() < 17 || text[16] != ':' ||
      !read_digits(text, 17, 2, second))
    return fail("expected the time of day as HH:MM:SS");
  if (month < 1 || month > 12) return fail("month out of range 01-12");
  if (day < 1 || day > days_in_month(year, month)) return fail("day out of range for the month");
  if (hour > 23) return fail("hour out of range 00-23");
  if (minute > 59) return fail("minute out of range 00-59");
  if (second > 59) return fail("second out of range 00-59");

  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t digits_begin = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (text[pos] != '0')
        return fail("fractional seconds must be zero (bars open on whole seconds)");
      ++pos;
    }
    if (pos == digits_begin) return fail("expected digits after '.'");
  }
  if (pos >= text.size())
    return fail("missing UTC designator: append 'Z' (local times are ambiguous)");

  std::int64_t offset_seconds = 0;
  const char zone = text[pos];
  if (zone == 'Z' || zone == 'z') {
    ++pos;
  } else if (zone == '+' || zone == '-') {
    unsigned offset_hours = 0, offset_minutes = 0;
    if (!read_digits(text, pos + 1, 2, offset_hours))
      return fail("expected a UTC offset as +HH:MM");
    pos += 3;
    if (pos < text.size()) {
      const std::size_t minutes_at = text[pos] == ':' ? pos + 1 : pos;
      if (!read_digits(text, minutes_at, 2, offset_minutes))
        return fail("expected a UTC offset as +HH:MM");
      pos = minutes_at + 2;
    }
    if (offset_hours > 23 || offset_minutes > 59) return fail("UTC offset out of range");
    offset_seconds = (zone == '+' ? 1 : -1) *
                     (static_cast<std::int64_t>(offset_hours) * 3600 + offset_minutes * 60);
  } else {
    return fail("expected 'Z' or a UTC offset like +00:00 after the time");
  }
  if (pos != text.size()) return fail("unexpected characters after the UTC designator");

  const std::int64_t days = days_from_civil(year, month, day);
  // Local time = UTC + offset, so UTC = local time - offset.
  return {
      days * 86400 + static_cast<std::int64_t>(hour) * 3600 + minute * 60 + second - offset_seconds,
      {}};
}

/// Earliest and latest epoch seconds accepted from integer timestamps: the years 0000-9999 that
/// ISO-8601 text can express. Keeps differences of timestamps far from int64 overflow.
inline constexpr std::int64_t min_epoch_seconds = -62167219200;  // 0000-01-01T00:00:00Z
inline constexpr std::int64_t max_epoch_seconds = 253402300799;  // 9999-12-31T23:59:59Z

/// Parses an integer epoch timestamp (optional leading '-', digits only) in the given unit and
/// returns epoch seconds. Milliseconds must be a whole second; the instant must lie in the years
/// 0000-9999.
inline timestamp_parse_result parse_epoch(std::string_view text, timestamp_format unit) noexcept {
  std::int64_t value = 0;
  const char* const end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::result_out_of_range) return {0, "integer timestamp out of range"};
  if (ec != std::errc{} || ptr != end) return {0, "expected an integer epoch timestamp"};
  if (unit == timestamp_format::epoch_milliseconds) {
    if (value % 1000 != 0) return {0, "epoch milliseconds must be a whole second"};
    value /= 1000;
  }
  if (value < min_epoch_seconds || value > max_epoch_seconds)
    return {0, "epoch timestamp outside the years 0000-9999"};
  return {value, {}};
}

/// Parses one timestamp in the file's format; returns UTC epoch seconds or the reason.
inline timestamp_parse_result parse_timestamp(std::string_view text,
                                              timestamp_format format) noexcept {
  return format == timestamp_format::iso8601 ? parse_iso8601(text) : parse_epoch(text, format);
}

/// Integer epoch values at or above this magnitude are milliseconds: 1e11 seconds would be the
/// year 5138, while 1e11 milliseconds is 1973-03-03.
inline constexpr std::int64_t epoch_milliseconds_threshold = 100'000'000'000;

/// Decides a file's timestamp format from its first data row's timestamp field: ISO-8601 when
/// it contains '-' after the first character and a 'T' or ' '; otherwise an integer, read as
/// milliseconds when |value| >= 1e11, else as seconds. nullopt when the text is neither.
inline std::optional<timestamp_format> detect_timestamp_format(std::string_view first) noexcept {
  const bool has_dash = first.size() > 1 && first.find('-', 1) != std::string_view::npos;
  if (has_dash && first.find_first_of("T ") != std::string_view::npos)
    return timestamp_format::iso8601;
  std::int64_t value = 0;
  const char* const end = first.data() + first.size();
  const auto [ptr, ec] = std::from_chars(first.data(), end, value);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  const bool milliseconds =
      value >= epoch_milliseconds_threshold || value <= -epoch_milliseconds_threshold;
  return milliseconds ? timestamp_format::epoch_milliseconds : timestamp_format::epoch_seconds;
}

/// Formats UTC epoch seconds as `YYYY-MM-DDTHH:MM:SSZ` (years outside 0000-9999 are written
/// with as many digits as needed and a leading '-' before year 0).
inline std::string format_iso8601(std::int64_t epoch_seconds) {
  const std::int64_t days = floor_div(epoch_seconds, 86400);
  const std::int64_t second_of_day = epoch_seconds - days * 86400;
  const civil_date date = civil_from_days(days);
  const auto two = [](std::string& out, std::int64_t v) {
    out += static_cast<char>('0' + v / 10);
    out += static_cast<char>('0' + v % 10);
  };
  std::string out;
  out.reserve(20);
  std::int64_t year = date.year;
  if (year < 0) {
    out += '-';
    year = -year;
  }
  std::string year_digits = std::to_string(year);
  if (year_digits.size() < 4) out.append(4 - year_digits.size(), '0');
  out += year_digits;
  out += '-';
  two(out, date.month);
  out += '-';
  two(out, date.day);
  out += 'T';
  two(out, second_of_day / 3600);
  out += ':';
  two(out, second_of_day / 60 % 60);
  out += ':';
  two(out, second_of_day % 60);
  out += 'Z';
  return out;
}

}  // namespace mtf::intake
