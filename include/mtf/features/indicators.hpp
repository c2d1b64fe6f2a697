#pragma once
/// \file Technical indicators as free functions over price/volume spans (SPEC §5). Usable on
/// their own by vendoring projects: they depend only on the standard library and mtf's errors.
///
/// Conventions shared by every function here:
/// * Output has the input's length; entries before the first complete window ("warm-up") are
///   NaN. Each doc comment states the warm-up as the index of the first value.
/// * Definitions follow TA-Lib / R TTR; where those two differ the choice is documented.
/// * Causal: the value at t reads inputs [0, t] only, and its arithmetic depends on t alone, so
///   the values of a prefix of a series are bit-identical to the full series' values.
/// * O(n) with compensated or periodically recomputed running sums (stable over 10^7 bars);
///   only CCI's mean absolute deviation is O(n*w), as in TA-Lib.
/// * Degenerate denominators (zero range, zero deviation, zero volume) give a documented
///   neutral value after warm-up, never inf or NaN.
/// * A window below its minimum (or a MACD fast window not below its slow one, a band width
///   k <= 0) throws mtf::programming_error naming the indicator and the argument. Bad input
///   throws mtf::data_error naming the indicator and the argument: spans of different lengths, a
///   non-finite value, a negative volume, or (for the ratio/log-based ones) a non-positive price.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/features/rolling_window.hpp"

