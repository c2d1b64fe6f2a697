// Several symbols' backtests pooled into one book with equal capital per symbol (SPEC §4.10).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "mtf/backtest/pooled_backtest.hpp"

using mtf::backtest::backtest_config;
using mtf::backtest::backtest_result;
using mtf::backtest::pool_backtests;
using mtf::backtest::run_backtest;
using mtf::validation::signals;

namespace {
constexpr int down = 0, up = 2;
constexpr double c = 6e-4;

signals make_signals(const std::vector<int>& direction, const std::vector<bool>& eligible) {
  signals s;
  s.direction = direction;
  s.eligible = eligible;
  s.confidence.assign(direction.size(), 0.7);
  s.alpha.assign(direction.size(), 0.3);
  return s;
}
std::vector<std::int64_t> hourly(std::size_t n, std::int64_t start = 1'700'000'000) {
  std::vector<std::int64_t> ts(n);
  for (std::size_t i = 0; i < n; ++i)
    ts[i] = start + static_cast<std::int64_t>(i) * 3600;
  return ts;
}
const backtest_config h2{.horizon = 2, .bar_seconds = 3600};
// Six rows, one long from bar 0 to 2 and one short from bar 3 to 5.
const std::vector<double> closes_a{100, 110, 121, 120, 114, 108};
const signals trades_a =
    make_signals({up, up, up, down, down, down}, {true, false, false, true, false, false});
const signals no_trades = make_signals({up, up, up, up, up, up}, std::vector<bool>(6, false));
}  // namespace

TEST_CASE("pooling one symbol's backtest changes nothing", "[backtest][pooled]") {
  const auto a = run_backtest(trades_a, hourly(6), closes_a, h2);
  const std::vector<backtest_result> one{a};
  const auto p = pool_backtests(one);
  CHECK(p.strategy.sharpe == a.strategy.sharpe);
  CHECK(p.strategy.total_return == a.strategy.total_return);
  CHECK(p.strategy_equity == a.strategy_equity);
  CHECK(p.trades.size() == a.trades.size());
  CHECK(p.span_days == a.span_days);
}

TEST_CASE("two identical symbols pool to the same book with twice the trades",
          "[backtest][pooled]") {
  const auto a = run_backtest(trades_a, hourly(6), closes_a, h2);
  const std::vector<backtest_result> twice{a, a};
  const auto p = pool_backtests(twice);
  CHECK(p.strategy.trades == 2 * a.strategy.trades);
  // Trades per symbol-day, not per day: two symbols trading alike trade as often as one.
  CHECK(p.strategy.trades_per_day == Approx(a.strategy.trades_per_day));
  CHECK(p.strategy.win_rate == Approx(a.strategy.win_rate));
  CHECK(p.strategy.mean_trade_return == Approx(a.strategy.mean_trade_return));
  REQUIRE(p.strategy_equity.size() == a.strategy_equity.size());
  for (std::size_t j = 0; j < p.strategy_equity.size(); ++j)
    CHECK(p.strategy_equity[j] == Approx(a.strategy_equity[j]).epsilon(1e-15));
  CHECK(p.strategy.sharpe == Approx(a.strategy.sharpe).epsilon(1e-12));
  CHECK(p.strategy.total_return == Approx(a.strategy.total_return).epsilon(1e-12));
  CHECK(p.span_days == Approx(2 * a.span_days));
}

TEST_CASE("a trading symbol and a flat one pool at half the return", "[backtest][pooled]") {
  // Hand computation: A's long 100 -> 121 nets 0.21 - c (1 + 1.21); its short 120 -> 108 nets
  // 0.1 - c (1 + 0.9). A's equity ends at the product; B never trades and stays at 1. The book
  // holds half its capital in each: it ends at (A_end + 1) / 2.
  const double long_net = 0.21 - c * 2.21, short_net = 0.1 - c * 1.9;
  const double a_end = (1 + long_net) * (1 + short_net);
  const auto a = run_backtest(trades_a, hourly(6), closes_a, h2);
  const auto b = run_backtest(no_trades, hourly(6), closes_a, h2);
  REQUIRE(a.strategy.total_return == Approx(a_end - 1).epsilon(1e-12));
  const std::vector<backtest_result> both{a, b};
  const auto p = pool_backtests(both);
  CHECK(p.strategy.total_return == Approx((a_end + 1) / 2 - 1).epsilon(1e-12));
  CHECK(p.strategy.trades == 2);
  CHECK(p.strategy.trades_per_day == Approx(2.0 / (a.span_days + b.span_days)));
  CHECK(p.strategy.win_rate == Approx(1.0));
  CHECK(p.strategy.long_share == Approx(0.5));
  CHECK(p.buy_and_hold.total_return ==
        Approx((a.buy_and_hold.total_return + b.buy_and_hold.total_return) / 2).epsilon(1e-12));
}

TEST_CASE("a symbol that starts later holds cash until its first bar", "[backtest][pooled]") {
  // B's bars start three hours after A's: before then its sleeve is worth 1, after its last bar
  // its final value.
  const auto a = run_backtest(trades_a, hourly(6), closes_a, h2);
  const auto b = run_backtest(trades_a, hourly(6, 1'700'000'000 + 3 * 3600), closes_a, h2);
  const std::vector<backtest_result> both{a, b};
  const auto p = pool_backtests(both);
  REQUIRE(p.curve_timestamps.size() == 9);  // hours 0..8
  CHECK(p.strategy_equity[0] == Approx((a.strategy_equity[0] + 1.0) / 2));
  CHECK(p.strategy_equity[3] == Approx((a.strategy_equity[3] + b.strategy_equity[0]) / 2));
  CHECK(p.strategy_equity[8] == Approx((a.strategy_equity[5] + b.strategy_equity[5]) / 2));
  CHECK(p.strategy.total_return == Approx(a.strategy.total_return).epsilon(1e-12));
}
