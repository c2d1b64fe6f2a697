#pragma once
/// \file Streaming building blocks of the indicators: state that takes one new value (or bar) at
/// a time in O(1) amortised and yields what the batch routines of `rolling_window.hpp` and
/// `indicators.hpp` yield for that index when run over the whole history.
///
/// Bit-identity with the batch path is by construction, not by tolerance: each state performs
/// the same floating-point operations, on the same operands, in the same order as its batch
/// counterpart (same `rolling::compensated_sum` steps, the same Welford replace-one update and
/// the same periodic exact recomputation at the same indices, the same Wilder/EMA recursions
/// written with the same expressions). The tests check every value bit for bit.
///
/// Warm-up values are `rolling::warm_up_nan`, exactly where the batch output is NaN.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mtf/features/indicators.hpp"
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

/// The last `capacity` values pushed, oldest first: a power-of-two ring so indexing is a mask.
template <class T>
class ring_buffer {
 public:
  /// Keeps at most `capacity` values (capacity >= 1).
  explicit ring_buffer(std::size_t capacity = 1)
      : capacity_(capacity),
        data_(std::bit_ceil(capacity < 1 ? 1 : capacity)),
        mask_(data_.size() - 1) {}
  /// Appends a value, dropping the oldest when full.
  void push(T value) noexcept {
    data_[end_ & mask_] = value;
    ++end_;
  }
  /// Number of values held (<= capacity).
  [[nodiscard]] std::size_t size() const noexcept { return end_ < capacity_ ? end_ : capacity_; }
  /// The value pushed `age` pushes ago: back(0) is the newest. Requires age < size().
  [[nodiscard]] T back(std::size_t age) const noexcept { return data_[(end_ - 1 - age) & mask_]; }
  /// The i-th held value, oldest first (i < size()).
  [[nodiscard]] T operator[](std::size_t i) const noexcept {
    return data_[(end_ - size() + i) & mask_];
  }

 private:
  std::size_t capacity_;
  std::vector<T> data_;
  std::size_t mask_;
  std::size_t end_ = 0;  // total pushes; position of the next write
};

/// Streaming `rolling::for_each_window_sum`: the compensated sum of the last w values, NaN until
/// w values have been pushed.
class window_sum {
 public:
  explicit window_sum(std::size_t w) : w_(w), values_(w) {}
  /// Pushes x[t] and returns the window sum at t (NaN before t = w-1).
  double push(double x) noexcept {
    sum_.add(x);
    if (count_ >= w_) sum_.add(-values_.back(w_ - 1));  // x[t-w], after adding x[t] (batch order)
    values_.push(x);
    ++count_;
    return count_ >= w_ ? sum_.value() : rolling::warm_up_nan;
  }
  /// Values pushed so far.
  [[nodiscard]] std::size_t count() const noexcept { return count_; }

 private:
  std::size_t w_;
  ring_buffer<double> values_;
  rolling::compensated_sum sum_;
  std::size_t count_ = 0;
};

/// Mean and M2 (sum of squared deviations) of a window.
struct window_moments_value {
  double mean = rolling::warm_up_nan;
  double m2 = rolling::warm_up_nan;
  bool ready = false;  ///< false during the warm-up (fewer than w values)
};

/// Streaming `rolling::for_each_window_moments`: the same Welford replace-one updates, the same
/// exact two-pass recomputation at the same indices (every max(4w, 1024) windows since the last
/// one) and the same exact flat-window detection, so every (mean, m2) is bit-identical.
class window_moments {
 public:
  explicit window_moments(std::size_t w)
      : w_(w),
        recompute_every_(std::max<std::size_t>(4 * w, 1024)),
        inv_w_(1.0 / static_cast<double>(w)),
        values_(w + 1) {}

  /// Pushes x[t]; returns the moments of x[t-w+1..t] (not ready before t = w-1).
  window_moments_value push(double x) noexcept {
    const std::size_t t = count_;
    const double previous = t > 0 ? values_.back(0) : 0.0;
    values_.push(x);  // holds x[t-w..t]
    ++count_;
    if (t + 1 < w_) {
      if (t > 0) unequal_ += (x != previous) ? 1 : 0;
      return {};
    }
    if (t + 1 == w_) {
      if (t > 0) unequal_ += (x != previous) ? 1 : 0;
      if (unequal_ == 0) {
        mean_ = x;
      } else {
        recompute();
      }
      return {mean_, m2_, true};
    }
    if (w_ > 1) {
      unequal_ += (x != previous) ? 1 : 0;
      unequal_ -= (values_.back(w_ - 1) != values_.back(w_)) ? 1 : 0;  // x[t-w+1] vs x[t-w]
    }
    ++since_recompute_;
    if (unequal_ == 0) {
      mean_ = x;
      m2_ = 0.0;
    } else if (since_recompute_ >= recompute_every_) {
      recompute();
      since_recompute_ = 0;
    } else {
      const double x_new = x;
      const double x_old = values_.back(w_);
      const double mean_old = mean_;
      mean_ += (x_new - x_old) * inv_w_;
      m2_ += (x_new - x_old) * ((x_new - mean_) + (x_old - mean_old));
      if (m2_ < 0.0) m2_ = 0.0;
    }
    return {mean_, m2_, true};
  }

