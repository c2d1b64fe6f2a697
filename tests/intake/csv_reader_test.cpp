// The strict OHLCV CSV reader: every accepted form and every fatal condition, the latter with a
// real malformed file each (tests/data/malformed/, described by cases.tsv).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "mtf/intake/csv_reader.hpp"

using namespace mtf::intake;
namespace fs = std::filesystem;

namespace {
const fs::path intake_dir = fs::path(MTF_TEST_DATA_DIR) / "intake";
const fs::path malformed_dir = fs::path(MTF_TEST_DATA_DIR) / "malformed";

// The four bars of tests/data/intake/bars_*.csv, written down by hand.
void check_the_four_reference_bars(const mtf::bar_series& s) {
  REQUIRE(s.size() == 4);
  // 2025-07-04T11:35:00Z = 1751628900 (Python calendar.timegm), then 5-minute steps.
  CHECK(s.timestamp == std::vector<std::int64_t>{1751628900, 1751629200, 1751629500, 1751629800});
  CHECK(s.open == std::vector<double>{108989.4, 108953.4, 108990, 108960.25});
  CHECK(s.high == std::vector<double>{108989.4, 109000, 108995.5, 108961});
  CHECK(s.low == std::vector<double>{108941.4, 108900.1, 108950, 108800});
  CHECK(s.close == std::vector<double>{108953.4, 108990, 108960.25, 108850});
  CHECK(s.volume == std::vector<double>{219.412, 105.5, 0, 1000});
  CHECK(s.bar_seconds == 300);
}

struct malformed_case {
  std::string file;
  std::size_t line = 0;
  std::string field;  // "-" = no field
  std::string substring;
};

std::vector<malformed_case> read_cases() {
  std::ifstream in(malformed_dir / "cases.tsv");
  REQUIRE(in);
  std::vector<malformed_case> cases;
  std::string row;
  while (std::getline(in, row)) {
    if (row.empty()) continue;
    std::vector<std::string> parts;
    std::stringstream split(row);
    std::string part;
    while (std::getline(split, part, '\t'))
      parts.push_back(part);
    INFO("cases.tsv row: " << row);
    REQUIRE(parts.size() == 4);
    cases.push_back({parts[0], std::stoul(parts[1]), parts[2], parts[3]});
  }
  return cases;
}
}  // namespace

TEST_CASE("ISO, epoch-second and epoch-millisecond files read to the same bars", "[intake][csv]") {
  const auto iso = read_csv(intake_dir / "bars_iso.csv");
  check_the_four_reference_bars(iso);
  CHECK(iso.symbol == "bars_iso");
  CHECK(iso.source == (intake_dir / "bars_iso.csv").string());
  check_the_four_reference_bars(read_csv(intake_dir / "bars_epoch_seconds.csv"));
  check_the_four_reference_bars(read_csv(intake_dir / "bars_epoch_ms.csv"));
}

TEST_CASE("a BOM, CRLF line ends, header case, offsets and trailing blank lines are tolerated",
          "[intake][csv]") {
  const auto s = read_csv(intake_dir / "bars_bom_crlf_offsets.csv", "BTCUSDT");
  check_the_four_reference_bars(s);
  CHECK(s.symbol == "BTCUSDT");
}

TEST_CASE("a file without a final newline reads its last row", "[intake][csv]") {
  const auto s = read_csv_text(
      "timestamp,open,high,low,close,volume\n"
      "0,1,2,0.5,1.5,3\n"
      "3600,1.5,1.5,1.5,1.5,0",
      "mem/unix.csv");
  REQUIRE(s.size() == 2);
  CHECK(s.timestamp[1] == 3600);
  CHECK(s.close[1] == 1.5);
  CHECK(s.bar_seconds == 3600);
  CHECK(s.symbol == "unix");
}

TEST_CASE("a single data row reads with an unknown bar length", "[intake][csv]") {
  const auto s = read_csv_text("timestamp,open,high,low,close,volume\n0,1,1,1,1,1\n", "one.csv");
  CHECK(s.size() == 1);
  CHECK(s.bar_seconds == 0);
}

