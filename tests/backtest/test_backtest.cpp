#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "mtf/backtest/backtest.hpp"

using mtf::backtest::backtest_config;
using mtf::backtest::run_backtest;
using mtf::validation::signals;

namespace {
constexpr int down = 0, neutral = 1, up = 2;
constexpr double c = 6e-4;  // 5 bps fee + 1 bps slippage per side

signals make_signals(const std::vector<int>& direction, const std::vector<bool>& eligible) {
  signals s;
  s.direction = direction;
  s.eligible = eligible;
  s.confidence.assign(direction.size(), 0.7);
  s.alpha.assign(direction.size(), 0.3);
  return s;
}
std::vector<std::int64_t> hourly(std::size_t n) {
  std::vector<std::int64_t> ts(n);
  for (std::size_t i = 0; i < n; ++i)
    ts[i] = 1'700'000'000 + static_cast<std::int64_t>(i) * 3600;
  return ts;
}
// Net simple return of a round trip, from SPEC §8's per-side cost on traded notional.
double net(int side, double entry, double exit) {
  const double r = exit / entry;
  return side * (r - 1) - c * (1 + r);
}
const backtest_config hourly_h2{.horizon = 2, .bar_seconds = 3600};

// Eight test rows plus two closes after them; horizon 2.
//   bar 0 up, eligible      -> long 0..2
//   bar 1 down, eligible    -> ignored: position open
//   bar 2 down, eligible    -> short 2..4 (entry at the previous exit bar is allowed)
//   bar 3 up, eligible      -> ignored: position open
//   bar 4 neutral, eligible -> a neutral argmax never trades
//   bar 5 up, not eligible  -> nothing
//   bar 6 down, eligible    -> short 6..8 (exit in the bars after the test rows)
//   bar 7 up, eligible      -> ignored: position open
const std::vector<double> ten_closes{100, 102, 101, 99, 100, 104, 103, 105, 106, 104};
const signals ten_bar_signals = make_signals({up, down, down, up, neutral, up, down, up},
                                             {true, true, true, true, true, false, true, true});
}  // namespace

