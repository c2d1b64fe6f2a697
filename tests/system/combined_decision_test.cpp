// The combination rule of the multi-timeframe system (system/combined_decision.hpp), case by
// case against decisions worked out by hand from the rule's definition and the policy numbers.
#include <catch2/catch.hpp>

#include "mtf/system/combined_decision.hpp"
#include "timeframes/system.hpp"

using namespace mtf::system;
using mtf::class_down;
using mtf::class_neutral;
using mtf::class_up;

namespace {

/// A view as a timeframe's predict would print it, from its three probabilities; `eligible`
/// stated by the test (the trade gate is each timeframe's own).
timeframe_view view(double down, double neutral, double up, bool eligible = true) {
  timeframe_view v;
  v.available = true;
  v.p = {down, neutral, up};
  v.confidence = std::max(up, down);
  v.alpha = up > down ? up - down : down - up;
  v.direction = up > std::max(down, neutral) ? class_up
                : neutral > down             ? class_neutral
                                             : class_down;
  v.eligible = eligible;
  return v;
}

timeframe_view unavailable() {
  return timeframe_view{};
}

// Hand-picked numbers, different from the shipped policy's so a test cannot pass by accident on
// a coincidence of both.
constexpr bias_sizing sizing{.min_confidence = 0.55,
                             .with_bias = 1.0,
                             .neutral_bias = 0.5,
                             .against_bias = 0.2,
                             .min_size = 0.3};
constexpr regime_filter regime{
    .trend_confidence = 0.6, .ranging_blocks_all = 0.7, .trade_without_regime = false};
constexpr overlay_filter overlay{
    .disagree_confidence = 0.5, .require_agreement = false, .trade_without_overlay = false};

// A long 5m signal with a permissive context: 12h neutral but unsure, 1h neutral, 24h up.
system_views long_signal() {
  return {view(0.20, 0.15, 0.65), view(0.30, 0.40, 0.30), view(0.30, 0.45, 0.25),
          view(0.10, 0.30, 0.60)};
}

}  // namespace

TEST_CASE("a 5m signal with agreeing bias trades full size", "[system][combine]") {
  const auto d = combine(long_signal(), sizing, regime, overlay);
  CHECK(d.direction == class_up);
  CHECK(d.size == 1.0);
  CHECK(d.rule == decision_rule::sized_with_bias);
  CHECK(d.trades());
}

TEST_CASE("no 5m signal: neutral, below its trade gate or unavailable", "[system][combine]") {
  auto v = long_signal();
  v.execution = view(0.20, 0.50, 0.30);  // neutral argmax
  CHECK(combine(v, sizing, regime, overlay).rule == decision_rule::no_execution_signal);
  v.execution = view(0.20, 0.15, 0.65, false);  // up, but not eligible
  const auto d = combine(v, sizing, regime, overlay);
  CHECK(d.rule == decision_rule::no_execution_signal);
  CHECK(d.direction == class_neutral);
  CHECK(d.size == 0.0);
  v.execution = unavailable();
  CHECK(combine(v, sizing, regime, overlay).rule == decision_rule::no_execution_signal);
}

TEST_CASE("the 12h regime blocks all trading or the direction against its trend",
          "[system][combine]") {
  auto v = long_signal();
  v.regime = view(0.15, 0.70, 0.15);  // ranging with p_neutral 0.70 = the threshold: blocks
  CHECK(combine(v, sizing, regime, overlay).rule == decision_rule::regime_blocks_all);
  v.regime = view(0.15, 0.69, 0.16);  // 0.69 < 0.70: the range is not sure enough
  CHECK(combine(v, sizing, regime, overlay).rule == decision_rule::sized_with_bias);
  v.regime = view(0.60, 0.25, 0.15);  // down trend at confidence 0.60 = trend_confidence
  CHECK(combine(v, sizing, regime, overlay).rule == decision_rule::regime_blocks_direction);
  v.regime = view(0.59, 0.26, 0.15);  // 0.59: not a trend
  CHECK(combine(v, sizing, regime, overlay).rule == decision_rule::sized_with_bias);
  v.regime = view(0.10, 0.25, 0.65);  // an up trend permits the long
  CHECK(combine(v, sizing, regime, overlay).rule == decision_rule::sized_with_bias);
  // The same down trend permits a short.
  auto s = long_signal();
  s.execution = view(0.65, 0.15, 0.20);
  s.regime = view(0.60, 0.25, 0.15);
  s.bias = view(0.60, 0.30, 0.10);
  const auto d = combine(s, sizing, regime, overlay);
  CHECK(d.direction == class_down);
  CHECK(d.size == 1.0);
}

TEST_CASE("a ranging regime blocks nothing when the policy does not set ranging_blocks_all",
          "[system][combine]") {
  regime_filter permissive = regime;
  permissive.ranging_blocks_all.reset();
  auto v = long_signal();
  v.regime = view(0.05, 0.90, 0.05);
  CHECK(combine(v, sizing, permissive, overlay).rule == decision_rule::sized_with_bias);
}

TEST_CASE("without a 12h or 1h view the filters fail closed unless the policy says otherwise",
          "[system][combine]") {
  auto v = long_signal();
  v.regime = unavailable();
  CHECK(combine(v, sizing, regime, overlay).rule == decision_rule::regime_unavailable);
  regime_filter open_regime = regime;
  open_regime.trade_without_regime = true;
  CHECK(combine(v, sizing, open_regime, overlay).rule == decision_rule::sized_with_bias);

  v = long_signal();
  v.overlay = unavailable();
  CHECK(combine(v, sizing, regime, overlay).rule == decision_rule::overlay_unavailable);
  overlay_filter open_overlay = overlay;
  open_overlay.trade_without_overlay = true;
  CHECK(combine(v, sizing, regime, open_overlay).rule == decision_rule::sized_with_bias);
}

