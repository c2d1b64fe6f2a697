// The system over an execution series (system/system_run.hpp) with four tiny in-memory models:
// no look-ahead across timeframes (each coarser view is that of the last bar closed by the
// execution bar's close, checked against open times computed from the clock) and
// prefix-invariance (a series cut after any bar gives the full series' first outputs, bit for
// bit).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <random>
#include <vector>

#include "../features/feature_test_support.hpp"
#include "system_test_support.hpp"

using namespace mtf::system;
using mtf::pipeline::loaded_model;

namespace {

using namespace mtf::test_system;

/// 5m bars over 26 days starting at 2026-01-01T00:00Z, so the 12h model (60-bar warm-up = 30
/// days) has no view and the 24h none either; `long_series` spans enough for both.
mtf::bar_series execution_bars(std::size_t n, std::uint64_t seed) {
  auto bars = mtf::test::random_walk_bars(n, seed, 0.0, 0.002);
  const std::int64_t start = 1767225600;  // 2026-01-01T00:00:00Z
  for (std::size_t i = 0; i < n; ++i)
    bars.timestamp[i] = start + static_cast<std::int64_t>(i) * 300;
  return bars;
}

bool same_view(const timeframe_view& a, const timeframe_view& b) {
  using mtf::test::same_bits;
  return a.available == b.available && a.bar_open == b.bar_open && same_bits(a.p[0], b.p[0]) &&
         same_bits(a.p[1], b.p[1]) && same_bits(a.p[2], b.p[2]) &&
         same_bits(a.confidence, b.confidence) && a.direction == b.direction &&
         a.eligible == b.eligible;
}

bool same_bar(const system_bar& a, const system_bar& b) {
  return a.timestamp == b.timestamp && same_view(a.views.execution, b.views.execution) &&
         same_view(a.views.overlay, b.views.overlay) && same_view(a.views.regime, b.views.regime) &&
         same_view(a.views.bias, b.views.bias) && a.decision.direction == b.decision.direction &&
         mtf::test::same_bits(a.decision.size, b.decision.size) &&
         a.decision.rule == b.decision.rule;
}

}  // namespace

TEST_CASE("a coarser view comes from the last bar closed by the execution bar's close",
          "[system][run]") {
  // 130 days of 5m bars: 24h warm-up (100 daily bars) ends inside the file.
  const auto bars = execution_bars(130 * 288, 7);
  const auto out = run_system<lin_system>(models(), bars);
  REQUIRE(out.bars.size() == bars.size());
  std::size_t with_bias = 0;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const std::int64_t close = bars.timestamp[i] + 300;
    const auto& v = out.bars[i].views;
    // The execution view is the bar itself.
    CHECK(v.execution.bar_open == bars.timestamp[i]);
    // From the clock alone: the last h-bar closed at `close` opened at floor(close/h)*h - h.
    const auto last_closed_open = [&](std::int64_t h) { return close / h * h - h; };
    if (v.overlay.available) REQUIRE(v.overlay.bar_open == last_closed_open(3600));
    if (v.regime.available) REQUIRE(v.regime.bar_open == last_closed_open(43200));
    if (v.bias.available) {
      REQUIRE(v.bias.bar_open == last_closed_open(86400));
      ++with_bias;
    }
    // Whatever the views, the decision is the combination rule of the shipped system policy.
    const auto expected = combine<lin_system>(v);
    REQUIRE(out.bars[i].decision.rule == expected.rule);
  }
  // The 24h model needs 100 closed days (sma 100): it speaks from the end of day 100 on.
  CHECK(with_bias == bars.size() - (100 * 288 - 1));
  // Bars before the first 1h close have no overlay and cannot trade.
  CHECK_FALSE(out.bars[10].views.overlay.available);
  CHECK(out.bars[10].decision.rule != decision_rule::sized_with_bias);
  CHECK(out.overlay.bars.size() == 130 * 24);
  CHECK(out.bias.bars.size() == 130);
}

TEST_CASE("the system is prefix-invariant: a file cut after any bar gives the same outputs",
          "[system][run]") {
  const auto bars = execution_bars(104 * 288 + 7, 11);  // ends inside an hour
  const auto full = run_system<lin_system>(models(), bars);
  // Sanity: the series exercises more than one kind of decision, with all four views present.
  std::size_t traded = 0, blocked = 0, all_views = 0;
  for (const auto& b : full.bars) {
    (b.decision.trades() ? traded : blocked) += 1;
    all_views += b.views.overlay.available && b.views.regime.available && b.views.bias.available;
  }
  CHECK(traded > 0);
  CHECK(blocked > 0);
  CHECK(all_views > 0);
  std::map<decision_rule, std::size_t> rules;
  for (const auto& b : full.bars)
    ++rules[b.decision.rule];
  for (const auto& [rule, count] : rules)
    UNSCOPED_INFO(enum_name(rule) << ": " << count);
  CHECK(rules.size() >= 6);
  // Cuts: at, just before and just after hour, 12h and day boundaries, inside the warm-ups and
  // after them, and random ones.
  std::vector<std::size_t> cuts{2,
                                11,
                                12,
                                13,
                                143,
                                144,
                                145,
                                287,
                                288,
                                289,
                                60 * 144,
                                60 * 144 - 1,
                                100 * 288 - 2,
                                100 * 288 - 1,
                                100 * 288,
                                101 * 288 - 1,
                                bars.size() - 1};
  std::mt19937_64 rng(5);
  for (int k = 0; k < 6; ++k)
    cuts.push_back(std::uniform_int_distribution<std::size_t>(100 * 288, bars.size() - 2)(rng));
  for (const std::size_t cut : cuts) {
    INFO("cut after bar " << cut);
    const auto part = run_system<lin_system>(models(), bars.prefix(cut + 1));
    REQUIRE(part.bars.size() == cut + 1);
    std::size_t first_difference = part.bars.size();
    for (std::size_t i = 0; i < part.bars.size(); ++i)
      if (!same_bar(full.bars[i], part.bars[i])) {
        first_difference = i;
        break;
      }
    CHECK(first_difference == part.bars.size());
  }
}

TEST_CASE("an execution series of the wrong bar length is a caller's bug", "[system][run]") {
  auto bars = execution_bars(100, 3);
  bars.bar_seconds = 60;
  CHECK_THROWS_AS(run_system<lin_system>(models(), bars), mtf::programming_error);
}
