#pragma once
/// \file Per-bar inputs of the labelers (SPEC §6): forward return r, threshold scale σ√h and,
/// for the regime labeler, the efficiency ratio. Labels for any k follow from these alone, which
/// is what lets k be solved on the training rows of several pooled series at once.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "mtf/core/errors.hpp"

namespace mtf {

namespace label_detail {

/// Throws data_error(file, line 0, field, message). Kept out of line: g++ 12 at -O3 reports a
/// false -Wrestrict inside data_error's message concatenation when its constructor is inlined
/// (GCC PR 105651), which -Werror turns into a build failure.
[[noreturn, gnu::cold, gnu::noinline]] inline void throw_data_error(const std::string& file,
                                                                    const std::string& field,
                                                                    const std::string& message) {
  throw data_error(file, 0, field, message);
}

}  // namespace label_detail

/// Why a bar has (or has no) label. A bar whose horizon runs past the data is reported as
/// `past_data_end` even when its volatility is also in warm-up (only possible on tiny series):
/// every unlabeled bar is counted under exactly one reason.
enum class label_status : std::uint8_t {
  labeled,        ///< r, σ√h (and ER) are defined
  vol_warmup,     ///< fewer than vol_window one-bar returns end at this bar
  past_data_end,  ///< close[t + horizon] does not exist (the last `horizon` bars)
};

/// Per-bar labeling inputs of one series. Vectors have one entry per bar; entries of bars whose
/// status is not `labeled` are NaN and must not be used (the functions here check the status).
struct label_inputs {
  int horizon = 0;                      ///< h in bars
  std::vector<double> forward_return;   ///< r_t = ln(close[t+h] / close[t])
  std::vector<double> threshold_scale;  ///< σ_t·√h: τ_t = k · threshold_scale[t]
  /// ER_t = |r_t| / Σ_{i=t+1..t+h} |ln(close[i]/close[i-1])|; empty for the volatility labeler.
  std::vector<double> efficiency_ratio;
  double er_min = 0.0;  ///< minimum ER for a directional regime label (regime labeler only)
  std::vector<label_status> status;
  std::size_t past_data_end_bars = 0;  ///< bars without label because t + h is past the data
  std::size_t vol_warmup_bars = 0;     ///< bars without label because σ is in warm-up

  /// Number of bars.
  [[nodiscard]] std::size_t size() const noexcept { return status.size(); }
  /// Number of bars that carry a label.
  [[nodiscard]] std::size_t labeled_bars() const noexcept {
    return size() - past_data_end_bars - vol_warmup_bars;
  }
  /// Whether this is a regime (ER-gated) labeler's input.
  [[nodiscard]] bool has_efficiency_ratio() const noexcept { return !efficiency_ratio.empty(); }
};

/// Smallest k >= 0 for which bar `bar` is labelled neutral ("critical k"). The neutral set grows
/// with k: bar t is neutral exactly when k >= critical_k(t). Volatility labeler:
/// |r| / (σ√h); regime bars with ER < er_min are neutral for every k (0); a bar with σ = 0 is
/// neutral for every k when r = 0 (0) and for no finite k otherwise (+inf).
/// Throws std::out_of_range for a bar index past the end, mtf::training_error for a bar without
/// label (training rows must be labelled bars) or with non-finite inputs, std::invalid_argument
/// when the vectors of `in` differ in length.
inline double critical_k(const label_inputs& in, std::size_t bar) {
  if (bar >= in.size())
    throw std::out_of_range("critical_k: bar " + std::to_string(bar) + " past the " +
                            std::to_string(in.size()) + " bars of the series");
  if (in.status[bar] != label_status::labeled)
    throw training_error("critical_k: bar " + std::to_string(bar) +
                         (in.status[bar] == label_status::past_data_end
                              ? " has no label (its horizon runs past the data)"
                              : " has no label (volatility warm-up)"));
  if (in.forward_return.size() != in.size() || in.threshold_scale.size() != in.size() ||
      (in.has_efficiency_ratio() && in.efficiency_ratio.size() != in.size()))
    throw std::invalid_argument("critical_k: label_inputs vectors differ in length");
  const double abs_r = std::fabs(in.forward_return[bar]);
  const double scale = in.threshold_scale[bar];
  // A NaN here would break the sort in solve_k and turn into a silent label; refuse it.
  if (!std::isfinite(abs_r) || !std::isfinite(scale) || scale < 0.0 ||
      (in.has_efficiency_ratio() && std::isnan(in.efficiency_ratio[bar])))
    throw training_error("critical_k: bar " + std::to_string(bar) +
                         " is marked labeled but has a non-finite return, threshold scale or "
                         "efficiency ratio");
  if (in.has_efficiency_ratio() && in.efficiency_ratio[bar] < in.er_min) return 0.0;
  if (abs_r == 0.0) return 0.0;
  if (scale == 0.0) return std::numeric_limits<double>::infinity();
  return abs_r / scale;
}

}  // namespace mtf
