#pragma once
/// \file Technical indicators as free functions over price/volume spans (SPEC §5). Usable on
/// their own by vendoring projects: they depend only on the standard library and mtf's errors.
/// Each one checks its input and runs the indicator's kernel (`streaming_indicators.hpp`, the
/// one definition of the arithmetic) over the series.
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

#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include "mtf/features/indicator_checks.hpp"
#include "mtf/features/rolling_window.hpp"
#include "mtf/features/streaming_indicators.hpp"

namespace mtf {

/// Simple moving average: mean of x[t-n+1..t]. Units of x. First value at index n-1.
/// Compensated rolling sum, O(n).
inline std::vector<double> sma(std::span<const double> x, int n) {
  const auto w = indicator_detail::checked_window("sma", "n", n);
  indicator_detail::check_finite("sma", "x", x);
  streaming::sma_state kernel(w);
  std::vector<double> out(x.size());
  for (std::size_t t = 0; t < x.size(); ++t)
    out[t] = kernel.push(x[t]);
  return out;
}

/// Exponential moving average, alpha = 2/(n+1), seeded at index n-1 with the SMA of the first n
/// values (TA-Lib and TTR). Units of x. First value at index n-1.
inline std::vector<double> ema(std::span<const double> x, int n) {
  const auto w = indicator_detail::checked_window("ema", "n", n);
  indicator_detail::check_finite("ema", "x", x);
  streaming::ema_state kernel(w);
  std::vector<double> out(x.size());
  for (std::size_t t = 0; t < x.size(); ++t)
    out[t] = kernel.push(x[t]);
  return out;
}

/// Wilder's relative strength index in [0, 100]. Changes d_t = close_t - close_{t-1} (t >= 1);
/// average gain and loss are seeded at index n with the simple mean of the first n gains/losses,
/// then smoothed as avg = (avg (n-1) + x) / n. RSI = 100 avg_gain / (avg_gain + avg_loss)
/// (= 100 - 100/(1+RS)). First value at index n (needs n+1 closes). When both averages are 0
/// (no movement at all) the RSI is 50, neutral (TA-Lib returns 0 there, TTR NaN).
inline std::vector<double> rsi(std::span<const double> close, int n) {
  const auto w = indicator_detail::checked_window("rsi", "n", n);
  indicator_detail::check_finite("rsi", "close", close);
  streaming::rsi_state kernel(w);
  std::vector<double> out(close.size());
  for (std::size_t t = 0; t < close.size(); ++t)
    out[t] = kernel.push(close[t]);
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
  streaming::atr_state kernel(w);
  std::vector<double> out(close.size());
  for (std::size_t t = 0; t < close.size(); ++t)
    out[t] = kernel.push(high[t], low[t], close[t]);
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
  streaming::bollinger_state kernel(w, k);
  indicator_detail::check_finite("bollinger", "close", close);
  const std::size_t size = close.size();
  bollinger_bands out{std::vector<double>(size), std::vector<double>(size),
                      std::vector<double>(size), std::vector<double>(size)};
  for (std::size_t t = 0; t < size; ++t) {
    const auto v = kernel.push(close[t]);
    out.lower[t] = v.lower;
    out.middle[t] = v.middle;
    out.upper[t] = v.upper;
    out.percent_b[t] = v.percent_b;
  }
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
  streaming::macd_state kernel(f, s, g);
  indicator_detail::check_finite("macd", "close", close);
  const std::size_t size = close.size();
  macd_lines out{std::vector<double>(size), std::vector<double>(size), std::vector<double>(size)};
  for (std::size_t t = 0; t < size; ++t) {
    const auto v = kernel.push(close[t]);
    out.line[t] = v.line;
    out.signal[t] = v.signal;
    out.histogram[t] = v.histogram;
  }
  return out;
}

/// Rate of change as a fraction (not percent): close_t / close_{t-n} - 1. First value at index
/// n. Requires positive closes.
inline std::vector<double> roc(std::span<const double> close, int n) {
  const auto w = indicator_detail::checked_window("roc", "n", n);
  indicator_detail::check_positive("roc", "close", close);
  streaming::lag_state kernel(w);
  std::vector<double> out(close.size());
  for (std::size_t t = 0; t < close.size(); ++t)
    out[t] = close[t] / kernel.push(close[t]) - 1.0;
  return out;
}

/// Momentum close_t - close_{t-n}, price units. First value at index n.
inline std::vector<double> momentum(std::span<const double> close, int n) {
  const auto w = indicator_detail::checked_window("momentum", "n", n);
  indicator_detail::check_finite("momentum", "close", close);
  streaming::lag_state kernel(w);
  std::vector<double> out(close.size());
  for (std::size_t t = 0; t < close.size(); ++t)
    out[t] = close[t] - kernel.push(close[t]);
  return out;
}

/// Realised volatility: sample standard deviation (divisor n-1) of the n one-bar log returns
/// ln(close_t / close_{t-1}) ending at t, per bar (not annualised). First value at index n
/// (needs n+1 closes). Requires n >= 2 and positive closes; a window of equal returns gives 0.
inline std::vector<double> realized_vol(std::span<const double> close, int n) {
  const auto w = indicator_detail::checked_window("realized_vol", "n", n, 2);
  indicator_detail::check_positive("realized_vol", "close", close);
  streaming::realized_vol_state kernel(w);
  std::vector<double> out(close.size(), rolling::warm_up_nan);
  for (std::size_t t = 1; t < close.size(); ++t)
    out[t] = kernel.push(std::log(close[t] / close[t - 1]));
  return out;
}

/// Rolling z-score (x_t - SMA(x, n)) / population std of the same n values, dimensionless.
/// First value at index n-1; 0 when the window is flat (std 0).
inline std::vector<double> zscore(std::span<const double> x, int n) {
  const auto w = indicator_detail::checked_window("zscore", "n", n);
  indicator_detail::check_finite("zscore", "x", x);
  streaming::zscore_state kernel(w);
  std::vector<double> out(x.size());
  for (std::size_t t = 0; t < x.size(); ++t)
    out[t] = kernel.push(x[t]);
  return out;
}

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
  streaming::stochastic_state kernel(kw, ks, dw);
  stochastic_lines out{std::vector<double>(close.size()), std::vector<double>(close.size())};
  for (std::size_t t = 0; t < close.size(); ++t) {
    const auto v = kernel.push(high[t], low[t], close[t]);
    out.k[t] = v.k;
    out.d[t] = v.d;
  }
  return out;
}

