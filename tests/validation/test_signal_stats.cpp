#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "mtf/validation/classification_metrics.hpp"
#include "mtf/validation/signal_stats.hpp"

using mtf::validation::compute_signal_stats;
using mtf::validation::compute_signals;

namespace {
// Seven daily bars, (down, neutral, up). Hand-derived per row: confidence, alpha, argmax.
//   0: .10 .20 .70 -> conf .70  alpha .60  up       eligible
//   1: .60 .30 .10 -> conf .60  alpha .50  down     eligible
//   2: .20 .60 .20 -> conf .20  alpha 0    neutral
//   3: .50 .10 .40 -> conf .50  alpha .10  down
//   4: .30 .30 .40 -> conf .40  alpha .10  up
//   5: .05 .15 .80 -> conf .80  alpha .75  up       eligible
//   6: .70 .20 .10 -> conf .70  alpha .60  down     eligible
mtf::matrix seven_rows() {
  return mtf::matrix{{0.10, 0.20, 0.70}, {0.60, 0.30, 0.10}, {0.20, 0.60, 0.20}, {0.50, 0.10, 0.40},
                     {0.30, 0.30, 0.40}, {0.05, 0.15, 0.80}, {0.70, 0.20, 0.10}};
}
std::vector<std::int64_t> daily(std::size_t n, std::int64_t start = 1'700'006'400) {
  std::vector<std::int64_t> ts(n);
  for (std::size_t i = 0; i < n; ++i)
    ts[i] = start + static_cast<std::int64_t>(i) * 86400;
  return ts;
}
constexpr mtf::gates::trade_gate gate{.conf_min = 0.55, .alpha_min = 0.30};
}  // namespace

TEST_CASE("signals are max(p_up, p_down), |p_up - p_down|, argmax and the trade gate",
          "[validation]") {
  const auto sig = compute_signals(seven_rows(), gate);
  CHECK(sig.direction == std::vector<int>{2, 0, 1, 0, 2, 2, 0});
  CHECK(sig.eligible == std::vector<bool>{true, true, false, false, false, true, true});
  CHECK(sig.confidence[3] == Approx(0.50));
  CHECK(sig.alpha[5] == Approx(0.75));
  CHECK(sig.alpha[2] == 0.0);
}

TEST_CASE("an exact up/down tie reads as down, the first maximum", "[validation]") {
  const auto sig = compute_signals(mtf::matrix{{0.4, 0.2, 0.4}, {0.3, 0.4, 0.3}}, gate);
  CHECK(sig.direction == std::vector<int>{0, 1});
}

TEST_CASE("signal stats of a hand-computed seven-bar table", "[validation]") {
  const auto ts = daily(7);
  const auto s = compute_signal_stats(seven_rows(), ts, 86400, gate, 0.65, 0.45);
  CHECK(s.rows == 7);
  CHECK(s.span_days == Approx(7.0));
  CHECK(s.predicted_share[0] == Approx(3.0 / 7));
  CHECK(s.predicted_share[1] == Approx(1.0 / 7));
  CHECK(s.predicted_share[2] == Approx(3.0 / 7));
  CHECK(s.non_neutral_share == Approx(6.0 / 7));
  CHECK(s.confidence_mean == Approx(3.9 / 7));
  CHECK(s.confidence_median == Approx(0.60));
  // population variance = (sum x^2 - (sum x)^2 / n) / n with sum x^2 = 2.43, sum x = 3.9
  CHECK(s.confidence_std == Approx(std::sqrt((2.43 - 3.9 * 3.9 / 7) / 7)));
  CHECK(s.confidence_share_above == Approx(3.0 / 7));  // .70 .80 .70 >= .65
  CHECK(s.alpha_mean == Approx(2.65 / 7));
  CHECK(s.alpha_median == Approx(0.50));
  CHECK(s.alpha_share_above == Approx(4.0 / 7));  // .60 .50 .75 .60 >= .45
  CHECK(s.eligible_bars == 4);
  CHECK(s.eligible_share == Approx(4.0 / 7));
  CHECK(s.eligible_signals_per_day == Approx(4.0 / 7));
  CHECK(s.p_neutral_mean == Approx(1.85 / 7));
  // up, down, (neutral), down, up, up, down: flips up->down, down->up, up->down
  CHECK(s.direction_changes == 3);
  CHECK(s.direction_changes_per_week == Approx(3.0));
  CHECK(s.direction_changes_per_month == Approx(3.0 / 7 * 30));
  // every class change incl. neutral: u-d, d-n, n-d, d-u, u-d
  CHECK(s.regime_changes == 5);
  CHECK(s.regime_changes_per_week == Approx(5.0));
}

