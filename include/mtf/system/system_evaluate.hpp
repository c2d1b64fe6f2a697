#pragma once
/// \file `mtf_system evaluate` (SPEC §10c): the cross-timeframe validation and the backtest of
/// the combined system versus the execution model alone versus buy-and-hold, on the bars of an
/// execution file that no role's model saw in training (SPEC §9: after every role's last
/// training bar plus its horizon).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "mtf/backtest/backtest.hpp"
#include "mtf/system/system_evaluation.hpp"
#include "mtf/system/system_run.hpp"

namespace mtf::system {

/// A backtest figure set plus the outcome when each trade is sized by the system's decision (the
/// fraction of equity committed; 1 for the execution model alone).
struct sized_performance {
  backtest::performance unsized;
  double sized_total_return = 0.0;  ///< prod(1 + size_i * net_return_i) - 1
  double sized_max_drawdown = 0.0;  ///< of the sized equity after each trade
};

/// Everything `evaluate` (and `walkforward`, over its judged span) reports.
struct system_evaluation {
  std::int64_t first_judged = 0;  ///< open time of the first judged execution bar
  std::int64_t last_judged = 0;
  std::size_t bars_judged = 0;
  std::size_t in_sample_bars_skipped = 0;  ///< evaluate: bars before the models' data ended
  overlay_agreement overlay;
  /// Bootstrap interval of the agreed - disagreed hit rate (none: too few signals to judge).
  std::optional<overlay_difference> overlay_significance;
  /// The same over every directional execution call, trade gate ignored: evidence on the
  /// overlay's information even where the execution gate lets no signal through.
  overlay_agreement overlay_calls;
  std::optional<overlay_difference> overlay_calls_significance;
  regime_stability regime;
  bias_accuracy bias;
  std::size_t regime_bars = 0, bias_bars = 0;  ///< coarser bars judged
  sized_performance system, execution_alone;
  backtest::performance buy_and_hold;
  std::vector<std::size_t> rule_counts;  ///< per decision_rule, over the judged bars
  /// Equity curves (start 1) at each judged bar: the system's trades unsized, the execution
  /// model alone, buy-and-hold.
  std::vector<std::int64_t> curve_timestamps;
  std::vector<double> system_equity, execution_equity, buy_and_hold_equity;
};

namespace evaluate_detail {
/// Index of the first bar of `t` opening after `after`.
inline std::size_t first_after(const std::vector<std::int64_t>& t, std::int64_t after) {
  return static_cast<std::size_t>(std::upper_bound(t.begin(), t.end(), after) - t.begin());
}

inline sized_performance sized(const backtest::backtest_result& r,
                               const std::vector<double>& size_at_bar) {
  sized_performance s{r.strategy, 0.0, 0.0};
  std::vector<double> equity;
  double log_sum = 0.0;
  for (const auto& t : r.trades) {
    log_sum += std::log1p(size_at_bar[t.entry_bar] * t.net_return);
    equity.push_back(std::exp(log_sum));
  }
  s.sized_total_return = std::expm1(log_sum);
  s.sized_max_drawdown = backtest::max_drawdown(equity);
  return s;
}
}  // namespace evaluate_detail

/// The judgement of system output `out` (of run_system or the walk-forward run over
/// `execution`) on execution bars [begin, end): overlay agreement and its significance, the
/// regime and bias measurements on the coarser bars opening within the judged bars' span, the
/// decisions taken, and the backtests of the system, the execution model alone and
/// buy-and-hold. Throws programming_error for an empty or out-of-range span.
template <SystemPolicy S>
system_evaluation judge_system(const system_output& out, const bar_series& execution,
                               std::size_t begin, std::size_t end, intake::calendar cal) {
  using E = typename S::execution;
  if (begin >= end || end > execution.size() || out.bars.size() != execution.size())
    throw programming_error("judge_system", "end", "an empty or out-of-range span of bars");
  system_evaluation ev;
  ev.first_judged = execution.timestamp[begin];
  ev.last_judged = execution.timestamp[end - 1];
  ev.bars_judged = end - begin;

  std::vector<system_views> views;
  validation::signals system_sig, exec_sig;
  std::vector<double> sizes;
  ev.rule_counts.assign(static_cast<std::size_t>(decision_rule::sized_against_bias) + 1, 0);
  for (std::size_t i = begin; i < end; ++i) {
    const auto& b = out.bars[i];
    views.push_back(b.views);
    ++ev.rule_counts[static_cast<std::size_t>(b.decision.rule)];
    system_sig.confidence.push_back(b.views.execution.confidence);
    system_sig.alpha.push_back(b.views.execution.alpha);
    system_sig.direction.push_back(b.decision.direction);
    system_sig.eligible.push_back(b.decision.trades());
    sizes.push_back(b.decision.size);
    exec_sig.confidence.push_back(b.views.execution.confidence);
    exec_sig.alpha.push_back(b.views.execution.alpha);
    exec_sig.direction.push_back(b.views.execution.direction);
    exec_sig.eligible.push_back(b.views.execution.available && b.views.execution.eligible);
  }
  const std::span<const double> closes(execution.close.data() + begin, end - begin);
  const std::span<const std::int64_t> times(execution.timestamp.data() + begin, end - begin);
  const auto signals = overlay_signals(views, closes, E::horizon);
  ev.overlay = count_overlay_agreement(signals);
  ev.overlay_significance = overlay_hit_rate_difference(signals, E::horizon);
  const auto calls = overlay_signals(views, closes, E::horizon, false);
  ev.overlay_calls = count_overlay_agreement(calls);
  ev.overlay_calls_significance = overlay_hit_rate_difference(calls, E::horizon);

  // Coarser bars opening within the judged execution bars' span.
  const auto role_window = [&](const role_series& r, auto policy, auto&& measure) {
    using P = typename decltype(policy)::type;
    const auto& t = r.bars.timestamp;
    const auto from =
        static_cast<std::size_t>(std::lower_bound(t.begin(), t.end(), ev.first_judged) - t.begin());
    const std::size_t to = evaluate_detail::first_after(t, ev.last_judged);
    const std::size_t m = to > from ? to - from : 0;
    measure(std::span<const timeframe_view>(r.views.data() + from, m),
            std::span<const double>(r.bars.close.data() + from, m), P::bar_seconds, P::horizon);
    return m;
  };
  ev.regime_bars = role_window(out.regime, std::type_identity<typename S::regime>{},
                               [&](auto v, auto c, std::int64_t s, int h) {
                                 ev.regime = measure_regime_stability(v, c, s, h);
                               });
  ev.bias_bars = role_window(
      out.bias, std::type_identity<typename S::bias>{},
      [&](auto v, auto c, std::int64_t, int h) { ev.bias = measure_bias_accuracy(v, c, h); });

  const auto system_bt = backtest::run_backtest_for<E>(system_sig, times, closes, cal);
  const auto exec_bt = backtest::run_backtest_for<E>(exec_sig, times, closes, cal);
  ev.system = evaluate_detail::sized(system_bt, sizes);
  ev.execution_alone = evaluate_detail::sized(exec_bt, std::vector<double>(sizes.size(), 1.0));
  ev.buy_and_hold = system_bt.buy_and_hold;
  ev.curve_timestamps = system_bt.curve_timestamps;
  ev.system_equity = system_bt.strategy_equity;
  ev.execution_equity = exec_bt.strategy_equity;
  ev.buy_and_hold_equity = system_bt.buy_and_hold_equity;
  return ev;
}

/// Evaluates system policy S on `execution` bars (as for run_system) with `models`. Judged bars
/// open after every role's training data end plus its horizon; throws data_error (exit 2) naming
/// the periods when fewer than `min_bars` such execution bars remain.
template <SystemPolicy S>
system_evaluation evaluate_system(const system_models<S>& models, const bar_series& execution,
                                  intake::calendar cal, std::size_t min_bars = 50) {
  using E = typename S::execution;
  const auto out = run_system<S>(models, execution);
  const auto seen_until = [](const auto& model, auto policy) {
    using P = typename decltype(policy)::type;
    return model.trained_through + static_cast<std::int64_t>(P::horizon) * P::bar_seconds;
  };
  const std::int64_t after =
      std::max({seen_until(models.execution, std::type_identity<E>{}),
                seen_until(models.overlay, std::type_identity<typename S::overlay>{}),
                seen_until(models.regime, std::type_identity<typename S::regime>{}),
                seen_until(models.bias, std::type_identity<typename S::bias>{})});
  const std::size_t begin = evaluate_detail::first_after(execution.timestamp, after);
  const std::size_t n = execution.size();
  if (n < begin + min_bars)
    throw data_error(execution.source, 0, "timestamp",
                     "only " + std::to_string(n > begin ? n - begin : 0) +
                         " bars open after every model's training data plus its horizon (" +
                         intake::format_iso8601(after) + "); the file ends " +
                         intake::format_iso8601(execution.timestamp.back()) + ", at least " +
                         std::to_string(min_bars) + " are needed");
  auto ev = judge_system<S>(out, execution, begin, n, cal);
  ev.in_sample_bars_skipped = begin;
  return ev;
}

}  // namespace mtf::system