TEST_CASE("a ten-bar path trades exactly the hand-computed round trips", "[backtest]") {
  const auto r = run_backtest(ten_bar_signals, hourly(8), ten_closes, hourly_h2);
  REQUIRE(r.trades.size() == 3);
  CHECK(r.trades[0].entry_bar == 0);
  CHECK(r.trades[0].exit_bar == 2);
  CHECK(r.trades[0].side == 1);
  CHECK(r.trades[1].entry_bar == 2);
  CHECK(r.trades[1].exit_bar == 4);
  CHECK(r.trades[1].side == -1);
  CHECK(r.trades[2].entry_bar == 6);
  CHECK(r.trades[2].exit_bar == 8);
  CHECK(r.trades[2].side == -1);

  const double n0 = 0.01 - c * 2.01;                            // long 100 -> 101
  const double n1 = (1 - 100.0 / 101) - c * (1 + 100.0 / 101);  // short 101 -> 100
  const double n2 = (1 - 106.0 / 103) - c * (1 + 106.0 / 103);  // short 103 -> 106
  CHECK(r.trades[0].net_return == Approx(n0));
  CHECK(n0 == Approx(0.008794));
  CHECK(r.trades[1].net_return == Approx(n1));
  CHECK(r.trades[2].net_return == Approx(n2));

  const auto& s = r.strategy;
  CHECK(s.trades == 3);
  CHECK(r.span_days == Approx(8.0 / 24));
  CHECK(s.trades_per_day == Approx(9.0));
  CHECK(s.win_rate == Approx(2.0 / 3));
  CHECK(s.long_share == Approx(1.0 / 3));
  CHECK(s.mean_trade_return == Approx((n0 + n1 + n2) / 3));
  CHECK(s.total_log_return == Approx(std::log1p(n0) + std::log1p(n1) + std::log1p(n2)));
  CHECK(s.total_return == Approx((1 + n0) * (1 + n1) * (1 + n2) - 1));

  // Equity after each bar's close, marked to market with the units bought at entry.
  const double e2 = 1 + n0, e4 = e2 * (1 + n1), e8 = e4 * (1 + n2);
  const std::vector<double> equity{1 - c,        1 - c + 0.02,
                                   e2 * (1 - c), e2 * (1 - c + 2.0 / 101),
                                   e4,           e4,
                                   e4 * (1 - c), e4 * (1 - c - 2.0 / 103),
                                   e8,           e8};
  REQUIRE(r.strategy_equity.size() == equity.size());
  for (std::size_t j = 0; j < equity.size(); ++j) {
    INFO("bar " << j);
    CHECK(r.strategy_equity[j] == Approx(equity[j]).epsilon(1e-12));
  }

  // Sharpe from the per-bar returns of that curve (flat bars are 0), 1h crypto: 8,760 bars/year.
  std::vector<double> returns;
  double previous = 1;
  for (const double e : equity)
    returns.push_back(e / previous - 1), previous = e;
  double mean = 0;
  for (const double x : returns)
    mean += x;
  mean /= 10;
  double ss = 0;
  for (const double x : returns)
    ss += (x - mean) * (x - mean);
  CHECK(s.sharpe == Approx(mean / std::sqrt(ss / 9) * std::sqrt(8760.0)));
  // Highest point: bar 3 (short from 101 marked at 99); lowest after it: e8.
  const double peak = e2 * (1 - c + 2.0 / 101);
  CHECK(s.max_drawdown == Approx((peak - e8) / peak));

  REQUIRE(r.curve_timestamps.size() == 10);
  CHECK(r.curve_timestamps[9] == 1'700'000'000 + 9 * 3600);
}

TEST_CASE("buy-and-hold is one long from the first close to the last close", "[backtest]") {
  const auto r = run_backtest(ten_bar_signals, hourly(8), ten_closes, hourly_h2);
  const auto& b = r.buy_and_hold;
  CHECK(b.trades == 1);
  CHECK(b.long_share == 1.0);
  CHECK(b.total_return == Approx(net(1, 100, 104)));
  CHECK(b.win_rate == 1.0);
  CHECK(r.buy_and_hold_equity[5] == Approx(1 - c + 0.04));
  // 102 at bar 1 falling to 99 at bar 3 is deeper than 106 -> 104 less the exit cost
  CHECK(b.max_drawdown == Approx(0.03 / (1 - c + 0.02)));
}

TEST_CASE("the random-direction baseline trades the same bars with coin-flip sides", "[backtest]") {
  const auto r = run_backtest(ten_bar_signals, hourly(8), ten_closes, hourly_h2);
  const auto& q = r.random_direction;
  CHECK(q.trades == 3);
  CHECK(q.trades_per_day == r.strategy.trades_per_day);
  // Its outcome must be one of the 8 side assignments of the three round trips.
  const double prices[3][2] = {{100, 101}, {101, 100}, {103, 106}};
  bool matched = false;
  for (int mask = 0; mask < 8; ++mask) {
    double log_sum = 0;
    int longs = 0;
    for (int k = 0; k < 3; ++k) {
      const int side = (mask >> k & 1) ? 1 : -1;
      longs += side > 0;
      log_sum += std::log1p(net(side, prices[k][0], prices[k][1]));
    }
    if (std::abs(log_sum - q.total_log_return) < 1e-12 && longs / 3.0 == q.long_share)
      matched = true;
  }
  CHECK(matched);
  // Same seed, same baseline; the seed is reported.
  const auto again = run_backtest(ten_bar_signals, hourly(8), ten_closes, hourly_h2);
  CHECK(again.random_direction.total_log_return == q.total_log_return);
  CHECK(r.random_seed == hourly_h2.random_seed);
}

TEST_CASE("random baselines differ between seeds over many trades", "[backtest]") {
  const std::size_t n = 400;
  std::vector<double> closes(n + 1);
  for (std::size_t i = 0; i <= n; ++i)
    closes[i] = 100 + 5 * std::sin(0.3 * static_cast<double>(i));
  const auto sig = make_signals(std::vector<int>(n, up), std::vector<bool>(n, true));
  auto cfg = backtest_config{.horizon = 1, .bar_seconds = 3600};
  cfg.random_seed = 1;
  const auto a = run_backtest(sig, hourly(n), closes, cfg);
  cfg.random_seed = 2;
  const auto b = run_backtest(sig, hourly(n), closes, cfg);
  INFO("seeds 1 and 2");
  CHECK(a.random_direction.trades == n);
  CHECK(a.random_direction.total_log_return != b.random_direction.total_log_return);
  CHECK(a.random_direction.long_share > 0.4);  // a fair coin over 400 flips
  CHECK(a.random_direction.long_share < 0.6);
}

TEST_CASE("an eligible bar during an open position does nothing", "[backtest]") {
  // Every bar eligible and long, horizon 3: entries at 0, 3, 6 only.
  const std::vector<double> closes{10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
  const auto sig = make_signals(std::vector<int>(9, up), std::vector<bool>(9, true));
  const auto r = run_backtest(sig, hourly(9), closes, {.horizon = 3, .bar_seconds = 3600});
  REQUIRE(r.trades.size() == 3);
  CHECK(r.trades[0].entry_bar == 0);
  CHECK(r.trades[1].entry_bar == 3);
  CHECK(r.trades[2].entry_bar == 6);
  CHECK(r.trades[2].exit_bar == 9);
}

TEST_CASE("a trade whose exit lies beyond the available closes is not taken", "[backtest]") {
  const std::vector<double> closes{100, 101, 102, 103, 104};
  const auto sig =
      make_signals({neutral, neutral, neutral, up, up}, {false, false, false, true, true});
  const auto r = run_backtest(sig, hourly(5), closes, hourly_h2);
  CHECK(r.trades.empty());
  CHECK(r.strategy.sharpe == 0.0);
  CHECK(r.strategy.total_return == 0.0);
  CHECK(r.strategy.win_rate == 0.0);
  CHECK(r.strategy_equity == std::vector<double>(5, 1.0));
}

TEST_CASE("the Sharpe ratio uses the calendar's bars per year", "[backtest]") {
  auto cfg = hourly_h2;
  const auto crypto = run_backtest(ten_bar_signals, hourly(8), ten_closes, cfg);
  cfg.trading_calendar = mtf::backtest::calendar::equities;
  const auto equities = run_backtest(ten_bar_signals, hourly(8), ten_closes, cfg);
  CHECK(equities.strategy.sharpe / crypto.strategy.sharpe == Approx(std::sqrt(1638.0 / 8760)));
}

TEST_CASE("max drawdown of a known equity curve", "[backtest]") {
  const std::vector<double> curve{1.0, 1.2, 0.9, 1.1, 0.6, 1.3, 1.0};
  CHECK(mtf::backtest::max_drawdown(curve) == Approx(0.5));  // 1.2 -> 0.6
  const std::vector<double> rising{1.0, 1.1, 1.2};
  CHECK(mtf::backtest::max_drawdown(rising) == 0.0);
  const std::vector<double> first_bar_loss{0.9, 1.0};
  CHECK(mtf::backtest::max_drawdown(first_bar_loss) == Approx(0.1));  // from the start of 1
}

TEST_CASE("bad backtest input throws data_error", "[backtest]") {
  CHECK_THROWS_AS(run_backtest(ten_bar_signals, hourly(7), ten_closes, hourly_h2), mtf::data_error);
  const std::vector<double> few{100, 101, 102};
  CHECK_THROWS_AS(run_backtest(ten_bar_signals, hourly(8), few, hourly_h2), mtf::data_error);
  auto bad_close = ten_closes;
  bad_close[3] = -1;
  CHECK_THROWS_WITH(run_backtest(ten_bar_signals, hourly(8), bad_close, hourly_h2),
                    Catch::Contains("close of bar 3"));
  CHECK_THROWS_AS(
      run_backtest(ten_bar_signals, hourly(8), ten_closes, {.horizon = 0, .bar_seconds = 3600}),
      mtf::data_error);
  CHECK_THROWS_AS(run_backtest(ten_bar_signals, hourly(8), ten_closes,
                               {.horizon = 2, .bar_seconds = 3600, .costs = {-1, 0}}),
                  mtf::data_error);
}

TEST_CASE("without costs, back-to-back longs mark to market exactly like buy-and-hold",
          "[backtest]") {
  // Always long with horizon 3 on 10 closes: trades 0-3, 3-6, 6-9 hold the same units-per-
  // equity as buy-and-hold, so both curves are C_j / C_0 at every bar (telescoping product).
  const std::vector<double> closes{50, 52, 51, 55, 54, 58, 57, 60, 59, 63};
  const auto sig = make_signals(std::vector<int>(7, up), std::vector<bool>(7, true));
  const auto r =
      run_backtest(sig, hourly(7), closes, {.horizon = 3, .bar_seconds = 3600, .costs = {0, 0}});
  REQUIRE(r.strategy_equity.size() == closes.size());
  for (std::size_t j = 0; j < closes.size(); ++j) {
    INFO("bar " << j);
    CHECK(r.strategy_equity[j] == Approx(closes[j] / closes[0]).epsilon(1e-12));
    CHECK(r.buy_and_hold_equity[j] == Approx(closes[j] / closes[0]).epsilon(1e-12));
  }
  CHECK(r.strategy.total_return == Approx(63.0 / 50 - 1));
  CHECK(r.strategy.sharpe == Approx(r.buy_and_hold.sharpe));
}

TEST_CASE("without costs, a short is the mirror of a long on the same round trip", "[backtest]") {
  const std::vector<double> closes{100, 90, 80};
  const auto longs = run_backtest(make_signals({up, neutral}, {true, false}), hourly(2), closes,
                                  {.horizon = 2, .bar_seconds = 3600, .costs = {0, 0}});
  const auto shorts = run_backtest(make_signals({down, neutral}, {true, false}), hourly(2), closes,
                                   {.horizon = 2, .bar_seconds = 3600, .costs = {0, 0}});
  CHECK(longs.strategy.total_return == Approx(-0.2));
  CHECK(shorts.strategy.total_return == Approx(0.2));
  CHECK(shorts.strategy_equity[1] == Approx(1.1));  // marked at 90: +10% on the short
  CHECK(shorts.strategy.win_rate == 1.0);
  CHECK(shorts.strategy.long_share == 0.0);
}
