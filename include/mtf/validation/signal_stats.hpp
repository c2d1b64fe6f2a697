#pragma once
/// \file Trading signals derived from 3-class probabilities and their summary statistics on the
/// test split (SPEC §7): confidence, alpha, direction, eligibility, activity rates.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mtf/core/xtensor.hpp"
#include "mtf/labels/label_classes.hpp"
#include "mtf/validation/gate_table.hpp"
#include "mtf/validation/input_error.hpp"

namespace mtf::validation {

/// Days in the "month" of the per-month rates; the same 30 that
/// `max_achievable_activity` in mtf/policy/timeframe_policy.hpp uses.
inline constexpr double days_per_month = 30.0;

/// Per-bar trading signals of one probability table.
struct signals {
  std::vector<double> confidence;  ///< max(p_up, p_down)
  std::vector<double> alpha;       ///< |p_up - p_down|
  std::vector<int> direction;      ///< argmax over (down, neutral, up); ties go to the lower class
  std::vector<bool> eligible;      ///< confidence >= conf_min and alpha >= alpha_min
  [[nodiscard]] std::size_t size() const noexcept { return confidence.size(); }
};

namespace detail {
/// Throws a data_error naming `where` and the offending field.
inline void bad_input
    [[noreturn]] (const std::string& where, const std::string& field, const std::string& message) {
  throw_input_error(where, field, message);
}

/// Checks that `probs` is a non-empty n x 3 table of finite probabilities whose rows sum to 1
/// (within 1e-6, loose enough for renormalised floats, tight enough to catch a wrong column).
inline void check_probabilities(const matrix& probs, const std::string& where) {
  if (probs.shape()[1] != 3)
    bad_input(where, "probabilities",
              "expected 3 columns (down, neutral, up), got " + std::to_string(probs.shape()[1]));
  if (probs.shape()[0] == 0) bad_input(where, "probabilities", "no rows");
  for (std::size_t i = 0; i < probs.shape()[0]; ++i) {
    double sum = 0.0;
    for (std::size_t c = 0; c < 3; ++c) {
      const double p = probs(i, c);
      if (!std::isfinite(p) || p < 0.0 || p > 1.0)
        bad_input(where, "probabilities",
                  "row " + std::to_string(i) + " has a value outside [0, 1] or not finite");
      sum += p;
    }
    if (std::abs(sum - 1.0) > 1e-6)
      bad_input(where, "probabilities",
                "row " + std::to_string(i) + " sums to " + std::to_string(sum) + ", not 1");
  }
}

/// Median of a copy of `values` (mean of the two middle values for an even count).
inline double median(std::vector<double> values) {
  const std::size_t n = values.size();
  if (n == 0) return 0.0;
  const auto mid = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), mid, values.end());
  if (n % 2 == 1) return *mid;
  const double upper = *mid;
  const double lower = *std::max_element(values.begin(), mid);
  return 0.5 * (lower + upper);
}
}  // namespace detail

/// Confidence, alpha, direction and eligibility of every row of `probs` (n x 3, columns
/// down, neutral, up) under the trade gate. Throws data_error on a malformed table.
inline signals compute_signals(const matrix& probs, gates::trade_gate gate) {
  detail::check_probabilities(probs, "compute_signals");
  const std::size_t n = probs.shape()[0];
  signals out;
  out.confidence.resize(n);
  out.alpha.resize(n);
  out.direction.resize(n);
  out.eligible.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double down = probs(i, 0), neutral = probs(i, 1), up = probs(i, 2);
    out.confidence[i] = std::max(up, down);
    out.alpha[i] = std::abs(up - down);
    // First maximum wins (numpy's argmax convention), so an exact up/down tie reads "down".
    int best = class_down;
    if (neutral > down) best = class_neutral;
    if (up > std::max(down, neutral)) best = class_up;
    out.direction[i] = best;
    out.eligible[i] = out.confidence[i] >= gate.conf_min && out.alpha[i] >= gate.alpha_min;
  }
  return out;
}

/// Calendar days covered by the bars: from the open of the first to the close of the last
/// ((last - first + bar_seconds) / 86400), gaps included. Every per-day/week/month rate of
/// mtf divides by this. Throws data_error unless timestamps are non-empty and strictly increasing.
inline double span_days(std::span<const std::int64_t> timestamps, std::int64_t bar_seconds) {
  if (timestamps.empty()) detail::bad_input("span_days", "timestamp", "no bars");
  if (bar_seconds <= 0) detail::bad_input("span_days", "bar_seconds", "must be positive");
  for (std::size_t i = 1; i < timestamps.size(); ++i)
    if (timestamps[i] <= timestamps[i - 1])
      detail::bad_input("span_days", "timestamp",
                        "not strictly increasing at row " + std::to_string(i));
  return static_cast<double>(timestamps.back() - timestamps.front() + bar_seconds) / 86400.0;
}

