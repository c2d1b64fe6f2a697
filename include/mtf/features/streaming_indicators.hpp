#pragma once
/// \file The indicator kernels: the one definition of every indicator of SPEC §5. A kernel is a
/// small state type whose `push(...)` takes the next value (or bar) and returns the indicator at
/// that index in O(1) amortised (CCI: O(window)), NaN (`rolling::warm_up_nan`) during the
/// warm-up. `indicators.hpp` runs them over whole series (the standalone functions `mtf::sma`,
/// `mtf::rsi`, ...), `feature_specs.hpp` builds the features from them, and the streaming
/// features push one live bar at a time through the same objects -- so batch and streaming
/// values are the same bits by construction.
///
/// Definitions follow TA-Lib / R TTR; where those two differ, the choice is documented at the
/// standalone function in `indicators.hpp`. Kernels take already-checked windows (sizes >= 1,
/// see `indicator_detail::checked_window`) and trust their inputs to be finite; the callers
/// validate.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "mtf/features/indicator_checks.hpp"
#include "mtf/features/rolling_window.hpp"
#include "mtf/intake/bar_series.hpp"

namespace mtf::streaming {

/// One OHLCV candle: open time (UTC epoch seconds) and prices/volume, the row of a bar_series.
struct bar {
  std::int64_t timestamp = 0;
  double open = 0.0;
  double high = 0.0;
  double low = 0.0;
  double close = 0.0;
  double volume = 0.0;
};

/// Bar i of a series as a `bar` (no bounds check beyond the vectors' own).
inline bar bar_at(const bar_series& bars, std::size_t i) {
  return bar{bars.timestamp[i], bars.open[i],  bars.high[i],
             bars.low[i],       bars.close[i], bars.volume[i]};
}

/// Wilder's recursive average avg = (avg (n-1) + x) / n, written exactly as TA-Lib and the
/// published worked examples do (multiply, add, divide) so those tables are reproduced.
inline double wilder_step(double average, double x, double n) noexcept {
  return (average * (n - 1.0) + x) / n;
}

/// True range: max(high, previous close) - min(low, previous close); high - low for the first
/// bar (no previous close).
inline double true_range(double high, double low, bool has_previous,
                         double previous_close) noexcept {
  if (!has_previous) return high - low;
  return std::max(high, previous_close) - std::min(low, previous_close);
}

/// Simple moving average of the last n values (compensated window sum times 1/n).
class sma_state {
 public:
  explicit sma_state(std::size_t n) : sum_(n), inv_n_(1.0 / static_cast<double>(n)) {}
  /// Pushes x[t]; returns the mean of x[t-n+1..t] (NaN for t < n-1).
  double push(double x) noexcept { return sum_.push(x) * inv_n_; }
  /// The window n.
  [[nodiscard]] std::size_t window() const noexcept { return sum_.window(); }

 private:
  window_sum sum_;
  double inv_n_;
};

/// Two simple moving averages advanced together (windows n_0, n_1 in lanes 0, 1): lane i is
/// exactly sma_state(n_i)'s value.
class sma_pair_state {
 public:
  sma_pair_state(std::size_t n_0, std::size_t n_1)
      : sum_(n_0, n_1), inv_n_{1.0 / static_cast<double>(n_0), 1.0 / static_cast<double>(n_1)} {}
  /// Pushes x[t] (both lanes); returns the two means at t.
  rolling::double2 push(rolling::double2 x) noexcept { return sum_.push(x) * inv_n_; }

 private:
  window_sum2 sum_;
  rolling::double2 inv_n_;
};

/// Exponential moving average, alpha = 2/(n+1), seeded at the n-th value with the SMA of the
/// first n values (TA-Lib and TTR).
class ema_state {
 public:
  explicit ema_state(std::size_t n) : smoothing_(n, 2.0 / (static_cast<double>(n) + 1.0)) {}
  /// Pushes x[t]; returns the EMA at t (NaN for t < n-1).
  double push(double x) noexcept { return smoothing_.push(x); }

