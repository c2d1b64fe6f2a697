#pragma once
/// \file The compiled-in policy for people and machines: ordered rows for the `policy`
/// subcommand and docs/policies.md, and the canonical JSON description (policy/
/// policy_description.hpp) whose hash is the policy fingerprint stored in every artifact (a
/// model trained under a different policy is refused at load time).
///
/// The rows are laid out by hand for reading side by side; the specs inside them (features,
/// models, labeler) are written generically from their descriptions. tests/artifact/
/// policy_rows_test.cpp changes every setting of the description in turn and requires the rows
/// to change, so a setting the rows do not show fails a test.

#include <boost/hana/for_each.hpp>
#include <charconv>
#include <chrono>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mtf/core/described.hpp"
#include "mtf/policy/policy_description.hpp"
#include "mtf/policy/timeframe_policy.hpp"
#include "mtf/validation/gate_evaluation.hpp"

namespace mtf {

namespace policy_dump_detail {
/// Shortest text that reads back as the same double ("0.1", "25000", "0.632", "1e-06").
inline std::string num(double v) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}
template <class Array>
std::string join(const Array& values) {
  std::string out;
  for (const auto& v : values)
    out += (out.empty() ? "" : ", ") + num(static_cast<double>(v));
  return out;
}
inline std::string range(gates::share_range r) {
  return num(r.min) + "–" + num(r.max);
}
inline std::string at_least(double v) {
  return "≥ " + num(v);
}
inline std::string share_above(const gates::share_above& s) {
  return "≥ " + num(s.min_share) + " at " + num(s.threshold);
}
}  // namespace policy_dump_detail

/// A described value as one line of table text: numbers as their shortest round-trip text,
/// enums by name, an unset optional as "—", and a struct as `type(member=value, ...)` with its
/// unqualified type name (a struct without members as its name alone), e.g.
/// "random_forest(trees=200, max_depth=8, min_leaf=50, subsample=0.632, colsample_bynode=0.6)".
template <class T>
std::string setting_text(const T& value) {
  using namespace describe_detail;
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_integral_v<T>) {
    char buf[32];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, result.ptr);
  } else if constexpr (std::is_floating_point_v<T>) {
    return policy_dump_detail::num(value);
  } else if constexpr (std::is_enum_v<T>) {
    return std::string(enum_name(value));
  } else if constexpr (std::is_same_v<T, std::string_view> || std::is_same_v<T, std::string>) {
    return std::string(value);
  } else if constexpr (is_optional<T>) {
    return value ? setting_text(*value) : "—";
  } else if constexpr (is_std_array<T>) {
    std::string out;
    for (const auto& element : value)
      out += (out.empty() ? "" : ", ") + setting_text(element);
    return out;
  } else if constexpr (described_struct<T>) {
    const std::string_view qualified = description<T>::name;
    std::string out(qualified.substr(qualified.rfind(':') + 1));  // npos + 1 = 0: no namespace
    std::string members;
    for_each_member(value, [&](std::string_view name, const auto& member) {
      members += (members.empty() ? "" : ", ") + std::string(name) + "=" + setting_text(member);
    });
    return members.empty() ? out : out + "(" + members + ")";
  } else {
    static_assert(always_false<T>,
                  "setting_text(value) requires a described value with a table text");
    return {};
  }
}