 private:
  /// The batch's exact two-pass over the current window, oldest value first.
  void recompute() noexcept {
    rolling::compensated_sum s;
    for (std::size_t age = w_; age-- > 0;)
      s.add(values_.back(age));
    mean_ = s.value() * inv_w_;
    double ss = 0.0;
    double sd = 0.0;
    for (std::size_t age = w_; age-- > 0;) {
      const double d = values_.back(age) - mean_;
      ss += d * d;
      sd += d;
    }
    m2_ = std::max(0.0, ss - sd * sd * inv_w_);
  }

  std::size_t w_;
  std::size_t recompute_every_;
  double inv_w_;
  ring_buffer<double> values_;
  std::size_t count_ = 0;
  std::size_t unequal_ = 0;
  std::size_t since_recompute_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
};

/// Streaming `rolling::for_each_window_extreme`: a monotonic deque of (index, value), O(1)
/// amortised. `Dominates` as in the batch routine (`a >= b` for a maximum, `a <= b` for a
/// minimum).
template <class Dominates>
class window_extreme {
 public:
  explicit window_extreme(std::size_t w, Dominates dominates = {})
      : w_(w), ring_(std::bit_ceil(w + 1)), mask_(ring_.size() - 1), dominates_(dominates) {}
  /// Pushes x[t]; returns the extreme of x[t-w+1..t] (NaN before t = w-1).
  double push(double x) noexcept {
    const std::size_t t = count_++;
    if (tail_ != head_ && ring_[head_ & mask_].index + w_ <= t) ++head_;
    while (tail_ != head_ && dominates_(x, ring_[(tail_ - 1) & mask_].value))
      --tail_;
    ring_[tail_ & mask_] = {t, x};
    ++tail_;
    return t + 1 >= w_ ? ring_[head_ & mask_].value : rolling::warm_up_nan;
  }

 private:
  struct entry {
    std::size_t index;
    double value;
  };
  std::size_t w_;
  std::vector<entry> ring_;
  std::size_t mask_;
  Dominates dominates_;
  std::size_t head_ = 0;
  std::size_t tail_ = 0;
  std::size_t count_ = 0;
};

/// `a >= b`: a later value at least as large retires an earlier one (rolling maximum).
struct at_least {
  bool operator()(double a, double b) const noexcept { return a >= b; }
};
/// `a <= b`: a later value at most as large retires an earlier one (rolling minimum).
struct at_most {
  bool operator()(double a, double b) const noexcept { return a <= b; }
};

/// Streaming `indicator_detail::smooth_from`: seeded with the compensated mean of the first n
/// values pushed, then e += alpha (x - e). The caller pushes from the batch's `first` index on.
class exponential_smoothing {
 public:
  exponential_smoothing(std::size_t n, double alpha) : n_(n), alpha_(alpha) {}
  /// Pushes the next value; returns the smoothed value (NaN for the first n-1 pushes).
  double push(double x) noexcept {
    ++count_;
    if (count_ < n_) {
      seed_.add(x);
      return rolling::warm_up_nan;
    }
    if (count_ == n_) {
      seed_.add(x);
      e_ = seed_.value() / static_cast<double>(n_);
    } else {
      e_ += alpha_ * (x - e_);
    }
    return e_;
  }

 private:
  std::size_t n_;
  double alpha_;
  rolling::compensated_sum seed_;
  double e_ = 0.0;
  std::size_t count_ = 0;
};

/// Streaming Wilder RSI in [0, 100] (mtf::rsi): first value at the n-th change (bar index n).
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
      avg_gain_ = indicator_detail::wilder_step(avg_gain_, d > 0 ? d : 0.0, nd_);
      avg_loss_ = indicator_detail::wilder_step(avg_loss_, d < 0 ? -d : 0.0, nd_);
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

/// True range of a bar given the previous close (high - low for the first bar).
inline double true_range(const bar& b, bool has_previous, double previous_close) noexcept {
  if (!has_previous) return b.high - b.low;
  return std::max(b.high, previous_close) - std::min(b.low, previous_close);
}

