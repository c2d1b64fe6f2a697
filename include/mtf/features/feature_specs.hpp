#pragma once
/// \file The feature catalogue (SPEC §5): every scale-free feature a policy can list, each
/// defined in one place -- its spec (the literal type a policy writes, e.g. `feature::rsi{14}`),
/// its schema name and its kernel. The kernel is the feature's only arithmetic: the batch feature
/// matrix (`feature_matrix.hpp`) and the live streaming rows (`streaming_features.hpp`) both push
/// bars through it, so they agree bit for bit by construction.
///
/// A feature spec S provides:
///   std::string name() const              -- the stable schema name, part of the artifact:
///                                            renaming one invalidates every promoted model
///   static constexpr feature::inputs reads -- which bar fields the kernel reads (and so which
///                                            input checks apply)
///   class kernel { explicit kernel(const S&); double push(const bar_step&) noexcept; }
///                                         -- the value at each bar: NaN during the warm-up
///                                            (stated per spec as the index of the first value),
///                                            finite afterwards
/// Windows are in bars of the policy's timeframe. A bad window throws mtf::data_error when the
/// kernel is built. Adding a feature = one block here plus its test.
///
/// Also here: `feature::each` and `feature::list`, which build a policy's feature list from its
/// window arrays (so `ma_windows` and friends are the numbers the features use), and at the end
/// of the file each spec's MTF_DESCRIBE line (its settings, for the policy fingerprint and dump).

#include <algorithm>
#include <array>
#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>
#include <cmath>
#include <cstddef>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "mtf/core/described.hpp"
#include "mtf/features/indicator_checks.hpp"
#include "mtf/features/rolling_window.hpp"
#include "mtf/features/streaming_indicators.hpp"

namespace mtf::feature {

/// Which bar fields a feature's kernel reads. Every kernel reads the close, which must be finite.
struct inputs {
  bool positive_close = false;  ///< the close must also be positive (ratios, logarithms)
  bool high_low = false;        ///< reads high and low (must be finite)
  bool volume = false;          ///< reads volume (must be finite and non-negative)
  bool log_return = false;      ///< reads the shared one-bar log return (implies positive_close)
};

/// What a feature kernel sees of bar t (the caller has validated the fields the kernel reads).
struct bar_step {
  double high = 0.0;
  double low = 0.0;
  double close = 0.0;
  double volume = 0.0;
  double previous_close = 0.0;               ///< close of bar t-1 (0 at t = 0)
  double log_return = rolling::warm_up_nan;  ///< ln(close / previous_close); NaN at t = 0 and
                                             ///< when no feature of the list reads it
  std::size_t index = 0;                     ///< t, counted from the first bar pushed
};

/// Two kernels a feature row may run as one unit (`feature_detail::kernel_row`), when they are
/// adjacent in a feature list: `kernel_pair<A, B>::type` is constructible from (const A&,
/// const B&) and its `push(step)` returns A's and B's values in lanes 0 and 1 of a
/// rolling::double2, each exactly the bits the kernel alone gives. Defined (at the end of the
/// catalogue) where running the two together saves work: one SIMD instruction for both, or one
/// shared indicator state. None by default.
template <class A, class B>
struct kernel_pair {};

namespace detail {
inline std::string numbered(const char* prefix, int a) {
  return prefix + std::to_string(a);
}
inline std::string numbered(const char* prefix, int a, int b) {
  return prefix + std::to_string(a) + "_" + std::to_string(b);
}
inline std::size_t window(const char* indicator, const char* argument, int w, int minimum = 1) {
  return indicator_detail::checked_window(indicator, argument, w, minimum);
}
inline constexpr double nan = rolling::warm_up_nan;
}  // namespace detail

// ---- returns and trend ---------------------------------------------------------------------

/// ln(close[t] / close[t-bars]): the plain past return, computed as the compensated sum of the
/// last `bars` one-bar log returns (shared with the volatility features; exact for bars = 1).
/// First value at index bars.                                        name `log_return_<bars>`
struct log_return {
  int bars;
  static constexpr inputs reads{.positive_close = true, .log_return = true};
  [[nodiscard]] std::string name() const { return detail::numbered("log_return_", bars); }
  class kernel {
   public:
    explicit kernel(const log_return& s)
        : w_(detail::window("log_return", "bars", s.bars)), sum_(w_) {}
    double push(const bar_step& b) noexcept {
      if (b.index == 0) return detail::nan;
      if (w_ == 1) return b.log_return;
      return sum_.push(b.log_return);
    }

