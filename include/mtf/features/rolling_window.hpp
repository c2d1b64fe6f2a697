#pragma once
/// \file Building blocks of the indicator kernels: a compensated (Neumaier) sum, and O(1)
/// amortised window states -- a rolling sum, rolling mean and squared deviations that stay exact
/// over 10^7 bars, a rolling maximum/minimum, exponential smoothing -- each taking one value at a
/// time. Batch indicators run them over a series, streaming features push one bar at a time: the
/// same object either way, so both give the same bits.
///
/// Every state is causal: the value returned for the t-th push reads pushes 0..t only, and its
/// arithmetic depends on t alone (never on how many values follow), so a prefix of a series
/// yields bit-identical values (the leakage audit relies on that).

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mtf::rolling {

/// NaN used for warm-up entries (a quiet NaN with a fixed bit pattern).
inline constexpr double warm_up_nan = std::numeric_limits<double>::quiet_NaN();

/// `condition ? a : b` without a branch: the bits of a or of b, chosen by a mask. For choices the
/// data decides at random (the sign of a flow), a branch would
/// be mispredicted about half the time, and g++ compiles a plain `?:` on doubles to a jump.
inline double select(bool condition, double a, double b) noexcept {
  const std::uint64_t mask = std::uint64_t{0} - static_cast<std::uint64_t>(condition);
  return std::bit_cast<double>((std::bit_cast<std::uint64_t>(a) & mask) |
                               (std::bit_cast<std::uint64_t>(b) & ~mask));
}

/// Two doubles that one SIMD instruction processes together where the target has one (SSE2 on
/// x86-64; elsewhere the compiler does each lane in turn). +, -, * and / act lane by lane with
/// IEEE rounding, so each lane holds exactly the bits of the scalar operation. Divisions and
/// square roots are the kernels' costliest operations (measured here: one every ~1.2 ns for a
/// scalar and for a pair alike), so a kernel with two independent ones does them as a pair.
using double2 = double __attribute__((vector_size(2 * sizeof(double))));

/// Lane-wise square root of a pair (each lane exactly std::sqrt of it: IEEE square roots are
/// correctly rounded, and a NaN lane stays that NaN).
inline double2 sqrt2(double2 x) noexcept {
#if defined(__SSE2__)
  return _mm_sqrt_pd(x);
#else
  return double2{std::sqrt(x[0]), std::sqrt(x[1])};
#endif
}

/// Compensated running sum (Neumaier): `value()` is the sum of everything `add`ed with an error
/// of a few ulps of the result, however many terms (plain summation drifts by ~sqrt(N) ulps of
/// the largest partial sum, which a 10^7-bar rolling window does not forgive).
///
/// Each add accumulates the exact rounding error of `sum + x`. Neumaier takes it as
/// (larger - sum) + smaller, which needs a magnitude comparison that is unpredictable for signed
/// terms; Knuth's TwoSum below yields the same error without one. The rounding error of a
/// floating-point addition is exactly representable, so both expressions give the same bits
/// (+0 when the addition is exact): this is Neumaier's sum, branch-free.
///
/// T is double, or double2 for two independent sums kept in the lanes of one register (half the
/// instructions; each lane is the scalar sum bit for bit).
template <class T>
class basic_compensated_sum {
 public:
  /// Adds x (use add(-x) to remove a value from a rolling window).
  void add(T x) noexcept {
    const T t = sum_ + x;
    const T x_part = t - sum_;      // the part of x that made it into t
    const T sum_part = t - x_part;  // the part of sum_ that made it into t
    correction_ += (sum_ - sum_part) + (x - x_part);
    sum_ = t;
  }
  /// Adds x to lane 0 only if `to_0` and to lane 1 only if `to_1` (pairs only): each lane as if
  /// it alone had or had not been added to.
  void add(T x, bool to_0, bool to_1) noexcept requires std::is_same_v<T, double2> {
    basic_compensated_sum added = *this;
    added.add(x);
    if (to_0) sum_[0] = added.sum_[0], correction_[0] = added.correction_[0];
    if (to_1) sum_[1] = added.sum_[1], correction_[1] = added.correction_[1];
  }
  /// The compensated sum.
  [[nodiscard]] T value() const noexcept { return sum_ + correction_; }

 private:
  T sum_{};
  T correction_{};
};

/// A compensated sum of doubles.
using compensated_sum = basic_compensated_sum<double>;
/// Two compensated sums advanced together, one per lane.
using compensated_sum2 = basic_compensated_sum<double2>;

}  // namespace mtf::rolling

