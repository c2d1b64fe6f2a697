// expect: momentum_windows must be exactly the bars of the feature list's log_return features
// A feature list written out by hand that drops one of the declared momentum windows.
#include "timeframes/tf_24h.hpp"
struct bad_policy : mtf::timeframes::tf_24h {
  static constexpr auto features = mtf::feature::list(
      mtf::feature::log_return{5}, mtf::feature::each<mtf::feature::sma_ratio>(ma_windows),
      mtf::feature::rsi{rsi_window}, mtf::feature::realized_vol{20},
      mtf::feature::macd_histogram{12, 26, 9}, mtf::feature::zscore{50}, mtf::feature::zscore{20});
};
static_assert(mtf::TimeframePolicy<bad_policy>);