    /// Two log_return kernels as one (lanes 0, 1; see feature_detail::kernel_row): their two
    /// window sums advance as a pair.
    class pair {
     public:
      pair(const kernel& a, const kernel& b) : w_0_(a.w_), w_1_(b.w_), sums_(a.w_, b.w_) {}
      rolling::double2 push(const bar_step& b) noexcept {
        if (b.index == 0) return rolling::double2{detail::nan, detail::nan};
        // A one-bar lane also sums (a window of one value), but returns the return itself.
        const rolling::double2 sums = sums_.push(rolling::double2{b.log_return, b.log_return});
        return rolling::double2{w_0_ == 1 ? b.log_return : sums[0],
                                w_1_ == 1 ? b.log_return : sums[1]};
      }

     private:
      std::size_t w_0_, w_1_;
      streaming::window_sum2 sums_;
    };

   private:
    std::size_t w_;
    streaming::window_sum sum_;
  };
  bool operator==(const log_return&) const = default;
};

/// close / SMA(close, window) - 1. First value at index window-1.    name `sma_ratio_<window>`
struct sma_ratio {
  int window;
  static constexpr inputs reads{.positive_close = true};
  [[nodiscard]] std::string name() const { return detail::numbered("sma_ratio_", window); }
  class kernel {
   public:
    explicit kernel(const sma_ratio& s) : sma_(detail::window("sma", "n", s.window)) {}
    double push(const bar_step& b) noexcept { return b.close / sma_.push(b.close) - 1.0; }

    /// Two sma_ratio kernels as one (lanes 0, 1; see feature_detail::kernel_row).
    class pair {
     public:
      pair(const kernel& a, const kernel& b) : smas_(a.sma_.window(), b.sma_.window()) {}
      rolling::double2 push(const bar_step& b) noexcept {
        const rolling::double2 close{b.close, b.close};
        return close / smas_.push(close) - 1.0;
      }

     private:
      streaming::sma_pair_state smas_;
    };

   private:
    streaming::sma_state sma_;
  };
  bool operator==(const sma_ratio&) const = default;
};

/// close / EMA(close, window) - 1. First value at index window-1.    name `ema_ratio_<window>`
struct ema_ratio {
  int window;
  static constexpr inputs reads{.positive_close = true};
  [[nodiscard]] std::string name() const { return detail::numbered("ema_ratio_", window); }
  class kernel {
   public:
    explicit kernel(const ema_ratio& s) : ema_(detail::window("ema", "n", s.window)) {}
    double push(const bar_step& b) noexcept { return b.close / ema_.push(b.close) - 1.0; }

   private:
    streaming::ema_state ema_;
  };
  bool operator==(const ema_ratio&) const = default;
};

/// Wilder RSI / 100, in [0, 1] (0.5 without any movement). First value at index window.
///                                                                   name `rsi_<window>`
struct rsi {
  int window;
  static constexpr inputs reads{};
  [[nodiscard]] std::string name() const { return detail::numbered("rsi_", window); }
  class kernel {
   public:
    explicit kernel(const rsi& s) : rsi_(detail::window("rsi", "n", s.window)) {}
    double push(const bar_step& b) noexcept { return rsi_.push(b.close) / 100.0; }

   private:
    streaming::rsi_state rsi_;
  };
  bool operator==(const rsi&) const = default;
};

/// Wilder ATR / close: the typical bar range as a fraction of price. First value at index
/// window-1.                                                         name `atr_ratio_<window>`
struct atr_ratio {
  int window;
  static constexpr inputs reads{.positive_close = true, .high_low = true};
  [[nodiscard]] std::string name() const { return detail::numbered("atr_ratio_", window); }
  class kernel {
   public:
    explicit kernel(const atr_ratio& s) : atr_(detail::window("atr", "n", s.window)) {}
    double push(const bar_step& b) noexcept { return atr_.push(b.high, b.low, b.close) / b.close; }

