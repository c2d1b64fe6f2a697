#pragma once
/// \file Resampling finer candles into the policy's bar length (SPEC §4.1): open = first,
/// high = max, low = min, close = last, volume = sum, buckets aligned to UTC multiples of the
/// target length (so 24h bars open at 00:00 UTC like Binance 1d candles).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

// g++ 12 at -O3 reports a false -Wrestrict inside data_error's message concatenation (GCC PR
// 105329/105651) whenever the error carries a field name; the pragma must surround the first
// inclusion because the diagnostic is classified at errors.hpp's own source locations.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
#include "mtf/core/errors.hpp"
#pragma GCC diagnostic pop

#include "mtf/intake/bar_interval.hpp"
#include "mtf/intake/bar_series.hpp"
#include "mtf/intake/timestamp.hpp"

namespace mtf::intake {

/// What resampling did, for the run report. Bar counts are input bars unless named otherwise.
struct resample_counts {
  std::size_t input_bars = 0;   ///< bars in the input series
  std::size_t output_bars = 0;  ///< bars in the resampled series
  /// Input bars dropped because the first bucket lacks its first sub-bar (the series starts
  /// inside a bucket, so that bucket's open would be wrong).
  std::size_t dropped_leading_partial = 0;
  /// Input bars dropped because the last bucket lacks its last sub-bar (the series ends inside
  /// a bucket: the bar was still forming, its close and volume are not final).
  std::size_t dropped_trailing_partial = 0;
  /// Output bars built from fewer sub-bars than the target holds (gaps inside the data; they
  /// are kept, and the quality check reports the gaps of the input).
  std::size_t buckets_with_missing_sub_bars = 0;
};

/// Resampled bars and the counts of what happened.
struct resample_result {
  bar_series bars;
  resample_counts counts;
};

/// Aggregates `input` into bars of `target_bar_seconds`. Buckets start at epoch multiples of the
/// target (epoch % target == 0). The first bucket is dropped when it lacks its first sub-bar,
/// the last when it lacks its last sub-bar; interior buckets with missing sub-bars are kept and
/// counted. When the input already has the target length the series is returned unchanged.
/// Throws mtf::data_error (field "timestamp", naming the file and both lengths) when the input
/// length is unknown (fewer than two bars), coarser than the target, does not divide the target,
/// or when an input bar does not start on a multiple of its own length; mtf::usage_error for a
/// non-positive target.
inline resample_result resample(const bar_series& input, std::int64_t target_bar_seconds) {
  if (target_bar_seconds <= 0)
    throw usage_error("resample: the target bar length must be positive, got " +
                      std::to_string(target_bar_seconds) + " s");
  const std::int64_t input_seconds = input.bar_seconds;
  const auto describe = [](std::int64_t s) {
    return format_bar_length(s) + " (" + std::to_string(s) + " s)";
  };
  if (input_seconds <= 0)
    throw data_error(input.source, 0, "timestamp",
                     "cannot resample to " + describe(target_bar_seconds) +
                         ": the input bar length is unknown (" + std::to_string(input.size()) +
                         " bars; at least 2 are needed to detect it)");

  resample_result result;
  result.counts.input_bars = input.size();
  if (input_seconds == target_bar_seconds) {
    result.bars = input;
    result.counts.output_bars = input.size();
    return result;
  }
  if (input_seconds > target_bar_seconds)
    throw data_error(input.source, 0, "timestamp",
                     "input bars of " + describe(input_seconds) +
                         " are coarser than the target bar length " + describe(target_bar_seconds) +
                         "; cannot build finer bars");
  if (target_bar_seconds % input_seconds != 0)
    throw data_error(input.source, 0, "timestamp",
                     "the target bar length " + describe(target_bar_seconds) +
                         " is not a whole multiple of the input bar length " +
                         describe(input_seconds));
  for (const std::int64_t ts : input.timestamp) {
    // A 1h bar opening at 00:30 would straddle two target buckets: refuse instead of guessing.
    if (floor_mod(ts, input_seconds) != 0)
      throw data_error(input.source, 0, "timestamp",
                       "bar at " + format_iso8601(ts) + " does not start on a multiple of the " +
                           describe(input_seconds) +
                           " input bar length, so it cannot be bucketed into " +
                           describe(target_bar_seconds) + " bars");
  }

  const std::int64_t sub_bars_per_bucket = target_bar_seconds / input_seconds;
  bar_series& out = result.bars;
  out.symbol = input.symbol;
  out.source = input.source;
  out.bar_seconds = target_bar_seconds;
  out.reserve(input.size() / static_cast<std::size_t>(sub_bars_per_bucket) + 2);

  const std::size_t n = input.size();
  std::size_t begin = 0;
  while (begin < n) {
    const std::int64_t bucket_start =
        floor_div(input.timestamp[begin], target_bar_seconds) * target_bar_seconds;
    const std::int64_t bucket_end = bucket_start + target_bar_seconds;
    std::size_t end = begin + 1;
    while (end < n && input.timestamp[end] < bucket_end)
      ++end;
    const std::size_t count = end - begin;

    const bool has_first_sub_bar = input.timestamp[begin] == bucket_start;
    const bool has_last_sub_bar = input.timestamp[end - 1] == bucket_end - input_seconds;
    if (begin == 0 && !has_first_sub_bar) {
      result.counts.dropped_leading_partial += count;
    } else if (end == n && !has_last_sub_bar) {
      result.counts.dropped_trailing_partial += count;
    } else {
      double high = input.high[begin];
      double low = input.low[begin];
      double volume = 0.0;
      for (std::size_t i = begin; i < end; ++i) {
        high = std::max(high, input.high[i]);
        low = std::min(low, input.low[i]);
        volume += input.volume[i];
      }
      out.push_back(bucket_start, input.open[begin], high, low, input.close[end - 1], volume);
      if (count < static_cast<std::size_t>(sub_bars_per_bucket))
        ++result.counts.buckets_with_missing_sub_bars;
    }
    begin = end;
  }
  result.counts.output_bars = out.size();
  return result;
}

}  // namespace mtf::intake