namespace mtf::streaming {

/// The last `capacity` values pushed, oldest first, in exactly `capacity` slots: a push
/// overwrites the oldest value and returns it, which is all a rolling window needs to know about
/// the value leaving it.
template <class T>
class ring_buffer {
 public:
  /// Keeps at most `capacity` values (at least 1).
  explicit ring_buffer(std::size_t capacity = 1)
      : capacity_(capacity < 1 ? 1 : capacity), data_(capacity_, T{}) {}
  /// Appends a value, dropping the oldest when full; returns the value pushed `capacity` pushes
  /// ago (T{} while fewer values have been pushed).
  T push(T value) noexcept {
    const T old = data_[next_];
    data_[next_] = value;
    // Wraps without a branch: a jump taken once per `capacity` pushes is mispredicted each
    // time, which for short windows costs more than the arithmetic.
    const std::size_t following = next_ + 1;
    next_ = following & (std::size_t{0} - static_cast<std::size_t>(following != capacity_));
    ++count_;
    return old;
  }
  /// Number of values held (<= capacity).
  [[nodiscard]] std::size_t size() const noexcept {
    return count_ < capacity_ ? count_ : capacity_;
  }
  /// The value pushed `age` pushes ago: back(0) is the newest. Requires age < size().
  [[nodiscard]] T back(std::size_t age) const noexcept {
    return data_[next_ > age ? next_ - 1 - age : next_ + capacity_ - 1 - age];
  }
  /// The i-th held value, oldest first (i < size()).
  [[nodiscard]] T operator[](std::size_t i) const noexcept {
    const std::size_t j = (count_ < capacity_ ? 0 : next_) + i;
    return data_[j < capacity_ ? j : j - capacity_];
  }

 private:
  std::size_t capacity_;
  std::vector<T> data_;
  std::size_t next_ = 0;   // slot of the next write (= of the oldest value once full)
  std::size_t count_ = 0;  // total pushes
};

/// Compensated sum of the last w values pushed, NaN until w values have been pushed. Each push
/// adds the new value, then removes the one leaving the window (in that order, always).
class window_sum {
 public:
  explicit window_sum(std::size_t w) : w_(w), values_(w) {}
  /// Pushes x[t] and returns the sum of x[t-w+1..t] (NaN before t = w-1).
  double push(double x) noexcept {
    const double leaving = values_.push(x);  // x[t-w]
    sum_.add(x);
    if (count_ >= w_) sum_.add(-leaving);
    ++count_;
    return count_ >= w_ ? sum_.value() : rolling::warm_up_nan;
  }
  /// Values pushed so far.
  [[nodiscard]] std::size_t count() const noexcept { return count_; }
  /// The window w.
  [[nodiscard]] std::size_t window() const noexcept { return w_; }

 private:
  std::size_t w_;
  ring_buffer<double> values_;
  rolling::compensated_sum sum_;
  std::size_t count_ = 0;
};

/// Two window sums advanced together, lane 0 over windows of w_0 values and lane 1 of w_1: lane
/// i of every result is exactly window_sum(w_i)'s for lane i's values (the same operations, one
/// instruction for both lanes), at half the summation cost of two window_sums.
class window_sum2 {
 public:
  window_sum2(std::size_t w_0, std::size_t w_1)
      : w_0_(w_0), w_1_(w_1), values_0_(w_0), values_1_(w_1) {}
  /// Pushes x[t] (both lanes); returns lane i's sum of x[t-w_i+1..t] (NaN before t = w_i-1).
  rolling::double2 push(rolling::double2 x) noexcept {
    const rolling::double2 leaving{values_0_.push(x[0]), values_1_.push(x[1])};
    sum_.add(x);
    const bool full_0 = count_ >= w_0_, full_1 = count_ >= w_1_;
    if (full_0 && full_1) {
      sum_.add(-leaving);
    } else if (full_0 || full_1) {  // the shorter window is full, the longer still filling
      sum_.add(-leaving, full_0, full_1);
    }
    ++count_;
    const rolling::double2 sum = sum_.value();
    return rolling::double2{count_ >= w_0_ ? sum[0] : rolling::warm_up_nan,
                            count_ >= w_1_ ? sum[1] : rolling::warm_up_nan};
  }