   private:
    streaming::atr_state atr_;
  };
  bool operator==(const atr_ratio&) const = default;
};

// ---- bands and oscillators -----------------------------------------------------------------

/// Bollinger %B = (close - lower) / (upper - lower) with k population stds (0.5 in a flat
/// window). First value at index window-1.               name `bb_percent_b_<window>` (no k)
struct bollinger_percent_b {
  int window;
  double k = 2.0;
  static constexpr inputs reads{};
  [[nodiscard]] std::string name() const { return detail::numbered("bb_percent_b_", window); }
  class kernel {
   public:
    explicit kernel(const bollinger_percent_b& s)
        : bands_(detail::window("bollinger", "n", s.window), s.k) {}
    double push(const bar_step& b) noexcept { return bands_.push(b.close).percent_b; }
    /// Its band state (a kernel_pair copies it).
    [[nodiscard]] const streaming::bollinger_state& state() const noexcept { return bands_; }

   private:
    streaming::bollinger_state bands_;
  };
  bool operator==(const bollinger_percent_b&) const = default;
};

/// Bollinger band width (upper - lower) / middle = 2 k std / SMA (0 in a flat window). First
/// value at index window-1.                                  name `bb_width_<window>` (no k)
struct bollinger_width {
  int window;
  double k = 2.0;
  static constexpr inputs reads{.positive_close = true};
  [[nodiscard]] std::string name() const { return detail::numbered("bb_width_", window); }
  class kernel {
   public:
    explicit kernel(const bollinger_width& s)
        : bands_(detail::window("bollinger", "n", s.window), s.k) {}
    double push(const bar_step& b) noexcept {
      const auto v = bands_.push(b.close);
      return (v.upper - v.lower) / v.middle;
    }

   private:
    streaming::bollinger_state bands_;
  };
  bool operator==(const bollinger_width&) const = default;
};

/// MACD histogram / close. First value at index slow + signal - 2.
///                                                        name `macd_hist_<fast>_<slow>_<signal>`
struct macd_histogram {
  int fast;
  int slow;
  int signal;
  static constexpr inputs reads{.positive_close = true};
  [[nodiscard]] std::string name() const {
    return detail::numbered("macd_hist_", fast, slow) + "_" + std::to_string(signal);
  }
  class kernel {
   public:
    explicit kernel(const macd_histogram& s)
        : macd_(detail::window("macd", "fast", s.fast), detail::window("macd", "slow", s.slow),
                detail::window("macd", "signal", s.signal)) {}
    double push(const bar_step& b) noexcept { return macd_.push(b.close).histogram / b.close; }

   private:
    streaming::macd_state macd_;
  };
  bool operator==(const macd_histogram&) const = default;
};

/// Rate of change close[t] / close[t-window] - 1 (a fraction). First value at index window.
///                                                                   name `roc_<window>`
struct roc {
  int window;
  static constexpr inputs reads{.positive_close = true};
  [[nodiscard]] std::string name() const { return detail::numbered("roc_", window); }
  class kernel {
   public:
    explicit kernel(const roc& s) : lag_(detail::window("roc", "n", s.window)) {}
    double push(const bar_step& b) noexcept { return b.close / lag_.push(b.close) - 1.0; }

   private:
    streaming::lag_state lag_;
  };
  bool operator==(const roc&) const = default;
};

/// Momentum close[t] - close[t-window] in units of Wilder ATR(atr_window): the move in typical
/// bar ranges (0 while the ATR is 0). First value at index max(window, atr_window - 1).
///                                                   name `momentum_atr_<window>` (no atr_window)
struct momentum_atr {
  int window;
  int atr_window;
  static constexpr inputs reads{.high_low = true};
  [[nodiscard]] std::string name() const { return detail::numbered("momentum_atr_", window); }
  class kernel {
   public:
    explicit kernel(const momentum_atr& s)
        : lag_(detail::window("momentum", "n", s.window)),
          atr_(detail::window("atr", "n", s.atr_window)) {}
    double push(const bar_step& b) noexcept {
      const double move = b.close - lag_.push(b.close);
      const double range = atr_.push(b.high, b.low, b.close);
      if (std::isnan(move) || std::isnan(range)) return detail::nan;
      return range > 0.0 ? move / range : 0.0;
    }

