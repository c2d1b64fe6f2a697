#pragma once
/// \file Several symbols' backtests as one book (SPEC §4.10): each symbol is backtested on its own
/// bars (one position at a time per symbol) and the books are pooled with equal capital per
/// symbol, so the figures a gate judges cover every symbol, not the first.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "mtf/backtest/backtest.hpp"

namespace mtf::backtest {

namespace pooled_detail {

/// Equity of one sleeve at each time of `grid`: its curve value at the last curve time at or
/// before that time, 1 before its first bar.
inline std::vector<double> sleeve_on_grid(std::span<const std::int64_t> grid,
                                          std::span<const std::int64_t> times,
                                          std::span<const double> equity) {
  std::vector<double> out(grid.size(), 1.0);
  std::size_t k = 0;
  double value = 1.0;
  for (std::size_t g = 0; g < grid.size(); ++g) {
    while (k < times.size() && times[k] <= grid[g])
      value = equity[k++];
    out[g] = value;
  }
  return out;
}

/// Pooled figures of one strategy: trade counts and trade-weighted means summed over the
/// symbols; returns, Sharpe and drawdown from the equal-capital book `book` (per grid time).
inline performance pool_performance(std::span<const performance> per_symbol,
                                    std::span<const double> book, double symbol_days,
                                    double bars_per_year) {
  performance out;
  double wins = 0, return_sum = 0, longs = 0;
  for (const auto& p : per_symbol) {
    out.trades += p.trades;
    const auto n = static_cast<double>(p.trades);
    wins += p.win_rate * n;
    return_sum += p.mean_trade_return * n;
    longs += p.long_share * n;
  }
  out.trades_per_day = static_cast<double>(out.trades) / symbol_days;
  if (out.trades > 0) {
    const auto n = static_cast<double>(out.trades);
    out.win_rate = wins / n;
    out.mean_trade_return = return_sum / n;
    out.long_share = longs / n;
  }
  const double final_equity = book.empty() ? 1.0 : book.back();
  out.total_return = final_equity - 1.0;
  out.total_log_return = std::log(final_equity);
  std::vector<double> bar_returns(book.size());
  double previous = 1.0;
  for (std::size_t j = 0; j < book.size(); ++j) {
    bar_returns[j] = book[j] / previous - 1.0;
    previous = book[j];
  }
  out.sharpe = annualised_sharpe(bar_returns, bars_per_year);
  out.max_drawdown = max_drawdown(book);
  return out;
}

}  // namespace pooled_detail

/// Pools per-symbol backtests (each from run_backtest on that symbol's test rows, all with the
/// same bar length and calendar) into one book with equal capital per symbol: the book's equity
/// at a time is the mean of the symbols' equities (1 before a symbol's first bar, its last value
/// after its last bar). Pooled performance: trades summed, trades/day per symbol-day (summed over
/// the symbols' span_days), win rate, mean trade return and long share over all trades; total
/// return, Sharpe (annualised from the book's per-time returns) and max drawdown of the book.
/// Trades are concatenated (bar indices stay per symbol); `span_days` is the sum over symbols.
/// One symbol: its own result unchanged. Throws data_error for no symbols.
inline backtest_result pool_backtests(std::span<const backtest_result> per_symbol) {
  if (per_symbol.empty()) detail::bad_input("symbols", "no per-symbol backtests to pool");
  if (per_symbol.size() == 1) return per_symbol.front();
  backtest_result out;
  out.bars_per_year = per_symbol.front().bars_per_year;
  out.random_seed = per_symbol.front().random_seed;
  for (const auto& r : per_symbol) {
    out.span_days += r.span_days;
    out.curve_timestamps.insert(out.curve_timestamps.end(), r.curve_timestamps.begin(),
                                r.curve_timestamps.end());
    out.trades.insert(out.trades.end(), r.trades.begin(), r.trades.end());
  }
  std::sort(out.curve_timestamps.begin(), out.curve_timestamps.end());
  out.curve_timestamps.erase(std::unique(out.curve_timestamps.begin(), out.curve_timestamps.end()),
                             out.curve_timestamps.end());
  const auto book = [&](auto equity_of) {
    std::vector<double> mean(out.curve_timestamps.size(), 0.0);
    for (const auto& r : per_symbol) {
      const auto sleeve =
          pooled_detail::sleeve_on_grid(out.curve_timestamps, r.curve_timestamps, equity_of(r));
      for (std::size_t g = 0; g < mean.size(); ++g)
        mean[g] += sleeve[g] / static_cast<double>(per_symbol.size());
    }
    return mean;
  };
  out.strategy_equity = book([](const backtest_result& r) { return r.strategy_equity; });
  out.buy_and_hold_equity = book([](const backtest_result& r) { return r.buy_and_hold_equity; });
  out.random_equity = book([](const backtest_result& r) { return r.random_equity; });
  const auto perf = [&](auto member, const std::vector<double>& equity) {
    std::vector<performance> each;
    for (const auto& r : per_symbol)
      each.push_back(r.*member);
    return pooled_detail::pool_performance(each, equity, out.span_days, out.bars_per_year);
  };
  out.strategy = perf(&backtest_result::strategy, out.strategy_equity);
  out.buy_and_hold = perf(&backtest_result::buy_and_hold, out.buy_and_hold_equity);
  out.random_direction = perf(&backtest_result::random_direction, out.random_equity);
  return out;
}

}  // namespace mtf::backtest
