#pragma once
/// \file The in-memory candle series every stage after intake reads.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mtf {

/// OHLCV candles of one symbol, struct-of-arrays so each column is a contiguous span for the
/// indicators. `timestamp` is the bar's open time in UTC epoch seconds, strictly increasing.
struct bar_series {
  std::string symbol;            ///< e.g. "btcusdt_5m" (from the file name unless given)
  std::string source;            ///< file the bars came from, for messages
  std::int64_t bar_seconds = 0;  ///< bar length in seconds (after any resampling)
  std::vector<std::int64_t> timestamp;
  std::vector<double> open, high, low, close, volume;

  /// Number of bars.
  [[nodiscard]] std::size_t size() const noexcept { return timestamp.size(); }
  [[nodiscard]] bool empty() const noexcept { return timestamp.empty(); }
  /// Reserves room for n bars in every column.
  void reserve(std::size_t n) {
    timestamp.reserve(n);
    open.reserve(n);
    high.reserve(n);
    low.reserve(n);
    close.reserve(n);
    volume.reserve(n);
  }
  /// The first `length` bars (all of them when length >= size()), same symbol and source.
  [[nodiscard]] bar_series prefix(std::size_t length) const {
    bar_series out{symbol, source, bar_seconds, {}, {}, {}, {}, {}, {}};
    const auto n = static_cast<std::ptrdiff_t>(std::min(length, size()));
    out.timestamp.assign(timestamp.begin(), timestamp.begin() + n);
    out.open.assign(open.begin(), open.begin() + n);
    out.high.assign(high.begin(), high.begin() + n);
    out.low.assign(low.begin(), low.begin() + n);
    out.close.assign(close.begin(), close.begin() + n);
    out.volume.assign(volume.begin(), volume.begin() + n);
    return out;
  }
  /// Appends one bar.
  void push_back(std::int64_t ts, double o, double h, double l, double c, double v) {
    timestamp.push_back(ts);
    open.push_back(o);
    high.push_back(h);
    low.push_back(l);
    close.push_back(c);
    volume.push_back(v);
  }
};

}  // namespace mtf
