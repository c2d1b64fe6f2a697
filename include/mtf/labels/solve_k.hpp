#pragma once
/// \file Choosing the threshold multiplier k on the training rows (SPEC §6): k is fixed by the
/// policy or solved so that the neutral share of the training labels equals the policy's
/// neutral target. Works on the training rows of several pooled series at once.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/labels/label_classes.hpp"
#include "mtf/labels/label_inputs.hpp"

namespace mtf {

/// Training rows of one series: its labeling inputs and the bars (indices into them) that are
/// training rows. Every listed bar must carry a label.
struct series_rows {
  const label_inputs& inputs;
  std::span<const std::size_t> bars;
};

/// The k used for labelling and how well it meets the neutral target on the training rows.
struct k_solution {
  double k = 0.0;                       ///< threshold multiplier: τ = k·σ√h
  double target_neutral_share = 0.0;    ///< the policy's neutral class target
  double achieved_neutral_share = 0.0;  ///< neutral share of the training rows at this k
  std::size_t rows = 0;                 ///< training rows the share is over
  std::size_t neutral_rows = 0;         ///< of which neutral at this k
  bool fixed_by_policy = false;         ///< k came from the policy, not from the solve
  /// False when rows that are neutral for every k (regime ER below er_min, zero return)
  /// already exceed the target: k is 0 and the neutral share is above target.
  bool target_reachable = true;
  std::string note;  ///< empty, or why the achieved share differs from the target
};

namespace label_detail {

inline std::string percent(double share) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f%%", 100.0 * share);
  return buffer;
}

inline void check_target(double target_neutral_share) {
  if (!(target_neutral_share > 0.0 && target_neutral_share < 1.0))
    throw std::invalid_argument(
        "solve_k: the neutral target share must lie strictly between 0 "
        "and 1");
}

/// Critical k of every training row, in the order given.
inline std::vector<double> training_critical_k(std::span<const series_rows> train) {
  std::size_t total = 0;
  for (const auto& part : train)
    total += part.bars.size();
  std::vector<double> critical;
  critical.reserve(total);
  for (const auto& part : train) {
    for (const std::size_t bar : part.bars)
      critical.push_back(critical_k(part.inputs, bar));
  }
  if (critical.empty()) throw training_error("solve_k: no training rows to solve k on");
  return critical;
}

}  // namespace label_detail

/// Solves k from the critical k of each training row (see critical_k): a row is neutral exactly
/// when k >= its critical value, so the neutral count is a non-decreasing step function of k and
/// the exact solution is a quantile of the sorted values. Among the achievable counts the one
/// closest to round(target·rows) is taken (ties between counts: the smaller), and k is the
/// midpoint of the k-interval that yields it (its lower end when the interval is unbounded), so
/// small rounding of r or σ on other rows does not flip labels. When rows neutral for every k
/// exceed the target, k = 0 and the result says so. O(n log n).
inline k_solution solve_k_from_critical(std::vector<double> critical, double target_neutral_share) {
  label_detail::check_target(target_neutral_share);
  if (critical.empty()) throw training_error("solve_k: no training rows to solve k on");
  std::sort(critical.begin(), critical.end());
  const std::size_t n = critical.size();
  const double wanted_raw = std::round(target_neutral_share * static_cast<double>(n));
  const auto wanted = static_cast<std::size_t>(wanted_raw);

  k_solution out;
  out.target_neutral_share = target_neutral_share;
  out.rows = n;

  // Candidate (count, [low, high)) pairs: count 0 on [0, first) when the smallest critical value
  // is positive, then for each distinct finite value v the count of rows <= v on [v, next).
  bool have = false;
  std::size_t best_count = 0;
  double best_low = 0.0, best_high = 0.0;
  auto consider = [&](std::size_t count, double low, double high) {
    const auto distance = [&](std::size_t c) { return c > wanted ? c - wanted : wanted - c; };
    if (!have || distance(count) < distance(best_count)) {
      have = true;
      best_count = count;
      best_low = low;
      best_high = high;
    }
  };
  if (critical.front() > 0.0) consider(0, 0.0, critical.front());
  for (std::size_t i = 0; i < n && std::isfinite(critical[i]);) {
    std::size_t j = i;
    while (j < n && critical[j] == critical[i])
      ++j;
    consider(j, critical[i], j < n ? critical[j] : critical[i]);
    if (j >= wanted) break;  // counts only grow from here, so they only move further away
    i = j;
  }
  if (!have) {
    // Every critical value is +inf (σ = 0 with r != 0 on every row): no k makes a row neutral.
    out.k = 0.0;
    out.target_reachable = false;
    out.note =
        "no training row can be neutral for any k (zero volatility with a nonzero "
        "return on every row); using k = 0";
    return out;
  }

  const std::size_t forced_neutral = static_cast<std::size_t>(
      std::upper_bound(critical.begin(), critical.end(), 0.0) - critical.begin());
  if (forced_neutral > wanted) {
    out.k = 0.0;
    out.neutral_rows = forced_neutral;
    out.achieved_neutral_share = static_cast<double>(forced_neutral) / static_cast<double>(n);
    out.target_reachable = false;
    out.note = std::to_string(forced_neutral) + " of " + std::to_string(n) + " training rows (" +
               label_detail::percent(out.achieved_neutral_share) +
               ") are neutral for every k (efficiency ratio below er_min, or zero return), "
               "more than the neutral target " +
               label_detail::percent(target_neutral_share) + "; using k = 0";
    return out;
  }

  out.k = std::isfinite(best_high) && best_high > best_low ? best_low + (best_high - best_low) / 2
                                                           : best_low;
  out.neutral_rows = best_count;
  out.achieved_neutral_share = static_cast<double>(best_count) / static_cast<double>(n);
  if (best_count != wanted) {
    out.note =
        "rows share critical k values (ties) or cannot be neutral: the closest achievable "
        "neutral share is " +
        label_detail::percent(out.achieved_neutral_share) + " for a target of " +
        label_detail::percent(target_neutral_share);
  }
  return out;
}