TEST_CASE("the span counts calendar days from the first bar's open to the last bar's close",
          "[validation]") {
  // 5m bars: 288 bars = exactly one day; a gap of one hour stays in the span.
  std::vector<std::int64_t> ts{0, 300, 600, 4200};
  CHECK(mtf::validation::span_days(ts, 300) == Approx(4500.0 / 86400));
  std::vector<std::int64_t> one_day(288);
  for (std::size_t i = 0; i < 288; ++i)
    one_day[i] = static_cast<std::int64_t>(i) * 300;
  CHECK(mtf::validation::span_days(one_day, 300) == Approx(1.0));
}

TEST_CASE("median of an even count averages the two middle values", "[validation]") {
  const mtf::matrix p{{0.1, 0.2, 0.7}, {0.6, 0.3, 0.1}, {0.3, 0.2, 0.5}, {0.45, 0.1, 0.45}};
  const auto s = compute_signal_stats(p, daily(4), 86400, gate, 0.5, 0.1);
  // confidences .7 .6 .5 .45 -> (.5 + .6) / 2
  CHECK(s.confidence_median == Approx(0.55));
}

TEST_CASE("malformed probability tables and timestamps throw data_error", "[validation]") {
  CHECK_THROWS_AS(compute_signals(mtf::matrix{{0.5, 0.5}}, gate), mtf::data_error);
  CHECK_THROWS_AS(compute_signals(mtf::matrix{{0.5, 0.2, 0.2}}, gate), mtf::data_error);
  CHECK_THROWS_AS(compute_signals(mtf::matrix{{NAN, 0.5, 0.5}}, gate), mtf::data_error);
  CHECK_THROWS_AS(compute_signals(mtf::matrix(std::array<std::size_t, 2>{0, 3}), gate),
                  mtf::data_error);
  const std::vector<std::int64_t> wrong_length{0, 86400};
  CHECK_THROWS_AS(compute_signal_stats(seven_rows(), wrong_length, 86400, gate, 0.5, 0.1),
                  mtf::data_error);
  auto not_increasing = daily(7);
  not_increasing[4] = not_increasing[3];
  CHECK_THROWS_WITH(compute_signal_stats(seven_rows(), not_increasing, 86400, gate, 0.5, 0.1),
                    Catch::Contains("not strictly increasing at row 4"));
}

TEST_CASE("classification metrics of the seven-bar table against hand-labelled outcomes",
          "[validation]") {
  const auto sig = compute_signals(seven_rows(), gate);
  // predicted: up down neutral down up up down
  const std::vector<int> labels{2, 0, 1, 2, 1, 2, 1};
  const auto m = mtf::validation::compute_classification_metrics(sig, labels);
  using row = std::array<std::size_t, 3>;
  CHECK(m.confusion[0] == row{1, 0, 0});
  CHECK(m.confusion[1] == row{1, 1, 1});
  CHECK(m.confusion[2] == row{1, 0, 2});
  CHECK(m.accuracy == Approx(4.0 / 7));
  CHECK(m.precision[0] == Approx(1.0 / 3));
  CHECK(m.precision[1] == Approx(1.0));
  CHECK(m.precision[2] == Approx(2.0 / 3));
  CHECK(m.recall[0] == Approx(1.0));
  CHECK(m.recall[1] == Approx(1.0 / 3));
  CHECK(m.recall[2] == Approx(2.0 / 3));
  // eligible rows 0, 1, 5, 6; row 6 predicted down but labelled neutral: a miss
  CHECK(m.eligible_directional == 4);
  CHECK(m.eligible_correct == 3);
  CHECK(m.directional_accuracy == Approx(0.75));
}