 private:
  std::size_t w_0_, w_1_;
  ring_buffer<double> values_0_, values_1_;
  rolling::compensated_sum2 sum_;
  std::size_t count_ = 0;
};

/// Whether any of the last n values pushed is positive, in O(1) without storing the window: it
/// keeps the push count at the latest positive value. The exact test a window sum cannot give
/// (a compensated sum of volumes that all left the window can leave residue).
class latest_positive {
 public:
  /// Pushes the next value.
  void push(double x) noexcept {
    ++count_;
    latest_ = x > 0.0 ? count_ : latest_;
  }
  /// True when one of the last n values pushed (n >= 1) is positive.
  [[nodiscard]] bool within(std::size_t n) const noexcept { return latest_ + n > count_; }

 private:
  std::size_t count_ = 0;   // values pushed
  std::size_t latest_ = 0;  // count_ just after the latest positive value (0: none)
};

/// Mean and M2 (sum of squared deviations) of a window.
struct window_moments_value {
  double mean = rolling::warm_up_nan;
  double m2 = rolling::warm_up_nan;
  bool ready = false;  ///< false during the warm-up (fewer than w values)
};

/// Rolling mean and M2 (sum of squared deviations from the mean) of the last w values, O(1)
/// amortised.
///
/// Method: Welford's replace-one update (new value in, oldest out), with an exact two-pass
/// recomputation every max(4w, 1024) windows so rounding cannot accumulate over long series
/// (amortised cost <= 0.5 extra operations per value). A window whose values are all equal is
/// detected exactly (by the index of the latest value that differs from its predecessor: the
/// window is flat when that index lies before it) and reported as mean = that value, m2 = 0, so
/// flat stretches give exact zero deviation instead of rounding residue that would turn a z-score
/// into noise.
class window_moments {
 public:
  explicit window_moments(std::size_t w)
      : w_(w),
        recompute_every_(std::max<std::size_t>(4 * w, 1024)),
        inv_w_(1.0 / static_cast<double>(w)),
        values_(w) {}

  /// The window w.
  [[nodiscard]] std::size_t window() const noexcept { return w_; }

  /// Pushes x[t]; returns the moments of x[t-w+1..t] (not ready before t = w-1).
  window_moments_value push(double x) noexcept {
    const std::size_t t = count_++;
    const double x_old = values_.push(x);  // x[t-w] (valid once t >= w)
    // Pair i compares x[i] with x[i-1]; the window holds pairs t-w+2..t, so it is flat exactly
    // when the latest unequal pair is older than t-w+2 (0 stands for none: there is no pair 0).
    last_change_ = t > 0 && x != last_ ? t : last_change_;
    last_ = x;
    const bool flat = last_change_ + w_ < t + 2;
    if (t + 1 < w_) return {};
    if (t + 1 == w_) {
      if (flat) {
        mean_ = x;
      } else {
        recompute();
      }
      return {mean_, m2_, true};
    }
    ++since_recompute_;
    if (flat) {
      mean_ = x;
      m2_ = 0.0;
    } else if (since_recompute_ >= recompute_every_) {
      recompute();
      since_recompute_ = 0;
    } else {
      const double x_new = x;
      const double mean_old = mean_;
      mean_ += (x_new - x_old) * inv_w_;
      m2_ += (x_new - x_old) * ((x_new - mean_) + (x_old - mean_old));
      if (m2_ < 0.0) m2_ = 0.0;  // rounding can push a tiny M2 below zero
    }
    return {mean_, m2_, true};
  }