namespace mtf {

namespace indicator_detail {

inline constexpr double nan = rolling::warm_up_nan;

/// Throws data_error(where, line 0, field, message). Kept out of line: g++ 12 emits a bogus
/// -Wrestrict warning when data_error's message formatting is inlined at -O3 (GCC PR 105651).
[[noreturn, gnu::cold, gnu::noinline]] inline void fail(std::string_view where,
                                                        std::string_view field,
                                                        const std::string& message) {
  throw data_error(std::string(where), 0, std::string(field), message);
}

/// Throws programming_error(where, argument, message): a broken call contract (a bad window or
/// band width), not bad data. Out of line for the same -Wrestrict reason as `fail`.
[[noreturn, gnu::cold, gnu::noinline]] inline void fail_argument(std::string_view where,
                                                                 std::string_view argument,
                                                                 const std::string& message) {
  throw programming_error(std::string(where), std::string(argument), message);
}

/// Checks that a window argument is at least `minimum`; returns it as a size. A smaller window
/// is a programming error (no valid policy has one), not bad data.
inline std::size_t checked_window(std::string_view indicator, std::string_view argument, int window,
                                  int minimum = 1) {
  if (window < minimum) {
    indicator_detail::fail_argument(
        indicator, argument,
        "window must be at least " + std::to_string(minimum) + ", got " + std::to_string(window));
  }
  return static_cast<std::size_t>(window);
}

/// Index of the first x[i] failing `ok`, or x.size(). A branch-free scan first (vectorisable;
/// every feature re-validates its inputs, so this runs many times per series), then the slow
/// search only when something failed.
template <class Ok>
std::size_t first_failing(std::span<const double> x, Ok ok) {
  bool all_ok = true;
  for (const double v : x)
    all_ok &= ok(v);
  if (all_ok) return x.size();
  std::size_t i = 0;
  while (ok(x[i]))
    ++i;
  return i;
}

inline void check_finite(std::string_view indicator, std::string_view argument,
                         std::span<const double> x) {
  const auto i =
      first_failing(x, [](double v) { return std::abs(v) <= std::numeric_limits<double>::max(); });
  if (i < x.size()) fail(indicator, argument, "non-finite value at index " + std::to_string(i));
}

inline void check_positive(std::string_view indicator, std::string_view argument,
                           std::span<const double> x) {
  const auto i = first_failing(
      x, [](double v) { return (v > 0.0) & (v <= std::numeric_limits<double>::max()); });
  if (i < x.size()) {
    fail(indicator, argument,
         "price must be finite and positive, got " + std::to_string(x[i]) + " at index " +
             std::to_string(i));
  }
}

inline void check_volume(std::string_view indicator, std::span<const double> v) {
  const auto i = first_failing(
      v, [](double x) { return (x >= 0.0) & (x <= std::numeric_limits<double>::max()); });
  if (i < v.size()) {
    fail(indicator, "volume",
         "volume must be finite and non-negative, got " + std::to_string(v[i]) + " at index " +
             std::to_string(i));
  }
}

inline void check_same_length(std::string_view indicator, std::size_t expected,
                              std::string_view argument, std::size_t actual) {
  if (actual != expected) {
    indicator_detail::fail(indicator, argument,
                           "length " + std::to_string(actual) + " differs from close's length " +
                               std::to_string(expected));
  }
}

inline void check_hlc(std::string_view indicator, std::span<const double> high,
                      std::span<const double> low, std::span<const double> close) {
  check_same_length(indicator, close.size(), "high", high.size());
  check_same_length(indicator, close.size(), "low", low.size());
  check_finite(indicator, "high", high);
  check_finite(indicator, "low", low);
  check_finite(indicator, "close", close);
}

/// SMA of x over n values, where x holds values from index `first` on (NaN before): first value
/// at first + n - 1.
inline std::vector<double> sma_from(std::span<const double> x, std::size_t first, std::size_t n) {
  std::vector<double> out(x.size(), nan);
  if (first >= x.size()) return out;
  const double inv_n = 1.0 / static_cast<double>(n);
  rolling::for_each_window_sum(x.subspan(first), n,
                               [&](std::size_t t, double s) { out[first + t] = s * inv_n; });
  return out;
}

/// Exponential smoothing x -> e += alpha (x - e) of x[first..], seeded at first + n - 1 with the
/// mean of x[first .. first+n-1] (the TA-Lib/TTR seeding). alpha = 2/(n+1) gives the EMA,
/// alpha = 1/n Wilder's smoothing.
inline std::vector<double> smooth_from(std::span<const double> x, std::size_t first, std::size_t n,
                                       double alpha) {
  std::vector<double> out(x.size(), nan);
  if (first + n > x.size()) return out;
  double e = rolling::exact_sum(x, first, first + n) / static_cast<double>(n);
  out[first + n - 1] = e;
  for (std::size_t t = first + n; t < x.size(); ++t) {
    e += alpha * (x[t] - e);
    out[t] = e;
  }
  return out;
}

/// Wilder's recursive average avg = (avg (n-1) + x) / n, written exactly as TA-Lib and the
/// published worked examples do (multiply, add, divide) so those tables are reproduced.
inline double wilder_step(double average, double x, double n) {
  return (average * (n - 1.0) + x) / n;
}

/// True range at t: max(high, previous close) - min(low, previous close); high - low at t = 0.
inline double true_range(std::span<const double> high, std::span<const double> low,
                         std::span<const double> close, std::size_t t) {
  if (t == 0) return high[0] - low[0];
  return std::max(high[t], close[t - 1]) - std::min(low[t], close[t - 1]);
}

}  // namespace indicator_detail

/// Simple moving average: mean of x[t-n+1..t]. Units of x. First value at index n-1.
/// Compensated rolling sum, O(n).
inline std::vector<double> sma(std::span<const double> x, int n) {
  const auto w = indicator_detail::checked_window("sma", "n", n);
  indicator_detail::check_finite("sma", "x", x);
  return indicator_detail::sma_from(x, 0, w);
}

/// Exponential moving average, alpha = 2/(n+1), seeded at index n-1 with the SMA of the first n
/// values (TA-Lib and TTR). Units of x. First value at index n-1.
inline std::vector<double> ema(std::span<const double> x, int n) {
  const auto w = indicator_detail::checked_window("ema", "n", n);
  indicator_detail::check_finite("ema", "x", x);
  return indicator_detail::smooth_from(x, 0, w, 2.0 / (static_cast<double>(w) + 1.0));
}

/// Wilder's relative strength index in [0, 100]. Changes d_t = close_t - close_{t-1} (t >= 1);
/// average gain and loss are seeded at index n with the simple mean of the first n gains/losses,
/// then smoothed as avg = (avg (n-1) + x) / n. RSI = 100 avg_gain / (avg_gain + avg_loss)
/// (= 100 - 100/(1+RS)). First value at index n (needs n+1 closes). When both averages are 0
/// (no movement at all) the RSI is 50, neutral (TA-Lib returns 0 there, TTR NaN).
inline std::vector<double> rsi(std::span<const double> close, int n) {
  const auto w = indicator_detail::checked_window("rsi", "n", n);
  indicator_detail::check_finite("rsi", "close", close);
  std::vector<double> out(close.size(), indicator_detail::nan);
  if (close.size() <= w) return out;
  const double nd = static_cast<double>(w);
  rolling::compensated_sum gains, losses;
  for (std::size_t t = 1; t <= w; ++t) {
    const double d = close[t] - close[t - 1];
    gains.add(d > 0 ? d : 0.0);
    losses.add(d < 0 ? -d : 0.0);
  }
  double avg_gain = gains.value() / nd;
  double avg_loss = losses.value() / nd;
  auto value = [](double g, double l) { return g + l > 0.0 ? 100.0 * (g / (g + l)) : 50.0; };
  out[w] = value(avg_gain, avg_loss);
  for (std::size_t t = w + 1; t < close.size(); ++t) {
    const double d = close[t] - close[t - 1];
    avg_gain = indicator_detail::wilder_step(avg_gain, d > 0 ? d : 0.0, nd);
    avg_loss = indicator_detail::wilder_step(avg_loss, d < 0 ? -d : 0.0, nd);
    out[t] = value(avg_gain, avg_loss);
  }
  return out;
}

/// Wilder's average true range, in price units. TR_0 = high_0 - low_0 and
/// TR_t = max(high_t, close_{t-1}) - min(low_t, close_{t-1}); ATR is seeded at index n-1 with
/// the mean of TR_0..TR_{n-1} and then smoothed as ATR = (ATR (n-1) + TR) / n. This is Wilder's
/// and StockCharts' convention (TA-Lib instead skips TR_0 and starts at index n). First value
/// at index n-1.
inline std::vector<double> atr(std::span<const double> high, std::span<const double> low,
                               std::span<const double> close, int n) {
  const auto w = indicator_detail::checked_window("atr", "n", n);
  indicator_detail::check_hlc("atr", high, low, close);
  std::vector<double> out(close.size(), indicator_detail::nan);
  if (close.size() < w) return out;
  const double nd = static_cast<double>(w);
  rolling::compensated_sum seed;
  for (std::size_t t = 0; t < w; ++t)
    seed.add(indicator_detail::true_range(high, low, close, t));
  double value = seed.value() / nd;
  out[w - 1] = value;
  for (std::size_t t = w; t < close.size(); ++t) {
    value =
        indicator_detail::wilder_step(value, indicator_detail::true_range(high, low, close, t), nd);
    out[t] = value;
  }
  return out;
}

/// Bollinger bands over n closes.
struct bollinger_bands {
  std::vector<double> lower;      ///< middle - k * population std
  std::vector<double> middle;     ///< SMA(close, n)
  std::vector<double> upper;      ///< middle + k * population std
  std::vector<double> percent_b;  ///< (close - lower) / (upper - lower); 0.5 when the bands touch
};

/// Bollinger bands: middle = SMA(close, n), upper/lower = middle +- k * population standard
/// deviation of the same n closes (TA-Lib/TTR/StockCharts use the population std). %B is
/// dimensionless (0 at the lower band, 1 at the upper); when the window is flat (std 0) the
/// bands coincide and %B is 0.5. First value at index n-1. Requires k > 0.
inline bollinger_bands bollinger(std::span<const double> close, int n, double k = 2.0) {
  const auto w = indicator_detail::checked_window("bollinger", "n", n);
  if (!(k > 0.0) || !std::isfinite(k)) {
    indicator_detail::fail_argument("bollinger", "k", "band width k must be finite and positive");
  }
  indicator_detail::check_finite("bollinger", "close", close);
  const std::size_t size = close.size();
  bollinger_bands out{std::vector<double>(size, indicator_detail::nan),
                      std::vector<double>(size, indicator_detail::nan),
                      std::vector<double>(size, indicator_detail::nan),
                      std::vector<double>(size, indicator_detail::nan)};
  const double inv_n = 1.0 / static_cast<double>(w);
  rolling::for_each_window_moments(close, w, [&](std::size_t t, double mean, double m2) {
    const double half_width = k * std::sqrt(m2 * inv_n);
    out.middle[t] = mean;
    out.lower[t] = mean - half_width;
    out.upper[t] = mean + half_width;
    out.percent_b[t] = half_width > 0.0 ? (close[t] - out.lower[t]) / (2.0 * half_width) : 0.5;
  });
  return out;
}

/// MACD line, signal and histogram.
struct macd_lines {
  std::vector<double> line;       ///< EMA(close, fast) - EMA(close, slow), price units
  std::vector<double> signal;     ///< EMA(line, signal)
  std::vector<double> histogram;  ///< line - signal
};

/// Moving average convergence/divergence (Appel), default 12/26/9. Both EMAs are seeded
/// independently with the SMA of the first fast/slow closes (TTR convention), so the line starts
/// at index slow-1. The signal EMA is seeded with the SMA of the first `signal` available line
/// values (TTR and TA-Lib), so signal and histogram start at index slow + signal - 2 (33 for
/// 12/26/9, TA-Lib's lookback). Requires fast < slow. Price units.
inline macd_lines macd(std::span<const double> close, int fast = 12, int slow = 26,
                       int signal = 9) {
  const auto f = indicator_detail::checked_window("macd", "fast", fast);
  const auto s = indicator_detail::checked_window("macd", "slow", slow);
  const auto g = indicator_detail::checked_window("macd", "signal", signal);
  if (f >= s)
    indicator_detail::fail_argument("macd", "fast", "fast window must be shorter than slow window");
  indicator_detail::check_finite("macd", "close", close);
  const auto fast_ema = indicator_detail::smooth_from(close, 0, f, 2.0 / (double(f) + 1.0));
  const auto slow_ema = indicator_detail::smooth_from(close, 0, s, 2.0 / (double(s) + 1.0));
  macd_lines out;
  out.line.assign(close.size(), indicator_detail::nan);
  for (std::size_t t = s - 1; t < close.size(); ++t)
    out.line[t] = fast_ema[t] - slow_ema[t];
  out.signal = indicator_detail::smooth_from(out.line, s - 1, g, 2.0 / (double(g) + 1.0));
  out.histogram.assign(close.size(), indicator_detail::nan);
  for (std::size_t t = s + g - 2; t < close.size(); ++t) {
    out.histogram[t] = out.line[t] - out.signal[t];
  }
  return out;
}

/// Rate of change as a fraction (not percent): close_t / close_{t-n} - 1. First value at index
/// n. Requires positive closes.
inline std::vector<double> roc(std::span<const double> close, int n) {
  const auto w = indicator_detail::checked_window("roc", "n", n);
  indicator_detail::check_positive("roc", "close", close);
  std::vector<double> out(close.size(), indicator_detail::nan);
  for (std::size_t t = w; t < close.size(); ++t)
    out[t] = close[t] / close[t - w] - 1.0;
  return out;
}

/// Momentum close_t - close_{t-n}, price units. First value at index n.
inline std::vector<double> momentum(std::span<const double> close, int n) {
  const auto w = indicator_detail::checked_window("momentum", "n", n);
  indicator_detail::check_finite("momentum", "close", close);
  std::vector<double> out(close.size(), indicator_detail::nan);
  for (std::size_t t = w; t < close.size(); ++t)
    out[t] = close[t] - close[t - w];
  return out;
}

namespace indicator_detail {
/// One-bar log returns r[i] = ln(close[i+1] / close[i]), i = 0..size-2 (closes must be positive).
inline std::vector<double> one_bar_log_returns(std::span<const double> close) {
  std::vector<double> r(close.size() > 0 ? close.size() - 1 : 0);
  for (std::size_t t = 1; t < close.size(); ++t)
    r[t - 1] = std::log(close[t] / close[t - 1]);
  return r;
}

/// realized_vol over w returns for a series of `size` closes given its one-bar log returns.
inline std::vector<double> realized_vol_from_returns(std::span<const double> returns,
                                                     std::size_t size, std::size_t w) {
  std::vector<double> out(size, nan);
  const double inv = 1.0 / static_cast<double>(w - 1);
  rolling::for_each_window_moments(
      returns, w, [&](std::size_t i, double, double m2) { out[i + 1] = std::sqrt(m2 * inv); });
  return out;
}
}  // namespace indicator_detail

/// Realised volatility: sample standard deviation (divisor n-1) of the n one-bar log returns
/// ln(close_t / close_{t-1}) ending at t, per bar (not annualised). First value at index n
/// (needs n+1 closes). Requires n >= 2 and positive closes; a window of equal returns gives 0.
inline std::vector<double> realized_vol(std::span<const double> close, int n) {
  const auto w = indicator_detail::checked_window("realized_vol", "n", n, 2);
  indicator_detail::check_positive("realized_vol", "close", close);
  return indicator_detail::realized_vol_from_returns(indicator_detail::one_bar_log_returns(close),
                                                     close.size(), w);
}

/// Rolling z-score (x_t - SMA(x, n)) / population std of the same n values, dimensionless.
/// First value at index n-1; 0 when the window is flat (std 0).
inline std::vector<double> zscore(std::span<const double> x, int n) {
  const auto w = indicator_detail::checked_window("zscore", "n", n);
  indicator_detail::check_finite("zscore", "x", x);
  std::vector<double> out(x.size(), indicator_detail::nan);
  const double inv_n = 1.0 / static_cast<double>(w);
  rolling::for_each_window_moments(x, w, [&](std::size_t t, double mean, double m2) {
    const double sd = std::sqrt(m2 * inv_n);
    out[t] = sd > 0.0 ? (x[t] - mean) / sd : 0.0;
  });
  return out;
}

namespace indicator_detail {
/// Raw stochastic position 100 (close - lowest low) / (highest high - lowest low) over n bars,
/// 50 when the range is zero; first value at index n-1. Shared by %K and Williams %R.
inline std::vector<double> range_position(std::span<const double> high, std::span<const double> low,
                                          std::span<const double> close, std::size_t n) {
  std::vector<double> highest(close.size(), nan);
  std::vector<double> out(close.size(), nan);
  rolling::for_each_window_extreme(
      high, n, [](double a, double b) { return a >= b; },
      [&](std::size_t t, double v) { highest[t] = v; });
  rolling::for_each_window_extreme(
      low, n, [](double a, double b) { return a <= b; },
      [&](std::size_t t, double lowest) {
        const double range = highest[t] - lowest;
        out[t] = range > 0.0 ? 100.0 * ((close[t] - lowest) / range) : 50.0;
      });
  return out;
}
}  // namespace indicator_detail

/// Stochastic oscillator %K and %D, in [0, 100].
struct stochastic_lines {
  std::vector<double> k;  ///< %K (smoothed when k_smooth > 1)
  std::vector<double> d;  ///< %D = SMA(%K, d_window)
};

/// Stochastic oscillator (Lane). Raw %K = 100 (close - LL) / (HH - LL) with HH/LL the highest
/// high and lowest low of the last k_window bars (50 when HH == LL), first at index k_window-1.
/// With k_smooth > 1, %K = SMA(raw %K, k_smooth) (TA-Lib's slow %K), first at
/// k_window + k_smooth - 2. %D = SMA(%K, d_window), first at k_window + k_smooth + d_window - 3.
/// Rolling extremes use a monotonic deque, O(n).
inline stochastic_lines stochastic(std::span<const double> high, std::span<const double> low,
                                   std::span<const double> close, int k_window = 14,
                                   int k_smooth = 1, int d_window = 3) {
  const auto kw = indicator_detail::checked_window("stochastic", "k_window", k_window);
  const auto ks = indicator_detail::checked_window("stochastic", "k_smooth", k_smooth);
  const auto dw = indicator_detail::checked_window("stochastic", "d_window", d_window);
  indicator_detail::check_hlc("stochastic", high, low, close);
  stochastic_lines out;
  auto raw = indicator_detail::range_position(high, low, close, kw);
  out.k = ks > 1 ? indicator_detail::sma_from(raw, kw - 1, ks) : std::move(raw);
  out.d = indicator_detail::sma_from(out.k, kw + ks - 2, dw);
  return out;
}

/// Williams %R in [-100, 0]: -100 (HH - close) / (HH - LL) over the last n bars; -50 when
/// HH == LL. First value at index n-1.
inline std::vector<double> williams_r(std::span<const double> high, std::span<const double> low,
                                      std::span<const double> close, int n) {
  const auto w = indicator_detail::checked_window("williams_r", "n", n);
  indicator_detail::check_hlc("williams_r", high, low, close);
  auto out = indicator_detail::range_position(high, low, close, w);
  // %R = %K - 100 exactly: (C - LL)/(HH - LL) - 1 = -(HH - C)/(HH - LL).
  for (double& v : out)
    v -= 100.0;
  return out;
}

/// Wilder's directional movement system, in [0, 100].
struct adx_lines {
  std::vector<double> plus_di;   ///< +DI, first at index n
  std::vector<double> minus_di;  ///< -DI, first at index n
  std::vector<double> adx;       ///< ADX, first at index 2n-1
};

/// Wilder's directional movement (ADX with +DI/-DI). For t >= 1: up = high_t - high_{t-1},
/// down = low_{t-1} - low_t; +DM = up if up > down and up > 0 else 0, -DM symmetric;
/// TR = max(high_t, close_{t-1}) - min(low_t, close_{t-1}). TR and DM are Wilder-smoothed as
/// running sums: the first (index n) is the plain sum over t = 1..n (Wilder's book; TA-Lib
/// seeds with n-1 values and one smoothing step, so its early values differ slightly), then
/// S = S - S/n + x. +DI = 100 S(+DM)/S(TR), -DI likewise (0 when S(TR) = 0).
/// DX = 100 |+DI - -DI| / (+DI + -DI) (0 when both are 0). ADX is seeded at index 2n-1 with the
/// mean of DX over indices n..2n-1, then ADX = (ADX (n-1) + DX) / n: TA-Lib's warm-up 2n-1.
inline adx_lines adx(std::span<const double> high, std::span<const double> low,
                     std::span<const double> close, int n) {
  const auto w = indicator_detail::checked_window("adx", "n", n);
  indicator_detail::check_hlc("adx", high, low, close);
  const std::size_t size = close.size();
  adx_lines out{std::vector<double>(size, indicator_detail::nan),
                std::vector<double>(size, indicator_detail::nan),
                std::vector<double>(size, indicator_detail::nan)};
  if (size <= w) return out;
  const double nd = static_cast<double>(w);
  auto movement = [&](std::size_t t, double& plus_dm, double& minus_dm) {
    const double up = high[t] - high[t - 1];
    const double down = low[t - 1] - low[t];
    plus_dm = (up > down && up > 0.0) ? up : 0.0;
    minus_dm = (down > up && down > 0.0) ? down : 0.0;
  };
  rolling::compensated_sum tr_seed, plus_seed, minus_seed;
  for (std::size_t t = 1; t <= w; ++t) {
    double p = 0.0, m = 0.0;
    movement(t, p, m);
    plus_seed.add(p);
    minus_seed.add(m);
    tr_seed.add(indicator_detail::true_range(high, low, close, t));
  }
  double s_tr = tr_seed.value(), s_plus = plus_seed.value(), s_minus = minus_seed.value();
  rolling::compensated_sum dx_seed;
  double adx_value = 0.0;
  for (std::size_t t = w; t < size; ++t) {
    if (t > w) {
      double p = 0.0, m = 0.0;
      movement(t, p, m);
      s_tr = s_tr - s_tr / nd + indicator_detail::true_range(high, low, close, t);
      s_plus = s_plus - s_plus / nd + p;
      s_minus = s_minus - s_minus / nd + m;
    }
    const double plus_di = s_tr > 0.0 ? 100.0 * (s_plus / s_tr) : 0.0;
    const double minus_di = s_tr > 0.0 ? 100.0 * (s_minus / s_tr) : 0.0;
    out.plus_di[t] = plus_di;
    out.minus_di[t] = minus_di;
    const double di_sum = plus_di + minus_di;
    const double dx = di_sum > 0.0 ? 100.0 * (std::abs(plus_di - minus_di) / di_sum) : 0.0;
    if (t < 2 * w - 1) {
      dx_seed.add(dx);
    } else if (t == 2 * w - 1) {
      dx_seed.add(dx);
      adx_value = dx_seed.value() / nd;
      out.adx[t] = adx_value;
    } else {
      adx_value = indicator_detail::wilder_step(adx_value, dx, nd);
      out.adx[t] = adx_value;
    }
  }
  return out;
}

/// On-balance volume (Granville), volume units: OBV_0 = volume_0 (TTR's and TA-Lib's choice),
/// OBV_t = OBV_{t-1} + volume_t if close rose, - volume_t if it fell, unchanged if equal.
/// No warm-up. The cumulative sum is compensated.
inline std::vector<double> obv(std::span<const double> close, std::span<const double> volume) {
  indicator_detail::check_same_length("obv", close.size(), "volume", volume.size());
  indicator_detail::check_finite("obv", "close", close);
  indicator_detail::check_volume("obv", volume);
  std::vector<double> out(close.size(), indicator_detail::nan);
  if (close.empty()) return out;
  rolling::compensated_sum total;
  total.add(volume[0]);
  out[0] = total.value();
  for (std::size_t t = 1; t < close.size(); ++t) {
    if (close[t] > close[t - 1]) {
      total.add(volume[t]);
    } else if (close[t] < close[t - 1]) {
      total.add(-volume[t]);
    }
    out[t] = total.value();
  }
  return out;
}

/// Volume ratio volume_t / SMA(volume, n), dimensionless. First value at index n-1; 1 when every
/// volume in the window is zero.
inline std::vector<double> volume_ratio(std::span<const double> volume, int n) {
  const auto w = indicator_detail::checked_window("volume_ratio", "n", n);
  indicator_detail::check_volume("volume_ratio", volume);
  std::vector<double> out(volume.size(), indicator_detail::nan);
  const double inv_n = 1.0 / static_cast<double>(w);
  std::size_t nonzero = 0;  // exact zero-window test: a compensated sum can leave residue
  for (std::size_t t = 0; t < volume.size() && t + 1 < w; ++t)
    nonzero += volume[t] > 0.0;
  rolling::for_each_window_sum(volume, w, [&](std::size_t t, double s) {
    nonzero += volume[t] > 0.0;
    if (t >= w) nonzero -= volume[t - w] > 0.0;
    out[t] = nonzero > 0 ? volume[t] / (s * inv_n) : 1.0;
  });
  return out;
}

/// Commodity channel index (Lambert): typical price TP = (high + low + close) / 3,
/// CCI = (TP - SMA(TP, n)) / (0.015 * MAD), MAD = mean |TP_i - SMA| over the same n bars (around
/// the current SMA, as TA-Lib and TTR). Dimensionless (mostly within +-100..300). First value at
/// index n-1; 0 when the window's typical prices are all equal. The MAD is inherently O(n*w)
/// (TA-Lib does the same); everything else is O(n).
inline std::vector<double> cci(std::span<const double> high, std::span<const double> low,
                               std::span<const double> close, int n) {
  const auto w = indicator_detail::checked_window("cci", "n", n);
  indicator_detail::check_hlc("cci", high, low, close);
  std::vector<double> tp(close.size());
  for (std::size_t t = 0; t < close.size(); ++t)
    tp[t] = (high[t] + low[t] + close[t]) / 3.0;
  std::vector<double> out(close.size(), indicator_detail::nan);
  const double inv_n = 1.0 / static_cast<double>(w);
  rolling::for_each_window_sum(tp, w, [&](std::size_t t, double s) {
    const double mean = s * inv_n;
    double abs_dev = 0.0;
    bool flat = true;
    for (std::size_t i = t + 1 - w; i <= t; ++i) {
      abs_dev += std::abs(tp[i] - mean);
      flat = flat && tp[i] == tp[t];
    }
    out[t] = flat ? 0.0 : (tp[t] - mean) / (0.015 * (abs_dev * inv_n));
  });
  return out;
}

/// Chaikin money flow over n bars, in [-1, 1]: money-flow multiplier
/// MFM = ((close - low) - (high - close)) / (high - low) (0 when high == low), CMF = sum(MFM *
/// volume) / sum(volume) over the window. First value at index n-1; 0 when the window's volume
/// is all zero.
inline std::vector<double> cmf(std::span<const double> high, std::span<const double> low,
                               std::span<const double> close, std::span<const double> volume,
                               int n) {
  const auto w = indicator_detail::checked_window("cmf", "n", n);
  indicator_detail::check_hlc("cmf", high, low, close);
  indicator_detail::check_same_length("cmf", close.size(), "volume", volume.size());
  indicator_detail::check_volume("cmf", volume);
  const std::size_t size = close.size();
  std::vector<double> out(size, indicator_detail::nan);
  if (size < w) return out;
  auto flow = [&](std::size_t t) {
    const double range = high[t] - low[t];
    return range > 0.0 ? ((close[t] - low[t]) - (high[t] - close[t])) / range * volume[t] : 0.0;
  };
  rolling::compensated_sum flow_sum, volume_sum;
  std::size_t nonzero = 0;
  for (std::size_t t = 0; t < size; ++t) {
    flow_sum.add(flow(t));
    volume_sum.add(volume[t]);
    nonzero += volume[t] > 0.0;
    if (t >= w) {
      flow_sum.add(-flow(t - w));
      volume_sum.add(-volume[t - w]);
      nonzero -= volume[t - w] > 0.0;
    }
    if (t + 1 >= w) {
      const double v = volume_sum.value();
      out[t] = nonzero > 0 && v > 0.0 ? std::clamp(flow_sum.value() / v, -1.0, 1.0) : 0.0;
    }
  }
  return out;
}

}  // namespace mtf
