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
  [[nodiscard]] bar_series prefix(std::size_t length) const { return slice(0, length); }
  /// Bars [first, last) (clamped to the series), same symbol and source.
  [[nodiscard]] bar_series slice(std::size_t first, std::size_t last) const {
    bar_series out{symbol, source, bar_seconds, {}, {}, {}, {}, {}, {}};
    last = std::min(last, size());
    first = std::min(first, last);
    const auto b = static_cast<std::ptrdiff_t>(first), e = static_cast<std::ptrdiff_t>(last);
    out.timestamp.assign(timestamp.begin() + b, timestamp.begin() + e);
    out.open.assign(open.begin() + b, open.begin() + e);
    out.high.assign(high.begin() + b, high.begin() + e);
    out.low.assign(low.begin() + b, low.begin() + e);
    out.close.assign(close.begin() + b, close.begin() + e);
    out.volume.assign(volume.begin() + b, volume.begin() + e);
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
