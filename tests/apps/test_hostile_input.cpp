// The operator's side of issue 17: stock files (daily and intraday) pass intake with
// `--calendar equities`, a bad --out fails before any training, and hostile bytes in an input
// file never reach the terminal raw.
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "app_fixtures.hpp"

namespace fs = std::filesystem;
using namespace mtf::test_apps;

namespace {

const fs::path spy = fs::path(MTF_SHARED_DATA_DIR) / "spy_1d.csv";

/// 5-minute stock bars in a 13:30-19:55 UTC session (78 bars) on `sessions` weekdays from
/// Monday 2024-01-01, skipping one holiday a month (the 10th weekday), a half day ending at
/// 17:55 every 20th weekday, and, on the first `holed_sessions` full sessions from weekday 30
/// on, the 60 bars from 14:20 to 19:15 missing (a hole inside the session: a real gap).
std::vector<candle> stock_5m(int sessions, int holed_sessions) {
  std::vector<candle> out;
  std::uint64_t state = 12345;
  double price = 400.0;
  const std::int64_t monday = 1'704'067'200;
  int weekday_index = 0, holed_done = 0;
  for (std::int64_t d = 0; weekday_index < sessions; ++d) {
    if ((d % 7) >= 5) continue;  // Saturday, Sunday
    ++weekday_index;
    if (weekday_index % 21 == 10) continue;                  // a holiday: no bar at all
    const int last_bar = weekday_index % 20 == 0 ? 54 : 77;  // half day ends at 17:55
    const bool holed = last_bar == 77 && weekday_index >= 30 && holed_done < holed_sessions;
    holed_done += holed ? 1 : 0;
    for (int k = 0; k <= last_bar; ++k) {
      if (holed && k >= 10 && k < 70) continue;
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      const double r = (static_cast<double>(state >> 11) / 9007199254740992.0 - 0.5) * 0.004;
      const double open = price;
      price *= 1.0 + r;
      out.push_back({monday + d * 86'400 + 13 * 3600 + 30 * 60 + k * 300, open,
                     std::max(open, price) * 1.0005, std::min(open, price) * 0.9995, price,
                     1000.0 + k});
    }
  }
  return out;
}

}  // namespace

TEST_CASE("daily SPY bars pass intake with --calendar equities, not without (shared data)",
          "[apps][e2e][equities]") {
  if (!fs::exists(spy)) {
    WARN("skipped: " << spy.string() << " is not available");
    return;
  }
  temp_dir dir("spy");
  const auto bin = fast_binary("retrain_24h_fast");
  const auto crypto =
      run(bin, {"--data", spy.string(), "--out", "models", "--report-only"}, dir.path());
  CHECK(crypto.exit_code == 2);
  // The trailing 730-day window (2021-01-07 .. 2023-01-06) holds 504 sessions.
  CHECK(crypto.err.find("missing bars are 31% of expected bars") != std::string::npos);

  const auto equities = run(bin,
                            {"--data", spy.string(), "--out", "models", "--report-only",
                             "--calendar", "equities", "--threads", "1"},
                            dir.path());
  INFO("stdout:\n" << equities.out << "\nstderr:\n" << equities.err);
  REQUIRE(equities.exit_code == 0);  // report-only: the whole pipeline ran
  // min_bars 700 counts 24/7 days: under equities the same span needs ceil(700 * 252 / 365) = 484.
  CHECK(equities.out.find("504 bars  2021-01-07 00:00 .. 2023-01-06 00:00  gaps 0") !=
        std::string::npos);
  CHECK(equities.out.find("REPORT ONLY") != std::string::npos);
}

TEST_CASE(
    "intraday stock bars pass intake with --calendar equities, and a hole in a session counts",
    "[apps][e2e][equities]") {
  temp_dir dir("stock-5m");
  const auto bin = fast_binary("retrain_5m_fast");
  const auto clean = dir / "stock_5m.csv";
  const auto holed = dir / "stock_5m_hole.csv";
  write_candles(clean, stock_5m(360, 0));
  write_candles(holed, stock_5m(360, 30));

  const auto crypto =
      run(bin, {"features", "--data", clean.string(), "--out", "f.csv"}, dir.path());
  CHECK(crypto.exit_code == 2);
  CHECK(crypto.err.find("missing bars are") != std::string::npos);

  const auto equities =
      run(bin, {"features", "--data", clean.string(), "--out", "f.csv", "--calendar", "equities"},
          dir.path());
  INFO("stderr:\n" << equities.err);
  CHECK(equities.exit_code == 0);
  CHECK(fs::exists(dir / "f.csv"));

  // 30 sessions with a 60-bar hole inside: 1,800 of 26,363 expected bars (343 sessions of 78
  // bars, 17 half days 23 bars short) are missing, 6.83% > max_gap_share 5%; the 17 holidays
  // and the half days still do not count. (24,563 bars are also below min_bars 25,000.)
  const auto hole =
      run(bin, {"features", "--data", holed.string(), "--out", "h.csv", "--calendar", "equities"},
          dir.path());
  INFO("hole stderr:\n" << hole.err);
  CHECK(hole.exit_code == 2);
  CHECK(hole.err.find("missing bars are 6.83% of expected bars") != std::string::npos);
  CHECK(hole.err.find("only 24563 5m bars") != std::string::npos);
}

TEST_CASE("an unknown --calendar is a usage error before any work", "[apps][e2e]") {
  temp_dir dir("calendar-usage");
  const auto r = run(fast_binary("retrain_24h_fast"),
                     {"--data", bundled_1h().string(), "--calendar", "lunar"}, dir.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("--calendar") != std::string::npos);
}

TEST_CASE("train with --out naming a file fails before training, report-only or not",
          "[apps][e2e]") {
  temp_dir dir("out-is-file");
  write_text(dir / "F", "not a directory\n");
  for (const bool report_only : {true, false}) {
    std::vector<std::string> args{"--data", bundled_1h().string(), "--out", "F"};
    if (report_only) args.push_back("--report-only");
    const auto r = run(fast_binary("retrain_24h_fast"), args, dir.path());
    INFO("report-only " << report_only << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("cannot use --out F: F exists and is not a directory") != std::string::npos);
    CHECK(r.err.find("internal error") == std::string::npos);
    CHECK(r.err.find("[models") == std::string::npos);  // no training stage ran
    CHECK(slurp(dir / "F") == "not a directory\n");
  }
}

TEST_CASE("hostile bytes of an input file are escaped in the error message", "[apps][e2e]") {
  temp_dir dir("hostile");
  // A terminal escape sequence (clear screen, red) and a bell inside the close field.
  write_text(dir / "hostile.csv",
             "timestamp,open,high,low,close,volume\n"
             "2024-01-05T00:00:00Z,1,2,0.5,\x1b[2J\x1b[31m\x07"
             "1.5,10\n");
  const auto r = run(fast_binary("retrain_24h_fast"),
                     {"--data", (dir / "hostile.csv").string(), "--out", "m"}, dir.path());
  INFO("stderr:\n" << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find('\x1b') == std::string::npos);
  CHECK(r.err.find('\x07') == std::string::npos);
  CHECK(r.err.find("\\x1b[2J\\x1b[31m\\x071.5") != std::string::npos);
  CHECK(r.err.find("hostile.csv:2: field 'close'") != std::string::npos);
}
