#pragma once
/// \file Streaming feature rows for a policy's feature list (a Boost.Hana tuple of the specs of
/// `feature_specs.hpp`): indicator state kept between bars, so scoring a new bar costs O(1)
/// amortised per feature instead of recomputing the whole history (issue 6).
///
/// `streaming_features<Features>::push(bar)` gives, for bar t, exactly row t of
/// `compute_feature_matrix(features, bars)` computed over bars 0..t -- bit for bit, because every
/// feature state performs the batch code's floating-point operations in the batch code's order
/// (see `streaming_indicators.hpp`). The one feature that is not O(1) per bar is `cci`: its mean
/// absolute deviation is O(window) per bar, in batch as in TA-Lib.

#include <algorithm>
#include <array>
#include <boost/hana/length.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/features/feature_matrix.hpp"
#include "mtf/features/feature_specs.hpp"
#include "mtf/features/feature_values.hpp"
#include "mtf/features/indicators.hpp"
#include "mtf/features/streaming_indicators.hpp"
#include "mtf/intake/bar_series.hpp"

namespace mtf::streaming {

/// What a feature state sees of bar t: the bar, its index, the previous close and the one-bar
/// log return ln(close_t / close_{t-1}) (NaN at t = 0, and when no feature needs it).
struct bar_step {
  const bar& now;
  std::size_t index;
  double previous_close;
  double log_return;
};

/// Streaming state of one feature spec: `push(step)` returns the feature's value at the step's
/// bar (NaN during the warm-up), bit-identical to `compute_feature(spec, bars)[t]`. The flags
/// say which bar fields the batch feature validates: `positive_close` (finite, > 0, otherwise
/// only finite), `reads_high_low`, `reads_volume` (finite, >= 0); `log_return` asks for the
/// shared one-bar log return.
template <class Spec>
class feature_state;

namespace state_detail {
inline constexpr double nan = rolling::warm_up_nan;
inline std::size_t window(const char* indicator, const char* argument, int w, int minimum = 1) {
  return indicator_detail::checked_window(indicator, argument, w, minimum);
}
}  // namespace state_detail

template <>
class feature_state<feature::log_return> {
 public:
  static constexpr bool positive_close = true, reads_high_low = false, reads_volume = false,
                        log_return = true;
  explicit feature_state(const feature::log_return& s)
      : w_(state_detail::window("log_return", "bars", s.bars)), sum_(w_) {}
  double push(const bar_step& step) noexcept {
    if (step.index == 0) return state_detail::nan;
    // Batch: the one-bar return itself for bars = 1, else a compensated rolling sum of them.
    if (w_ == 1) return step.log_return;
    return sum_.push(step.log_return);
  }

 private:
  std::size_t w_;
  window_sum sum_;
};

template <>
class feature_state<feature::sma_ratio> {
 public:
  static constexpr bool positive_close = true, reads_high_low = false, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::sma_ratio& s)
      : sum_(state_detail::window("sma", "n", s.window)),
        inv_n_(1.0 / static_cast<double>(s.window)) {}
  double push(const bar_step& step) noexcept {
    const double sum = sum_.push(step.now.close);
    return step.now.close / (sum * inv_n_) - 1.0;  // NaN stays NaN, as in batch
  }

 private:
  window_sum sum_;
  double inv_n_;
};

template <>
class feature_state<feature::ema_ratio> {
 public:
  static constexpr bool positive_close = true, reads_high_low = false, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::ema_ratio& s)
      : ema_(state_detail::window("ema", "n", s.window),
             2.0 / (static_cast<double>(s.window) + 1.0)) {}
  double push(const bar_step& step) noexcept {
    return step.now.close / ema_.push(step.now.close) - 1.0;
  }

 private:
  exponential_smoothing ema_;
};

template <>
class feature_state<feature::rsi> {
 public:
  static constexpr bool positive_close = false, reads_high_low = false, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::rsi& s)
      : rsi_(state_detail::window("rsi", "n", s.window)) {}
  double push(const bar_step& step) noexcept { return rsi_.push(step.now.close) / 100.0; }

 private:
  rsi_state rsi_;
};

