// Fuzzes the timestamp parser: format detection, ISO-8601 and epoch parsing never crash, and a
// parsed instant formats back to text that parses to the same instant (for years 0000-9999).
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "mtf/intake/timestamp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mtf::intake;
  const auto text = mtf::fuzz::as_text(data, size);
  const auto format = detect_timestamp_format(text);
  for (const auto f : {timestamp_format::iso8601, timestamp_format::epoch_seconds,
                       timestamp_format::epoch_milliseconds}) {
    const auto r = parse_timestamp(text, f);
    if (!r.ok()) continue;
    if (r.epoch_seconds < min_epoch_seconds - 86400 || r.epoch_seconds > max_epoch_seconds + 86400)
      mtf::fuzz::finding("parsed instant outside the documented years: " +
                         std::to_string(r.epoch_seconds));
    const std::string back = format_iso8601(r.epoch_seconds);
    if (r.epoch_seconds >= min_epoch_seconds && r.epoch_seconds <= max_epoch_seconds) {
      const auto again = parse_iso8601(back);
      if (!again.ok() || again.epoch_seconds != r.epoch_seconds)
        mtf::fuzz::finding("round trip failed: " + back);
    }
  }
  (void)format;
  return 0;
}
