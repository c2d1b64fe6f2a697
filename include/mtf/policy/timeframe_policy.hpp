#pragma once
/// \file The `mtf::TimeframePolicy` concept: what a timeframe policy must provide, and the
/// consistency rules of SPEC §7 as static checks whose messages a reviewer understands.
/// Every generic entry point of mtf takes `template <TimeframePolicy P>`.

#include <array>
#include <boost/hana/length.hpp>
#include <boost/hana/tuple.hpp>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "mtf/backtest/backtest_spec.hpp"
#include "mtf/calibration/calibration_spec.hpp"
#include "mtf/core/described.hpp"
#include "mtf/features/feature_specs.hpp"
#include "mtf/intake/quality_spec.hpp"
#include "mtf/labels/labeler_specs.hpp"
#include "mtf/models/model_specs.hpp"
#include "mtf/split/split_spec.hpp"
#include "mtf/validation/drift_spec.hpp"
#include "mtf/validation/gate_table.hpp"

namespace mtf {

namespace policy_detail {
template <class T>
inline constexpr bool is_hana_tuple = false;
template <class... T>
inline constexpr bool is_hana_tuple<boost::hana::tuple<T...>> = true;

// Type concepts of MTF_POLICY_FIELDS, on the type of `P::member` (a const reference).
template <class T>
concept hana_tuple = is_hana_tuple<std::remove_cvref_t<T>>;
template <class T>
concept labeler = std::same_as<std::remove_cvref_t<T>, label::volatility_adaptive> ||
    std::same_as<std::remove_cvref_t<T>, label::regime>;
template <class T>
concept meta_model = std::same_as<std::remove_cvref_t<T>, model::logistic_regression> ||
    std::same_as<std::remove_cvref_t<T>, model::no_meta_model>;
template <class T>
inline constexpr bool is_int_array = false;
template <std::size_t N>
inline constexpr bool is_int_array<std::array<int, N>> = true;
template <class T>
concept window_array = is_int_array<std::remove_cvref_t<T>>;

constexpr double abs(double x) {
  return x < 0 ? -x : x;
}
constexpr bool in_unit(double x) {
  return x >= 0.0 && x <= 1.0;
}
constexpr bool valid_range(gates::share_range r) {
  return in_unit(r.min) && in_unit(r.max) && r.min <= r.max;
}
template <std::size_t N>
constexpr bool positive_increasing(const std::array<int, N>& w) {
  for (std::size_t i = 0; i < N; ++i) {
    if (w[i] <= 0 || (i > 0 && w[i] <= w[i - 1])) return false;
  }
  return true;
}
}  // namespace policy_detail

/// Every member a timeframe policy declares, with the requirement on its type:
/// `X(member, type concept)`. The one list from which both the concept's shape (below) and the
/// policy's description (policy/policy_description.hpp: the fingerprint stored in every
/// artifact, `policy --json`, docs/policies.md) follow, so a setting the pipeline may read is a
/// setting the fingerprint sees. See timeframes/tf_5m.hpp for a complete, commented example.
#define MTF_POLICY_FIELDS(X)                                   \
  X(name, std::convertible_to<std::string_view>)               \
  X(bar_seconds, std::convertible_to<std::int64_t>)            \
  X(history_days, std::convertible_to<int>)                    \
  X(min_bars, std::convertible_to<std::size_t>)                \
  X(retrain_every, std::convertible_to<int>)                   \
  X(horizon, std::convertible_to<int>)                         \
  X(ma_windows, policy_detail::window_array)                   \
  X(momentum_windows, policy_detail::window_array)             \
  X(rsi_window, std::convertible_to<int>)                      \
  X(vol_window, std::convertible_to<int>)                      \
  X(feature_count, std::convertible_to<std::size_t>)           \
  X(features, policy_detail::hana_tuple)                       \
  X(labeler, policy_detail::labeler)                           \
  X(class_targets, std::convertible_to<std::array<double, 3>>) \
  X(min_class_share, std::convertible_to<double>)              \
  X(base_models, policy_detail::hana_tuple)                    \
  X(meta_model, policy_detail::meta_model)                     \
  X(calibration, std::convertible_to<calibration::spec>)       \
  X(split, std::convertible_to<split::spec>)                   \
  X(gates, std::convertible_to<gates::table>)                  \
  X(trade_gate, std::convertible_to<gates::trade_gate>)        \
  X(tiers, std::convertible_to<gates::confidence_tiers>)       \
  X(data_quality, std::convertible_to<intake::quality_spec>)   \
  X(costs, std::convertible_to<backtest::cost_spec>)           \
  X(drift, std::convertible_to<validation::drift_spec>)        \
  X(max_model_age, std::convertible_to<std::chrono::seconds>)

/// Shape of a timeframe policy: every member of MTF_POLICY_FIELDS, with its type.
#define MTF_POLICY_FIELD_REQUIREMENT(member, ...) \
  { P::member } -> __VA_ARGS__;
template <class P>
concept TimeframePolicyShape = requires {
  MTF_POLICY_FIELDS(MTF_POLICY_FIELD_REQUIREMENT)
};
#undef MTF_POLICY_FIELD_REQUIREMENT

namespace policy_detail {
/// True when every member of MTF_POLICY_FIELDS has a complete description (core/described.hpp).
template <class P>
constexpr bool fields_described() {
#define MTF_POLICY_FIELD_DESCRIBABLE(member, ...) \
  describable<std::remove_cvref_t<decltype(P::member)>>()&&
  return MTF_POLICY_FIELDS(MTF_POLICY_FIELD_DESCRIBABLE) true;
#undef MTF_POLICY_FIELD_DESCRIBABLE
}
}  // namespace policy_detail

/// Bars in one UTC day for the policy's bar length.
template <class P>
constexpr double bars_per_day() {
  return 86400.0 / static_cast<double>(P::bar_seconds);
}

/// Highest value the policy's activity metric can reach: a model can never trade more often
/// than one position per horizon, nor change its mind more often than once per bar.
template <class P>
constexpr double max_achievable_activity() {
  switch (P::gates.activity.metric) {
    case gates::activity_metric::backtest_trades_per_day:
      return bars_per_day<P>() / P::horizon;
    case gates::activity_metric::eligible_signals_per_day:
      return bars_per_day<P>();
    case gates::activity_metric::regime_changes_per_week:
      return bars_per_day<P>() * 7.0;
    case gates::activity_metric::direction_changes_per_month:
      return bars_per_day<P>() * 30.0;
  }
  return 0.0;
}

/// The consistency rules of SPEC §7. Instantiating this for a policy runs every check; each
/// failure is a compile error with the sentence below.
template <TimeframePolicyShape P>
struct policy_checks {
  static_assert(policy_detail::fields_described<P>(),
                "policy error: every value a policy holds must be described, so that the policy "
                "fingerprint and dump see every setting: a struct needs MTF_DESCRIBE(type, "
                "members...) naming all its members, an enum an enum_name overload "
                "(mtf/core/described.hpp)");
  static constexpr auto t = P::class_targets;
  static_assert(t[0] > 0 && t[0] < 1 && t[1] > 0 && t[1] < 1 && t[2] > 0 && t[2] < 1,
                "policy error: every class target share (down, neutral, up) must lie strictly "
                "between 0 and 1");
  static_assert(policy_detail::abs(t[0] + t[1] + t[2] - 1.0) < 1e-9,
                "policy error: class target shares (down, neutral, up) must sum to 1");
  static_assert(P::min_class_share > 0 && P::min_class_share < t[0] && P::min_class_share < t[1] &&
                    P::min_class_share < t[2],
                "policy error: min_class_share must be positive and below every class target");
  static_assert(P::horizon >= 1, "policy error: horizon must be at least 1 bar");
  static_assert(P::bar_seconds > 0 && 86400 % P::bar_seconds == 0,
                "policy error: bar_seconds must be positive and divide a day");
  static_assert(policy_detail::positive_increasing(P::ma_windows),
                "policy error: ma_windows must be positive and strictly increasing");
  static_assert(policy_detail::positive_increasing(P::momentum_windows),
                "policy error: momentum_windows must be positive and strictly increasing");
  static_assert(P::rsi_window > 0 && P::vol_window > 1,
                "policy error: rsi_window must be positive and vol_window at least 2");
  // The windows are the reviewed numbers: they must be what the features use (a window field
  // the feature list ignores would be printed and fingerprinted but change nothing).
  static_assert(feature::windows_match<feature::log_return>(P::features, P::momentum_windows),
                "policy error: momentum_windows must be exactly the bars of the feature list's "
                "log_return features, in order (write them as "
                "feature::each<feature::log_return>(momentum_windows))");
  static_assert(feature::windows_match<feature::sma_ratio>(P::features, P::ma_windows),
                "policy error: ma_windows must be exactly the windows of the feature list's "
                "sma_ratio features, in order (write them as "
                "feature::each<feature::sma_ratio>(ma_windows))");
  static_assert(feature::windows_match<feature::rsi>(P::features, std::array{P::rsi_window}),
                "policy error: the feature list must hold exactly one rsi feature, "
                "feature::rsi{rsi_window}");
  static_assert(decltype(boost::hana::length(P::features))::value == P::feature_count,
                "policy error: the feature list does not have feature_count entries");
  static_assert(decltype(boost::hana::length(P::base_models))::value >= 1,
                "policy error: the model mix needs at least one base model");
  static_assert(
      decltype(boost::hana::length(P::base_models))::value < 2 ||
          !std::is_same_v<std::remove_cvref_t<decltype(P::meta_model)>, model::no_meta_model>,
      "policy error: two or more base models need a meta-model to stack them");
  static constexpr gates::table g = P::gates;
  static_assert(policy_detail::valid_range(g.up_share) &&
                    policy_detail::valid_range(g.down_share) &&
                    policy_detail::valid_range(g.neutral_share),
                "policy error: predicted-share gate ranges must be non-empty (min <= max) and "
                "inside [0, 1]");
  static_assert(g.up_share.min + g.down_share.min + g.neutral_share.min <= 1.0 + 1e-12 &&
                    g.up_share.max + g.down_share.max + g.neutral_share.max >= 1.0 - 1e-12,
                "policy error: no mix of predicted shares can satisfy the up, down and neutral "
                "gates at once (the minimums sum above 1 or the maximums below 1)");
  static_assert(g.neutral_share.min <= 1.0 - g.non_neutral_min + 1e-12,
                "policy error: the neutral-share range cannot be met together with the "
                "non-neutral gate (neutral_share.min > 1 - non_neutral_min)");
  static_assert(policy_detail::in_unit(g.non_neutral_min) &&
                    policy_detail::in_unit(g.confidence_mean_min) &&
                    policy_detail::in_unit(g.alpha_mean_min) &&
                    policy_detail::in_unit(g.confidence_share.threshold) &&
                    policy_detail::in_unit(g.confidence_share.min_share),
                "policy error: share and probability gates must lie inside [0, 1]");
  static_assert(g.activity.min >= 0 && g.activity.min <= g.activity.max,
                "policy error: the activity gate range must be non-empty and non-negative");
  static_assert(g.activity.min <= max_achievable_activity<P>(),
                "policy error: the activity gate's lower bound is unreachable for this bar length "
                "and horizon (e.g. trades/day can be at most bars per day / horizon)");
  static_assert(policy_detail::in_unit(P::trade_gate.conf_min) &&
                    policy_detail::in_unit(P::trade_gate.alpha_min),
                "policy error: trade gate conf_min and alpha_min must lie inside [0, 1]");
  static_assert(P::tiers.low <= P::tiers.medium && P::tiers.medium <= P::tiers.high,
                "policy error: confidence tiers must be non-decreasing (low <= medium <= high)");
  static_assert(P::split.train > 0 && P::split.calibration > 0 && P::split.test > 0 &&
                    policy_detail::abs(P::split.train + P::split.calibration + P::split.test -
                                       1.0) < 1e-9,
                "policy error: train, calibration and test shares must be positive and sum to 1");
  static_assert(P::split.folds >= 2, "policy error: out-of-fold stacking needs at least 2 folds");
  static_assert(P::split.embargo_bars.value_or(0) >= 0,
                "policy error: split.embargo_bars must not be negative (leave it unset for the "
                "default embargo of one horizon)");
  static_assert(P::retrain_every >= 1 && P::retrain_every <= P::history_days,
                "policy error: retrain_every (days between retrains) must be at least 1 and at "
                "most history_days");
  static_assert(static_cast<std::int64_t>(P::history_days) * 86'400 / P::bar_seconds >=
                    static_cast<std::int64_t>(P::min_bars),
                "policy error: history_days is too short to hold min_bars bars: every retrain "
                "would be refused as too short");
  static_assert(P::min_bars > static_cast<std::size_t>(P::horizon) * 20,
                "policy error: min_bars is too small to hold three segments and their purges");
  static constexpr validation::drift_spec d = P::drift;
  static_assert(d.psi_plan > 0 && d.psi_plan <= d.psi_retrain,
                "policy error: drift psi_plan must be positive and at most psi_retrain (PLAN "
                "RETRAIN must come before RETRAIN NOW)");
  static_assert(d.accuracy_drop_plan > 0 && d.accuracy_drop_plan <= d.accuracy_drop_retrain &&
                    d.accuracy_drop_retrain < 1 && d.ece_rise_retrain > 0 && d.ece_rise_retrain < 1,
                "policy error: drift accuracy drops must satisfy 0 < plan <= retrain < 1 and the "
                "ECE rise must lie in (0, 1)");
  static_assert(std::chrono::seconds(P::max_model_age) >= std::chrono::seconds(P::bar_seconds),
                "policy error: max_model_age must be at least one bar (a model is refused by "
                "predict once the newest bar is more than max_model_age past its training data)");
  static constexpr bool value = true;
};

/// A complete, self-consistent timeframe policy: has the shape and passes every check.
/// An inconsistent policy does not compile; the error names the broken rule.
template <class P>
concept TimeframePolicy = TimeframePolicyShape<P> && policy_checks<P>::value;

}  // namespace mtf