template <>
class feature_state<feature::atr_ratio> {
 public:
  static constexpr bool positive_close = true, reads_high_low = true, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::atr_ratio& s)
      : atr_(state_detail::window("atr", "n", s.window)) {}
  double push(const bar_step& step) noexcept { return atr_.push(step.now) / step.now.close; }

 private:
  atr_state atr_;
};

namespace state_detail {
/// Bollinger half width k·σ and mean of the last n closes (not ready during the warm-up).
class bollinger_state {
 public:
  bollinger_state(int n, double k)
      : moments_(window("bollinger", "n", n)), inv_n_(1.0 / static_cast<double>(n)), k_(k) {
    if (!(k > 0.0) || !std::isfinite(k))
      indicator_detail::fail_argument("bollinger", "k", "band width k must be finite and positive");
  }
  /// Pushes a close; returns the window's moments (for the mean) and sets `half_width`.
  window_moments_value push(double close, double& half_width) noexcept {
    const auto m = moments_.push(close);
    half_width = m.ready ? k_ * std::sqrt(m.m2 * inv_n_) : nan;
    return m;
  }

 private:
  window_moments moments_;
  double inv_n_;
  double k_;
};
}  // namespace state_detail

template <>
class feature_state<feature::bollinger_percent_b> {
 public:
  static constexpr bool positive_close = false, reads_high_low = false, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::bollinger_percent_b& s) : bands_(s.window, s.k) {}
  double push(const bar_step& step) noexcept {
    double half_width = 0.0;
    const auto m = bands_.push(step.now.close, half_width);
    if (!m.ready) return state_detail::nan;
    const double lower = m.mean - half_width;
    return half_width > 0.0 ? (step.now.close - lower) / (2.0 * half_width) : 0.5;
  }

 private:
  state_detail::bollinger_state bands_;
};

template <>
class feature_state<feature::bollinger_width> {
 public:
  static constexpr bool positive_close = true, reads_high_low = false, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::bollinger_width& s) : bands_(s.window, s.k) {}
  double push(const bar_step& step) noexcept {
    double half_width = 0.0;
    const auto m = bands_.push(step.now.close, half_width);
    if (!m.ready) return state_detail::nan;
    const double lower = m.mean - half_width;
    const double upper = m.mean + half_width;
    return (upper - lower) / m.mean;
  }

 private:
  state_detail::bollinger_state bands_;
};

template <>
class feature_state<feature::macd_histogram> {
 public:
  static constexpr bool positive_close = true, reads_high_low = false, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::macd_histogram& s) : macd_(make(s)) {}
  double push(const bar_step& step) noexcept { return macd_.push(step.now.close) / step.now.close; }

 private:
  static macd_state make(const feature::macd_histogram& s) {
    const auto f = state_detail::window("macd", "fast", s.fast);
    const auto sl = state_detail::window("macd", "slow", s.slow);
    const auto g = state_detail::window("macd", "signal", s.signal);
    if (f >= sl)
      indicator_detail::fail_argument("macd", "fast",
                                      "fast window must be shorter than slow window");
    return macd_state(f, sl, g);
  }
  macd_state macd_;
};

template <>
class feature_state<feature::roc> {
 public:
  static constexpr bool positive_close = true, reads_high_low = false, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::roc& s)
      : w_(state_detail::window("roc", "n", s.window)), closes_(w_ + 1) {}
  double push(const bar_step& step) noexcept {
    closes_.push(step.now.close);
    return step.index >= w_ ? step.now.close / closes_.back(w_) - 1.0 : state_detail::nan;
  }

 private:
  std::size_t w_;
  ring_buffer<double> closes_;
};

template <>
class feature_state<feature::momentum_atr> {
 public:
  static constexpr bool positive_close = false, reads_high_low = true, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::momentum_atr& s)
      : w_(state_detail::window("momentum", "n", s.window)),
        closes_(w_ + 1),
        atr_(state_detail::window("atr", "n", s.atr_window)) {}
  double push(const bar_step& step) noexcept {
    closes_.push(step.now.close);
    const double range = atr_.push(step.now);
    const double move = step.index >= w_ ? step.now.close - closes_.back(w_) : state_detail::nan;
    if (std::isnan(move) || std::isnan(range)) return state_detail::nan;
    return range > 0.0 ? move / range : 0.0;
  }

 private:
  std::size_t w_;
  ring_buffer<double> closes_;
  atr_state atr_;
};