   private:
    streaming::lag_state lag_;
    streaming::atr_state atr_;
  };
  bool operator==(const momentum_atr&) const = default;
};

// ---- volatility ----------------------------------------------------------------------------

/// Sample std of the last `window` one-bar log returns (per bar, = mtf::realized_vol). First
/// value at index window.                                            name `realized_vol_<window>`
struct realized_vol {
  int window;
  static constexpr inputs reads{.positive_close = true, .log_return = true};
  [[nodiscard]] std::string name() const { return detail::numbered("realized_vol_", window); }
  class kernel {
   public:
    explicit kernel(const realized_vol& s)
        : vol_(detail::window("realized_vol", "window", s.window, 2)) {}
    double push(const bar_step& b) noexcept {
      return b.index == 0 ? detail::nan : vol_.push(b.log_return);
    }
    /// Its volatility state (a kernel_pair copies it).
    [[nodiscard]] const streaming::realized_vol_state& state() const noexcept { return vol_; }

   private:
    streaming::realized_vol_state vol_;
  };
  bool operator==(const realized_vol&) const = default;
};

/// realized_vol(fast) / realized_vol(slow): the volatility regime; 1 when the slow volatility is
/// 0 (every return in the slow window equal). First value at index max(fast, slow).
///                                                                   name `vol_ratio_<fast>_<slow>`
struct vol_ratio {
  int fast;
  int slow;
  static constexpr inputs reads{.positive_close = true, .log_return = true};
  [[nodiscard]] std::string name() const { return detail::numbered("vol_ratio_", fast, slow); }
  class kernel {
   public:
    explicit kernel(const vol_ratio& s)
        : fast_(detail::window("vol_ratio", "fast", s.fast, 2)),
          slow_(detail::window("vol_ratio", "slow", s.slow, 2)) {}
    double push(const bar_step& b) noexcept {
      if (b.index == 0) return detail::nan;
      // Both roots in one instruction (lane by lane the realized_vol values).
      const rolling::double2 vol = rolling::sqrt2(
          rolling::double2{fast_.push_variance(b.log_return), slow_.push_variance(b.log_return)});
      return value(vol[0], vol[1]);
    }
    /// The feature's value from the fast and slow volatilities.
    static double value(double fast, double slow) noexcept {
      if (std::isnan(fast) || std::isnan(slow)) return detail::nan;
      return slow > 0.0 ? fast / slow : 1.0;
    }
    /// Its fast and slow volatility states (a kernel_pair copies them).
    [[nodiscard]] const streaming::realized_vol_state& fast_state() const noexcept { return fast_; }
    [[nodiscard]] const streaming::realized_vol_state& slow_state() const noexcept { return slow_; }

   private:
    streaming::realized_vol_state fast_, slow_;
  };
  bool operator==(const vol_ratio&) const = default;
};

/// (close - SMA) / population std of the last `window` closes (0 in a flat window). First value
/// at index window-1.                                                name `zscore_<window>`
struct zscore {
  int window;
  static constexpr inputs reads{};
  [[nodiscard]] std::string name() const { return detail::numbered("zscore_", window); }
  class kernel {
   public:
    explicit kernel(const zscore& s) : z_(detail::window("zscore", "n", s.window)) {}
    double push(const bar_step& b) noexcept { return z_.push(b.close); }
    /// Its z-score state (a kernel_pair copies it).
    [[nodiscard]] const streaming::zscore_state& state() const noexcept { return z_; }

