#pragma once
/// \file Schema name and values of every feature spec of `feature_specs.hpp` (SPEC §5): the
/// scale-free transforms the models see. For each spec type X:
///   std::string feature_name(const feature::X&)                     -- stable schema name
///   std::vector<double> compute_feature(const feature::X&, const bar_series&)
/// Values have one entry per bar, NaN during the feature's warm-up (stated per overload) and
/// are finite afterwards. Bad windows or prices throw mtf::data_error (see indicators.hpp).
/// `FeatureSpec` is the concept a type must meet to appear in a policy's feature list.

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mtf/features/feature_specs.hpp"
#include "mtf/features/indicators.hpp"
#include "mtf/intake/bar_series.hpp"

namespace mtf {

namespace feature_detail {
inline constexpr double nan = rolling::warm_up_nan;
inline std::span<const double> span_of(const std::vector<double>& v) {
  return {v.data(), v.size()};
}
inline std::string name_with(const char* prefix, int a) {
  return prefix + std::to_string(a);
}
inline std::string name_with(const char* prefix, int a, int b) {
  return prefix + std::to_string(a) + "_" + std::to_string(b);
}
}  // namespace feature_detail

/// Intermediate series that several features share, computed on first use: today the one-bar
/// log returns, which log_return, realized_vol and vol_ratio all need (a feature matrix with
/// three log returns and two volatilities takes one pass of logarithms instead of five).
/// Features computed through a cache are bit-identical to compute_feature(spec, bars).
class feature_cache {
 public:
  explicit feature_cache(const bar_series& bars) : bars_(&bars) {}
  /// The series the cache belongs to.
  [[nodiscard]] const bar_series& bars() const noexcept { return *bars_; }
  /// r[i] = ln(close[i+1] / close[i]) for i = 0..n-2; throws data_error on a non-positive close.
  std::span<const double> one_bar_log_returns(std::string_view feature) {
    if (!has_returns_) {
      indicator_detail::check_positive(feature, "close", feature_detail::span_of(bars_->close));
      returns_ = indicator_detail::one_bar_log_returns(bars_->close);
      has_returns_ = true;
    }
    return {returns_.data(), returns_.size()};
  }