namespace state_detail {
/// Sample std of the last w one-bar log returns (indicator_detail::realized_vol_from_returns):
/// returns are pushed from bar 1 on, the first value is at bar w.
class realized_vol_state {
 public:
  explicit realized_vol_state(std::size_t w)
      : moments_(w), inv_(1.0 / static_cast<double>(w - 1)) {}
  double push(const bar_step& step) noexcept {
    if (step.index == 0) return nan;
    const auto m = moments_.push(step.log_return);
    return m.ready ? std::sqrt(m.m2 * inv_) : nan;
  }

 private:
  window_moments moments_;
  double inv_;
};
}  // namespace state_detail

template <>
class feature_state<feature::realized_vol> {
 public:
  static constexpr bool positive_close = true, reads_high_low = false, reads_volume = false,
                        log_return = true;
  explicit feature_state(const feature::realized_vol& s)
      : vol_(state_detail::window("realized_vol", "window", s.window, 2)) {}
  double push(const bar_step& step) noexcept { return vol_.push(step); }

 private:
  state_detail::realized_vol_state vol_;
};

template <>
class feature_state<feature::vol_ratio> {
 public:
  static constexpr bool positive_close = true, reads_high_low = false, reads_volume = false,
                        log_return = true;
  explicit feature_state(const feature::vol_ratio& s)
      : fast_(state_detail::window("vol_ratio", "fast", s.fast, 2)),
        slow_(state_detail::window("vol_ratio", "slow", s.slow, 2)) {}
  double push(const bar_step& step) noexcept {
    const double fast = fast_.push(step);
    const double slow = slow_.push(step);
    if (std::isnan(fast) || std::isnan(slow)) return state_detail::nan;
    return slow > 0.0 ? fast / slow : 1.0;
  }

 private:
  state_detail::realized_vol_state fast_, slow_;
};

template <>
class feature_state<feature::zscore> {
 public:
  static constexpr bool positive_close = false, reads_high_low = false, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::zscore& s)
      : moments_(state_detail::window("zscore", "n", s.window)),
        inv_n_(1.0 / static_cast<double>(s.window)) {}
  double push(const bar_step& step) noexcept {
    const auto m = moments_.push(step.now.close);
    if (!m.ready) return state_detail::nan;
    const double sd = std::sqrt(m.m2 * inv_n_);
    return sd > 0.0 ? (step.now.close - m.mean) / sd : 0.0;
  }

 private:
  window_moments moments_;
  double inv_n_;
};

template <>
class feature_state<feature::stochastic_k> {
 public:
  static constexpr bool positive_close = false, reads_high_low = true, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::stochastic_k& s)
      : raw_(state_detail::window("stochastic_k", "window", s.window)),
        smooth_(state_detail::window("stochastic_k", "smooth", s.smooth)),
        sum_(smooth_),
        inv_smooth_(1.0 / static_cast<double>(smooth_)) {}
  double push(const bar_step& step) noexcept {
    const double raw = raw_.push(step.now);
    if (smooth_ == 1) return raw / 100.0;
    if (std::isnan(raw)) return state_detail::nan;  // the SMA starts at the first raw value
    return sum_.push(raw) * inv_smooth_ / 100.0;
  }

 private:
  range_position_state raw_;
  std::size_t smooth_;
  window_sum sum_;
  double inv_smooth_;
};

template <>
class feature_state<feature::stochastic_d> {
 public:
  static constexpr bool positive_close = false, reads_high_low = true, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::stochastic_d& s)
      : raw_(state_detail::window("stochastic", "k_window", s.window)),
        sum_(state_detail::window("stochastic", "d_window", s.d_window)),
        inv_d_(1.0 / static_cast<double>(s.d_window)) {}
  double push(const bar_step& step) noexcept {
    const double k = raw_.push(step.now);
    if (std::isnan(k)) return state_detail::nan;
    return sum_.push(k) * inv_d_ / 100.0;
  }

 private:
  range_position_state raw_;
  window_sum sum_;
  double inv_d_;
};

