#pragma once
/// \file Inputs of the volatility-adaptive 3-class labeler (SPEC §6): forward log return over
/// the horizon and a threshold scaled by recent realised volatility.

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/labels/label_inputs.hpp"
#include "mtf/labels/labeler_specs.hpp"

namespace mtf {

namespace label_detail {

/// Throws data_error unless every close is finite and positive (a log return needs both).
inline void check_closes(std::span<const double> close, std::string_view source) {
  for (std::size_t i = 0; i < close.size(); ++i) {
    if (!std::isfinite(close[i]) || close[i] <= 0.0)
      label_detail::throw_data_error(std::string(source.empty() ? "close series" : source), "close",
                                     "bar " + std::to_string(i) +
                                         ": close must be finite and positive to label it, got " +
                                         std::to_string(close[i]));
  }
}

}  // namespace label_detail

/// Volatility-adaptive labeler inputs for one series of closes (oldest first):
/// r_t = ln(close[t+h]/close[t]); σ_t = sample standard deviation (n−1 denominator) of the
/// `vol_window` one-bar log returns ln(c[i]/c[i−1]), i = t−vol_window+1..t; threshold scale
/// σ_t·√h. Bars t < vol_window are σ warm-up, the last h bars have no forward return; both are
/// counted in the result. σ_t uses closes up to t only; r_t is the label window itself.
/// Throws std::invalid_argument for horizon < 1 or vol_window < 2, data_error (field "close",
/// `source` as the file) for a non-finite or non-positive close.
inline label_inputs compute_label_inputs(std::span<const double> close, int horizon,
                                         const label::volatility_adaptive& spec,
                                         std::string_view source = {}) {
  if (horizon < 1) throw std::invalid_argument("labels: horizon must be at least 1 bar");
  if (spec.vol_window < 2)
    throw std::invalid_argument(
        "labels: vol_window must be at least 2 (a sample std needs two "
        "returns)");
  label_detail::check_closes(close, source);

  const std::size_t n = close.size();
  const auto h = static_cast<std::size_t>(horizon);
  const auto w = static_cast<std::size_t>(spec.vol_window);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double sqrt_h = std::sqrt(static_cast<double>(horizon));

  label_inputs in;
  in.horizon = horizon;
  in.forward_return.assign(n, nan);
  in.threshold_scale.assign(n, nan);
  in.status.assign(n, label_status::labeled);

  // one_bar[i] = ln(c[i]/c[i-1]) for i >= 1; computed once so r, σ and ER all see the same
  // rounding of each return.
  std::vector<double> one_bar(n, 0.0);
  for (std::size_t i = 1; i < n; ++i)
    one_bar[i] = std::log(close[i] / close[i - 1]);

  for (std::size_t t = 0; t < n; ++t) {
    if (t + h >= n) {
      in.status[t] = label_status::past_data_end;
      ++in.past_data_end_bars;
      continue;
    }
    if (t < w) {
      in.status[t] = label_status::vol_warmup;
      ++in.vol_warmup_bars;
      continue;
    }
    in.forward_return[t] = std::log(close[t + h] / close[t]);
    // Two-pass mean/variance over the window, recomputed per bar: O(n·w) with w <= a few dozen,
    // and σ_t depends only on its own window, so it is bit-identical on any prefix of the data
    // and does not drift over 10^7 bars the way running sums would.
    double mean = 0.0;
    for (std::size_t i = t + 1 - w; i <= t; ++i)
      mean += one_bar[i];
    mean /= static_cast<double>(w);
    double squares = 0.0;
    for (std::size_t i = t + 1 - w; i <= t; ++i)
      squares += (one_bar[i] - mean) * (one_bar[i] - mean);
    in.threshold_scale[t] = std::sqrt(squares / static_cast<double>(w - 1)) * sqrt_h;
  }
  return in;
}

}  // namespace mtf