 private:
  const bar_series* bars_;
  std::vector<double> returns_;
  bool has_returns_ = false;
};

// ---- returns and trend ---------------------------------------------------------------------

/// `log_return_<bars>`.
inline std::string feature_name(const feature::log_return& s) {
  return feature_detail::name_with("log_return_", s.bars);
}
namespace feature_detail {
/// log_return from one-bar log returns: the sum of the last `bars` of them (= ln(close_t /
/// close_{t-bars}) up to rounding; a compensated rolling sum, exact for bars = 1).
inline std::vector<double> compute_cached(const feature::log_return& s, feature_cache& cache) {
  const auto w = indicator_detail::checked_window("log_return", "bars", s.bars);
  const auto r = cache.one_bar_log_returns("log_return");
  std::vector<double> out(cache.bars().size(), nan);
  if (w == 1) {
    for (std::size_t i = 0; i < r.size(); ++i)
      out[i + 1] = r[i];
  } else {
    rolling::for_each_window_sum(r, w, [&](std::size_t i, double sum) { out[i + 1] = sum; });
  }
  return out;
}
}  // namespace feature_detail

/// ln(close_t / close_{t-bars}), computed as the sum of the last `bars` one-bar log returns
/// (shared with the volatility features); first value at index `bars`. Requires positive
/// closes.
inline std::vector<double> compute_feature(const feature::log_return& s, const bar_series& bars) {
  feature_cache cache(bars);
  return feature_detail::compute_cached(s, cache);
}

/// `sma_ratio_<window>`.
inline std::string feature_name(const feature::sma_ratio& s) {
  return feature_detail::name_with("sma_ratio_", s.window);
}
/// close / SMA(close, window) - 1; first value at index window-1. Requires positive closes.
inline std::vector<double> compute_feature(const feature::sma_ratio& s, const bar_series& bars) {
  indicator_detail::check_positive("sma_ratio", "close", feature_detail::span_of(bars.close));
  auto out = sma(bars.close, s.window);
  for (std::size_t t = 0; t < out.size(); ++t)
    out[t] = bars.close[t] / out[t] - 1.0;
  return out;  // NaN stays NaN through the division
}

/// `ema_ratio_<window>`.
inline std::string feature_name(const feature::ema_ratio& s) {
  return feature_detail::name_with("ema_ratio_", s.window);
}
/// close / EMA(close, window) - 1; first value at index window-1. Requires positive closes.
inline std::vector<double> compute_feature(const feature::ema_ratio& s, const bar_series& bars) {
  indicator_detail::check_positive("ema_ratio", "close", feature_detail::span_of(bars.close));
  auto out = ema(bars.close, s.window);
  for (std::size_t t = 0; t < out.size(); ++t)
    out[t] = bars.close[t] / out[t] - 1.0;
  return out;
}

/// `rsi_<window>`.
inline std::string feature_name(const feature::rsi& s) {
  return feature_detail::name_with("rsi_", s.window);
}
/// Wilder RSI / 100 in [0, 1] (0.5 without any movement); first value at index window.
inline std::vector<double> compute_feature(const feature::rsi& s, const bar_series& bars) {
  auto out = rsi(bars.close, s.window);
  for (double& v : out)
    v /= 100.0;
  return out;
}

/// `atr_ratio_<window>`.
inline std::string feature_name(const feature::atr_ratio& s) {
  return feature_detail::name_with("atr_ratio_", s.window);
}
/// Wilder ATR / close (typical range as a fraction of price); first value at index window-1.
/// Requires positive closes.
inline std::vector<double> compute_feature(const feature::atr_ratio& s, const bar_series& bars) {
  indicator_detail::check_positive("atr_ratio", "close", feature_detail::span_of(bars.close));
  auto out = atr(bars.high, bars.low, bars.close, s.window);
  for (std::size_t t = 0; t < out.size(); ++t)
    out[t] /= bars.close[t];
  return out;
}

// ---- bands and oscillators -----------------------------------------------------------------

/// `bb_percent_b_<window>` (k is not part of the name).
inline std::string feature_name(const feature::bollinger_percent_b& s) {
  return feature_detail::name_with("bb_percent_b_", s.window);
}
/// Bollinger %B with k population stds (0.5 in a flat window); first value at index window-1.
inline std::vector<double> compute_feature(const feature::bollinger_percent_b& s,
                                           const bar_series& bars) {
  return bollinger(bars.close, s.window, s.k).percent_b;
}

/// `bb_width_<window>` (k is not part of the name).
inline std::string feature_name(const feature::bollinger_width& s) {
  return feature_detail::name_with("bb_width_", s.window);
}
/// Bollinger width (upper - lower) / middle = 2 k std / SMA (0 in a flat window); first value at
/// index window-1. Requires positive closes.
inline std::vector<double> compute_feature(const feature::bollinger_width& s,
                                           const bar_series& bars) {
  indicator_detail::check_positive("bollinger_width", "close", feature_detail::span_of(bars.close));
  auto bands = bollinger(bars.close, s.window, s.k);
  for (std::size_t t = 0; t < bands.middle.size(); ++t) {
    bands.middle[t] = (bands.upper[t] - bands.lower[t]) / bands.middle[t];
  }
  return std::move(bands.middle);
}

/// `macd_hist_<fast>_<slow>_<signal>`.
inline std::string feature_name(const feature::macd_histogram& s) {
  return "macd_hist_" + std::to_string(s.fast) + "_" + std::to_string(s.slow) + "_" +
         std::to_string(s.signal);
}
/// MACD histogram / close; first value at index slow + signal - 2. Requires positive closes.
inline std::vector<double> compute_feature(const feature::macd_histogram& s,
                                           const bar_series& bars) {
  indicator_detail::check_positive("macd_histogram", "close", feature_detail::span_of(bars.close));
  auto lines = macd(bars.close, s.fast, s.slow, s.signal);
  for (std::size_t t = 0; t < lines.histogram.size(); ++t)
    lines.histogram[t] /= bars.close[t];
  return std::move(lines.histogram);
}

/// `roc_<window>`.
inline std::string feature_name(const feature::roc& s) {
  return feature_detail::name_with("roc_", s.window);
}
/// close_t / close_{t-window} - 1 (fraction); first value at index window.
inline std::vector<double> compute_feature(const feature::roc& s, const bar_series& bars) {
  return roc(bars.close, s.window);
}

/// `momentum_atr_<window>` (atr_window is not part of the name).
inline std::string feature_name(const feature::momentum_atr& s) {
  return feature_detail::name_with("momentum_atr_", s.window);
}
/// (close_t - close_{t-window}) / ATR(atr_window): the move in typical bar ranges (0 while the
/// ATR is 0). First value at index max(window, atr_window - 1).
inline std::vector<double> compute_feature(const feature::momentum_atr& s, const bar_series& bars) {
  auto out = momentum(bars.close, s.window);
  const auto range = atr(bars.high, bars.low, bars.close, s.atr_window);
  for (std::size_t t = 0; t < out.size(); ++t) {
    if (std::isnan(out[t]) || std::isnan(range[t])) {
      out[t] = feature_detail::nan;
    } else {
      out[t] = range[t] > 0.0 ? out[t] / range[t] : 0.0;
    }
  }
  return out;
}

// ---- volatility ----------------------------------------------------------------------------

/// `realized_vol_<window>`.
inline std::string feature_name(const feature::realized_vol& s) {
  return feature_detail::name_with("realized_vol_", s.window);
}
namespace feature_detail {
inline std::vector<double> compute_cached(const feature::realized_vol& s, feature_cache& cache) {
  const auto w = indicator_detail::checked_window("realized_vol", "window", s.window, 2);
  return indicator_detail::realized_vol_from_returns(cache.one_bar_log_returns("realized_vol"),
                                                     cache.bars().size(), w);
}
}  // namespace feature_detail

/// Sample std of the last `window` one-bar log returns (per bar, = mtf::realized_vol); first
/// value at index window.
inline std::vector<double> compute_feature(const feature::realized_vol& s, const bar_series& bars) {
  feature_cache cache(bars);
  return feature_detail::compute_cached(s, cache);
}

/// `vol_ratio_<fast>_<slow>`.
inline std::string feature_name(const feature::vol_ratio& s) {
  return feature_detail::name_with("vol_ratio_", s.fast, s.slow);
}
namespace feature_detail {
inline std::vector<double> compute_cached(const feature::vol_ratio& s, feature_cache& cache) {
  const auto fast_w = indicator_detail::checked_window("vol_ratio", "fast", s.fast, 2);
  const auto slow_w = indicator_detail::checked_window("vol_ratio", "slow", s.slow, 2);
  const auto r = cache.one_bar_log_returns("vol_ratio");
  const std::size_t size = cache.bars().size();
  auto out = indicator_detail::realized_vol_from_returns(r, size, fast_w);
  const auto slow = indicator_detail::realized_vol_from_returns(r, size, slow_w);
  for (std::size_t t = 0; t < size; ++t) {
    if (std::isnan(out[t]) || std::isnan(slow[t])) {
      out[t] = nan;
    } else {
      out[t] = slow[t] > 0.0 ? out[t] / slow[t] : 1.0;
    }
  }
  return out;
}
}  // namespace feature_detail

/// realized_vol(fast) / realized_vol(slow); 1 when the slow volatility is 0 (then every return
/// in the slow window is equal). First value at index max(fast, slow).
inline std::vector<double> compute_feature(const feature::vol_ratio& s, const bar_series& bars) {
  feature_cache cache(bars);
  return feature_detail::compute_cached(s, cache);
}

/// `zscore_<window>`.
inline std::string feature_name(const feature::zscore& s) {
  return feature_detail::name_with("zscore_", s.window);
}
/// (close - SMA) / population std over window closes (0 in a flat window); first value at index
/// window-1.
inline std::vector<double> compute_feature(const feature::zscore& s, const bar_series& bars) {
  return zscore(bars.close, s.window);
}

// ---- range position ------------------------------------------------------------------------

/// `stoch_k_<window>` (smooth is not part of the name).
inline std::string feature_name(const feature::stochastic_k& s) {
  return feature_detail::name_with("stoch_k_", s.window);
}
/// Stochastic %K / 100 in [0, 1], smoothed over `smooth` bars when smooth > 1; first value at
/// index window + smooth - 2.
inline std::vector<double> compute_feature(const feature::stochastic_k& s, const bar_series& bars) {
  // %K alone: the same steps as mtf::stochastic without computing a %D nobody reads.
  const auto w = indicator_detail::checked_window("stochastic_k", "window", s.window);
  const auto smooth = indicator_detail::checked_window("stochastic_k", "smooth", s.smooth);
  indicator_detail::check_hlc("stochastic_k", bars.high, bars.low, bars.close);
  auto out = indicator_detail::range_position(bars.high, bars.low, bars.close, w);
  if (smooth > 1) out = indicator_detail::sma_from(out, w - 1, smooth);
  for (double& v : out)
    v /= 100.0;
  return out;
}

/// `stoch_d_<window>` (d_window is not part of the name).
inline std::string feature_name(const feature::stochastic_d& s) {
  return feature_detail::name_with("stoch_d_", s.window);
}
/// Stochastic %D / 100 = SMA(fast %K, d_window) / 100; first value at index
/// window + d_window - 2.
inline std::vector<double> compute_feature(const feature::stochastic_d& s, const bar_series& bars) {
  auto out = stochastic(bars.high, bars.low, bars.close, s.window, 1, s.d_window).d;
  for (double& v : out)
    v /= 100.0;
  return out;
}

/// `williams_r_<window>`.
inline std::string feature_name(const feature::williams_r& s) {
  return feature_detail::name_with("williams_r_", s.window);
}
/// Williams %R / 100 in [-1, 0]; first value at index window-1.
inline std::vector<double> compute_feature(const feature::williams_r& s, const bar_series& bars) {
  auto out = williams_r(bars.high, bars.low, bars.close, s.window);
  for (double& v : out)
    v /= 100.0;
  return out;
}

// ---- trend strength ------------------------------------------------------------------------

/// `adx_<window>`.
inline std::string feature_name(const feature::adx& s) {
  return feature_detail::name_with("adx_", s.window);
}
/// Wilder ADX / 100 in [0, 1]; first value at index 2 window - 1.
inline std::vector<double> compute_feature(const feature::adx& s, const bar_series& bars) {
  auto out = adx(bars.high, bars.low, bars.close, s.window).adx;
  for (double& v : out)
    v /= 100.0;
  return out;
}

/// `di_spread_<window>`.
inline std::string feature_name(const feature::di_spread& s) {
  return feature_detail::name_with("di_spread_", s.window);
}
/// (+DI - -DI) / 100 in [-1, 1]; first value at index window.
inline std::vector<double> compute_feature(const feature::di_spread& s, const bar_series& bars) {
  auto lines = adx(bars.high, bars.low, bars.close, s.window);
  for (std::size_t t = 0; t < lines.plus_di.size(); ++t) {
    lines.plus_di[t] = (lines.plus_di[t] - lines.minus_di[t]) / 100.0;
  }
  return std::move(lines.plus_di);
}

// ---- volume --------------------------------------------------------------------------------

/// `obv_flow_<window>`.
inline std::string feature_name(const feature::obv_flow& s) {
  return feature_detail::name_with("obv_flow_", s.window);
}
/// (OBV_t - OBV_{t-window}) / (volume summed over bars t-window+1..t), in [-1, 1]: the share of
/// the window's volume traded on up-closes minus on down-closes. Computed from rolling sums of
/// signed volume (not by differencing the cumulative OBV, which would lose digits on long
/// series). 0 when the window's volume is zero. First value at index window.
inline std::vector<double> compute_feature(const feature::obv_flow& s, const bar_series& bars) {
  const auto w = indicator_detail::checked_window("obv_flow", "window", s.window);
  const auto close = feature_detail::span_of(bars.close);
  const auto volume = feature_detail::span_of(bars.volume);
  indicator_detail::check_same_length("obv_flow", close.size(), "volume", volume.size());
  indicator_detail::check_finite("obv_flow", "close", close);
  indicator_detail::check_volume("obv_flow", volume);
  std::vector<double> out(close.size(), feature_detail::nan);
  auto signed_volume = [&](std::size_t t) {
    return close[t] > close[t - 1] ? volume[t] : (close[t] < close[t - 1] ? -volume[t] : 0.0);
  };
  rolling::compensated_sum flow, total;
  std::size_t nonzero = 0;
  for (std::size_t t = 1; t < close.size(); ++t) {
    flow.add(signed_volume(t));
    total.add(volume[t]);
    nonzero += volume[t] > 0.0;
    if (t > w) {
      flow.add(-signed_volume(t - w));
      total.add(-volume[t - w]);
      nonzero -= volume[t - w] > 0.0;
    }
    if (t >= w) {
      const double v = total.value();
      out[t] = nonzero > 0 && v > 0.0 ? std::clamp(flow.value() / v, -1.0, 1.0) : 0.0;
    }
  }
  return out;
}

/// `volume_ratio_<window>`.
inline std::string feature_name(const feature::volume_ratio& s) {
  return feature_detail::name_with("volume_ratio_", s.window);
}
/// volume / SMA(volume, window) (1 in a zero-volume window); first value at index window-1.
inline std::vector<double> compute_feature(const feature::volume_ratio& s, const bar_series& bars) {
  return volume_ratio(bars.volume, s.window);
}

/// `cci_<window>`.
inline std::string feature_name(const feature::cci& s) {
  return feature_detail::name_with("cci_", s.window);
}
/// CCI / 100 (0 in a flat window); first value at index window-1.
inline std::vector<double> compute_feature(const feature::cci& s, const bar_series& bars) {
  auto out = cci(bars.high, bars.low, bars.close, s.window);
  for (double& v : out)
    v /= 100.0;
  return out;
}

/// `cmf_<window>`.
inline std::string feature_name(const feature::cmf& s) {
  return feature_detail::name_with("cmf_", s.window);
}
/// Chaikin money flow in [-1, 1] (0 in a zero-volume window); first value at index window-1.
inline std::vector<double> compute_feature(const feature::cmf& s, const bar_series& bars) {
  return cmf(bars.high, bars.low, bars.close, bars.volume, s.window);
}

namespace feature_detail {
/// Default for specs without shared intermediates: compute_feature(spec, bars). Defined after
/// every overload so that ordinary lookup sees them all (ADL covers vendor-defined specs).
template <class Spec>
std::vector<double> compute_cached(const Spec& spec, feature_cache& cache) {
  return compute_feature(spec, cache.bars());
}
}  // namespace feature_detail

/// A type usable in a policy's feature list: it has a schema name and per-bar values. The
/// catalogue types above model it; a vendoring project can add its own spec type by providing
/// both functions in the type's namespace (found by argument-dependent lookup).
template <class Spec>
concept FeatureSpec = requires(const Spec& spec, const bar_series& bars) {
  { feature_name(spec) } -> std::convertible_to<std::string>;
  { compute_feature(spec, bars) } -> std::same_as<std::vector<double>>;
};

}  // namespace mtf
