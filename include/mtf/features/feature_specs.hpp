#pragma once
/// \file The feature catalogue: one small literal type per scale-free feature (SPEC §5).
/// A policy lists values of these types in a Boost.Hana tuple; `features/feature_matrix.hpp`
/// computes them. Every spec has a stable schema name (`name(spec)`), which is part of the
/// artifact: renaming one invalidates every promoted model, so names never change.
/// Windows are in bars of the policy's timeframe.

namespace mtf::feature {

/// ln(close[t] / close[t-bars]): the plain past return.            name `log_return_<bars>`
struct log_return {
  int bars;
};
/// close / SMA(close, window) - 1.                                   name `sma_ratio_<window>`
struct sma_ratio {
  int window;
};
/// close / EMA(close, window) - 1.                                   name `ema_ratio_<window>`
struct ema_ratio {
  int window;
};
/// Wilder RSI / 100, in [0, 1].                                      name `rsi_<window>`
struct rsi {
  int window;
};
/// Wilder ATR / close.                                               name `atr_ratio_<window>`
struct atr_ratio {
  int window;
};
/// Bollinger %B = (close - lower) / (upper - lower), k population stds.  `bb_percent_b_<window>`
struct bollinger_percent_b {
  int window;
  double k = 2.0;
};
/// Bollinger band width (upper - lower) / middle.                    name `bb_width_<window>`
struct bollinger_width {
  int window;
  double k = 2.0;
};
/// MACD histogram / close.                                  name `macd_hist_<fast>_<slow>_<signal>`
struct macd_histogram {
  int fast;
  int slow;
  int signal;
};
/// Rate of change close[t] / close[t-window] - 1.                    name `roc_<window>`
struct roc {
  int window;
};
/// Momentum close[t] - close[t-window], in units of Wilder ATR(atr_window).
///                                                                   name `momentum_atr_<window>`
struct momentum_atr {
  int window;
  int atr_window;
};
/// Sample std of one-bar log returns over window bars.              name `realized_vol_<window>`
struct realized_vol {
  int window;
};
/// realized_vol(fast) / realized_vol(slow): volatility regime.      name `vol_ratio_<fast>_<slow>`
struct vol_ratio {
  int fast;
  int slow;
};
/// (close - SMA) / population std of close over window.              name `zscore_<window>`
struct zscore {
  int window;
};
/// Stochastic %K / 100 (smoothed by `smooth` bars when smooth > 1).  name `stoch_k_<window>`
struct stochastic_k {
  int window;
  int smooth = 1;
};
/// Stochastic %D / 100 (SMA(%K, d_window)).                          name `stoch_d_<window>`
struct stochastic_d {
  int window;
  int d_window = 3;
};
/// Williams %R / 100, in [-1, 0].                                    name `williams_r_<window>`
struct williams_r {
  int window;
};
/// Wilder ADX / 100.                                                 name `adx_<window>`
struct adx {
  int window;
};
/// (+DI - -DI) / 100: signed trend direction.                        name `di_spread_<window>`
struct di_spread {
  int window;
};
/// (OBV[t] - OBV[t-window]) / sum of volume over the window, in [-1, 1].  name `obv_flow_<window>`
struct obv_flow {
  int window;
};
/// volume / SMA(volume, window).                                     name `volume_ratio_<window>`
struct volume_ratio {
  int window;
};
/// CCI / 100 (Lambert's 0.015 constant).                             name `cci_<window>`
struct cci {
  int window;
};
/// Chaikin money flow, in [-1, 1].                                   name `cmf_<window>`
struct cmf {
  int window;
};

}  // namespace mtf::feature