 private:
  /// Exact two-pass over the current window, oldest value first: compensated mean, then squared
  /// deviations corrected for the first-order effect of the rounding in the mean.
  void recompute() noexcept {
    rolling::compensated_sum s;
    for (std::size_t i = 0; i < w_; ++i)
      s.add(values_[i]);
    mean_ = s.value() * inv_w_;
    double ss = 0.0;
    double sd = 0.0;
    for (std::size_t i = 0; i < w_; ++i) {
      const double d = values_[i] - mean_;
      ss += d * d;
      sd += d;
    }
    m2_ = std::max(0.0, ss - sd * sd * inv_w_);
  }

  std::size_t w_;
  std::size_t recompute_every_;
  double inv_w_;
  ring_buffer<double> values_;  // the window
  std::size_t count_ = 0;
  std::size_t last_change_ = 0;  // latest t > 0 with x[t] != x[t-1] (0: none yet)
  std::size_t since_recompute_ = 0;
  double last_ = 0.0;
  double mean_ = 0.0;
  double m2_ = 0.0;
};

/// `a >= b`: a later value at least as large retires an earlier one (rolling maximum).
struct at_least {
  bool operator()(double a, double b) const noexcept { return a >= b; }
  /// The extreme of an earlier extreme and a later value, the later one winning ties (for
  /// finite values, `later >= earlier ? later : earlier`; written so that it compiles to maxsd).
  static double pick(double earlier, double later) noexcept {
    return earlier > later ? earlier : later;
  }
};
/// `a <= b`: a later value at most as large retires an earlier one (rolling minimum).
struct at_most {
  bool operator()(double a, double b) const noexcept { return a <= b; }
  /// As at_least::pick, for the minimum (compiles to minsd).
  static double pick(double earlier, double later) noexcept {
    return earlier < later ? earlier : later;
  }
};

/// Rolling extreme of the last w finite values, O(1) amortised and branch-light (van Herk /
/// Gil-Werman): the series is cut into blocks of w values; the window ending at t is the tail of
/// the previous block plus the head of the current one, so its extreme combines the previous
/// block's suffix extreme (computed once per block, backwards) with the current block's running
/// prefix extreme. `Dominates` is at_least (a maximum) or at_most (a minimum); every combination
/// lets the later value win ties, so among equal extremes the latest is returned -- the value a
/// monotonic deque returns. (A deque's data-dependent branches are mispredicted on price data.)
template <class Dominates>
class window_extreme {
 public:
  explicit window_extreme(std::size_t w, Dominates = {}) : w_(w), block_(w), suffix_(w) {}
  /// Pushes x[t]; returns the extreme of x[t-w+1..t] (NaN before t = w-1).
  double push(double x) noexcept {
    const std::size_t position = position_;
    block_[position] = x;
    prefix_ = position == 0 ? x : Dominates::pick(prefix_, x);
    double extreme = prefix_;  // the window is exactly the current block
    if (position + 1 < w_) {
      extreme = Dominates::pick(suffix_[position + 1], prefix_);
      position_ = position + 1;
    } else {
      // Block complete: its suffix extremes serve the next w windows.
      double suffix = block_[w_ - 1];
      suffix_[w_ - 1] = suffix;
      for (std::size_t j = w_ - 1; j-- > 0;) {
        suffix = Dominates::pick(block_[j], suffix);
        suffix_[j] = suffix;
      }
      position_ = 0;
      full_ = true;
    }
    return full_ ? extreme : rolling::warm_up_nan;
  }

 private:
  std::size_t w_;
  std::vector<double> block_;   // the current block's values, by position
  std::vector<double> suffix_;  // suffix_[j]: extreme of the previous block's positions j..w-1
  double prefix_ = 0.0;         // extreme of the current block so far
  std::size_t position_ = 0;    // t mod w
  bool full_ = false;           // a whole block has been seen (t >= w-1)
};

/// Exponential smoothing e += alpha (x - e), seeded at the n-th push with the compensated mean of
/// the first n values (the TA-Lib/TTR seeding). alpha = 2/(n+1) gives the EMA.
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

}  // namespace mtf::streaming
