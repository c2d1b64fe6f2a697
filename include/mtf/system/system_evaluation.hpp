#pragma once
/// \file The plan's cross-timeframe validation (SPEC §10c `evaluate`), as pure measurements on
/// views and closes: does the 1h overlay agree with the 5m signals, and do agreed signals win
/// more than the others (the overlay earns its place only then); how stable is the 12h regime
/// and what follows its changes; how often is the 24h bias right, and how often does it flip.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

// g++ 12 at -O3 reports a false -Wrestrict inside data_error's message (GCC PR 105329/105651);
// as in intake/resample.hpp the pragma must surround the first inclusion of errors.hpp.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
#include "mtf/core/errors.hpp"
#pragma GCC diagnostic pop
#include "mtf/labels/label_classes.hpp"
#include "mtf/system/combined_decision.hpp"
#include "mtf/validation/block_bootstrap.hpp"

namespace mtf::system {

namespace evaluation_detail {
/// +1 when the close `horizon` bars after bar t moved in `direction` (up or down), -1 when it
/// moved the other way, 0 when it did not move; throws programming_error past the data.
inline int outcome(std::span<const double> closes, std::size_t t, int horizon, int direction) {
  const std::size_t exit = t + static_cast<std::size_t>(horizon);
  if (exit >= closes.size())
    throw programming_error("outcome", "t", "no close " + std::to_string(horizon) + " bars later");
  const double move = closes[exit] - closes[t];
  const int sign = move > 0 ? 1 : move < 0 ? -1 : 0;
  return direction == class_up ? sign : direction == class_down ? -sign : 0;
}
inline double ratio(std::size_t num, std::size_t den) {
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}
}  // namespace evaluation_detail

/// 1h overlay agreement with the 5m signals. A signal is an execution bar whose view is
/// eligible and directional, with an overlay view and a close `horizon` bars later. It agrees
/// when the overlay calls the same direction, is opposed when the overlay calls the other one,
/// and is unconfirmed when the overlay calls neutral. A signal wins when the close `horizon`
/// bars later moved in its direction (no move is not a win).
struct overlay_agreement {
  std::size_t signals = 0;
  std::size_t agreed = 0, opposed = 0, unconfirmed = 0;
  std::size_t agreed_wins = 0, disagreed_wins = 0;  ///< disagreed = opposed + unconfirmed
  [[nodiscard]] double agreed_share() const { return evaluation_detail::ratio(agreed, signals); }
  [[nodiscard]] double agreed_hit_rate() const {
    return evaluation_detail::ratio(agreed_wins, agreed);
  }
  [[nodiscard]] double disagreed_hit_rate() const {
    return evaluation_detail::ratio(disagreed_wins, opposed + unconfirmed);
  }
};

/// One execution signal judged for overlay agreement, in time order: the overlay's call and
/// whether the signal won.
struct overlay_signal {
  int overlay_direction = class_neutral;
  bool agreed = false;
  bool win = false;
};

/// The signals of execution bars `bars` with closes `closes` (same length) and the execution
/// horizon in bars, as overlay_agreement defines them. With `trade_gate` false every directional
/// execution call counts, eligible or not: the overlay's information where the execution trade
/// gate lets nothing through.
inline std::vector<overlay_signal> overlay_signals(std::span<const system_views> bars,
                                                   std::span<const double> closes, int horizon,
                                                   bool trade_gate = true) {
  if (bars.size() != closes.size() || horizon < 1)
    throw programming_error("overlay_signals", "closes",
                            "one close per bar and a horizon of at least 1 bar are needed");
  std::vector<overlay_signal> out;
  for (std::size_t t = 0; t + static_cast<std::size_t>(horizon) < bars.size(); ++t) {
    const auto& e = bars[t].execution;
    const auto& o = bars[t].overlay;
    if (!e.available || (trade_gate && !e.eligible) || e.direction == class_neutral || !o.available)
      continue;
    out.push_back({o.direction, o.direction == e.direction,
                   evaluation_detail::outcome(closes, t, horizon, e.direction) > 0});
  }
  return out;
}

/// Counts overlay_agreement from judged signals.
inline overlay_agreement count_overlay_agreement(std::span<const overlay_signal> signals) {
  overlay_agreement a;
  for (const auto& s : signals) {
    ++a.signals;
    if (s.agreed) {
      ++a.agreed;
      a.agreed_wins += s.win;
    } else {
      (s.overlay_direction == class_neutral ? a.unconfirmed : a.opposed) += 1;
      a.disagreed_wins += s.win;
    }
  }
  return a;
}

/// Measures overlay_agreement over execution bars `bars` with closes `closes` (same length) and
/// the execution horizon in bars.
inline overlay_agreement measure_overlay_agreement(std::span<const system_views> bars,
                                                   std::span<const double> closes, int horizon) {
  return count_overlay_agreement(overlay_signals(bars, closes, horizon));
}

/// The hit-rate difference of agreed and disagreed signals with its interval and verdict.
struct overlay_difference {
  validation::bootstrap_interval difference;
  /// "agreed signals win more", "disagreed signals win more" (the interval excludes 0) or
  /// "no significant difference".
  std::string verdict;
};

/// Whether agreed signals win more than disagreed ones beyond chance: the difference of the hit
/// rates (agreed - disagreed) with a moving-block bootstrap interval over the time-ordered
/// signals. Blocks hold at least `horizon` signals, because consecutive signals' outcome windows
/// overlap (their wins are dependent); a resample without agreed or without disagreed signals
/// counts as a difference of 0. Fewer than `min_signals` signals (or none of either kind): no
/// interval (nullopt), too few to judge.
inline std::optional<overlay_difference> overlay_hit_rate_difference(
    std::span<const overlay_signal> signals, int horizon, std::size_t min_signals = 30,
    std::uint64_t seed = 42, int resamples = 1000) {
  const auto a = count_overlay_agreement(signals);
  if (a.signals < min_signals || a.agreed == 0 || a.agreed == a.signals) return std::nullopt;
  // The series is the signals' indices, so each resample is a block-resampled signal sequence.
  std::vector<double> index(signals.size());
  for (std::size_t i = 0; i < index.size(); ++i)
    index[i] = static_cast<double>(i);
  const auto statistic = [&](std::span<const double> picks) {
    std::size_t agreed = 0, agreed_wins = 0, other = 0, other_wins = 0;
    for (const double v : picks) {
      const auto& s = signals[static_cast<std::size_t>(v)];
      (s.agreed ? agreed : other) += 1;
      (s.agreed ? agreed_wins : other_wins) += s.win;
    }
    if (agreed == 0 || other == 0) return 0.0;
    return evaluation_detail::ratio(agreed_wins, agreed) -
           evaluation_detail::ratio(other_wins, other);
  };
  overlay_difference out;
  out.difference = validation::moving_block_bootstrap(
      index, validation::default_block_length(index.size(), static_cast<std::size_t>(horizon)),
      resamples, seed, statistic);
  out.verdict = out.difference.lower > 0   ? "agreed signals win more"
                : out.difference.upper < 0 ? "disagreed signals win more"
                                           : "no significant difference";
  return out;
}

/// Stability of a regime view series (one view per regime bar): the number of changes of the
/// called regime (up, ranging, down) between consecutive bars with a view, the mean length of a
/// regime in days, changes per week over the span of bars with a view, and the transition
/// quality: the mean return over the next `horizon` bars after a change into a trend, signed by
/// that trend (positive = the new trend was right), over the changes with such a close.
struct regime_stability {
  std::size_t bars = 0;  ///< regime bars with a view
  std::size_t changes = 0;
  double mean_duration_days = 0.0;
  double changes_per_week = 0.0;
  std::size_t trend_changes_judged = 0;
  double mean_signed_return_after_change = 0.0;
};

/// Measures regime_stability of `views` (per regime bar, bars of `bar_seconds` with closes
/// `closes`).
inline regime_stability measure_regime_stability(std::span<const timeframe_view> views,
                                                 std::span<const double> closes,
                                                 std::int64_t bar_seconds, int horizon) {
  if (views.size() != closes.size() || horizon < 1 || bar_seconds <= 0)
    throw programming_error("measure_regime_stability", "closes",
                            "one close per bar, a horizon >= 1 and a bar length > 0 are needed");
  regime_stability s;
  const timeframe_view* last = nullptr;
  double sum_return = 0.0;
  for (std::size_t j = 0; j < views.size(); ++j) {
    if (!views[j].available) continue;
    ++s.bars;
    if (last != nullptr && views[j].direction != last->direction) {
      ++s.changes;
      const std::size_t exit = j + static_cast<std::size_t>(horizon);
      if (views[j].direction != class_neutral && exit < closes.size()) {
        const double r = closes[exit] / closes[j] - 1.0;
        sum_return += views[j].direction == class_up ? r : -r;
        ++s.trend_changes_judged;
      }
    }
    last = &views[j];
  }
  if (s.bars == 0) return s;
  const double days = static_cast<double>(s.bars) * static_cast<double>(bar_seconds) / 86400.0;
  s.mean_duration_days = days / static_cast<double>(s.changes + 1);
  s.changes_per_week = static_cast<double>(s.changes) / days * 7.0;
  if (s.trend_changes_judged > 0)
    s.mean_signed_return_after_change = sum_return / static_cast<double>(s.trend_changes_judged);
  return s;
}

/// Directional accuracy and stability of a bias view series (one view per bias bar): among bars
/// with a directional view and a close `horizon` bars later, the share whose direction the close
/// confirmed; and the number of up<->down flips between directional views (neutral skipped).
struct bias_accuracy {
  std::size_t calls = 0;
  std::size_t correct = 0;
  std::size_t flips = 0;
  [[nodiscard]] double accuracy() const { return evaluation_detail::ratio(correct, calls); }
};

/// Measures bias_accuracy of `views` against `closes` (same length).
inline bias_accuracy measure_bias_accuracy(std::span<const timeframe_view> views,
                                           std::span<const double> closes, int horizon) {
  if (views.size() != closes.size() || horizon < 1)
    throw programming_error("measure_bias_accuracy", "closes",
                            "one close per bar and a horizon of at least 1 bar are needed");
  bias_accuracy b;
  int last = class_neutral;
  for (std::size_t j = 0; j < views.size(); ++j) {
    const auto& v = views[j];
    if (!v.available || v.direction == class_neutral) continue;
    if (last != class_neutral && v.direction != last) ++b.flips;
    last = v.direction;
    if (j + static_cast<std::size_t>(horizon) >= closes.size()) continue;
    ++b.calls;
    b.correct += evaluation_detail::outcome(closes, j, horizon, v.direction) > 0;
  }
  return b;
}

}  // namespace mtf::system
