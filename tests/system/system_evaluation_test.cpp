// The cross-timeframe measurements (system/system_evaluation.hpp) on short series worked out by
// hand.
#include <catch2/catch.hpp>
#include <vector>

#include "mtf/system/system_evaluation.hpp"

using namespace mtf::system;
using mtf::class_down;
using mtf::class_neutral;
using mtf::class_up;

namespace {
timeframe_view call(int direction, bool eligible = true) {
  timeframe_view v;
  v.available = true;
  v.direction = direction;
  v.eligible = eligible;
  return v;
}
system_views bar(timeframe_view execution, timeframe_view overlay) {
  return {execution, overlay, {}, {}};
}
}  // namespace

TEST_CASE("overlay agreement: shares and hit rates of agreed and disagreed signals",
          "[system][evaluation]") {
  // horizon 1: bar t wins when close[t+1] moved its way.
  const std::vector<double> closes{100, 101, 100, 99, 100, 100, 101};
  const std::vector<system_views> bars{
      bar(call(class_up), call(class_up)),         // t0 up, 101 > 100: agreed win
      bar(call(class_up), call(class_up)),         // t1 up, 100 < 101: agreed loss
      bar(call(class_down), call(class_up)),       // t2 down, 99 < 100: opposed win
      bar(call(class_down), call(class_neutral)),  // t3 down, 100 > 99: unconfirmed loss
      bar(call(class_up, false), call(class_up)),  // t4 not eligible: no signal
      bar(call(class_up), timeframe_view{}),       // t5 no overlay view: no signal
      bar(call(class_up), call(class_up)),         // t6 last bar: no close after it
  };
  const auto a = measure_overlay_agreement(bars, closes, 1);
  CHECK(a.signals == 4);
  CHECK(a.agreed == 2);
  CHECK(a.opposed == 1);
  CHECK(a.unconfirmed == 1);
  CHECK(a.agreed_share() == 0.5);
  CHECK(a.agreed_hit_rate() == 0.5);
  CHECK(a.disagreed_hit_rate() == 0.5);
  CHECK(a.agreed_wins == 1);
  CHECK(a.disagreed_wins == 1);
}

TEST_CASE("overlay agreement with a longer horizon looks that many bars ahead",
          "[system][evaluation]") {
  const std::vector<double> closes{100, 90, 110, 80};
  const std::vector<system_views> bars{
      bar(call(class_up), call(class_up)), bar(call(class_up), call(class_down)),
      bar(call(class_up), call(class_up)), bar(call(class_up), call(class_up))};
  const auto a = measure_overlay_agreement(bars, closes, 2);
  CHECK(a.signals == 2);  // t0 (110 > 100: win) and t1 (80 < 90: loss)
  CHECK(a.agreed_wins == 1);
  CHECK(a.disagreed_wins == 0);
  CHECK(a.agreed_hit_rate() == 1.0);
  CHECK(a.disagreed_hit_rate() == 0.0);
}

TEST_CASE("regime stability: changes, mean duration, changes per week, transition quality",
          "[system][evaluation]") {
  // 12h bars: up up neutral down down (unavailable) down up; 7 bars with a view = 3.5 days.
  const std::vector<timeframe_view> views{call(class_up),   call(class_up),   call(class_neutral),
                                          call(class_down), call(class_down), timeframe_view{},
                                          call(class_down), call(class_up)};
  const std::vector<double> closes{100, 101, 102, 100, 95, 96, 97, 98};
  const auto s = measure_regime_stability(views, closes, 43200, 2);
  CHECK(s.bars == 7);
  CHECK(s.changes == 3);  // up->neutral at 2, neutral->down at 3, down->up at 7
  CHECK(s.mean_duration_days == Approx(3.5 / 4));
  CHECK(s.changes_per_week == Approx(3.0 / 3.5 * 7.0));
  // Changes into a trend: down at 3 (close 100 -> 96 two bars later: +4% for a short); up at 7
  // has no close two bars later.
  CHECK(s.trend_changes_judged == 1);
  CHECK(s.mean_signed_return_after_change == Approx(0.04));
}