template <>
class feature_state<feature::williams_r> {
 public:
  static constexpr bool positive_close = false, reads_high_low = true, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::williams_r& s)
      : raw_(state_detail::window("williams_r", "n", s.window)) {}
  double push(const bar_step& step) noexcept { return (raw_.push(step.now) - 100.0) / 100.0; }

 private:
  range_position_state raw_;
};

template <>
class feature_state<feature::adx> {
 public:
  static constexpr bool positive_close = false, reads_high_low = true, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::adx& s)
      : adx_(state_detail::window("adx", "n", s.window)) {}
  double push(const bar_step& step) noexcept { return adx_.push(step.now).adx / 100.0; }

 private:
  adx_state adx_;
};

template <>
class feature_state<feature::di_spread> {
 public:
  static constexpr bool positive_close = false, reads_high_low = true, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::di_spread& s)
      : adx_(state_detail::window("adx", "n", s.window)) {}
  double push(const bar_step& step) noexcept {
    const auto v = adx_.push(step.now);
    return (v.plus_di - v.minus_di) / 100.0;
  }

 private:
  adx_state adx_;
};

template <>
class feature_state<feature::obv_flow> {
 public:
  static constexpr bool positive_close = false, reads_high_low = false, reads_volume = true,
                        log_return = false;
  explicit feature_state(const feature::obv_flow& s)
      : w_(state_detail::window("obv_flow", "window", s.window)), signed_(w_), volumes_(w_) {}
  double push(const bar_step& step) noexcept {
    const std::size_t t = step.index;
    if (t == 0) return state_detail::nan;
    const double c = step.now.close, previous = step.previous_close, v = step.now.volume;
    const double signed_volume = c > previous ? v : (c < previous ? -v : 0.0);
    flow_.add(signed_volume);
    total_.add(v);
    nonzero_ += v > 0.0;
    if (t > w_) {
      // Bar t-w's signed volume and volume: the oldest of the last w bars kept.
      const double old_volume = volumes_.back(w_ - 1);
      flow_.add(-signed_.back(w_ - 1));
      total_.add(-old_volume);
      nonzero_ -= old_volume > 0.0;
    }
    signed_.push(signed_volume);
    volumes_.push(v);
    if (t < w_) return state_detail::nan;
    const double total = total_.value();
    return nonzero_ > 0 && total > 0.0 ? std::clamp(flow_.value() / total, -1.0, 1.0) : 0.0;
  }

 private:
  std::size_t w_;
  ring_buffer<double> signed_, volumes_;
  rolling::compensated_sum flow_, total_;
  std::size_t nonzero_ = 0;
};

template <>
class feature_state<feature::volume_ratio> {
 public:
  static constexpr bool positive_close = false, reads_high_low = false, reads_volume = true,
                        log_return = false;
  explicit feature_state(const feature::volume_ratio& s)
      : w_(state_detail::window("volume_ratio", "n", s.window)),
        sum_(w_),
        volumes_(w_ + 1),
        inv_n_(1.0 / static_cast<double>(w_)) {}
  double push(const bar_step& step) noexcept {
    const double v = step.now.volume;
    volumes_.push(v);
    nonzero_ += v > 0.0;
    if (step.index >= w_) nonzero_ -= volumes_.back(w_) > 0.0;
    const double sum = sum_.push(v);
    if (step.index + 1 < w_) return state_detail::nan;
    return nonzero_ > 0 ? v / (sum * inv_n_) : 1.0;
  }

 private:
  std::size_t w_;
  window_sum sum_;
  ring_buffer<double> volumes_;
  double inv_n_;
  std::size_t nonzero_ = 0;
};