/// Number of up<->down flips of the predicted direction between consecutive bars, ignoring
/// neutral bars (up, neutral, down counts one change: the desk's bias flipped once).
inline std::size_t count_direction_changes(std::span<const int> direction) {
  std::size_t changes = 0;
  int last = class_neutral;
  for (const int d : direction) {
    if (d == class_neutral) continue;
    if (last != class_neutral && d != last) ++changes;
    last = d;
  }
  return changes;
}

/// Number of changes of the predicted class, neutral ("ranging") included, between consecutive
/// bars (up, neutral, down counts two changes). This is the 12h policy's "regime change".
inline std::size_t count_regime_changes(std::span<const int> direction) {
  std::size_t changes = 0;
  for (std::size_t i = 1; i < direction.size(); ++i)
    if (direction[i] != direction[i - 1]) ++changes;
  return changes;
}

/// Summary of the test-split signals (SPEC §7). Shares are fractions of test bars in [0, 1].
struct signal_stats {
  std::size_t rows = 0;                     ///< test bars
  double span_days = 0;                     ///< see span_days()
  std::array<double, 3> predicted_share{};  ///< argmax shares (down, neutral, up)
  double non_neutral_share = 0;             ///< predicted up or down
  double confidence_mean = 0;
  double confidence_median = 0;
  double confidence_std = 0;              ///< population std (ddof = 0)
  double confidence_share_threshold = 0;  ///< the c of "share with confidence >= c"
  double confidence_share_above = 0;      ///< share with confidence >= that c
  double alpha_mean = 0;
  double alpha_median = 0;
  double alpha_share_threshold = 0;  ///< the a of "share with alpha >= a"
  double alpha_share_above = 0;      ///< share with alpha >= that a
  double eligible_share = 0;         ///< share passing the trade gate
  double p_neutral_mean = 0;         ///< mean predicted neutral probability
  std::size_t eligible_bars = 0;
  double eligible_signals_per_day = 0;     ///< eligible bars / span_days
  std::size_t direction_changes = 0;       ///< see count_direction_changes()
  double direction_changes_per_week = 0;   ///< changes / span_days * 7
  double direction_changes_per_month = 0;  ///< changes / span_days * 30
  std::size_t regime_changes = 0;          ///< see count_regime_changes()
  double regime_changes_per_week = 0;      ///< changes / span_days * 7
};

namespace detail {
/// The per-row statistics of `sig` (shares, means, medians, std, counts) into `s`; rates are
/// left to the caller, who knows the span.
inline void fill_row_stats(signal_stats& s, const matrix& probs, const signals& sig,
                           double confidence_share_threshold, double alpha_share_threshold) {
  const std::size_t n = sig.size();
  s.rows = n;
  s.confidence_share_threshold = confidence_share_threshold;
  s.alpha_share_threshold = alpha_share_threshold;
  const double inv_n = 1.0 / static_cast<double>(n);
  std::array<std::size_t, 3> counts{};
  std::size_t conf_above = 0, alpha_above = 0;
  double conf_sum = 0, alpha_sum = 0, neutral_sum = 0;
  s.eligible_bars = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ++counts[static_cast<std::size_t>(sig.direction[i])];
    conf_sum += sig.confidence[i];
    alpha_sum += sig.alpha[i];
    neutral_sum += probs(i, 1);
    if (sig.confidence[i] >= confidence_share_threshold) ++conf_above;
    if (sig.alpha[i] >= alpha_share_threshold) ++alpha_above;
    if (sig.eligible[i]) ++s.eligible_bars;
  }
  for (std::size_t c = 0; c < 3; ++c)
    s.predicted_share[c] = static_cast<double>(counts[c]) * inv_n;
  s.non_neutral_share = static_cast<double>(counts[0] + counts[2]) * inv_n;
  s.confidence_mean = conf_sum * inv_n;
  s.alpha_mean = alpha_sum * inv_n;
  s.p_neutral_mean = neutral_sum * inv_n;
  double squares = 0;  // two-pass: the mean first, so the variance does not cancel
  for (const double c : sig.confidence)
    squares += (c - s.confidence_mean) * (c - s.confidence_mean);
  s.confidence_std = std::sqrt(squares * inv_n);
  s.confidence_median = median(sig.confidence);
  s.alpha_median = median(sig.alpha);
  s.confidence_share_above = static_cast<double>(conf_above) * inv_n;
  s.alpha_share_above = static_cast<double>(alpha_above) * inv_n;
  s.eligible_share = static_cast<double>(s.eligible_bars) * inv_n;
}