   private:
    streaming::zscore_state z_;
  };
  bool operator==(const zscore&) const = default;
};

// ---- range position ------------------------------------------------------------------------

/// Stochastic %K / 100 in [0, 1], smoothed over `smooth` bars when smooth > 1. First value at
/// index window + smooth - 2.                                name `stoch_k_<window>` (no smooth)
struct stochastic_k {
  int window;
  int smooth = 1;
  static constexpr inputs reads{.high_low = true};
  [[nodiscard]] std::string name() const { return detail::numbered("stoch_k_", window); }
  class kernel {
   public:
    explicit kernel(const stochastic_k& s)
        : stochastic_(detail::window("stochastic_k", "window", s.window),
                      detail::window("stochastic_k", "smooth", s.smooth), 0) {}
    double push(const bar_step& b) noexcept {
      return stochastic_.push(b.high, b.low, b.close).k / 100.0;
    }

   private:
    streaming::stochastic_state stochastic_;
  };
  bool operator==(const stochastic_k&) const = default;
};

/// Stochastic %D / 100 = SMA(fast %K, d_window) / 100. First value at index
/// window + d_window - 2.                                  name `stoch_d_<window>` (no d_window)
struct stochastic_d {
  int window;
  int d_window = 3;
  static constexpr inputs reads{.high_low = true};
  [[nodiscard]] std::string name() const { return detail::numbered("stoch_d_", window); }
  class kernel {
   public:
    explicit kernel(const stochastic_d& s)
        : stochastic_(detail::window("stochastic", "k_window", s.window), 1,
                      detail::window("stochastic", "d_window", s.d_window)) {}
    double push(const bar_step& b) noexcept {
      return stochastic_.push(b.high, b.low, b.close).d / 100.0;
    }

   private:
    streaming::stochastic_state stochastic_;
  };
  bool operator==(const stochastic_d&) const = default;
};

/// Williams %R / 100, in [-1, 0] (-0.5 for a zero range). First value at index window-1.
///                                                                   name `williams_r_<window>`
struct williams_r {
  int window;
  static constexpr inputs reads{.high_low = true};
  [[nodiscard]] std::string name() const { return detail::numbered("williams_r_", window); }
  class kernel {
   public:
    explicit kernel(const williams_r& s) : raw_(detail::window("williams_r", "n", s.window)) {}
    double push(const bar_step& b) noexcept {
      return (raw_.push(b.high, b.low, b.close) - 100.0) / 100.0;  // %R = %K - 100 exactly
    }

   private:
    streaming::range_position_state raw_;
  };
  bool operator==(const williams_r&) const = default;
};

// ---- trend strength ------------------------------------------------------------------------

/// Wilder ADX / 100, in [0, 1]. First value at index 2 window - 1.  name `adx_<window>`
struct adx {
  int window;
  static constexpr inputs reads{.high_low = true};
  [[nodiscard]] std::string name() const { return detail::numbered("adx_", window); }
  class kernel {
   public:
    explicit kernel(const adx& s) : adx_(detail::window("adx", "n", s.window)) {}
    double push(const bar_step& b) noexcept { return value(adx_.push(b.high, b.low, b.close)); }
    /// The feature's value from its ADX state's output.
    static double value(const streaming::adx_value& v) noexcept { return v.adx / 100.0; }
    /// Its ADX state (a kernel_pair copies it).
    [[nodiscard]] const streaming::adx_state& state() const noexcept { return adx_; }

   private:
    streaming::adx_state adx_;
  };
  bool operator==(const adx&) const = default;
};

/// (+DI - -DI) / 100, in [-1, 1]: signed trend direction. First value at index window.
///                                                                   name `di_spread_<window>`
struct di_spread {
  int window;
  static constexpr inputs reads{.high_low = true};
  [[nodiscard]] std::string name() const { return detail::numbered("di_spread_", window); }
  class kernel {
   public:
    explicit kernel(const di_spread& s) : adx_(detail::window("adx", "n", s.window)) {}
    double push(const bar_step& b) noexcept { return value(adx_.push(b.high, b.low, b.close)); }
    /// The feature's value from its ADX state's output.
    static double value(const streaming::adx_value& v) noexcept {
      return (v.plus_di - v.minus_di) / 100.0;
    }
    /// Its ADX state (a kernel_pair copies it).
    [[nodiscard]] const streaming::adx_state& state() const noexcept { return adx_; }