 private:
  exponential_smoothing smoothing_;
};

/// Wilder RSI in [0, 100]: changes d_t = close_t - close_{t-1}; average gain and loss seeded at
/// index n with the compensated mean of the first n gains/losses, then Wilder-smoothed;
/// RSI = 100 g / (g + l), 50 when both are 0.
class rsi_state {
 public:
  explicit rsi_state(std::size_t n) : n_(n), nd_(static_cast<double>(n)) {}
  /// Pushes close[t]; returns RSI at t (NaN for t < n).
  double push(double close) noexcept {
    const std::size_t t = count_++;
    const double previous = previous_;
    previous_ = close;
    if (t == 0) return rolling::warm_up_nan;
    const double d = close - previous;
    if (t < n_) {
      gains_.add(d > 0 ? d : 0.0);
      losses_.add(d < 0 ? -d : 0.0);
      return rolling::warm_up_nan;
    }
    if (t == n_) {
      gains_.add(d > 0 ? d : 0.0);
      losses_.add(d < 0 ? -d : 0.0);
      avg_gain_ = gains_.value() / nd_;
      avg_loss_ = losses_.value() / nd_;
    } else {
      avg_gain_ = wilder_step(avg_gain_, d > 0 ? d : 0.0, nd_);
      avg_loss_ = wilder_step(avg_loss_, d < 0 ? -d : 0.0, nd_);
    }
    const double g = avg_gain_, l = avg_loss_;
    return g + l > 0.0 ? 100.0 * (g / (g + l)) : 50.0;
  }

 private:
  std::size_t n_;
  double nd_;
  rolling::compensated_sum gains_, losses_;
  double avg_gain_ = 0.0, avg_loss_ = 0.0;
  double previous_ = 0.0;
  std::size_t count_ = 0;
};

/// Wilder ATR in price units: seeded at index n-1 with the compensated mean of TR_0..TR_{n-1}
/// (TR_0 = high - low), then Wilder-smoothed.
class atr_state {
 public:
  explicit atr_state(std::size_t n) : n_(n), nd_(static_cast<double>(n)) {}
  /// Pushes bar t; returns ATR at t (NaN for t < n-1).
  double push(double high, double low, double close) noexcept {
    const std::size_t t = count_++;
    const double tr = true_range(high, low, t > 0, previous_close_);
    previous_close_ = close;
    if (t + 1 < n_) {
      seed_.add(tr);
      return rolling::warm_up_nan;
    }
    if (t + 1 == n_) {
      seed_.add(tr);
      value_ = seed_.value() / nd_;
    } else {
      value_ = wilder_step(value_, tr, nd_);
    }
    return value_;
  }

 private:
  std::size_t n_;
  double nd_;
  rolling::compensated_sum seed_;
  double value_ = 0.0;
  double previous_close_ = 0.0;
  std::size_t count_ = 0;
};

/// Bollinger bands and %B of one bar (NaN during the warm-up).
struct bollinger_value {
  double lower = rolling::warm_up_nan;      ///< middle - k * population std
  double middle = rolling::warm_up_nan;     ///< SMA of the window
  double upper = rolling::warm_up_nan;      ///< middle + k * population std
  double percent_b = rolling::warm_up_nan;  ///< (close - lower) / (upper - lower); 0.5 if flat
};

/// Bollinger bands over the last n closes, k population standard deviations wide. Throws
/// data_error for k not finite and positive.
class bollinger_state {
 public:
  bollinger_state(std::size_t n, double k)
      : moments_(n), inv_n_(1.0 / static_cast<double>(n)), k_(k) {
    if (!(k > 0.0) || !std::isfinite(k))
      indicator_detail::fail_argument("bollinger", "k", "band width k must be finite and positive");
  }
  /// Pushes close[t]; returns the bands at t.
  bollinger_value push(double close) noexcept {
    const auto m = moments_.push(close);
    if (!m.ready) return {};
    return bands(close, m.mean, std::sqrt(m.m2 * inv_n_), k_);
  }
  /// The bands of a full window with that mean and population standard deviation.
  static bollinger_value bands(double close, double mean, double sd, double k) noexcept {
    const double half_width = k * sd;
    bollinger_value out;
    out.middle = mean;
    out.lower = mean - half_width;
    out.upper = mean + half_width;
    out.percent_b = half_width > 0.0 ? (close - out.lower) / (2.0 * half_width) : 0.5;
    return out;
  }
  /// The window n.
  [[nodiscard]] std::size_t window() const noexcept { return moments_.window(); }
  /// The band width k.
  [[nodiscard]] double k() const noexcept { return k_; }

