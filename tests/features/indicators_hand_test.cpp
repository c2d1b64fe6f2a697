// Every indicator on a small series whose values are worked out by hand in the comments, plus
// the published worked examples of Wilder's RSI and ATR (StockCharts ChartSchool).

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/features/indicators.hpp"

namespace {

using Catch::Matchers::Contains;

constexpr double na = std::numeric_limits<double>::quiet_NaN();

/// Checks out against expected; NaN expected means "warm-up, must be NaN".
void require_values(const std::vector<double>& out, const std::vector<double>& expected,
                    double margin = 1e-12) {
  REQUIRE(out.size() == expected.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    INFO("index " << i);
    if (std::isnan(expected[i])) {
      CHECK(std::isnan(out[i]));
    } else {
      CHECK(out[i] == Approx(expected[i]).margin(margin).epsilon(0));
    }
  }
}

const std::vector<double> one_to_ten{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

}  // namespace

TEST_CASE("sma of 1..10 over 3 bars is the middle value, NaN for the first two", "[indicators]") {
  // x[i] = i + 1, so (x[i-2] + x[i-1] + x[i]) / 3 = i.
  require_values(mtf::sma(one_to_ten, 3), {na, na, 2, 3, 4, 5, 6, 7, 8, 9});
  // Window 1 is the series itself; window 10 is the mean 5.5 at the last bar only.
  require_values(mtf::sma(one_to_ten, 1), one_to_ten);
  require_values(mtf::sma(one_to_ten, 10), {na, na, na, na, na, na, na, na, na, 5.5});
}

TEST_CASE("ema is seeded with the sma of the first n values and then smoothed with 2/(n+1)",
          "[indicators]") {
  // n = 3, alpha = 0.5. Seed at i=2: (1+2+3)/3 = 2. Then e += 0.5 (x - e):
  // i=3: 2 + 0.5*(4-2) = 3; i=4: 3 + 0.5*(5-3) = 4; i=5: 4 + 0.5*(4-4) = 4;
  // i=6: 4 + 0.5*(3-4) = 3.5; i=7: 3.5 + 0.5*(2-3.5) = 2.75; i=8: 2.75 + 0.5*(1-2.75) = 1.875;
  // i=9: 1.875 + 0.5*(10-1.875) = 5.9375.
  const std::vector<double> x{1, 2, 3, 4, 5, 4, 3, 2, 1, 10};
  require_values(mtf::ema(x, 3), {na, na, 2, 3, 4, 4, 3.5, 2.75, 1.875, 5.9375});
  // On 1..10 the EMA(3) lags a straight line by (n-1)/2 = 1 bar: e_i = i.
  require_values(mtf::ema(one_to_ten, 3), {na, na, 2, 3, 4, 5, 6, 7, 8, 9});
}

TEST_CASE("rsi uses Wilder's smoothing seeded with the mean of the first n changes",
          "[indicators]") {
  // closes 10, 11, 10.5, 11.5, 12, 11, 11.5; changes +1, -0.5, +1, +0.5, -1, +0.5; n = 3.
  // i=3: avg gain (1+0+1)/3 = 2/3, avg loss 0.5/3 = 1/6 -> RSI = 100 (2/3)/(5/6) = 80.
  // i=4: gain 0.5: g = (2/3*2 + 0.5)/3 = 11/18, l = (1/6*2)/3 = 2/18 -> 100*11/13.
  // i=5: loss 1: g = (11/18*2)/3 = 11/27, l = (2/18*2 + 1)/3 = 11/27 -> 50.
  // i=6: gain 0.5: g = (22/27 + 1/2)/3 = 71/162, l = (22/27)/3 = 44/162 -> 100*71/115.
  const std::vector<double> close{10, 11, 10.5, 11.5, 12, 11, 11.5};
  require_values(mtf::rsi(close, 3), {na, na, na, 80, 1100.0 / 13, 50, 7100.0 / 115});
}

TEST_CASE("rsi reproduces Wilder's 14-day worked example as published by StockCharts",
          "[indicators][published]") {
  // Source: StockCharts ChartSchool, "Relative Strength Index (RSI)", spreadsheet cs-rsi.xls
  // (QQQQ closes Dec 2009 - Feb 2010, Wilder's 14-day RSI); RSI published to 2 decimals. The
  // page shows the closes rounded to cents, but its changes (e.g. -1.33 on 45.35 -> 44.03) come
  // from the spreadsheet's 4-decimal closes used here, as reproduced in many test suites (e.g.
  // PyAlgoTrade's rsi_test.py, which also gives the unrounded first and last RSI, 70.53278948
  // and 37.77295211).
  const std::vector<double> close{44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955,
                                  45.4245, 45.8433, 46.0826, 45.8931, 46.0328, 45.6140, 46.2820,
                                  46.2820, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122,
                                  46.2521, 45.7137, 46.4515, 45.7835, 45.3548, 44.0288, 44.1783,
                                  44.2181, 44.5672, 43.4205, 42.6628, 43.1314};
  const std::vector<double> published{70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93,
                                      63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46,
                                      41.87, 45.46, 37.30, 33.08, 37.77};
  const auto out = mtf::rsi(close, 14);
  for (std::size_t i = 0; i < 14; ++i)
    CHECK(std::isnan(out[i]));
  for (std::size_t i = 0; i < published.size(); ++i) {
    INFO("bar " << i + 14);
    CHECK(out[i + 14] == Approx(published[i]).margin(0.005 + 1e-9));
  }
  CHECK(out[14] == Approx(70.53278948).margin(5e-9));
  CHECK(out[32] == Approx(37.77295211).margin(5e-9));
}

TEST_CASE("atr starts with high minus low and uses Wilder's smoothing", "[indicators]") {
  // TR_0 = 10-8 = 2; TR_1 = max(9.5, 9) - min(8.5, 9) = 1; TR_2 = max(12, 9) - min(10, 9) = 3
  // (gap up: the previous close counts); TR_3 = 11.5 - 10.5 = 1; TR_4 = max(11, 11) - min(7, 11)
  // = 4. n = 3: ATR_2 = (2+1+3)/3 = 2; ATR_3 = (2*2 + 1)/3 = 5/3; ATR_4 = (5/3*2 + 4)/3 = 22/9.
  const std::vector<double> high{10, 9.5, 12, 11.5, 11};
  const std::vector<double> low{8, 8.5, 10, 10.5, 7};
  const std::vector<double> close{9, 9, 11, 11, 8};
  require_values(mtf::atr(high, low, close, 3), {na, na, 2, 5.0 / 3, 22.0 / 9});
}

TEST_CASE("atr reproduces the 14-day worked example published by StockCharts",
          "[indicators][published]") {
  // Source: StockCharts ChartSchool, "Average True Range (ATR)", spreadsheet cs-atr.xls
  // (QQQ, 1 Apr - 13 May 2010), as transcribed in bukosabino/ta ta/tests/data/cs-atr.csv;
  // ATR published to 6 decimals. The first ATR (21 Apr) averages 14 TRs starting with H-L.
  const std::vector<double> high{48.70,   48.72, 48.90, 48.87, 48.82, 49.05, 49.20, 49.35,
                                 49.92,   50.19, 50.12, 49.66, 49.88, 50.19, 50.36, 50.57,
                                 50.65,   50.43, 49.63, 50.33, 50.29, 50.17, 49.32, 48.50,
                                 48.3201, 46.80, 47.80, 48.39, 48.66, 48.79};
  const std::vector<double> low{47.79, 48.14,   48.39, 48.37, 48.24, 48.635, 48.94, 48.86,
                                49.50, 49.87,   49.20, 48.90, 49.43, 49.725, 49.26, 50.09,
                                50.30, 49.21,   48.98, 49.61, 49.20, 49.43,  48.08, 47.64,
                                41.55, 44.2833, 47.31, 47.20, 47.90, 47.7301};
  const std::vector<double> close{48.16, 48.61, 48.75, 48.63, 48.74,   49.03, 49.07, 49.32,
                                  49.91, 50.13, 49.53, 49.50, 49.75,   50.03, 50.31, 50.52,
                                  50.41, 49.34, 49.37, 50.23, 49.2375, 49.93, 48.43, 48.18,
                                  46.57, 45.41, 47.77, 47.72, 48.62,   47.85};
  const std::vector<double> published{0.555000, 0.593929, 0.585791, 0.568949, 0.615452, 0.617920,
                                      0.642354, 0.674329, 0.692770, 0.775429, 0.781470, 1.209229,
                                      1.302620, 1.380290, 1.366698, 1.336219, 1.316482};
  const auto out = mtf::atr(high, low, close, 14);
  for (std::size_t i = 0; i < 13; ++i)
    CHECK(std::isnan(out[i]));
  for (std::size_t i = 0; i < published.size(); ++i) {
    INFO("bar " << i + 13);
    CHECK(out[i + 13] == Approx(published[i]).margin(5e-7 + 1e-9));
  }
}

TEST_CASE("bollinger bands use the population standard deviation", "[indicators]") {
  // n = 3, k = 2 on 1, 2, 3, 4, 6.
  // i=2: mean 2, population var (1+0+1)/3 = 2/3; %B = (3 - (2 - 2sd)) / (4sd) = 0.5 + 1/(4sd).
  // i=3: window 2,3,4: same shape, mean 3.
  // i=4: window 3,4,6: mean 13/3, deviations -4/3, -1/3, 5/3 -> var 42/27 = 14/9;
  //      %B = 0.5 + (6 - 13/3)/(4sd).
  const std::vector<double> close{1, 2, 3, 4, 6};
  const double sd1 = std::sqrt(2.0 / 3.0);
  const double sd2 = std::sqrt(14.0 / 9.0);
  const auto bands = mtf::bollinger(close, 3, 2.0);
  require_values(bands.middle, {na, na, 2, 3, 13.0 / 3});
  require_values(bands.upper, {na, na, 2 + 2 * sd1, 3 + 2 * sd1, 13.0 / 3 + 2 * sd2});
  require_values(bands.lower, {na, na, 2 - 2 * sd1, 3 - 2 * sd1, 13.0 / 3 - 2 * sd2});
  require_values(bands.percent_b,
                 {na, na, 0.5 + 1 / (4 * sd1), 0.5 + 1 / (4 * sd1), 0.5 + (5.0 / 3) / (4 * sd2)});
}

TEST_CASE("macd seeds both emas and the signal with smas and starts at slow + signal - 2",
          "[indicators]") {
  // fast 2 (alpha 2/3), slow 3 (alpha 1/2), signal 2 on 1, 2, 3, 4, 5, 4, 3.
  // fast: i=1 1.5, i=2 2.5, i=3 3.5, i=4 4.5, i=5 4.5 + 2/3(4-4.5) = 25/6,
  //       i=6 25/6 + 2/3(3 - 25/6) = 61/18.
  // slow: i=2 2, i=3 3, i=4 4, i=5 4, i=6 3.5.
  // line (from i=2): 0.5, 0.5, 0.5, 1/6, 61/18 - 63/18 = -1/9.
  // signal seeded at i=3 with (0.5+0.5)/2 = 0.5; i=4: 0.5; i=5: 0.5 + 2/3(1/6 - 1/2) = 5/18;
  //       i=6: 5/18 + 2/3(-1/9 - 5/18) = 1/54.
  // histogram: i=3 0, i=4 0, i=5 1/6 - 5/18 = -1/9, i=6 -1/9 - 1/54 = -7/54.
  const std::vector<double> close{1, 2, 3, 4, 5, 4, 3};
  const auto m = mtf::macd(close, 2, 3, 2);
  require_values(m.line, {na, na, 0.5, 0.5, 0.5, 1.0 / 6, -1.0 / 9});
  require_values(m.signal, {na, na, na, 0.5, 0.5, 5.0 / 18, 1.0 / 54});
  require_values(m.histogram, {na, na, na, 0, 0, -1.0 / 9, -7.0 / 54});
}

TEST_CASE("roc is a fraction and momentum a price difference over n bars", "[indicators]") {
  // n = 2 on 10, 20, 15, 30, 12: roc 15/10-1 = 0.5, 30/20-1 = 0.5, 12/15-1 = -0.2;
  // momentum 5, 10, -3.
  const std::vector<double> close{10, 20, 15, 30, 12};
  require_values(mtf::roc(close, 2), {na, na, 0.5, 0.5, -0.2});
  require_values(mtf::momentum(close, 2), {na, na, 5, 10, -3});
}

TEST_CASE("realized volatility is the sample std of one-bar log returns", "[indicators]") {
  // closes 1, e, e^3, e^2: log returns 1, 2, -1. n = 2:
  // i=2: returns (1, 2): mean 1.5, sample var (0.25+0.25)/1 = 0.5;
  // i=3: returns (2, -1): mean 0.5, sample var (2.25+2.25)/1 = 4.5.
  const std::vector<double> close{1, std::exp(1.0), std::exp(3.0), std::exp(2.0)};
  require_values(mtf::realized_vol(close, 2), {na, na, std::sqrt(0.5), std::sqrt(4.5)}, 1e-12);
}

TEST_CASE("zscore divides the distance from the sma by the population std", "[indicators]") {
  // n = 3 on 1, 2, 3, 4, 6: i=2 (3-2)/sqrt(2/3); i=3 (4-3)/sqrt(2/3);
  // i=4 (6 - 13/3)/sqrt(14/9).
  const std::vector<double> x{1, 2, 3, 4, 6};
  const double z1 = 1 / std::sqrt(2.0 / 3.0);
  require_values(mtf::zscore(x, 3), {na, na, z1, z1, (5.0 / 3) / std::sqrt(14.0 / 9)});
}

namespace {
// Six bars for the range-based indicators (window 3):
//   bar  high  low   close   window HH/LL (bars t-2..t)
//   0    10    8     9
//   1    11    9     10
//   2    12    9     11      HH 12, LL 8    %K = 100 (11-8)/4 = 75,   %R = -100 (12-11)/4 = -25
//   3    11    10    10      HH 12, LL 9    %K = 100 (10-9)/3 = 33.3, %R = -100 (12-10)/3 = -66.7
//   4    10    9.5   10      HH 12, LL 9    %K = 33.3,                %R = -66.7
//   5    13    10    13      HH 13, LL 9.5  %K = 100 (3.5/3.5) = 100, %R = 0
const std::vector<double> range_high{10, 11, 12, 11, 10, 13};
const std::vector<double> range_low{8, 9, 9, 10, 9.5, 10};
const std::vector<double> range_close{9, 10, 11, 10, 10, 13};
}  // namespace

TEST_CASE("stochastic %K is the close's position in the n-bar range and %D its sma",
          "[indicators]") {
  const double third = 100.0 / 3;
  const auto fast = mtf::stochastic(range_high, range_low, range_close, 3, 1, 2);
  require_values(fast.k, {na, na, 75, third, third, 100});
  // %D(2): (75 + 33.3)/2, (33.3 + 33.3)/2, (33.3 + 100)/2.
  require_values(fast.d, {na, na, na, (75 + third) / 2, third, (third + 100) / 2});
  SECTION("smoothing %K over 2 bars gives the slow stochastic") {
    const auto slow = mtf::stochastic(range_high, range_low, range_close, 3, 2, 2);
    // slow %K = SMA(raw %K, 2) from bar 3; slow %D = SMA(slow %K, 2) from bar 4.
    const double k3 = (75 + third) / 2, k4 = third, k5 = (third + 100) / 2;
    require_values(slow.k, {na, na, na, k3, k4, k5});
    require_values(slow.d, {na, na, na, na, (k3 + k4) / 2, (k4 + k5) / 2});
  }
}

TEST_CASE("williams %r is minus the distance from the highest high in percent of the range",
          "[indicators]") {
  require_values(mtf::williams_r(range_high, range_low, range_close, 3),
                 {na, na, -25, -200.0 / 3, -200.0 / 3, 0});
}

TEST_CASE("adx follows Wilder's directional movement with warm-up 2n-1", "[indicators]") {
  // n = 2.
  //   bar high  low  close   +DM -DM  TR
  //   0   10    8    9
  //   1   11    9    10.5    1   0    max(11,9)-min(9,9) = 2
  //   2   12    10   11      1   0    max(12,10.5)-min(10,10.5) = 2
  //   3   11.5  9    9.5     0   1    max(11.5,11)-min(9,11) = 2.5
  //   4   11    8    8.5     0   1    max(11,9.5)-min(8,9.5) = 3
  //   5   12    8.5  11.5    1   0    up 12-11 = 1, down 8-8.5 < 0; TR max(12,8.5)-min(8.5,8.5)
  //   = 3.5
  // Smoothed sums: at bar 2 the plain sums TR 4, +DM 2, -DM 0; then S = S - S/2 + x:
  //   bar 3: TR 4.5, +DM 1, -DM 1;  bar 4: TR 5.25, +DM 0.5, -DM 1.5;
  //   bar 5: TR 6.125, +DM 1.25, -DM 0.75.
  // DI = 100 S(DM)/S(TR); DX = 100 |+DI - -DI| / (+DI + -DI):
  //   bar 2: +DI 50, -DI 0, DX 100;  bar 3: 100/4.5 both, DX 0;
  //   bar 4: 50/5.25 and 150/5.25, DX 50;  bar 5: 125/6.125 and 75/6.125, DX 25.
  // ADX at bar 3 = (100 + 0)/2 = 50; bar 4: (50 + 50)/2 = 50; bar 5: (50 + 25)/2 = 37.5.
  const std::vector<double> high{10, 11, 12, 11.5, 11, 12};
  const std::vector<double> low{8, 9, 10, 9, 8, 8.5};
  const std::vector<double> close{9, 10.5, 11, 9.5, 8.5, 11.5};
  const auto out = mtf::adx(high, low, close, 2);
  require_values(out.plus_di, {na, na, 50, 100 / 4.5, 50 / 5.25, 125 / 6.125});
  require_values(out.minus_di, {na, na, 0, 100 / 4.5, 150 / 5.25, 75 / 6.125});
  require_values(out.adx, {na, na, na, 50, 50, 37.5});
}

TEST_CASE("obv starts at the first volume and adds or subtracts volume by close direction",
          "[indicators]") {
  // closes 10, 11, 11, 10, 12; volumes 100..500: 100, +200, unchanged, -400, +500.
  const std::vector<double> close{10, 11, 11, 10, 12};
  const std::vector<double> volume{100, 200, 300, 400, 500};
  require_values(mtf::obv(close, volume), {100, 300, 300, -100, 400});
}

TEST_CASE("volume ratio divides volume by its sma and is 1 in an all-zero window", "[indicators]") {
  // n = 2 on 100, 300, 0, 0, 50: 300/200, 0/150, zero window -> 1, 50/25.
  const std::vector<double> volume{100, 300, 0, 0, 50};
  require_values(mtf::volume_ratio(volume, 2), {na, 1.5, 0, 1, 2});
}

TEST_CASE("cci uses the 0.015 constant and the mean absolute deviation", "[indicators]") {
  // high = close + 1, low = close - 1, so the typical price is the close: 10, 11, 13, 12, 12, 12.
  // n = 3. i=2: mean 34/3, MAD (4/3 + 1/3 + 5/3)/3 = 10/9 -> (13 - 34/3)/(0.015 * 10/9) = 100.
  // i=3: 11, 13, 12: mean 12 -> 0. i=4: 13, 12, 12: mean 37/3, MAD (2/3 + 1/3 + 1/3)/3 = 4/9
  // -> (12 - 37/3)/(0.015 * 4/9) = -50. i=5: 12, 12, 12 is flat -> 0.
  const std::vector<double> close{10, 11, 13, 12, 12, 12};
  std::vector<double> high, low;
  for (double c : close) {
    high.push_back(c + 1);
    low.push_back(c - 1);
  }
  require_values(mtf::cci(high, low, close, 3), {na, na, 100, 0, -50, 0}, 1e-9);
}

TEST_CASE("chaikin money flow weights the close location by volume", "[indicators]") {
  //   bar high low close vol   MFM                         MFV
  //   0   10   8   9.5   100   ((1.5) - (0.5))/2 = 0.5     50
  //   1   11   9   9.5   300   ((0.5) - (1.5))/2 = -0.5    -150
  //   2   10   10  10    200   zero range -> 0             0
  //   3   12   10  12    0     1                           0
  //   4   12   11  11.5  0     0                           0
  // n = 2: (50-150)/400 = -0.25; (-150+0)/500 = -0.3; 0/200 = 0; zero volume -> 0.
  const std::vector<double> high{10, 11, 10, 12, 12};
  const std::vector<double> low{8, 9, 10, 10, 11};
  const std::vector<double> close{9.5, 9.5, 10, 12, 11.5};
  const std::vector<double> volume{100, 300, 200, 0, 0};
  require_values(mtf::cmf(high, low, close, volume, 2), {na, -0.25, -0.3, 0, 0});
}

TEST_CASE("indicators give their neutral values on a perfectly flat market", "[indicators]") {
  const std::vector<double> flat(40, 50.0);
  const std::vector<double> volume(40, 0.0);
  auto after_warm_up = [](const std::vector<double>& v, std::size_t first, double expected) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      INFO("index " << i);
      if (i < first) {
        CHECK(std::isnan(v[i]));
      } else {
        CHECK(v[i] == expected);
      }
    }
  };
  after_warm_up(mtf::rsi(flat, 14), 14, 50.0);
  after_warm_up(mtf::bollinger(flat, 20).percent_b, 19, 0.5);
  after_warm_up(mtf::zscore(flat, 20), 19, 0.0);
  after_warm_up(mtf::stochastic(flat, flat, flat, 14, 3, 3).k, 15, 50.0);
  after_warm_up(mtf::williams_r(flat, flat, flat, 14), 13, -50.0);
  after_warm_up(mtf::adx(flat, flat, flat, 5).adx, 9, 0.0);
  after_warm_up(mtf::adx(flat, flat, flat, 5).plus_di, 5, 0.0);
  after_warm_up(mtf::cci(flat, flat, flat, 20), 19, 0.0);
  after_warm_up(mtf::cmf(flat, flat, flat, volume, 20), 19, 0.0);
  after_warm_up(mtf::volume_ratio(volume, 20), 19, 1.0);
  after_warm_up(mtf::realized_vol(flat, 10), 10, 0.0);
  after_warm_up(mtf::atr(flat, flat, flat, 14), 13, 0.0);
}