/// Per-day/week/month rates of `s` from its counts and span_days.
inline void fill_rates(signal_stats& s) {
  s.eligible_signals_per_day = static_cast<double>(s.eligible_bars) / s.span_days;
  s.direction_changes_per_week = static_cast<double>(s.direction_changes) / s.span_days * 7.0;
  s.direction_changes_per_month =
      static_cast<double>(s.direction_changes) / s.span_days * days_per_month;
  s.regime_changes_per_week = static_cast<double>(s.regime_changes) / s.span_days * 7.0;
}
}  // namespace detail

/// Statistics of `probs` (n x 3) on bars opening at `timestamps` (epoch seconds, strictly
/// increasing) of length `bar_seconds`, under the trade gate. `confidence_share_threshold` and
/// `alpha_share_threshold` are the c and a of the "share above" gates (a policy without an
/// alpha-share gate may pass its trade gate's alpha_min). Throws data_error on bad input.
inline signal_stats compute_signal_stats(const matrix& probs,
                                         std::span<const std::int64_t> timestamps,
                                         std::int64_t bar_seconds, gates::trade_gate gate,
                                         double confidence_share_threshold,
                                         double alpha_share_threshold) {
  const signals sig = compute_signals(probs, gate);
  const std::size_t n = sig.size();
  if (timestamps.size() != n)
    detail::bad_input("compute_signal_stats", "timestamp",
                      std::to_string(timestamps.size()) + " timestamps for " + std::to_string(n) +
                          " probability rows");
  signal_stats s;
  s.span_days = span_days(timestamps, bar_seconds);
  detail::fill_row_stats(s, probs, sig, confidence_share_threshold, alpha_share_threshold);
  s.direction_changes = count_direction_changes(sig.direction);
  s.regime_changes = count_regime_changes(sig.direction);
  detail::fill_rates(s);
  return s;
}

/// Statistics of several symbols' rows as one (SPEC §4.10): shares, means, medians and the
/// confidence std over every row of `all_probs` (every symbol's rows); eligible bars and
/// direction/regime changes summed over `per_symbol` (each counted along its own symbol's bars,
/// never across symbols); rates per symbol-day (the sums divided by the summed span_days).
/// With one symbol this equals its own statistics. Throws data_error on bad input.
inline signal_stats pool_signal_stats(std::span<const signal_stats> per_symbol,
                                      const matrix& all_probs, gates::trade_gate gate,
                                      double confidence_share_threshold,
                                      double alpha_share_threshold) {
  if (per_symbol.empty()) detail::bad_input("pool_signal_stats", "per_symbol", "no symbols");
  const signals sig = compute_signals(all_probs, gate);
  signal_stats s;
  std::size_t rows = 0;
  for (const auto& one : per_symbol) {
    rows += one.rows;
    s.span_days += one.span_days;
    s.direction_changes += one.direction_changes;
    s.regime_changes += one.regime_changes;
  }
  if (rows != sig.size())
    detail::bad_input(
        "pool_signal_stats", "probabilities",
        std::to_string(sig.size()) + " rows for " + std::to_string(rows) + " rows of the symbols");
  detail::fill_row_stats(s, all_probs, sig, confidence_share_threshold, alpha_share_threshold);
  detail::fill_rates(s);
  return s;
}

/// compute_signal_stats with a policy's trade gate and share-gate thresholds (the alpha-share
/// threshold falls back to the trade gate's alpha_min when the policy does not gate it).
template <class P>
signal_stats compute_signal_stats_for(const matrix& probs,
                                      std::span<const std::int64_t> timestamps) {
  const double alpha_threshold =
      P::gates.alpha_share ? P::gates.alpha_share->threshold : P::trade_gate.alpha_min;
  return compute_signal_stats(probs, timestamps, P::bar_seconds, P::trade_gate,
                              P::gates.confidence_share.threshold, alpha_threshold);
}

/// pool_signal_stats with a policy's trade gate and share-gate thresholds.
template <class P>
signal_stats pool_signal_stats_for(std::span<const signal_stats> per_symbol,
                                   const matrix& all_probs) {
  const double alpha_threshold =
      P::gates.alpha_share ? P::gates.alpha_share->threshold : P::trade_gate.alpha_min;
  return pool_signal_stats(per_symbol, all_probs, P::trade_gate,
                           P::gates.confidence_share.threshold, alpha_threshold);
}

}  // namespace mtf::validation