TEST_CASE("the bar length is the most common step, not the first one", "[intake][csv]") {
  const auto s = read_csv_text(
      "timestamp,open,high,low,close,volume\n"
      "0,1,1,1,1,1\n"
      "7200,1,1,1,1,1\n"  // a gap of one missing hour comes first
      "10800,1,1,1,1,1\n"
      "14400,1,1,1,1,1\n",
      "gappy.csv");
  CHECK(s.bar_seconds == 3600);
}

TEST_CASE("every malformed file fails at the documented line and field", "[intake][csv]") {
  const auto cases = read_cases();
  std::set<std::string> covered;
  for (const auto& c : cases) {
    INFO("case " << c.file);
    covered.insert(c.file);
    const fs::path path = malformed_dir / c.file;
    REQUIRE(fs::exists(path));
    try {
      (void)read_csv(path);
      FAIL("no exception for " << c.file);
    } catch (const mtf::data_error& e) {
      const std::string message = e.what();
      INFO("message: " << message);
      CHECK(e.code() == mtf::exit_code::bad_data);
      CHECK(e.file() == path.string());
      CHECK(e.line() == c.line);
      CHECK(e.field() == (c.field == "-" ? std::string{} : c.field));
      CHECK(message.rfind(path.string() + ":" + std::to_string(c.line) + ": ", 0) == 0);
      if (c.field != "-") CHECK(message.find("field '" + c.field + "'") != std::string::npos);
      CHECK(message.find(c.substring) != std::string::npos);
    }
  }
  // Every malformed file is described in cases.tsv, so the CLI test exercises all of them.
  for (const auto& entry : fs::directory_iterator(malformed_dir)) {
    if (entry.path().extension() != ".csv") continue;
    INFO("file without a cases.tsv line: " << entry.path().filename());
    CHECK(covered.count(entry.path().filename().string()) == 1);
  }
  CHECK(cases.size() >= 20);
}

TEST_CASE("timestamps out of order name both timestamps", "[intake][csv]") {
  try {
    (void)read_csv(malformed_dir / "timestamp_backwards.csv");
    FAIL("no exception");
  } catch (const mtf::data_error& e) {
    const std::string message = e.what();
    CHECK(message.find("2025-07-04T11:30:00Z") != std::string::npos);
    CHECK(message.find("2025-07-04T11:40:00Z") != std::string::npos);
    CHECK(message.find("goes backwards") != std::string::npos);
  }
  // Epoch files show the raw text next to the readable instant.
  try {
    (void)read_csv_text(
        "timestamp,open,high,low,close,volume\n1751629200,1,1,1,1,1\n1751629200,1,1,1,1,1\n",
        "epoch.csv");
    FAIL("no exception");
  } catch (const mtf::data_error& e) {
    CHECK(e.line() == 3);
    CHECK(std::string(e.what()).find(
              "duplicate timestamp 2025-07-04T11:40:00Z (1751629200) is not after "
              "2025-07-04T11:40:00Z on line 2") != std::string::npos);
  }
}

