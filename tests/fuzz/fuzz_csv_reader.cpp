// Fuzzes the OHLCV CSV reader and what intake does with a series it accepts: the quality checks
// under both calendars and resampling to every policy bar length. Invariants checked on accepted
// files: strictly increasing timestamps, finite positive prices, OHLC consistency, non-negative
// volume; error messages never carry a non-printable byte of the input.
#include <cmath>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "mtf/intake/csv_reader.hpp"
#include "mtf/intake/quality_checks.hpp"
#include "mtf/intake/resample.hpp"

namespace {

void check_printable(const std::string& message) {
  for (const char c : message) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F) mtf::fuzz::finding("non-printable byte in message: " + message);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mtf::intake;
  mtf::bar_series s;
  try {
    s = read_csv_text(mtf::fuzz::as_text(data, size), "fuzz.csv");
  } catch (const mtf::data_error& e) {
    check_printable(e.what());
    return 0;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && !(s.timestamp[i] > s.timestamp[i - 1])) mtf::fuzz::finding("not increasing");
    for (double p : {s.open[i], s.high[i], s.low[i], s.close[i]})
      if (!(std::isfinite(p) && p > 0)) mtf::fuzz::finding("bad price accepted");
    if (!(s.low[i] <= std::min(s.open[i], s.close[i]) &&
          s.high[i] >= std::max(s.open[i], s.close[i])))
      mtf::fuzz::finding("OHLC inconsistency accepted");
    if (!(s.volume[i] >= 0 && std::isfinite(s.volume[i]))) mtf::fuzz::finding("bad volume");
  }
  for (const auto cal : {calendar::crypto, calendar::equities}) {
    const auto q = measure_quality(s, quality_spec{}, 10, cal);
    if (q.expected_bars != q.bars + q.missing_bars) mtf::fuzz::finding("expected != bars+missing");
    if (!(q.gap_share >= 0 && q.gap_share <= 1)) mtf::fuzz::finding("gap share outside [0,1]");
  }
  for (const std::int64_t target : {300, 3600, 43200, 86400}) {
    try {
      const auto r = resample(s, target);
      for (std::size_t i = 1; i < r.bars.size(); ++i)
        if (!(r.bars.timestamp[i] > r.bars.timestamp[i - 1]))
          mtf::fuzz::finding("resampled bars not increasing");
    } catch (const mtf::data_error& e) {
      check_printable(e.what());
    }
  }
  return 0;
}