TEST_CASE("a flat stretch after a volatile one gives exactly zero deviation", "[indicators]") {
  // Rolling variance updates would leave rounding residue here; the exact flat-window test must
  // give z = 0 and %B = 0.5, not noise.
  std::vector<double> x{101.3, 97.2, 130.7, 88.1, 120.9, 99.99, 104.4};
  x.insert(x.end(), 10, 100.1);
  const auto z = mtf::zscore(x, 5);
  const auto b = mtf::bollinger(x, 5).percent_b;
  for (std::size_t i = 11; i < x.size(); ++i) {
    INFO("index " << i);
    CHECK(z[i] == 0.0);
    CHECK(b[i] == 0.5);
  }
}

TEST_CASE("indicators reject bad windows with a programming_error (exit 70), not a data_error",
          "[indicators][errors]") {
  const std::vector<double> x{1, 2, 3};
  CHECK_THROWS_MATCHES(mtf::sma(x, 0), mtf::programming_error,
                       Catch::Matchers::Message("sma: argument 'n': window must be at "
                                                "least 1, got 0"));
  CHECK_THROWS_AS(mtf::ema(x, -3), mtf::programming_error);
  CHECK_THROWS_AS(mtf::realized_vol(x, 1), mtf::programming_error);
  CHECK_THROWS_AS(mtf::macd(x, 26, 12, 9), mtf::programming_error);
  CHECK_THROWS_AS(mtf::bollinger(x, 2, 0.0), mtf::programming_error);
  try {
    (void)mtf::sma(x, 0);
  } catch (const mtf::error& e) {
    CHECK(e.code() == mtf::exit_code::internal);
    CHECK(static_cast<int>(e.code()) == 70);
  }
}