   private:
    streaming::adx_state adx_;
  };
  bool operator==(const di_spread&) const = default;
};

// ---- volume --------------------------------------------------------------------------------

/// (OBV[t] - OBV[t-window]) / (volume summed over bars t-window+1..t), in [-1, 1]: the share of
/// the window's volume traded on up-closes minus on down-closes. Computed from compensated
/// rolling sums of signed volume (differencing the cumulative OBV would lose digits on long
/// series). 0 when the window's volume is zero. First value at index window.
///                                                                   name `obv_flow_<window>`
struct obv_flow {
  int window;
  static constexpr inputs reads{.volume = true};
  [[nodiscard]] std::string name() const { return detail::numbered("obv_flow_", window); }
  class kernel {
   public:
    explicit kernel(const obv_flow& s)
        : w_(detail::window("obv_flow", "window", s.window)), window_(w_) {}
    double push(const bar_step& b) noexcept {
      const std::size_t t = b.index;
      if (t == 0) return detail::nan;
      const double c = b.close, previous = b.previous_close, v = b.volume;
      // Up, down or flat close: unpredictable, so selected without a branch.
      const double signed_volume =
          rolling::select(c > previous, v, rolling::select(c < previous, -v, 0.0));
      // Signed and total volume travel as a pair (lane 0, lane 1): one ring, one pair of sums.
      const rolling::double2 entering{signed_volume, v};
      const rolling::double2 leaving = window_.push(entering);  // bar t-w's (from bar 1 on)
      sums_.add(entering);
      positive_.push(v);
      if (t > w_) sums_.add(-leaving);  // bar t-w leaves the window
      if (t < w_) return detail::nan;
      const rolling::double2 sums = sums_.value();
      const double total = sums[1];
      return positive_.within(w_) && total > 0.0 ? std::clamp(sums[0] / total, -1.0, 1.0) : 0.0;
    }

   private:
    std::size_t w_;
    streaming::ring_buffer<rolling::double2> window_;  // {signed volume, volume} of the window
    rolling::compensated_sum2 sums_;                   // their sums
    streaming::latest_positive positive_;
  };
  bool operator==(const obv_flow&) const = default;
};

/// volume / SMA(volume, window) (1 in a zero-volume window). First value at index window-1.
///                                                                   name `volume_ratio_<window>`
struct volume_ratio {
  int window;
  static constexpr inputs reads{.volume = true};
  [[nodiscard]] std::string name() const { return detail::numbered("volume_ratio_", window); }
  class kernel {
   public:
    explicit kernel(const volume_ratio& s)
        : ratio_(detail::window("volume_ratio", "n", s.window)) {}
    double push(const bar_step& b) noexcept { return ratio_.push(b.volume); }

   private:
    streaming::volume_ratio_state ratio_;
  };
  bool operator==(const volume_ratio&) const = default;
};

/// CCI / 100 (Lambert's 0.015 constant; 0 in a flat window). First value at index window-1;
/// O(window) per bar (the mean absolute deviation).                 name `cci_<window>`
struct cci {
  int window;
  static constexpr inputs reads{.high_low = true};
  [[nodiscard]] std::string name() const { return detail::numbered("cci_", window); }
  class kernel {
   public:
    explicit kernel(const cci& s) : cci_(detail::window("cci", "n", s.window)) {}
    double push(const bar_step& b) noexcept { return cci_.push(b.high, b.low, b.close) / 100.0; }

   private:
    streaming::cci_state cci_;
  };
  bool operator==(const cci&) const = default;
};

/// Chaikin money flow, in [-1, 1] (0 in a zero-volume window). First value at index window-1.
///                                                                   name `cmf_<window>`
struct cmf {
  int window;
  static constexpr inputs reads{.high_low = true, .volume = true};
  [[nodiscard]] std::string name() const { return detail::numbered("cmf_", window); }
  class kernel {
   public:
    explicit kernel(const cmf& s) : cmf_(detail::window("cmf", "n", s.window)) {}
    double push(const bar_step& b) noexcept { return cmf_.push(b.high, b.low, b.close, b.volume); }