TEST_CASE("out-of-range and signed numbers are unparsable or non-positive", "[intake][csv]") {
  const std::string header = "timestamp,open,high,low,close,volume\n";
  const auto message_of = [&](const std::string& row) {
    try {
      (void)read_csv_text(header + row, "x.csv");
    } catch (const mtf::data_error& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  CHECK(message_of("0,1e999,1,1,1,1\n").find("out of the range") != std::string::npos);
  CHECK(message_of("0,+1,1,1,1,1\n").find("cannot parse '+1'") != std::string::npos);
  CHECK(message_of("0, 1,1,1,1,1\n").find("cannot parse ' 1'") != std::string::npos);
  CHECK(message_of("0,-1,1,1,1,1\n").find("field 'open': non-positive price '-1'") !=
        std::string::npos);
  CHECK(message_of("0,1,1,1,1,1,\n").find("found 7") != std::string::npos);
  CHECK(message_of("0,1,1,1,1,nan\n").find("non-finite volume") != std::string::npos);
  CHECK(message_of("0,1,NaN,1,1,1\n").find("field 'high': non-finite price") != std::string::npos);
  CHECK(message_of("0,1,1,1,1,0\n") == "no exception");  // zero volume is a warning, not fatal
}

TEST_CASE("long offending text is shortened in messages", "[intake][csv]") {
  const std::string junk(500, 'x');
  try {
    (void)read_csv_text("timestamp,open,high,low,close,volume\n0," + junk + ",1,1,1,1\n", "x.csv");
    FAIL("no exception");
  } catch (const mtf::data_error& e) {
    CHECK(std::string(e.what()).size() < 200);
  }
}

TEST_CASE("a missing file is a data error naming it", "[intake][csv]") {
  const fs::path missing = malformed_dir / "does_not_exist.csv";
  try {
    (void)read_csv(missing);
    FAIL("no exception");
  } catch (const mtf::data_error& e) {
    CHECK(e.file() == missing.string());
    CHECK(std::string(e.what()).find("cannot open") != std::string::npos);
  }
  CHECK_THROWS_AS(read_csv(malformed_dir), mtf::data_error);
}

TEST_CASE("corrupted and truncated files either read or throw data_error, never anything else",
          "[intake][csv]") {
  const std::string valid =
      "timestamp,open,high,low,close,volume\n"
      "2025-07-04T11:35:00Z,108989.4,108989.4,108941.4,108953.4,219.412\n"
      "2025-07-04T11:40:00Z,108953.4,109000,108900.1,108990,105.5\n"
      "2025-07-04T11:45:00Z,108990,108995.5,108950,108960.25,0\n";
  const auto outcome = [](const std::string& text) {
    try {
      const auto s = read_csv_text(text, "fuzz.csv");
      // Whatever is accepted satisfies the reader's promises.
      for (std::size_t i = 0; i < s.size(); ++i) {
        REQUIRE(s.low[i] <= std::min(s.open[i], s.close[i]));
        REQUIRE(s.high[i] >= std::max(s.open[i], s.close[i]));
        REQUIRE(s.low[i] > 0);
        REQUIRE(s.volume[i] >= 0);
        if (i > 0) REQUIRE(s.timestamp[i] > s.timestamp[i - 1]);
      }
      return 0;
    } catch (const mtf::data_error& e) {
      // Line 1 up to one past the last line (a header-only file is reported at line 2).
      REQUIRE(e.line() >= 1);
      REQUIRE(e.line() <= static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 2);
      return 1;
    }
  };
  std::size_t rejected = 0;
  for (std::size_t cut = 0; cut <= valid.size(); ++cut)
    rejected += outcome(valid.substr(0, cut));
  CHECK(rejected > 0);

  const unsigned seed = 7;
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  const std::string alphabet = "0123456789-:TZ.,\n\r +eEnaif";
  std::uniform_int_distribution<std::size_t> position(0, valid.size() - 1);
  std::uniform_int_distribution<std::size_t> symbol(0, alphabet.size() - 1);
  rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string text = valid;
    for (int k = 0; k < 1 + trial % 3; ++k)
      text[position(rng)] = alphabet[symbol(rng)];
    rejected += outcome(text);
  }
  CHECK(rejected > 1000);
}

TEST_CASE("error messages escape the non-printable bytes of the input", "[intake][csv]") {
  // An ANSI escape sequence and a bell inside a price, and binary garbage in the header.
  const std::string bad_price =
      "timestamp,open,high,low,close,volume\n2024-01-05T00:00:00Z,1,2,0.5,\x1b[2J\x07"
      "1.5,10\n";
  const std::string binary_header = std::string("\x7f\x45LF\x02\x01\x01\0\0\0", 10) + "\n1,2\n";
  for (const auto& text : {bad_price, binary_header}) {
    try {
      (void)read_csv_text(text, "hostile.csv");
      FAIL("a hostile file was accepted");
    } catch (const mtf::data_error& e) {
      const std::string message = e.what();
      INFO(message);
      for (const char c : message) {
        const auto byte = static_cast<unsigned char>(c);
        CHECK((byte >= 0x20 && byte != 0x7f));
      }
      CHECK(message.find("hostile.csv") != std::string::npos);
    }
  }
  try {
    (void)read_csv_text(bad_price, "hostile.csv");
  } catch (const mtf::data_error& e) {
    CHECK(std::string(e.what()).find("'\\x1b[2J\\x071.5'") != std::string::npos);
    CHECK(e.field() == "close");
    CHECK(e.line() == 2);
  }
}