TEST_CASE("precision of a never-predicted class and recall of an absent class are 0",
          "[validation]") {
  const mtf::matrix p{{0.8, 0.1, 0.1}, {0.1, 0.1, 0.8}};
  const auto sig = compute_signals(p, gate);
  const std::vector<int> labels{0, 0};
  const auto m = mtf::validation::compute_classification_metrics(sig, labels);
  CHECK(m.precision[1] == 0.0);  // neutral never predicted
  CHECK(m.recall[1] == 0.0);     // never labelled neutral
  CHECK(m.recall[2] == 0.0);
  CHECK(m.precision[2] == 0.0);  // predicted up once, wrong
  CHECK(m.directional_accuracy == Approx(0.5));
}

TEST_CASE("directional accuracy is 0 with a zero count when nothing is eligible", "[validation]") {
  const mtf::matrix p{{0.3, 0.4, 0.3}};
  const auto sig = compute_signals(p, gate);
  const std::vector<int> labels{1};
  const auto m = mtf::validation::compute_classification_metrics(sig, labels);
  CHECK(m.eligible_directional == 0);
  CHECK(m.directional_accuracy == 0.0);
}

TEST_CASE("classification metrics reject bad labels", "[validation]") {
  const auto sig = compute_signals(seven_rows(), gate);
  const std::vector<int> short_labels{0, 1};
  CHECK_THROWS_AS(mtf::validation::compute_classification_metrics(sig, short_labels),
                  mtf::data_error);
  const std::vector<int> bad{0, 1, 2, 3, 0, 1, 2};
  CHECK_THROWS_WITH(mtf::validation::compute_classification_metrics(sig, bad),
                    Catch::Contains("row 3 has label 3"));
}

TEST_CASE("pooled signal statistics count changes per symbol and rates per symbol-day",
          "[signals][pooled]") {
  // Symbol A: down, up, down over 3 hours (2 direction changes). Symbol B: up, up, up over the
  // same 3 hours (none). Concatenated, the up at B's start would read as a third change after
  // A's final down: pooling must count along each symbol only.
  const mtf::matrix a = {{0.6, 0.1, 0.3}, {0.2, 0.1, 0.7}, {0.7, 0.1, 0.2}};
  const mtf::matrix b = {{0.2, 0.1, 0.7}, {0.1, 0.2, 0.7}, {0.3, 0.1, 0.6}};
  const std::vector<std::int64_t> t{0, 3600, 7200};
  const mtf::gates::trade_gate gate{.conf_min = 0.6, .alpha_min = 0.1};
  const auto sa = mtf::validation::compute_signal_stats(a, t, 3600, gate, 0.6, 0.1);
  const auto sb = mtf::validation::compute_signal_stats(b, t, 3600, gate, 0.6, 0.1);
  const mtf::matrix all = {{0.6, 0.1, 0.3}, {0.2, 0.1, 0.7}, {0.7, 0.1, 0.2},
                           {0.2, 0.1, 0.7}, {0.1, 0.2, 0.7}, {0.3, 0.1, 0.6}};
  const std::vector<mtf::validation::signal_stats> each{sa, sb};
  const auto p = mtf::validation::pool_signal_stats(each, all, gate, 0.6, 0.1);
  CHECK(p.rows == 6);
  CHECK(p.direction_changes == 2);
  CHECK(p.span_days == Approx(2 * 3.0 / 24));  // two symbols of 3 hours each
  CHECK(p.direction_changes_per_month == Approx(2 / (6.0 / 24) * 30));
  // Shares over every row: 2 down and 4 up argmaxes.
  CHECK(p.predicted_share[0] == Approx(2.0 / 6));
  CHECK(p.predicted_share[2] == Approx(4.0 / 6));
  // Eligible: confidence >= 0.6 and alpha >= 0.1 holds on all six rows (a0 and b2 at exactly 0.6).
  CHECK(p.eligible_bars == 6);
  CHECK(p.eligible_signals_per_day == Approx(6 / (6.0 / 24)));
}
