#pragma once
/// \file Building blocks of the indicators: a compensated (Neumaier) sum, rolling mean and
/// squared deviations that stay exact over 10^7 bars, and an O(n) rolling maximum/minimum.
/// Every routine here is causal: the value for index t reads x[0..t] only, and its arithmetic
/// depends on t alone (never on the series length), so a prefix of a series yields
/// bit-identical values (the leakage audit relies on that).

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

namespace mtf::rolling {

/// NaN used for warm-up entries (a quiet NaN with a fixed bit pattern).
inline constexpr double warm_up_nan = std::numeric_limits<double>::quiet_NaN();

/// Neumaier-compensated running sum: `value()` is the sum of everything `add`ed with an error of
/// a few ulps of the result, however many terms (plain summation drifts by ~sqrt(N) ulps of the
/// largest partial sum, which a 10^7-bar rolling window does not forgive).
class compensated_sum {
 public:
  /// Adds x (use add(-x) to remove a value from a rolling window).
  void add(double x) noexcept {
    const double t = sum_ + x;
    // Keeps the low-order bits of whichever operand is smaller in magnitude. Both candidates are
    // computed and one selected, so the compiler emits a conditional move: a branch here is
    // unpredictable for signed sums (money flow, OBV) and costs more than the extra operations.
    const double lost_from_x = (sum_ - t) + x;
    const double lost_from_sum = (x - t) + sum_;
    correction_ += std::abs(sum_) >= std::abs(x) ? lost_from_x : lost_from_sum;
    sum_ = t;
  }
  /// The compensated sum.
  [[nodiscard]] double value() const noexcept { return sum_ + correction_; }

 private:
  double sum_ = 0.0;
  double correction_ = 0.0;
};

/// Compensated sum of x[first, last).
inline double exact_sum(std::span<const double> x, std::size_t first, std::size_t last) {
  compensated_sum s;
  for (std::size_t i = first; i < last; ++i)
    s.add(x[i]);
  return s.value();
}

/// Rolling sum over windows of w values of x: calls emit(t, sum) for every t >= w - 1 with the
/// compensated sum of x[t-w+1..t]. O(n).
template <class Emit>
void for_each_window_sum(std::span<const double> x, std::size_t w, Emit&& emit) {
  if (w == 0 || x.size() < w) return;
  compensated_sum s;
  for (std::size_t i = 0; i < w; ++i)
    s.add(x[i]);
  emit(w - 1, s.value());
  for (std::size_t t = w; t < x.size(); ++t) {
    s.add(x[t]);
    s.add(-x[t - w]);
    emit(t, s.value());
  }
}

/// Rolling mean and M2 (sum of squared deviations from the mean) over windows of w values:
/// calls emit(t, mean, m2) for every t >= w - 1. O(n).
///
/// Method: Welford's replace-one update (new value in, oldest out), with an exact two-pass
/// recomputation every max(4w, 1024) windows so rounding cannot accumulate over long series
/// (amortised cost <= 0.5 extra operations per bar). A window whose values are all equal is
/// detected exactly (a rolling count of unequal neighbours) and reported as mean = that value,
/// m2 = 0, so flat stretches give exact zero deviation instead of rounding residue that would
/// turn a z-score into noise.
template <class Emit>
void for_each_window_moments(std::span<const double> x, std::size_t w, Emit&& emit) {
  const std::size_t n = x.size();
  if (w == 0 || n < w) return;
  const std::size_t recompute_every = std::max<std::size_t>(4 * w, 1024);
  const double inv_w = 1.0 / static_cast<double>(w);
  double mean = 0.0;
  double m2 = 0.0;
  auto recompute = [&](std::size_t t) {
    mean = exact_sum(x, t + 1 - w, t + 1) * inv_w;
    double ss = 0.0;
    double sd = 0.0;
    for (std::size_t i = t + 1 - w; i <= t; ++i) {
      const double d = x[i] - mean;
      ss += d * d;
      sd += d;
    }
    // Corrected two-pass: removes the first-order effect of the rounding in `mean`.
    m2 = std::max(0.0, ss - sd * sd * inv_w);
  };
  std::size_t unequal = 0;  // adjacent pairs in the window that differ
  for (std::size_t i = 1; i < w; ++i)
    unequal += (x[i] != x[i - 1]) ? 1 : 0;
  if (unequal == 0) {
    mean = x[w - 1];
  } else {
    recompute(w - 1);
  }
  emit(w - 1, mean, m2);
  std::size_t since_recompute = 0;
  for (std::size_t t = w; t < n; ++t) {
    if (w > 1) {
      unequal += (x[t] != x[t - 1]) ? 1 : 0;
      unequal -= (x[t - w + 1] != x[t - w]) ? 1 : 0;
    }
    ++since_recompute;
    if (unequal == 0) {
      mean = x[t];
      m2 = 0.0;
    } else if (since_recompute >= recompute_every) {
      recompute(t);
      since_recompute = 0;
    } else {
      const double x_new = x[t];
      const double x_old = x[t - w];
      const double mean_old = mean;
      mean += (x_new - x_old) * inv_w;
      m2 += (x_new - x_old) * ((x_new - mean) + (x_old - mean_old));
      if (m2 < 0.0) m2 = 0.0;  // rounding can push a tiny M2 below zero
    }
    emit(t, mean, m2);
  }
}

/// Rolling extreme over windows of w values, O(n) with a monotonic deque (kept in a ring buffer
/// of indices). `dominates(a, b)` is true when a value a arriving later makes an earlier b
/// useless: `a >= b` for a maximum, `a <= b` for a minimum. Calls emit(t, extreme) for t >= w-1.
template <class Dominates, class Emit>
void for_each_window_extreme(std::span<const double> x, std::size_t w, Dominates dominates,
                             Emit&& emit) {
  const std::size_t n = x.size();
  if (w == 0 || n < w) return;
  // Ring of a power-of-two capacity > w, so wrapping is a mask rather than a branch.
  const std::size_t capacity = std::bit_ceil(w + 1);
  const std::size_t mask = capacity - 1;
  std::vector<std::size_t> ring(capacity);
  std::size_t head = 0;  // position of the front (the current extreme); positions grow freely
  std::size_t tail = 0;  // one past the back
  for (std::size_t t = 0; t < n; ++t) {
    // Evict first so the ring never holds more than w indices (all within [t-w+1, t]).
    if (tail != head && ring[head & mask] + w <= t) ++head;
    while (tail != head && dominates(x[t], x[ring[(tail - 1) & mask]]))
      --tail;
    ring[tail & mask] = t;
    ++tail;
    if (t + 1 >= w) emit(t, x[ring[head & mask]]);
  }
}

}  // namespace mtf::rolling