/// The settings `v` as ordered (setting, value) rows: what `retrain_<tf> policy` prints. Every
/// policy yields the same keys in the same order, so policies can be shown side by side.
template <class P>
std::vector<std::pair<std::string, std::string>> policy_rows(const policy_values<P>& v) {
  using namespace policy_dump_detail;
  std::vector<std::pair<std::string, std::string>> rows;
  auto add = [&](std::string key, std::string value) {
    rows.emplace_back(std::move(key), std::move(value));
  };
  auto join_settings = [](const auto& tuple, const char* separator) {
    std::string out;
    boost::hana::for_each(tuple, [&](const auto& spec) {
      out += (out.empty() ? "" : separator) + setting_text(spec);
    });
    return out;
  };
  const gates::table& g = v.gates;
  add("timeframe", std::string(v.name));
  add("bar length (s)", setting_text(v.bar_seconds));
  add("history (days)", setting_text(v.history_days));
  add("retrain every (days)", setting_text(v.retrain_every));
  add("min bars", setting_text(v.min_bars));
  add("horizon (bars)", setting_text(v.horizon));
  add("MA windows", join(v.ma_windows));
  add("momentum windows", join(v.momentum_windows));
  add("RSI window", setting_text(v.rsi_window));
  add("volatility window", setting_text(v.vol_window));
  add("feature count", setting_text(v.feature_count));
  add("features", join_settings(v.features, ", "));
  add("labeler (unset k: solved on train)", setting_text(v.labeler));
  add("class targets (down/neutral/up)", join(v.class_targets));
  add("min class share", num(v.min_class_share));
  add("base models", join_settings(v.base_models, " + "));
  add("meta-model", setting_text(v.meta_model));
  add("calibration", setting_text(v.calibration.preferred) + " (temperature below " +
                         setting_text(v.calibration.min_isotonic_rows) +
                         " rows or when it loses a " + setting_text(v.calibration.check_folds) +
                         "-fold check, floor " + num(v.calibration.probability_floor) +
                         "; temperature's class biases held at the train prior by a " +
                         num(v.calibration.bias_prior_rows) + "-row prior)");
  add("split train/calibration/test",
      num(v.split.train) + " / " + num(v.split.calibration) + " / " + num(v.split.test));
  add("out-of-fold folds (purged on label ends)", setting_text(v.split.folds));
  add("out-of-fold embargo bars", setting_text(split::embargo_bars_or_horizon(v.split, v.horizon)) +
                                      (v.split.embargo_bars ? "" : " (the horizon)"));
  add("gate: predicted up share", range(g.up_share));
  add("gate: predicted down share", range(g.down_share));
  add("gate: predicted neutral share", range(g.neutral_share));
  add("gate: confidence mean", at_least(g.confidence_mean_min));
  add("gate: confidence median",
      g.confidence_median_min ? at_least(*g.confidence_median_min) : "—");
  add("gate: share with confidence ≥ c", share_above(g.confidence_share));
  add("gate: alpha mean", at_least(g.alpha_mean_min));
  add("gate: share with alpha ≥ a", g.alpha_share ? share_above(*g.alpha_share) : "—");
  add("gate: eligibility share", g.eligible_share_min ? at_least(*g.eligible_share_min) : "—");
  add("gate: non-neutral share", at_least(g.non_neutral_min));
  add("gate: activity", num(g.activity.min) + "–" + num(g.activity.max) + " " +
                            std::string(validation::activity_metric_name(g.activity.metric)));
  add("gate: confidence std (not constant)", at_least(g.confidence_std_min));
  add("gate: calibration held (log-loss tolerance)", num(g.calibration_tolerance));
  add("gate: backtest Sharpe after costs", "> " + num(g.sharpe_min));
  add("gate: max single-feature importance", num(g.max_feature_share));
  add("gate: skill", "test log loss < class-prior log loss");
  add("gate: out-of-sample rows to judge a model (evaluate, drift, champion/challenger)",
      "≥ " + setting_text(g.min_out_of_sample_rows));
  add("trade gate conf_min / alpha_min",
      num(v.trade_gate.conf_min) + " / " + num(v.trade_gate.alpha_min));
  add("confidence tiers",
      num(v.tiers.low) + " / " + num(v.tiers.medium) + " / " + num(v.tiers.high));
  add("max model age (days)",
      num(static_cast<double>(
              std::chrono::duration_cast<std::chrono::seconds>(v.max_model_age).count()) /
          86400.0));
  add("data quality: max gap share / jump / max jump share / max zero-volume share",
      num(v.data_quality.max_gap_share) + " / " + num(v.data_quality.jump_threshold) + " / " +
          num(v.data_quality.max_jump_share) + " / " + num(v.data_quality.max_zero_volume_share));
  add("drift: PSI for plan / retrain now",
      num(v.drift.psi_plan) + " / " + num(v.drift.psi_retrain));
  add("drift: accuracy fall for plan / retrain now",
      num(v.drift.accuracy_drop_plan) + " / " + num(v.drift.accuracy_drop_retrain));
  add("drift: ECE rise for retrain now", num(v.drift.ece_rise_retrain));
  add("costs per side (fee + slippage, bps)",
      num(v.costs.fee_bps) + " + " + num(v.costs.slippage_bps));
  return rows;
}

/// The policy P as ordered rows (see policy_rows(values)).
template <TimeframePolicy P>
std::vector<std::pair<std::string, std::string>> policy_rows() {
  return policy_rows(policy_values<P>{});
}

/// The policy's canonical description (policy_description<P>): what `policy --json` prints
/// and every run stores as policy.json. Its compact dump's SHA-256 is the policy fingerprint.
template <TimeframePolicy P>
nlohmann::json policy_json() {
  return policy_description<P>();
}

}  // namespace mtf