TEST_CASE("indicators reject bad input with a data_error naming the argument",
          "[indicators][errors]") {
  const std::vector<double> x{1, 2, 3};
  const std::vector<double> short_x{1, 2};
  CHECK_THROWS_WITH(mtf::atr(short_x, x, x, 2), Contains("high") && Contains("length 2"));
  CHECK_THROWS_WITH(mtf::cmf(x, x, x, short_x, 2), Contains("volume"));
  const std::vector<double> with_nan{1, na, 3};
  CHECK_THROWS_WITH(mtf::sma(with_nan, 2), Contains("non-finite value at index 1"));
  const std::vector<double> negative_volume{1, -1, 3};
  CHECK_THROWS_WITH(mtf::obv(x, negative_volume), Contains("non-negative"));
  const std::vector<double> zero_price{1, 0, 3};
  CHECK_THROWS_WITH(mtf::roc(zero_price, 1), Contains("positive"));
  CHECK_THROWS_AS(mtf::realized_vol(zero_price, 2), mtf::data_error);
}

TEST_CASE("indicators on a series shorter than the warm-up return all NaN", "[indicators]") {
  const std::vector<double> x{1, 2, 3};
  for (double v : mtf::sma(x, 5))
    CHECK(std::isnan(v));
  for (double v : mtf::rsi(x, 3))
    CHECK(std::isnan(v));
  for (double v : mtf::macd(x).histogram)
    CHECK(std::isnan(v));
  for (double v : mtf::adx(x, x, x, 2).adx)
    CHECK(std::isnan(v));
  CHECK(mtf::ema(std::vector<double>{}, 3).empty());
  CHECK(mtf::obv(std::vector<double>{}, std::vector<double>{}).empty());
}