   private:
    streaming::cmf_state cmf_;
  };
  bool operator==(const cmf&) const = default;
};

// ---- kernels run as pairs (see kernel_pair) ------------------------------------------------

/// Two windows of one spec type (a policy lists them with feature::each): one SIMD instruction
/// advances both.
template <>
struct kernel_pair<log_return::kernel, log_return::kernel> {
  using type = log_return::kernel::pair;
};
template <>
struct kernel_pair<sma_ratio::kernel, sma_ratio::kernel> {
  using type = sma_ratio::kernel::pair;
};

/// adx and di_spread side by side: with equal windows both read one ADX state, advanced once
/// per bar (the same state and operations each kernel runs alone, so the same bits).
class adx_di_spread_pair {
 public:
  adx_di_spread_pair(const adx::kernel& a, const di_spread::kernel& d)
      : adx_(a.state()), di_(d.state()), shared_(a.state().window() == d.state().window()) {}
  rolling::double2 push(const bar_step& b) noexcept {
    const streaming::adx_value v = adx_.push(b.high, b.low, b.close);
    const streaming::adx_value w = shared_ ? v : di_.push(b.high, b.low, b.close);
    return rolling::double2{adx::kernel::value(v), di_spread::kernel::value(w)};
  }

 private:
  streaming::adx_state adx_, di_;  // di_ is advanced only for unequal windows
  bool shared_;
};
template <>
struct kernel_pair<adx::kernel, di_spread::kernel> {
  using type = adx_di_spread_pair;
};

/// realized_vol and vol_ratio side by side: when the volatility's window is the ratio's fast
/// window, both read one volatility state, and the two remaining square roots go as a pair.
class realized_vol_vol_ratio_pair {
 public:
  realized_vol_vol_ratio_pair(const realized_vol::kernel& v, const vol_ratio::kernel& r)
      : vol_(v.state()),
        fast_(r.fast_state()),
        slow_(r.slow_state()),
        shared_(v.state().window() == r.fast_state().window()) {}
  rolling::double2 push(const bar_step& b) noexcept {
    if (b.index == 0) return rolling::double2{detail::nan, detail::nan};
    const double variance = vol_.push_variance(b.log_return);
    const double slow_variance = slow_.push_variance(b.log_return);
    // Lane by lane the roots realized_vol_state::push and vol_ratio's kernel take.
    const rolling::double2 roots = rolling::sqrt2(rolling::double2{variance, slow_variance});
    double fast = roots[0];
    if (!shared_) {
      const double fast_variance = fast_.push_variance(b.log_return);
      fast = std::isnan(fast_variance) ? fast_variance : std::sqrt(fast_variance);
    }
    return rolling::double2{roots[0], vol_ratio::kernel::value(fast, roots[1])};
  }

 private:
  streaming::realized_vol_state vol_, fast_, slow_;  // fast_ is advanced only if not shared
  bool shared_;
};
template <>
struct kernel_pair<realized_vol::kernel, vol_ratio::kernel> {
  using type = realized_vol_vol_ratio_pair;
};

/// bollinger_percent_b and zscore of one window (both anywhere in a list): one rolling mean and
/// deviation of the closes, and one square root, serve both -- the values and operations each
/// state has alone (bollinger_state::bands, zscore_state::score), so the same bits.
class percent_b_zscore_pair {
 public:
  percent_b_zscore_pair(const bollinger_percent_b::kernel& b, const zscore::kernel& z)
      : bands_(b.state()),
        z_(z.state()),
        moments_(b.state().window()),
        inv_n_(1.0 / static_cast<double>(b.state().window())),
        k_(b.state().k()),
        shared_(b.state().window() == z.state().window()) {}
  rolling::double2 push(const bar_step& b) noexcept {
    if (!shared_) return rolling::double2{bands_.push(b.close).percent_b, z_.push(b.close)};
    const auto m = moments_.push(b.close);
    if (!m.ready) return rolling::double2{detail::nan, detail::nan};
    const double sd = std::sqrt(m.m2 * inv_n_);
    return rolling::double2{streaming::bollinger_state::bands(b.close, m.mean, sd, k_).percent_b,
                            streaming::zscore_state::score(b.close, m.mean, sd)};
  }