TEST_CASE("bias accuracy counts confirmed directional calls and up/down flips",
          "[system][evaluation]") {
  const std::vector<timeframe_view> views{call(class_up),   call(class_neutral), call(class_down),
                                          call(class_down), call(class_up),      call(class_up)};
  const std::vector<double> closes{100, 102, 104, 103, 101, 105};
  // horizon 1: up at 0 (102 > 100 right), down at 2 (103 < 104 right), down at 3 (101 < 103
  // right), up at 4 (105 > 101 right); bar 5 has no close after it.
  const auto b = measure_bias_accuracy(views, closes, 1);
  CHECK(b.calls == 4);
  CHECK(b.correct == 4);
  CHECK(b.accuracy() == 1.0);
  CHECK(b.flips == 2);  // up -> down (neutral skipped), down -> up
  const auto b2 = measure_bias_accuracy(views, closes, 2);
  // horizon 2: up at 0 (104 > 100 right), down at 2 (101 < 104 right), down at 3 (105 > 103
  // wrong); 4 and 5 lack a close two bars later.
  CHECK(b2.calls == 3);
  CHECK(b2.correct == 2);
}

TEST_CASE("mismatched lengths are a caller's bug", "[system][evaluation]") {
  const std::vector<double> closes{1.0, 2.0};
  const std::vector<timeframe_view> views(3);
  CHECK_THROWS_AS(measure_bias_accuracy(views, closes, 1), mtf::programming_error);
  CHECK_THROWS_AS(measure_regime_stability(views, closes, 3600, 1), mtf::programming_error);
}

TEST_CASE("every directional call counts when the trade gate is ignored", "[system][evaluation]") {
  const std::vector<double> closes{100, 101, 102, 101};
  const std::vector<system_views> bars{
      bar(call(class_up, false), call(class_up)),    // t0 not eligible, agreed win
      bar(call(class_down, false), call(class_up)),  // t1 not eligible, opposed loss
      bar(call(class_neutral), call(class_up)),      // t2 neutral call: never a signal
      bar(call(class_up), call(class_up)),           // t3 last bar
  };
  CHECK(overlay_signals(bars, closes, 1).empty());
  const auto calls = overlay_signals(bars, closes, 1, false);
  REQUIRE(calls.size() == 2);
  CHECK((calls[0].agreed && calls[0].win));
  CHECK((!calls[1].agreed && !calls[1].win && calls[1].overlay_direction == class_up));
}

TEST_CASE("the hit-rate difference: hand-computed estimate, a clear edge, no edge, too few",
          "[system][evaluation]") {
  // 40 agreed signals winning 30 (0.75), 60 disagreed winning 30 (0.5), interleaved so every
  // block holds both kinds: the estimate is 0.25 and the interval excludes 0.
  std::vector<overlay_signal> edge;
  for (int i = 0; i < 20; ++i) {
    // a pattern of 5: agreed win, disagreed win, agreed (win unless i % 2), disagreed loss,
    // disagreed (win if i % 2)
    edge.push_back({class_up, true, true});
    edge.push_back({class_down, false, true});
    edge.push_back({class_up, true, i % 2 == 0});
    edge.push_back({class_neutral, false, false});
    edge.push_back({class_down, false, i % 2 == 1});
  }
  // agreed: 20 + 10 wins of 40; disagreed: 20 + 0 + 10 wins of 60.
  const auto a = count_overlay_agreement(edge);
  CHECK(a.agreed == 40);
  CHECK(a.agreed_wins == 30);
  CHECK(a.disagreed_wins == 30);
  CHECK(a.unconfirmed == 20);
  CHECK(a.opposed == 40);
  const auto d = overlay_hit_rate_difference(edge, 1);
  REQUIRE(d);
  CHECK(d->difference.estimate == Approx(0.25).epsilon(1e-12));
  CHECK(d->difference.lower > 0);
  CHECK(d->verdict == "agreed signals win more");
  // The same signals with agreement unrelated to winning: agreed and disagreed both win half.
  std::vector<overlay_signal> none;
  for (int i = 0; i < 200; ++i)
    none.push_back({class_up, i % 4 < 2, i % 2 == 0});
  const auto n = overlay_hit_rate_difference(none, 1);
  REQUIRE(n);
  CHECK(n->difference.estimate == Approx(0.0).margin(1e-12));
  CHECK(n->difference.lower < 0);
  CHECK(n->difference.upper > 0);
  CHECK(n->verdict == "no significant difference");
  // The mirror image of the edge: disagreed signals win more.
  auto mirrored = edge;
  for (auto& s : mirrored)
    s.win = !s.win;
  CHECK(overlay_hit_rate_difference(mirrored, 1)->verdict == "disagreed signals win more");
  // Too few signals, or only one kind: nothing to judge.
  CHECK_FALSE(overlay_hit_rate_difference(std::span(edge).first(29), 1));
  std::vector<overlay_signal> only_agreed(50, overlay_signal{class_up, true, true});
  CHECK_FALSE(overlay_hit_rate_difference(only_agreed, 1));
}