template <>
class feature_state<feature::cci> {
 public:
  static constexpr bool positive_close = false, reads_high_low = true, reads_volume = false,
                        log_return = false;
  explicit feature_state(const feature::cci& s)
      : w_(state_detail::window("cci", "n", s.window)),
        sum_(w_),
        typical_(w_),
        inv_n_(1.0 / static_cast<double>(w_)) {}
  /// O(window): the mean absolute deviation is around the current mean (as in batch).
  double push(const bar_step& step) noexcept {
    const double tp = (step.now.high + step.now.low + step.now.close) / 3.0;
    typical_.push(tp);
    const double sum = sum_.push(tp);
    if (step.index + 1 < w_) return state_detail::nan;
    const double mean = sum * inv_n_;
    double abs_dev = 0.0;
    bool flat = true;
    for (std::size_t i = 0; i < w_; ++i) {
      const double x = typical_[i];
      abs_dev += std::abs(x - mean);
      flat = flat && x == tp;
    }
    return (flat ? 0.0 : (tp - mean) / (0.015 * (abs_dev * inv_n_))) / 100.0;
  }

 private:
  std::size_t w_;
  window_sum sum_;
  ring_buffer<double> typical_;
  double inv_n_;
};

template <>
class feature_state<feature::cmf> {
 public:
  static constexpr bool positive_close = false, reads_high_low = true, reads_volume = true,
                        log_return = false;
  explicit feature_state(const feature::cmf& s)
      : w_(state_detail::window("cmf", "n", s.window)), flows_(w_), volumes_(w_) {}
  double push(const bar_step& step) noexcept {
    const bar& b = step.now;
    const double range = b.high - b.low;
    const double flow =
        range > 0.0 ? ((b.close - b.low) - (b.high - b.close)) / range * b.volume : 0.0;
    flow_sum_.add(flow);
    volume_sum_.add(b.volume);
    nonzero_ += b.volume > 0.0;
    if (step.index >= w_) {
      // The batch recomputes bar t-w's flow from the same inputs: the stored value is equal.
      const double old_volume = volumes_.back(w_ - 1);
      flow_sum_.add(-flows_.back(w_ - 1));
      volume_sum_.add(-old_volume);
      nonzero_ -= old_volume > 0.0;
    }
    flows_.push(flow);
    volumes_.push(b.volume);
    if (step.index + 1 < w_) return state_detail::nan;
    const double v = volume_sum_.value();
    return nonzero_ > 0 && v > 0.0 ? std::clamp(flow_sum_.value() / v, -1.0, 1.0) : 0.0;
  }

 private:
  std::size_t w_;
  ring_buffer<double> flows_, volumes_;
  rolling::compensated_sum flow_sum_, volume_sum_;
  std::size_t nonzero_ = 0;
};

template <class Features>
class streaming_features;

/// Streaming feature rows of a feature list: holds one `feature_state` per spec (in column
/// order) and turns each new bar into that bar's feature row. Row t equals row t of
/// `compute_feature_matrix(features, bars[0..t])` bit for bit (NaN entries included).
///
/// Bad bars throw mtf::data_error before any state changes (so the stream can go on with the
/// next good bar): a timestamp not after the previous bar's, or a price/volume the batch
/// features would refuse (non-finite high/low/close, non-positive close when a feature divides
/// by it or takes its logarithm, negative or non-finite volume when a feature reads it). A
/// feature value that comes out infinite (prices so extreme that a ratio overflows) also throws
/// data_error, like compute_feature_matrix; that bar has then been consumed.
template <class... Specs>
class streaming_features<boost::hana::tuple<Specs...>> {
  static_assert(feature_detail::is_feature_list<boost::hana::tuple<Specs...>>,
                "streaming_features requires a boost::hana::tuple of mtf::feature specs");

 public:
  /// Number of features (columns).
  static constexpr std::size_t size = sizeof...(Specs);
  /// One feature row, column order of the feature list.
  using row = std::array<double, size>;

  /// States for every spec; throws programming_error for a bad window (as the batch features do).
  explicit streaming_features(const boost::hana::tuple<Specs...>& features)
      : states_(boost::hana::unpack(features,
                                    [](const auto&... spec) {
                                      return std::tuple<feature_state<Specs>...>(
                                          feature_state<Specs>(spec)...);
                                    })),
        names_(feature_names(features)) {}