 private:
  window_moments moments_;
  double inv_n_;
  double k_;
};

/// MACD line, signal and histogram of one bar, price units (NaN during their warm-ups).
struct macd_value {
  double line = rolling::warm_up_nan;       ///< first at index slow-1
  double signal = rolling::warm_up_nan;     ///< first at index slow + signal - 2
  double histogram = rolling::warm_up_nan;  ///< first at index slow + signal - 2
};

/// MACD (Appel): both EMAs seeded from the first close, the signal EMA seeded with the SMA of
/// the first `signal` line values. Throws data_error unless fast < slow.
class macd_state {
 public:
  macd_state(std::size_t fast, std::size_t slow, std::size_t signal)
      : slow_(slow), fast_ema_(fast), slow_ema_(slow), signal_ema_(signal) {
    if (fast >= slow)
      indicator_detail::fail_argument("macd", "fast",
                                      "fast window must be shorter than slow window");
  }
  /// Pushes close[t]; returns the MACD lines at t.
  macd_value push(double close) noexcept {
    const std::size_t t = count_++;
    const double fast = fast_ema_.push(close);
    const double slow = slow_ema_.push(close);
    if (t + 1 < slow_) return {};
    macd_value out;
    out.line = fast - slow;
    out.signal = signal_ema_.push(out.line);
    out.histogram = out.line - out.signal;  // NaN while the signal EMA warms up
    return out;
  }

 private:
  std::size_t slow_;
  ema_state fast_ema_, slow_ema_, signal_ema_;
  std::size_t count_ = 0;
};

/// The value pushed n pushes ago (for rate of change and momentum).
class lag_state {
 public:
  explicit lag_state(std::size_t n) : n_(n), values_(n) {}
  /// Pushes x[t]; returns x[t-n] (NaN for t < n).
  double push(double x) noexcept {
    const double lagged = values_.push(x);
    return count_++ >= n_ ? lagged : rolling::warm_up_nan;
  }

 private:
  std::size_t n_;
  ring_buffer<double> values_;
  std::size_t count_ = 0;
};

/// Realised volatility: sample standard deviation (divisor w-1) of the last w one-bar log
/// returns pushed (the caller pushes ln(close_t / close_{t-1}) from bar 1 on).
class realized_vol_state {
 public:
  explicit realized_vol_state(std::size_t w)
      : moments_(w), inv_(1.0 / static_cast<double>(w - 1)) {}
  /// Pushes the next return; returns the volatility of the last w returns (NaN before w).
  double push(double log_return) noexcept {
    const double variance = push_variance(log_return);
    return std::isnan(variance) ? variance : std::sqrt(variance);
  }
  /// As push, but returns the sample variance (the volatility squared, before the square root,
  /// for a caller that takes two roots at once).
  double push_variance(double log_return) noexcept {
    const auto m = moments_.push(log_return);
    return m.ready ? m.m2 * inv_ : rolling::warm_up_nan;
  }
  /// The window w.
  [[nodiscard]] std::size_t window() const noexcept { return moments_.window(); }