/// Streaming Wilder ATR in price units (mtf::atr): first value at bar index n-1.
class atr_state {
 public:
  explicit atr_state(std::size_t n) : n_(n), nd_(static_cast<double>(n)) {}
  /// Pushes bar t; returns ATR at t (NaN for t < n-1).
  double push(const bar& b) noexcept {
    const std::size_t t = count_++;
    const double tr = true_range(b, t > 0, previous_close_);
    previous_close_ = b.close;
    if (t + 1 < n_) {
      seed_.add(tr);
      return rolling::warm_up_nan;
    }
    if (t + 1 == n_) {
      seed_.add(tr);
      value_ = seed_.value() / nd_;
    } else {
      value_ = indicator_detail::wilder_step(value_, tr, nd_);
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

/// +DI, -DI and ADX of one bar, in [0, 100] (NaN during their warm-ups).
struct adx_value {
  double plus_di = rolling::warm_up_nan;   ///< first at bar index n
  double minus_di = rolling::warm_up_nan;  ///< first at bar index n
  double adx = rolling::warm_up_nan;       ///< first at bar index 2n-1
};

/// Streaming Wilder directional movement system (mtf::adx), same seeding and recursions.
class adx_state {
 public:
  explicit adx_state(std::size_t n) : n_(n), nd_(static_cast<double>(n)) {}
  /// Pushes bar t; returns +DI, -DI and ADX at t.
  adx_value push(const bar& b) noexcept {
    const std::size_t t = count_++;
    const bar previous = previous_;
    previous_ = b;
    if (t == 0) return {};
    const double up = b.high - previous.high;
    const double down = previous.low - b.low;
    const double p = (up > down && up > 0.0) ? up : 0.0;
    const double m = (down > up && down > 0.0) ? down : 0.0;
    const double tr = std::max(b.high, previous.close) - std::min(b.low, previous.close);
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
      s_plus_ = s_plus_ - s_plus_ / nd_ + p;
      s_minus_ = s_minus_ - s_minus_ / nd_ + m;
    }
    adx_value out;
    out.plus_di = s_tr_ > 0.0 ? 100.0 * (s_plus_ / s_tr_) : 0.0;
    out.minus_di = s_tr_ > 0.0 ? 100.0 * (s_minus_ / s_tr_) : 0.0;
    const double di_sum = out.plus_di + out.minus_di;
    const double dx = di_sum > 0.0 ? 100.0 * (std::abs(out.plus_di - out.minus_di) / di_sum) : 0.0;
    if (t < 2 * n_ - 1) {
      dx_seed_.add(dx);
    } else if (t == 2 * n_ - 1) {
      dx_seed_.add(dx);
      adx_ = dx_seed_.value() / nd_;
      out.adx = adx_;
    } else {
      adx_ = indicator_detail::wilder_step(adx_, dx, nd_);
      out.adx = adx_;
    }
    return out;
  }

 private:
  std::size_t n_;
  double nd_;
  rolling::compensated_sum tr_seed_, plus_seed_, minus_seed_, dx_seed_;
  double s_tr_ = 0.0, s_plus_ = 0.0, s_minus_ = 0.0, adx_ = 0.0;
  bar previous_;
  std::size_t count_ = 0;
};

/// Streaming MACD histogram in price units (mtf::macd): both EMAs seeded from bar 0, the signal
/// EMA seeded with the first `signal` line values; first value at bar index slow + signal - 2.
class macd_state {
 public:
  macd_state(std::size_t fast, std::size_t slow, std::size_t signal)
      : slow_(slow),
        fast_ema_(fast, 2.0 / (double(fast) + 1.0)),
        slow_ema_(slow, 2.0 / (double(slow) + 1.0)),
        signal_ema_(signal, 2.0 / (double(signal) + 1.0)) {}
  /// Pushes close[t]; returns the histogram (line - signal) at t, NaN during the warm-up.
  double push(double close) noexcept {
    const std::size_t t = count_++;
    const double fast = fast_ema_.push(close);
    const double slow = slow_ema_.push(close);
    if (t + 1 < slow_) return rolling::warm_up_nan;
    const double line = fast - slow;
    const double signal = signal_ema_.push(line);
    return line - signal;  // NaN while the signal EMA warms up
  }

 private:
  std::size_t slow_;
  exponential_smoothing fast_ema_, slow_ema_, signal_ema_;
  std::size_t count_ = 0;
};

/// Streaming raw stochastic position 100 (close - LL) / (HH - LL) over n bars, 50 for a zero
/// range (indicator_detail::range_position); first value at bar index n-1.
class range_position_state {
 public:
  explicit range_position_state(std::size_t n) : highest_(n), lowest_(n) {}
  /// Pushes bar t; returns the position at t (NaN for t < n-1).
  double push(const bar& b) noexcept {
    const double highest = highest_.push(b.high);
    const double lowest = lowest_.push(b.low);
    if (std::isnan(highest)) return rolling::warm_up_nan;
    const double range = highest - lowest;
    return range > 0.0 ? 100.0 * ((b.close - lowest) / range) : 50.0;
  }

 private:
  window_extreme<at_least> highest_;
  window_extreme<at_most> lowest_;
};

}  // namespace mtf::streaming