/// Williams %R in [-100, 0]: -100 (HH - close) / (HH - LL) over the last n bars; -50 when
/// HH == LL. First value at index n-1.
inline std::vector<double> williams_r(std::span<const double> high, std::span<const double> low,
                                      std::span<const double> close, int n) {
  const auto w = indicator_detail::checked_window("williams_r", "n", n);
  indicator_detail::check_hlc("williams_r", high, low, close);
  streaming::range_position_state kernel(w);
  std::vector<double> out(close.size());
  // %R = %K - 100 exactly: (C - LL)/(HH - LL) - 1 = -(HH - C)/(HH - LL).
  for (std::size_t t = 0; t < close.size(); ++t)
    out[t] = kernel.push(high[t], low[t], close[t]) - 100.0;
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
  streaming::adx_state kernel(w);
  const std::size_t size = close.size();
  adx_lines out{std::vector<double>(size), std::vector<double>(size), std::vector<double>(size)};
  for (std::size_t t = 0; t < size; ++t) {
    const auto v = kernel.push(high[t], low[t], close[t]);
    out.plus_di[t] = v.plus_di;
    out.minus_di[t] = v.minus_di;
    out.adx[t] = v.adx;
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
  streaming::obv_state kernel;
  std::vector<double> out(close.size());
  for (std::size_t t = 0; t < close.size(); ++t)
    out[t] = kernel.push(close[t], volume[t]);
  return out;
}

/// Volume ratio volume_t / SMA(volume, n), dimensionless. First value at index n-1; 1 when every
/// volume in the window is zero.
inline std::vector<double> volume_ratio(std::span<const double> volume, int n) {
  const auto w = indicator_detail::checked_window("volume_ratio", "n", n);
  indicator_detail::check_volume("volume_ratio", volume);
  streaming::volume_ratio_state kernel(w);
  std::vector<double> out(volume.size());
  for (std::size_t t = 0; t < volume.size(); ++t)
    out[t] = kernel.push(volume[t]);
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
  streaming::cci_state kernel(w);
  std::vector<double> out(close.size());
  for (std::size_t t = 0; t < close.size(); ++t)
    out[t] = kernel.push(high[t], low[t], close[t]);
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
  streaming::cmf_state kernel(w);
  std::vector<double> out(close.size());
  for (std::size_t t = 0; t < close.size(); ++t)
    out[t] = kernel.push(high[t], low[t], close[t], volume[t]);
  return out;
}

}  // namespace mtf
