#pragma once
/// \file The strict OHLCV CSV reader of SPEC §4.1: `timestamp,open,high,low,close,volume`.
/// Every per-row fatal check of SPEC §4.2 happens here because only here is the file:line known.
/// One pass over the text held in memory; fields are string_views and numbers go through
/// `std::from_chars`, so no allocation happens per field or per line.

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

// g++ 12 at -O3 reports a false -Wrestrict inside data_error's message concatenation (GCC PR
// 105329/105651) whenever the error carries a field name; the pragma must surround the first
// inclusion because the diagnostic is classified at errors.hpp's own source locations.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
#include "mtf/core/errors.hpp"
#pragma GCC diagnostic pop

#include "mtf/core/printable.hpp"
#include "mtf/intake/bar_interval.hpp"
#include "mtf/intake/bar_series.hpp"
#include "mtf/intake/timestamp.hpp"

namespace mtf::intake {

/// The required header, in order (compared case-insensitively).
inline constexpr std::array<std::string_view, 6> csv_columns{"timestamp", "open",  "high",
                                                             "low",       "close", "volume"};

namespace csv_detail {

/// Quotes offending text for a message, shortened so a binary file cannot flood the terminal and
/// with every non-printable byte escaped as \xHH (mtf::printable) so it cannot drive it either.
inline std::string quote(std::string_view text) {
  constexpr std::size_t max_shown = 60;
  std::string out = "'";
  out.append(printable(text.substr(0, max_shown), false));
  if (text.size() > max_shown) out += "...";
  out += "'";
  return out;
}

inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

/// Strips one trailing '\r' (CRLF files).
constexpr std::string_view strip_cr(std::string_view line) noexcept {
  return !line.empty() && line.back() == '\r' ? line.substr(0, line.size() - 1) : line;
}

/// True when the text holds nothing but line breaks and blanks (a tolerated file ending).
constexpr bool only_blank(std::string_view text) noexcept {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

/// Splits a line into exactly six fields; false when the count differs.
inline bool split_fields(std::string_view line, std::array<std::string_view, 6>& fields) noexcept {
  std::size_t begin = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    const std::size_t comma = line.find(',', begin);
    if (comma == std::string_view::npos) return false;
    fields[i] = line.substr(begin, comma - begin);
    begin = comma + 1;
  }
  fields[5] = line.substr(begin);
  return fields[5].find(',') == std::string_view::npos;
}

/// The file name without directories or extension ("data/btcusdt_5m.csv" -> "btcusdt_5m").
inline std::string stem_of(const std::string& source_name) {
  return std::filesystem::path(source_name).stem().string();
}

}  // namespace csv_detail

/// Parses OHLCV CSV text. `source_name` is used in messages and, unless `symbol` is given, its
/// file stem becomes the series symbol. The header (line 1) must be exactly
/// `timestamp,open,high,low,close,volume` (any case; a UTF-8 BOM and CRLF line ends are
/// tolerated); blank lines are allowed only at the end. The timestamp format is detected from the
/// first data row and must hold for every row. `bar_seconds` is the modal step
/// (detect_bar_seconds; 0 for a single bar).
/// Throws mtf::data_error naming source:line and the field for: a missing or wrong header, an
/// empty file or one without data rows, a wrong column count, an unparsable field (quoted), a
/// non-finite or non-positive price, a negative or non-finite volume, low > high,
/// high < max(open, close), low > min(open, close), and timestamps that are not strictly
/// increasing (both are named).
inline bar_series read_csv_text(std::string_view text, std::string source_name,
                                std::string symbol = {}) {
  using csv_detail::quote;
  const auto fail = [&](std::size_t line, std::string field, const std::string& message) {
    throw data_error(source_name, line, std::move(field), message);
  };
  const std::string expected_header = "timestamp,open,high,low,close,volume";

  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
    text.remove_prefix(3);
  if (csv_detail::only_blank(text))
    fail(1, "", "the file is empty: expected the header " + expected_header + " and data rows");

  // ---- header (line 1)
  std::size_t line_end = text.find('\n');
  if (line_end == std::string_view::npos) line_end = text.size();
  const std::string_view header = csv_detail::strip_cr(text.substr(0, line_end));
  {
    std::array<std::string_view, 6> names{};
    bool header_ok = csv_detail::split_fields(header, names);
    for (std::size_t i = 0; header_ok && i < names.size(); ++i) {
      header_ok = csv_detail::iequals(names[i], csv_columns[i]);
    }
    if (!header_ok) {
      const bool looks_like_data = !header.empty() && header[0] >= '0' && header[0] <= '9';
      fail(1, "",
           (looks_like_data ? "missing header: line 1 looks like data " + quote(header)
                            : "bad header " + quote(header)) +
               "; the first line must be exactly " + expected_header);
    }
  }

  bar_series series;
  series.source = source_name;
  series.symbol = symbol.empty() ? csv_detail::stem_of(source_name) : std::move(symbol);

  std::size_t pos = line_end < text.size() ? line_end + 1 : text.size();
  if (csv_detail::only_blank(text.substr(pos)))
    fail(2, "", "no data rows: the file ends after the header");
  {
    // Reserve from the first data row's length: one allocation per column for typical files
    // without a separate counting pass over the text.
    const std::size_t first_len =
        std::max<std::size_t>(16, std::min(text.size() - pos, text.find('\n', pos) - pos + 1));
    series.reserve((text.size() - pos) / first_len * 5 / 4 + 16);
  }

  std::optional<timestamp_format> format;
  std::size_t line_number = 1;
  std::array<std::string_view, 6> fields{};
  std::int64_t previous_timestamp = 0;

  while (pos < text.size()) {
    ++line_number;
    line_end = text.find('\n', pos);
    if (line_end == std::string_view::npos) line_end = text.size();
    const std::string_view line = csv_detail::strip_cr(text.substr(pos, line_end - pos));
    pos = line_end < text.size() ? line_end + 1 : text.size();

    if (line.empty()) {
      if (csv_detail::only_blank(text.substr(pos))) break;  // blank lines at the end
      fail(line_number, "", "empty line inside the data");
    }
    if (!csv_detail::split_fields(line, fields)) {
      const auto columns = std::count(line.begin(), line.end(), ',') + 1;
      fail(line_number, "",
           "wrong column count: expected 6 (" + expected_header + "), found " +
               std::to_string(columns) + " in " + quote(line));
    }

    // ---- timestamp: the first data row fixes the format for the whole file
    if (!format) {
      format = detect_timestamp_format(fields[0]);
      if (!format)
        fail(line_number, "timestamp",
             "cannot parse " + quote(fields[0]) +
                 " as a timestamp: expected ISO-8601 UTC (2025-07-04T11:35:00Z) or integer "
                 "epoch seconds/milliseconds");
    }
    const timestamp_parse_result ts = parse_timestamp(fields[0], *format);
    if (!ts.ok())
      fail(line_number, "timestamp",
           "cannot parse " + quote(fields[0]) + " as " + std::string(to_string(*format)) +
               " (the format of the first data row, line 2): " + std::string(ts.error));

    // ---- numbers
    std::array<double, 5> values{};
    for (std::size_t i = 0; i < 5; ++i) {
      const std::string_view field = fields[i + 1];
      const char* const end = field.data() + field.size();
      const auto [ptr, ec] = std::from_chars(field.data(), end, values[i]);
      if (field.empty()) fail(line_number, std::string(csv_columns[i + 1]), "empty value");
      if (ec == std::errc::result_out_of_range)
        fail(line_number, std::string(csv_columns[i + 1]),
             "number " + quote(field) + " is out of the range of a double");
      if (ec != std::errc{} || ptr != end)
        fail(line_number, std::string(csv_columns[i + 1]),
             "cannot parse " + quote(field) + " as a number");
    }
    const double open = values[0], high = values[1], low = values[2], close = values[3],
                 volume = values[4];

    // ---- per-row sanity (SPEC §4.2 fatal checks)
    for (std::size_t i = 0; i < 4; ++i) {
      if (!std::isfinite(values[i]))
        fail(line_number, std::string(csv_columns[i + 1]),
             "non-finite price " + quote(fields[i + 1]));
      if (values[i] <= 0.0)
        fail(line_number, std::string(csv_columns[i + 1]),
             "non-positive price " + quote(fields[i + 1]));
    }
    if (!std::isfinite(volume))
      fail(line_number, "volume", "non-finite volume " + quote(fields[5]));
    if (volume < 0.0) fail(line_number, "volume", "negative volume " + quote(fields[5]));
    if (low > high)
      fail(line_number, "low",
           "low " + std::string(fields[3]) + " is above high " + std::string(fields[2]));
    if (high < std::max(open, close))
      fail(line_number, "high",
           "high " + std::string(fields[2]) + " is below max(open " + std::string(fields[1]) +
               ", close " + std::string(fields[4]) + ")");
    if (low > std::min(open, close))
      fail(line_number, "low",
           "low " + std::string(fields[3]) + " is above min(open " + std::string(fields[1]) +
               ", close " + std::string(fields[4]) + ")");

    if (!series.empty() && ts.epoch_seconds <= previous_timestamp) {
      const std::string what = ts.epoch_seconds == previous_timestamp
                                   ? "duplicate timestamp "
                                   : "timestamp goes backwards: ";
      const std::string current = format_iso8601(ts.epoch_seconds);
      // Epoch files get the raw text too, so the user can find the row by what it says.
      const std::string raw =
          fields[0] == current ? std::string{} : " (" + std::string(fields[0]) + ")";
      fail(line_number, "timestamp",
           what + current + raw + " is not after " + format_iso8601(previous_timestamp) +
               " on line " + std::to_string(line_number - 1) +
               "; timestamps must be strictly increasing");
    }
    previous_timestamp = ts.epoch_seconds;
    series.push_back(ts.epoch_seconds, open, high, low, close, volume);
  }

  series.bar_seconds = detect_bar_seconds(series.timestamp);
  return series;
}

/// Reads a whole OHLCV CSV file (see read_csv_text for the format and every check). The symbol is
/// the file stem unless `symbol` is given. Throws mtf::data_error (line 0) when the file cannot
/// be opened or read.
inline bar_series read_csv(const std::filesystem::path& path, std::string symbol = {}) {
  const std::string name = path.string();
  // One read of the whole file: line-by-line iostreams would dominate the parse time.
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(name.c_str(), "rb"),
                                                             &std::fclose);
  if (!file)
    throw data_error(name, 0, "", std::string("cannot open the file: ") + std::strerror(errno));
  std::error_code size_error;
  if (std::filesystem::is_directory(path, size_error))
    throw data_error(name, 0, "", "is a directory, not a CSV file");
  std::string text;
  const auto expected_size = std::filesystem::file_size(path, size_error);
  if (!size_error) {
    text.resize(static_cast<std::size_t>(expected_size));
    text.resize(std::fread(text.data(), 1, text.size(), file.get()));
  }
  // Whatever the size query missed (a pipe, a file still growing) is appended in chunks.
  char buffer[1 << 14];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, file.get())) > 0)
    text.append(buffer, got);
  if (std::ferror(file.get()))
    throw data_error(name, 0, "", std::string("read error: ") + std::strerror(errno));
  return read_csv_text(text, name, std::move(symbol));
}

}  // namespace mtf::intake