 private:
  streaming::bollinger_state bands_;  // with z_, advanced only for unequal windows
  streaming::zscore_state z_;
  streaming::window_moments moments_;  // advanced only for equal windows
  double inv_n_;
  double k_;
  bool shared_;
};
template <>
struct kernel_pair<bollinger_percent_b::kernel, zscore::kernel> {
  using type = percent_b_zscore_pair;
};

// ---- feature lists from window arrays ------------------------------------------------------

namespace detail {
template <class T>
inline constexpr bool is_hana_tuple = false;
template <class... T>
inline constexpr bool is_hana_tuple<boost::hana::tuple<T...>> = true;

template <class T>
constexpr auto as_std_tuple(const T& part) {
  if constexpr (is_hana_tuple<T>) {
    return boost::hana::unpack(part, [](const auto&... specs) { return std::tuple(specs...); });
  } else {
    return std::tuple(part);
  }
}
}  // namespace detail

/// One spec per window, in the array's order: `each<feature::sma_ratio>(ma_windows)` with
/// ma_windows {5, 10, 20} is (sma_ratio{5}, sma_ratio{10}, sma_ratio{20}).
template <class Spec, std::size_t N>
constexpr auto each(const std::array<int, N>& windows) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return boost::hana::make_tuple(Spec{windows[I]}...);
  }
  (std::make_index_sequence<N>{});
}

/// A policy's feature list: the parts in order, each a single spec or a tuple of specs (from
/// `each`), flattened into one boost::hana::tuple.
template <class... Parts>
constexpr auto list(const Parts&... parts) {
  return std::apply([](const auto&... specs) { return boost::hana::make_tuple(specs...); },
                    std::tuple_cat(detail::as_std_tuple(parts)...));
}

/// True when the features of type Spec in the list are exactly `Spec{w}` for each w of
/// `windows`, in order (and no others): the policy check that a window array drives its
/// features.
template <class Spec, class... Specs, std::size_t N>
constexpr bool windows_match(const boost::hana::tuple<Specs...>& features,
                             const std::array<int, N>& windows) {
  std::size_t found = 0;
  bool same = true;
  auto visit = [&](const auto& spec) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(spec)>, Spec>) {
      same = same && found < N && spec == Spec{windows[found]};
      ++found;
    }
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (visit(boost::hana::at_c<I>(features)), ...);
  }
  (std::make_index_sequence<sizeof...(Specs)>{});
  return same && found == N;
}

}  // namespace mtf::feature

// Every setting of every feature spec, by name: the policy fingerprint, its JSON dump and
// docs/policies.md read them from here (a spec whose list misses a member does not compile).
MTF_DESCRIBE(mtf::feature::log_return, bars);
MTF_DESCRIBE(mtf::feature::sma_ratio, window);
MTF_DESCRIBE(mtf::feature::ema_ratio, window);
MTF_DESCRIBE(mtf::feature::rsi, window);
MTF_DESCRIBE(mtf::feature::atr_ratio, window);
MTF_DESCRIBE(mtf::feature::bollinger_percent_b, window, k);
MTF_DESCRIBE(mtf::feature::bollinger_width, window, k);
MTF_DESCRIBE(mtf::feature::macd_histogram, fast, slow, signal);
MTF_DESCRIBE(mtf::feature::roc, window);
MTF_DESCRIBE(mtf::feature::momentum_atr, window, atr_window);
MTF_DESCRIBE(mtf::feature::realized_vol, window);
MTF_DESCRIBE(mtf::feature::vol_ratio, fast, slow);
MTF_DESCRIBE(mtf::feature::zscore, window);
MTF_DESCRIBE(mtf::feature::stochastic_k, window, smooth);
MTF_DESCRIBE(mtf::feature::stochastic_d, window, d_window);
MTF_DESCRIBE(mtf::feature::williams_r, window);
MTF_DESCRIBE(mtf::feature::adx, window);
MTF_DESCRIBE(mtf::feature::di_spread, window);
MTF_DESCRIBE(mtf::feature::obv_flow, window);
MTF_DESCRIBE(mtf::feature::volume_ratio, window);
MTF_DESCRIBE(mtf::feature::cci, window);
MTF_DESCRIBE(mtf::feature::cmf, window);