/// Solves k on the training rows of one or several series (pooled symbols) so that their
/// neutral share equals `target_neutral_share` (in (0, 1)); see solve_k_from_critical.
/// Throws training_error when there are no rows or a listed bar has no label.
inline k_solution solve_k(std::span<const series_rows> train, double target_neutral_share) {
  label_detail::check_target(target_neutral_share);
  return solve_k_from_critical(label_detail::training_critical_k(train), target_neutral_share);
}

/// solve_k for the training bars of a single series.
inline k_solution solve_k(const label_inputs& inputs, std::span<const std::size_t> train_bars,
                          double target_neutral_share) {
  const series_rows part{inputs, train_bars};
  return solve_k(std::span<const series_rows>(&part, 1), target_neutral_share);
}

/// Reports the neutral share a given k (finite, >= 0) produces on training rows of the given
/// critical k values (see critical_k), as a k_solution with `fixed_by_policy` set.
inline k_solution evaluate_fixed_k_from_critical(std::span<const double> critical, double k,
                                                 double target_neutral_share) {
  if (!std::isfinite(k) || k < 0.0)
    throw std::invalid_argument("labels: a fixed k must be finite and non-negative");
  label_detail::check_target(target_neutral_share);
  if (critical.empty()) throw training_error("solve_k: no training rows to solve k on");
  k_solution out;
  out.k = k;
  out.fixed_by_policy = true;
  out.target_neutral_share = target_neutral_share;
  out.rows = critical.size();
  out.neutral_rows = static_cast<std::size_t>(
      std::count_if(critical.begin(), critical.end(), [k](double c) { return c <= k; }));
  out.achieved_neutral_share =
      static_cast<double>(out.neutral_rows) / static_cast<double>(out.rows);
  return out;
}

/// Reports the neutral share a given k (finite, >= 0) produces on the training rows, as a
/// k_solution with `fixed_by_policy` set.
inline k_solution evaluate_fixed_k(std::span<const series_rows> train, double k,
                                   double target_neutral_share) {
  if (!std::isfinite(k) || k < 0.0)
    throw std::invalid_argument("labels: a fixed k must be finite and non-negative");
  label_detail::check_target(target_neutral_share);
  return evaluate_fixed_k_from_critical(label_detail::training_critical_k(train), k,
                                        target_neutral_share);
}

/// The policy's k: `fixed_k` when it has a value (reported with its achieved share), otherwise
/// solved on the training rows for `target_neutral_share`.
inline k_solution choose_k(std::optional<double> fixed_k, double target_neutral_share,
                           std::span<const series_rows> train) {
  if (fixed_k) return evaluate_fixed_k(train, *fixed_k, target_neutral_share);
  return solve_k(train, target_neutral_share);
}

/// choose_k from the critical k values of the training rows in any order (both the solve and
/// the fixed-k share depend on their multiset only): how a distributed retrain decides k from
/// the values every worker gathered (SPEC §10d).
inline k_solution choose_k_from_critical(std::optional<double> fixed_k, double target_neutral_share,
                                         std::vector<double> critical) {
  if (fixed_k) return evaluate_fixed_k_from_critical(critical, *fixed_k, target_neutral_share);
  return solve_k_from_critical(std::move(critical), target_neutral_share);
}

}  // namespace mtf
