#pragma once
/// \file The test-split backtest of SPEC §8: one position at a time, entered at the close of an
/// eligible bar in the predicted direction and closed at the close `horizon` bars later, with
/// per-side costs; compared with buy-and-hold and a random-direction strategy.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "mtf/backtest/annualisation.hpp"
#include "mtf/backtest/backtest_spec.hpp"
#include "mtf/validation/input_error.hpp"
#include "mtf/validation/signal_stats.hpp"

namespace mtf::backtest {

/// What the backtest needs besides the signals.
struct backtest_config {
  int horizon = 1;               ///< bars a position is held
  std::int64_t bar_seconds = 0;  ///< bar length, for annualisation and rates
  cost_spec costs{};             ///< per side, bps of traded notional
  calendar trading_calendar = calendar::crypto;
  std::uint64_t random_seed = 20240601;  ///< seed of the random-direction baseline
};

/// One round trip. Bars are indices into the test rows (exits may lie in the bars after them).
struct trade {
  std::size_t entry_bar = 0;
  std::size_t exit_bar = 0;
  int side = 1;  ///< +1 long, -1 short
  double entry_price = 0;
  double exit_price = 0;
  /// Simple return on the equity committed, after costs:
  /// side * (R - 1) - c * (1 + R), R = exit / entry, c = (fee + slippage) / 10,000; the exit
  /// side pays c on the position's notional at exit (R times the entry notional).
  double net_return = 0;
};

/// Figures of one strategy over the backtest span.
struct performance {
  std::size_t trades = 0;
  double trades_per_day = 0;     ///< trades / span days of the test rows
  double win_rate = 0;           ///< share of trades with net_return > 0; 0 without trades
  double mean_trade_return = 0;  ///< mean simple net return per trade; 0 without trades
  double total_log_return = 0;   ///< sum over trades of ln(1 + net_return)
  double total_return = 0;       ///< compounded: final equity - 1 = exp(total_log_return) - 1
  /// mean / sample std (ddof 1) of per-bar equity returns (flat bars count as 0), times
  /// sqrt(bars_per_year); 0 when the returns do not vary.
  double sharpe = 0;
  double max_drawdown = 0;  ///< largest fall from a running peak of equity, as a fraction
  double long_share = 0;    ///< share of trades that were long; 0 without trades
};

/// Result of run_backtest. Equity curves start at 1 before bar 0 and hold one value per bar
/// (after that bar's close) from bar 0 to the last bar any trade may exit on.
struct backtest_result {
  performance strategy;
  performance buy_and_hold;      ///< long at bar 0's close, flat at the last bar's close
  performance random_direction;  ///< the strategy's entry bars, coin-flip directions
  std::vector<trade> trades;     ///< the strategy's trades
  std::vector<std::int64_t> curve_timestamps;  ///< open time of each curve bar (epoch s)
  std::vector<double> strategy_equity;
  std::vector<double> buy_and_hold_equity;
  std::vector<double> random_equity;
  double span_days = 0;      ///< of the test rows, see validation::span_days
  double bars_per_year = 0;  ///< annualisation used
  std::uint64_t random_seed = 0;
};

/// Largest peak-to-trough fall of `equity` (values > 0, the curve starts from a peak of
/// `start`), as a fraction of the peak: 0 for a curve that never falls.
inline double max_drawdown(std::span<const double> equity, double start = 1.0) {
  double peak = start, worst = 0;
  for (const double e : equity) {
    peak = std::max(peak, e);
    worst = std::max(worst, (peak - e) / peak);
  }
  return worst;
}

/// Annualised Sharpe ratio of per-bar returns: mean / sample std * sqrt(bars_per_year), 0 when
/// fewer than two returns or no variation.
inline double annualised_sharpe(std::span<const double> bar_returns, double bars_per_year) {
  const std::size_t n = bar_returns.size();
  if (n < 2) return 0.0;
  double mean = 0;
  for (const double r : bar_returns)
    mean += r;
  mean /= static_cast<double>(n);
  double squares = 0;
  for (const double r : bar_returns)
    squares += (r - mean) * (r - mean);
  const double sd = std::sqrt(squares / static_cast<double>(n - 1));
  // Flat-to-rounding-noise returns would give an absurd ratio; call them no variation.
  if (!(sd > 1e-15)) return 0.0;
  return mean / sd * std::sqrt(bars_per_year);
}

namespace detail {
/// Throws data_error("run_backtest", field, message).
[[noreturn]] inline void bad_input(const std::string& field, const std::string& message) {
  validation::throw_input_error("run_backtest", field, message);
}

struct planned_trade {
  std::size_t entry, exit;
  int side;
};

struct simulation {
  std::vector<trade> trades;
  std::vector<double> equity;
  performance perf;
};

/// Marks `plan` (non-overlapping, sorted) to market bar by bar on closes[0..last]. A position
/// holds a fixed number of units bought/sold with all equity at entry, so equity at bar j in
/// [entry, exit] is E0 * (1 - c + side * (C_j - C_entry) / C_entry), minus c * E0 * C_exit /
/// C_entry at the exit bar.
inline simulation simulate(std::span<const planned_trade> plan, std::span<const double> closes,
                           std::size_t last, double cost_per_side, double span_days,
                           double bars_per_year) {
  simulation sim;
  sim.equity.assign(last + 1, 1.0);
  double equity = 1.0;
  std::size_t filled = 0;  // curve bars [0, filled) are final
  std::size_t longs = 0, wins = 0;
  double return_sum = 0;
  for (const auto& p : plan) {
    for (; filled < p.entry; ++filled)
      sim.equity[filled] = equity;
    const double start = equity, entry_price = closes[p.entry];
    for (std::size_t j = p.entry; j <= p.exit; ++j)
      sim.equity[j] =
          start * (1.0 - cost_per_side + p.side * (closes[j] - entry_price) / entry_price);
    const double ratio = closes[p.exit] / entry_price;
    const double net = p.side * (ratio - 1.0) - cost_per_side * (1.0 + ratio);
    if (!(1.0 + net > 0.0))
      detail::bad_input("close",
                        "a trade from bar " + std::to_string(p.entry) + " to bar " +
                            std::to_string(p.exit) +
                            " lost the whole equity (price moved over 100% against a short)");
    sim.equity[p.exit] = start * (1.0 + net);
    equity = sim.equity[p.exit];
    filled = p.exit + 1;
    sim.trades.push_back({p.entry, p.exit, p.side, entry_price, closes[p.exit], net});
    if (p.side > 0) ++longs;
    if (net > 0) ++wins;
    return_sum += net;
    sim.perf.total_log_return += std::log1p(net);
  }
  for (; filled <= last; ++filled)
    sim.equity[filled] = equity;

  performance& perf = sim.perf;
  perf.trades = sim.trades.size();
  perf.trades_per_day = static_cast<double>(perf.trades) / span_days;
  if (perf.trades > 0) {
    const auto n = static_cast<double>(perf.trades);
    perf.win_rate = static_cast<double>(wins) / n;
    perf.mean_trade_return = return_sum / n;
    perf.long_share = static_cast<double>(longs) / n;
  }
  perf.total_return = equity - 1.0;
  std::vector<double> bar_returns(last + 1);
  double previous = 1.0;
  for (std::size_t j = 0; j <= last; ++j) {
    bar_returns[j] = sim.equity[j] / previous - 1.0;
    previous = sim.equity[j];
  }
  perf.sharpe = annualised_sharpe(bar_returns, bars_per_year);
  perf.max_drawdown = max_drawdown(sim.equity);
  return sim;
}
}  // namespace detail

/// Backtests `sig` (one entry per test row) on the test rows opening at `timestamps`.
/// `closes[i]` is the close of test row i; closes after the test rows (at least `horizon` of
/// them, when available) let the last signals' trades exit. At each bar i, if it is eligible,
/// its direction is up (long) or down (short) — a neutral argmax never trades — no position is
/// open, and bar i + horizon has a close, a trade opens at close i and exits at close
/// i + horizon; a new trade may open at that exit bar. Throws data_error on inconsistent lengths,
/// non-positive or non-finite closes, horizon < 1 or negative costs.
inline backtest_result run_backtest(const validation::signals& sig,
                                    std::span<const std::int64_t> timestamps,
                                    std::span<const double> closes, const backtest_config& cfg) {
  const std::size_t n = sig.size();
  if (n == 0) detail::bad_input("signals", "no test rows");
  if (timestamps.size() != n)
    detail::bad_input("timestamp", std::to_string(timestamps.size()) + " timestamps for " +
                                       std::to_string(n) + " signals");
  if (closes.size() < n)
    detail::bad_input("close", std::to_string(closes.size()) + " closes for " + std::to_string(n) +
                                   " test rows (need at least one per row)");
  if (cfg.horizon < 1) detail::bad_input("horizon", "must be at least 1 bar");
  const double fee = cfg.costs.fee_bps, slip = cfg.costs.slippage_bps;
  if (!std::isfinite(fee) || !std::isfinite(slip) || fee < 0 || slip < 0)
    detail::bad_input("costs", "fee and slippage must be finite and non-negative");
  const auto horizon = static_cast<std::size_t>(cfg.horizon);
  const std::size_t last = std::min(closes.size(), n + horizon) - 1;
  for (std::size_t j = 0; j <= last; ++j)
    if (!std::isfinite(closes[j]) || closes[j] <= 0)
      detail::bad_input("close",
                        "close of bar " + std::to_string(j) + " is not a positive finite price");

  backtest_result result;
  result.span_days = validation::span_days(timestamps, cfg.bar_seconds);
  result.bars_per_year = bars_per_year(cfg.bar_seconds, cfg.trading_calendar);
  result.random_seed = cfg.random_seed;
  const double cost = (fee + slip) / 10'000.0;

  std::vector<detail::planned_trade> plan;
  for (std::size_t i = 0; i < n && i + horizon <= last;) {
    const int d = sig.direction[i];
    if (sig.eligible[i] && d != class_neutral) {
      plan.push_back({i, i + horizon, d == class_up ? 1 : -1});
      i += horizon;  // the exit bar may open the next trade; bars in between cannot
    } else {
      ++i;
    }
  }
  auto strategy =
      detail::simulate(plan, closes, last, cost, result.span_days, result.bars_per_year);

  // mt19937_64's output sequence is fixed by the standard (unlike the distributions), so the
  // baseline is the same on every platform.
  std::mt19937_64 rng(cfg.random_seed);
  std::vector<detail::planned_trade> random_plan = plan;
  for (auto& p : random_plan)
    p.side = (rng() >> 63) != 0 ? 1 : -1;
  auto random =
      detail::simulate(random_plan, closes, last, cost, result.span_days, result.bars_per_year);

  const detail::planned_trade hold[] = {{0, last, 1}};
  auto buy_hold = detail::simulate(last > 0 ? std::span<const detail::planned_trade>(hold)
                                            : std::span<const detail::planned_trade>(),
                                   closes, last, cost, result.span_days, result.bars_per_year);

  result.strategy = strategy.perf;
  result.random_direction = random.perf;
  result.buy_and_hold = buy_hold.perf;
  result.trades = std::move(strategy.trades);
  result.strategy_equity = std::move(strategy.equity);
  result.random_equity = std::move(random.equity);
  result.buy_and_hold_equity = std::move(buy_hold.equity);
  result.curve_timestamps.resize(last + 1);
  for (std::size_t j = 0; j <= last; ++j)
    result.curve_timestamps[j] =
        j < n ? timestamps[j]
              : timestamps[n - 1] + static_cast<std::int64_t>(j - n + 1) * cfg.bar_seconds;
  return result;
}

/// run_backtest with the policy's horizon, bar length and costs.
template <class P>
backtest_result run_backtest_for(const validation::signals& sig,
                                 std::span<const std::int64_t> timestamps,
                                 std::span<const double> closes,
                                 calendar trading_calendar = calendar::crypto,
                                 std::uint64_t random_seed = 20240601) {
  return run_backtest(sig, timestamps, closes,
                      {.horizon = P::horizon,
                       .bar_seconds = P::bar_seconds,
                       .costs = P::costs,
                       .trading_calendar = trading_calendar,
                       .random_seed = random_seed});
}

}  // namespace mtf::backtest