 private:
  window_moments moments_;
  double inv_;
};

/// Rolling z-score (x - mean) / population std of the last n values; 0 for a flat window.
class zscore_state {
 public:
  explicit zscore_state(std::size_t n) : moments_(n), inv_n_(1.0 / static_cast<double>(n)) {}
  /// Pushes x[t]; returns its z-score (NaN for t < n-1).
  double push(double x) noexcept {
    const auto m = moments_.push(x);
    if (!m.ready) return rolling::warm_up_nan;
    return score(x, m.mean, std::sqrt(m.m2 * inv_n_));
  }
  /// The z-score of x in a full window with that mean and population standard deviation.
  static double score(double x, double mean, double sd) noexcept {
    return sd > 0.0 ? (x - mean) / sd : 0.0;
  }
  /// The window n.
  [[nodiscard]] std::size_t window() const noexcept { return moments_.window(); }

 private:
  window_moments moments_;
  double inv_n_;
};

/// Raw stochastic position 100 (close - lowest low) / (highest high - lowest low) over n bars,
/// 50 for a zero range; shared by %K and Williams %R.
class range_position_state {
 public:
  explicit range_position_state(std::size_t n) : highest_(n), lowest_(n) {}
  /// Pushes bar t; returns the position at t (NaN for t < n-1).
  double push(double high, double low, double close) noexcept {
    const double highest = highest_.push(high);
    const double lowest = lowest_.push(low);
    if (std::isnan(highest)) return rolling::warm_up_nan;
    const double range = highest - lowest;
    return range > 0.0 ? 100.0 * ((close - lowest) / range) : 50.0;
  }

 private:
  window_extreme<at_least> highest_;
  window_extreme<at_most> lowest_;
};

/// Stochastic %K and %D of one bar, in [0, 100] (NaN during their warm-ups).
struct stochastic_value {
  double k = rolling::warm_up_nan;  ///< %K (smoothed when k_smooth > 1)
  double d = rolling::warm_up_nan;  ///< %D = SMA(%K, d_window)
};

/// Stochastic oscillator (Lane): raw %K over k_window bars, smoothed by an SMA of k_smooth
/// values when k_smooth > 1 (TA-Lib's slow %K), %D = SMA(%K, d_window); d_window 0 computes %K
/// only (%D stays NaN).
class stochastic_state {
 public:
  stochastic_state(std::size_t k_window, std::size_t k_smooth, std::size_t d_window)
      : raw_(k_window),
        smooth_(k_smooth),
        with_d_(d_window > 0),
        k_sma_(k_smooth),
        d_sma_(std::max<std::size_t>(d_window, 1)) {}
  /// Pushes bar t; returns %K and %D at t.
  stochastic_value push(double high, double low, double close) noexcept {
    stochastic_value out;
    const double raw = raw_.push(high, low, close);
    if (std::isnan(raw)) return out;  // each average starts at the first value it averages
    out.k = smooth_ > 1 ? k_sma_.push(raw) : raw;
    if (with_d_ && !std::isnan(out.k)) out.d = d_sma_.push(out.k);
    return out;
  }

