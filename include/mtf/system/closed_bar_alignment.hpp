#pragma once
/// \file Cross-timeframe causality (SPEC §10c): which coarser bar an execution bar may see. The
/// execution model decides at the close of its bar t; a coarser model's view is usable then only
/// if its bar has closed too, so at execution bar t the view is the one of the last coarser bar
/// whose close (open + its length) is at or before t's close. A 1h bar 00:00-01:00 is visible
/// from the 5m bar 00:55 (both close at 01:00), never from the 5m bar 00:50.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

// g++ 12 at -O3 reports a false -Wrestrict inside data_error's message (GCC PR 105329/105651);
// as in intake/resample.hpp the pragma must surround the first inclusion of errors.hpp.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
#include "mtf/core/errors.hpp"
#pragma GCC diagnostic pop

namespace mtf::system {

/// Marks an execution bar before whose close no coarser bar has closed.
inline constexpr std::size_t no_closed_bar = std::numeric_limits<std::size_t>::max();

/// For every fine bar (open times `fine_open`, length `fine_seconds`) the index into
/// `coarse_open` (length `coarse_seconds`) of the last coarse bar with
/// coarse_open[j] + coarse_seconds <= fine_open[i] + fine_seconds, or no_closed_bar. Both
/// series must be strictly increasing and the lengths positive (programming_error otherwise:
/// they come from the intake, which guarantees both, so a violation is a caller's bug).
inline std::vector<std::size_t> last_closed_bar(std::span<const std::int64_t> fine_open,
                                                std::int64_t fine_seconds,
                                                std::span<const std::int64_t> coarse_open,
                                                std::int64_t coarse_seconds) {
  const auto check = [](std::span<const std::int64_t> t, const char* which) {
    for (std::size_t i = 1; i < t.size(); ++i)
      if (t[i] <= t[i - 1])
        throw programming_error("last_closed_bar", which,
                                "open times not strictly increasing at index " + std::to_string(i));
  };
  check(fine_open, "fine_open");
  check(coarse_open, "coarse_open");
  if (fine_seconds <= 0 || coarse_seconds <= 0)
    throw programming_error("last_closed_bar", "bar seconds", "bar lengths must be positive");
  std::vector<std::size_t> out(fine_open.size(), no_closed_bar);
  std::size_t next = 0;  // first coarse bar not yet closed at the current fine bar
  for (std::size_t i = 0; i < fine_open.size(); ++i) {
    const std::int64_t decision_time = fine_open[i] + fine_seconds;
    while (next < coarse_open.size() && coarse_open[next] + coarse_seconds <= decision_time)
      ++next;
    if (next > 0) out[i] = next - 1;
  }
  return out;
}

}  // namespace mtf::system