  /// Consumes the next bar and writes its feature row (NaN entries during warm-up) to `out`.
  /// Returns true when every entry is finite, i.e. the row a model can score.
  bool push(const bar& b, std::span<double, size> out) {
    validate(b);
    const bool first = bars_seen_ == 0;
    double log_return = rolling::warm_up_nan;
    if constexpr (needs_log_return) {
      if (!first) log_return = std::log(b.close / previous_close_);
    }
    const bar_step step{b, bars_seen_, first ? 0.0 : previous_close_, log_return};
    bool complete = true;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((out[I] = std::get<I>(states_).push(step), complete = complete && !std::isnan(out[I])), ...);
    }
    (std::make_index_sequence<size>{});
    previous_close_ = b.close;
    previous_timestamp_ = b.timestamp;
    ++bars_seen_;
    for (std::size_t c = 0; c < size; ++c) {
      if (std::isinf(out[c]))
        indicator_detail::fail("streaming bar " + std::to_string(bars_seen_ - 1), names_[c],
                               "infinite value at timestamp " + std::to_string(b.timestamp));
    }
    return complete;
  }

  /// Consumes the next bar; its feature row once every feature is past its warm-up, else
  /// nullopt.
  std::optional<row> push(const bar& b) {
    row out;
    if (!push(b, std::span<double, size>(out))) return std::nullopt;
    return out;
  }

  /// Pushes every bar of `bars` (e.g. the history before going live); returns the last bar's
  /// row if it is complete.
  std::optional<row> seed(const bar_series& bars) {
    feature_detail::check_columns(bars);
    std::optional<row> last;
    for (std::size_t i = 0; i < bars.size(); ++i)
      last = push(bar_at(bars, i));
    return last;
  }

  /// Bars consumed so far.
  [[nodiscard]] std::size_t bars_seen() const noexcept { return bars_seen_; }
  /// Schema names, column order.
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }

 private:
  static constexpr bool needs_log_return = (feature_state<Specs>::log_return || ...);
  static constexpr bool needs_positive_close = (feature_state<Specs>::positive_close || ...);
  static constexpr bool reads_high_low = (feature_state<Specs>::reads_high_low || ...);
  static constexpr bool reads_volume = (feature_state<Specs>::reads_volume || ...);

  void validate(const bar& b) const {
    constexpr double max = std::numeric_limits<double>::max();
    auto fail = [&](const char* field, const std::string& what) {
      indicator_detail::fail("streaming bar " + std::to_string(bars_seen_), field,
                             what + " at timestamp " + std::to_string(b.timestamp));
    };
    if (bars_seen_ > 0 && b.timestamp <= previous_timestamp_)
      fail("timestamp", "not after the previous bar's " + std::to_string(previous_timestamp_));
    if constexpr (needs_positive_close) {
      if (!(b.close > 0.0 && b.close <= max))
        fail("close", "price must be finite and positive, got " + std::to_string(b.close));
    } else {
      if (!(std::abs(b.close) <= max)) fail("close", "non-finite value");
    }
    if constexpr (reads_high_low) {
      if (!(std::abs(b.high) <= max)) fail("high", "non-finite value");
      if (!(std::abs(b.low) <= max)) fail("low", "non-finite value");
    }
    if constexpr (reads_volume) {
      if (!(b.volume >= 0.0 && b.volume <= max))
        fail("volume", "volume must be finite and non-negative, got " + std::to_string(b.volume));
    }
  }

  std::tuple<feature_state<Specs>...> states_;
  std::vector<std::string> names_;
  double previous_close_ = 0.0;
  std::int64_t previous_timestamp_ = 0;
  std::size_t bars_seen_ = 0;
};

/// Streaming feature state for a feature list, e.g. `make_streaming_features(tf_5m::features)`.
template <class Features>
streaming_features<std::remove_cvref_t<Features>> make_streaming_features(
    const Features& features) {
  return streaming_features<std::remove_cvref_t<Features>>(features);
}

}  // namespace mtf::streaming