 private:
  range_position_state raw_;
  std::size_t smooth_;
  bool with_d_;
  sma_state k_sma_, d_sma_;
};

/// +DI, -DI and ADX of one bar, in [0, 100] (NaN during their warm-ups).
struct adx_value {
  double plus_di = rolling::warm_up_nan;   ///< first at bar index n
  double minus_di = rolling::warm_up_nan;  ///< first at bar index n
  double adx = rolling::warm_up_nan;       ///< first at bar index 2n-1
};

/// Wilder's directional movement system. For t >= 1: up = high_t - high_{t-1}, down =
/// low_{t-1} - low_t; +DM = up if up > down and up > 0, -DM symmetric; TR as for the ATR. TR and
/// DM are Wilder-smoothed as running sums seeded at index n with the plain (compensated) sum over
/// t = 1..n, then S = S - S/n + x. DI = 100 S(DM)/S(TR) (0 when S(TR) = 0); DX = 100 |+DI - -DI|
/// / (+DI + -DI) (0 when both are 0); ADX seeded at 2n-1 with the mean DX of indices n..2n-1,
/// then Wilder-smoothed.
class adx_state {
 public:
  explicit adx_state(std::size_t n) : n_(n), nd_(static_cast<double>(n)) {}
  /// The window n.
  [[nodiscard]] std::size_t window() const noexcept { return n_; }
  /// Pushes bar t; returns +DI, -DI and ADX at t.
  adx_value push(double high, double low, double close) noexcept {
    const std::size_t t = count_++;
    const double previous_high = previous_high_, previous_low = previous_low_,
                 previous_close = previous_close_;
    previous_high_ = high;
    previous_low_ = low;
    previous_close_ = close;
    if (t == 0) return {};
    const double up = high - previous_high;
    const double down = previous_low - low;
    // Which movement (if any) counts is data-dependent: selected without a branch.
    const double p = rolling::select((up > down) & (up > 0.0), up, 0.0);
    const double m = rolling::select((down > up) & (down > 0.0), down, 0.0);
    const double tr = std::max(high, previous_close) - std::min(low, previous_close);
    if (t < n_) {
      plus_seed_.add(p);
      minus_seed_.add(m);
      tr_seed_.add(tr);
      return {};
    }
    if (t == n_) {
      plus_seed_.add(p);
      minus_seed_.add(m);
      tr_seed_.add(tr);
      s_tr_ = tr_seed_.value();
      s_plus_ = plus_seed_.value();
      s_minus_ = minus_seed_.value();
    } else {
      s_tr_ = s_tr_ - s_tr_ / nd_ + tr;
      // +DM and -DM are smoothed, and below divided, as pairs: one division instruction each.
      const rolling::double2 s = rolling::double2{s_plus_, s_minus_};
      const rolling::double2 next = s - s / nd_ + rolling::double2{p, m};
      s_plus_ = next[0];
      s_minus_ = next[1];
    }
    adx_value out;
    const rolling::double2 di = 100.0 * (rolling::double2{s_plus_, s_minus_} / s_tr_);
    out.plus_di = s_tr_ > 0.0 ? di[0] : 0.0;
    out.minus_di = s_tr_ > 0.0 ? di[1] : 0.0;
    const double di_sum = out.plus_di + out.minus_di;
    const double dx = di_sum > 0.0 ? 100.0 * (std::abs(out.plus_di - out.minus_di) / di_sum) : 0.0;
    if (t < 2 * n_ - 1) {
      dx_seed_.add(dx);
    } else if (t == 2 * n_ - 1) {
      dx_seed_.add(dx);
      adx_ = dx_seed_.value() / nd_;
      out.adx = adx_;
    } else {
      adx_ = wilder_step(adx_, dx, nd_);
      out.adx = adx_;
    }
    return out;
  }

 private:
  std::size_t n_;
  double nd_;
  rolling::compensated_sum tr_seed_, plus_seed_, minus_seed_, dx_seed_;
  double s_tr_ = 0.0, s_plus_ = 0.0, s_minus_ = 0.0, adx_ = 0.0;
  double previous_high_ = 0.0, previous_low_ = 0.0, previous_close_ = 0.0;
  std::size_t count_ = 0;
};

/// On-balance volume (Granville): starts at the first volume, then adds the volume of an
/// up-close and subtracts that of a down-close (compensated cumulative sum).
class obv_state {
 public:
  /// Pushes bar t; returns OBV at t (no warm-up).
  double push(double close, double volume) noexcept {
    if (count_++ == 0) {
      total_.add(volume);
    } else if (close > previous_close_) {
      total_.add(volume);
    } else if (close < previous_close_) {
      total_.add(-volume);
    }
    previous_close_ = close;
    return total_.value();
  }

