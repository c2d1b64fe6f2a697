#pragma once
/// \file The bar length of a candle series: the most common step between consecutive bars, so a
/// few gaps (missing bars) do not change what a file's interval is.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mtf::intake {

/// Most common positive step (seconds) between consecutive timestamps; ties go to the smaller
/// step (a series with as many 1h as 2h steps is an hourly series with gaps). Non-positive steps
/// are ignored. Returns 0 when there are fewer than two bars or no positive step.
/// O(n) for the usual case where one step is a majority, O(n log n) otherwise.
inline std::int64_t detect_bar_seconds(std::span<const std::int64_t> timestamps) {
  if (timestamps.size() < 2) return 0;
  // Fast path: a step that covers more than half of all steps is the mode (and unique).
  const std::int64_t first_step = timestamps[1] - timestamps[0];
  std::size_t first_step_count = 0;
  for (std::size_t i = 1; i < timestamps.size(); ++i) {
    first_step_count += (timestamps[i] - timestamps[i - 1]) == first_step ? 1 : 0;
  }
  const std::size_t steps = timestamps.size() - 1;
  if (first_step > 0 && 2 * first_step_count > steps) return first_step;

  std::vector<std::int64_t> positive_steps;
  positive_steps.reserve(steps);
  for (std::size_t i = 1; i < timestamps.size(); ++i) {
    const std::int64_t step = timestamps[i] - timestamps[i - 1];
    if (step > 0) positive_steps.push_back(step);
  }
  if (positive_steps.empty()) return 0;
  std::sort(positive_steps.begin(), positive_steps.end());
  std::int64_t best_step = positive_steps.front();
  std::size_t best_run = 0;
  for (std::size_t i = 0; i < positive_steps.size();) {
    std::size_t j = i;
    while (j < positive_steps.size() && positive_steps[j] == positive_steps[i])
      ++j;
    if (j - i > best_run) {  // strict: on a tie the earlier (smaller) step stays
      best_run = j - i;
      best_step = positive_steps[i];
    }
    i = j;
  }
  return best_step;
}

/// Short name of a bar length for messages: "5m", "1h", "24h", "90s" (seconds shown when the
/// length is not a whole number of minutes).
inline std::string format_bar_length(std::int64_t seconds) {
  if (seconds > 0 && seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds > 0 && seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

}  // namespace mtf::intake