TEST_CASE("the 1h overlay vetoes a confident opposite call, or anything but agreement",
          "[system][combine]") {
  auto v = long_signal();
  v.overlay = view(0.50, 0.30, 0.20);  // down at 0.50 = disagree_confidence
  CHECK(combine(v, sizing, regime, overlay).rule == decision_rule::overlay_disagrees);
  v.overlay = view(0.45, 0.40, 0.15);  // down at 0.45: too weak to veto
  CHECK(combine(v, sizing, regime, overlay).rule == decision_rule::sized_with_bias);
  overlay_filter strict = overlay;
  strict.require_agreement = true;
  CHECK(combine(v, sizing, regime, strict).rule == decision_rule::overlay_not_agreeing);
  v.overlay = view(0.30, 0.40, 0.30);  // neutral does not agree either
  CHECK(combine(v, sizing, regime, strict).rule == decision_rule::overlay_not_agreeing);
  v.overlay = view(0.30, 0.30, 0.40);  // up agrees
  CHECK(combine(v, sizing, regime, strict).rule == decision_rule::sized_with_bias);
}

TEST_CASE("the 24h bias scales the size, and too small a size is not traded", "[system][combine]") {
  auto v = long_signal();
  v.bias = view(0.30, 0.45, 0.25);  // neutral bias
  auto d = combine(v, sizing, regime, overlay);
  CHECK(d.rule == decision_rule::sized_neutral_bias);
  CHECK(d.size == 0.5);
  v.bias = view(0.35, 0.15, 0.50);  // up at 0.50 < min_confidence 0.55: no bias
  d = combine(v, sizing, regime, overlay);
  CHECK(d.rule == decision_rule::sized_neutral_bias);
  CHECK(d.size == 0.5);
  v.bias = unavailable();  // warm-up: sized like a neutral bias, said so
  d = combine(v, sizing, regime, overlay);
  CHECK(d.rule == decision_rule::sized_without_bias);
  CHECK(d.size == 0.5);
  v.bias = view(0.55, 0.30, 0.15);  // down at 0.55 against the long: 0.2 < min_size 0.3
  d = combine(v, sizing, regime, overlay);
  CHECK(d.rule == decision_rule::below_min_size);
  CHECK(d.direction == class_neutral);
  CHECK(d.size == 0.0);
  bias_sizing keep_against = sizing;
  keep_against.min_size = 0.2;  // now the against-bias trade is exactly at the floor: taken
  d = combine(v, keep_against, regime, overlay);
  CHECK(d.rule == decision_rule::sized_against_bias);
  CHECK(d.direction == class_up);
  CHECK(d.size == 0.2);
}

TEST_CASE("the regime outranks the overlay, which outranks the bias", "[system][combine]") {
  auto v = long_signal();
  v.regime = view(0.70, 0.20, 0.10);   // blocks the long
  v.overlay = view(0.60, 0.20, 0.20);  // would veto it too
  CHECK(combine(v, sizing, regime, overlay).rule == decision_rule::regime_blocks_direction);
  v.regime = view(0.30, 0.45, 0.25);
  v.bias = view(0.60, 0.30, 0.10);  // against: would shrink the trade below min_size
  CHECK(combine(v, sizing, regime, overlay).rule == decision_rule::overlay_disagrees);
}

TEST_CASE("the shipped system policy: a long against a confident 24h bias is kept at 0.3",
          "[system][combine]") {
  using S = mtf::timeframes::system;
  system_views v{view(0.20, 0.15, 0.65), view(0.35, 0.35, 0.30), view(0.30, 0.45, 0.25),
                 view(0.75, 0.15, 0.10)};  // 24h down at 0.75 >= 0.70
  auto d = combine<S>(v);
  CHECK(d.rule == decision_rule::sized_against_bias);
  CHECK(d.size == 0.3);
  v.regime = view(0.20, 0.60, 0.20);  // ranging at 0.60: the shipped policy blocks all
  CHECK(combine<S>(v).rule == decision_rule::regime_blocks_all);
  v.regime = view(0.65, 0.20, 0.15);  // down trend at 0.65 blocks the long
  CHECK(combine<S>(v).rule == decision_rule::regime_blocks_direction);
  v.regime = view(0.30, 0.45, 0.25);
  v.overlay = view(0.60, 0.25, 0.15);  // 1h down at its trade gate 0.60: veto
  CHECK(combine<S>(v).rule == decision_rule::overlay_disagrees);
}

TEST_CASE("every decision rule has a distinct printable name", "[system][combine]") {
  std::vector<std::string_view> names;
  for (int r = 0; r <= static_cast<int>(decision_rule::sized_against_bias); ++r)
    names.push_back(enum_name(static_cast<decision_rule>(r)));
  for (std::size_t i = 0; i < names.size(); ++i) {
    CHECK_FALSE(names[i].empty());
    for (std::size_t j = i + 1; j < names.size(); ++j)
      CHECK(names[i] != names[j]);
  }
  CHECK(enum_name(decision_rule::overlay_disagrees) == "overlay_disagrees");
}