 private:
  rolling::compensated_sum total_;
  double previous_close_ = 0.0;
  std::size_t count_ = 0;
};

/// volume / SMA(volume, n); 1 when every volume in the window is zero (tested exactly, see
/// latest_positive: a compensated sum can leave residue).
class volume_ratio_state {
 public:
  explicit volume_ratio_state(std::size_t n)
      : n_(n), sum_(n), inv_n_(1.0 / static_cast<double>(n)) {}
  /// Pushes volume[t]; returns the ratio at t (NaN for t < n-1).
  double push(double volume) noexcept {
    const std::size_t t = count_++;
    positive_.push(volume);
    const double sum = sum_.push(volume);
    if (t + 1 < n_) return rolling::warm_up_nan;
    return positive_.within(n_) ? volume / (sum * inv_n_) : 1.0;
  }

 private:
  std::size_t n_;
  window_sum sum_;
  latest_positive positive_;
  double inv_n_;
  std::size_t count_ = 0;
};

/// Commodity channel index (Lambert): typical price TP = (high + low + close) / 3, CCI = (TP -
/// SMA(TP, n)) / (0.015 MAD), MAD the mean |TP_i - SMA| over the same n bars (around the current
/// SMA, so O(n) per bar as in TA-Lib); 0 when the window's typical prices are all equal.
class cci_state {
 public:
  explicit cci_state(std::size_t n)
      : n_(n), sum_(n), typical_(n), inv_n_(1.0 / static_cast<double>(n)) {}
  /// Pushes bar t; returns CCI at t (NaN for t < n-1).
  double push(double high, double low, double close) noexcept {
    const double tp = (high + low + close) / 3.0;
    typical_.push(tp);
    const double sum = sum_.push(tp);
    if (count_++ + 1 < n_) return rolling::warm_up_nan;
    const double mean = sum * inv_n_;
    double abs_dev = 0.0;
    bool flat = true;
    for (std::size_t i = 0; i < n_; ++i) {
      const double x = typical_[i];
      abs_dev += std::abs(x - mean);
      flat = flat && x == tp;
    }
    return flat ? 0.0 : (tp - mean) / (0.015 * (abs_dev * inv_n_));
  }

 private:
  std::size_t n_;
  window_sum sum_;
  ring_buffer<double> typical_;
  double inv_n_;
  std::size_t count_ = 0;
};

/// Chaikin money flow over n bars, in [-1, 1]: money-flow multiplier ((close - low) - (high -
/// close)) / (high - low) (0 when high == low) times volume, summed over the window and divided
/// by the window's volume; 0 when that volume is zero.
class cmf_state {
 public:
  explicit cmf_state(std::size_t n) : n_(n), window_(n) {}
  /// Pushes bar t; returns CMF at t (NaN for t < n-1).
  double push(double high, double low, double close, double volume) noexcept {
    const std::size_t t = count_++;
    const double range = high - low;
    const double flow = range > 0.0 ? ((close - low) - (high - close)) / range * volume : 0.0;
    // Money flow and volume travel as a pair (lane 0, lane 1): one ring, one pair of sums.
    const rolling::double2 entering{flow, volume};
    const rolling::double2 leaving = window_.push(entering);  // bar t-n's
    sums_.add(entering);
    positive_.push(volume);
    if (t >= n_) sums_.add(-leaving);
    if (t + 1 < n_) return rolling::warm_up_nan;
    const rolling::double2 sums = sums_.value();
    const double v = sums[1];
    return positive_.within(n_) && v > 0.0 ? std::clamp(sums[0] / v, -1.0, 1.0) : 0.0;
  }

 private:
  std::size_t n_;
  ring_buffer<rolling::double2> window_;  // {money flow, volume} of the last n bars
  rolling::compensated_sum2 sums_;        // their window sums
  latest_positive positive_;
  std::size_t count_ = 0;
};

}  // namespace mtf::streaming
