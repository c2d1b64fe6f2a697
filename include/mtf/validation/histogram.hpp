#pragma once
/// \file Equal-width histograms of signal values (confidence, alpha) for reports, with the gate
/// thresholds to draw over them.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "mtf/validation/input_error.hpp"

namespace mtf::validation {

/// A vertical reference line on a histogram (e.g. the trade gate's conf_min).
struct histogram_marker {
  std::string label;
  double value = 0;
};

/// Counts of values in `counts.size()` equal-width bins over [lower, upper]; bin b is
/// [lower + b w, lower + (b + 1) w), the last bin also holds `upper`.
struct histogram {
  std::string name;  ///< what was counted, e.g. "confidence"
  double lower = 0;
  double upper = 1;
  std::vector<std::size_t> counts;
  std::vector<histogram_marker> markers;
};

/// Histogram of `values` in `bins` bins over [lower, upper]. Values outside the range are
/// counted in the end bins (a probability-derived value never is, but a report must not drop
/// rows). Throws data_error on bins == 0, lower >= upper or a non-finite value.
inline histogram make_histogram(std::string name, std::span<const double> values, std::size_t bins,
                                double lower, double upper,
                                std::vector<histogram_marker> markers = {}) {
  if (bins == 0) throw_input_error("make_histogram", "bins", "need at least one bin");
  if (!(lower < upper)) throw_input_error("make_histogram", "range", "lower must be below upper");
  histogram h{std::move(name), lower, upper, std::vector<std::size_t>(bins, 0), std::move(markers)};
  const double scale = static_cast<double>(bins) / (upper - lower);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!std::isfinite(v))
      throw_input_error("make_histogram", h.name, "value " + std::to_string(i) + " is not finite");
    const double position = std::floor((v - lower) * scale);
    const auto b =
        position <= 0 ? std::size_t{0} : std::min(bins - 1, static_cast<std::size_t>(position));
    ++h.counts[b];
  }
  return h;
}

}  // namespace mtf::validation
