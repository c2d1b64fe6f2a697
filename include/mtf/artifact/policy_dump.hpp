#pragma once
/// \file The compiled-in policy as data: ordered rows for the `policy` subcommand and
/// docs/policies.md, and a canonical JSON dump whose hash is the policy fingerprint stored in
/// every artifact (a model trained under a different policy is refused at load time).

#include <boost/hana/for_each.hpp>
#include <charconv>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "mtf/features/feature_matrix.hpp"
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
inline const char* calibration_name(calibration::method m) {
  switch (m) {
    case calibration::method::isotonic:
      return "isotonic";
    case calibration::method::sigmoid:
      return "sigmoid";
    case calibration::method::temperature:
      return "temperature";
  }
  return "?";
}
}  // namespace policy_dump_detail

/// One-line description of a model spec, e.g. "random_forest(trees=200, max_depth=8, ...)".
inline std::string describe(const model::random_forest& m) {
  using policy_dump_detail::num;
  return "random_forest(trees=" + num(m.trees) + ", max_depth=" + num(m.max_depth) +
         ", min_leaf=" + num(m.min_leaf) + ", subsample=" + num(m.subsample) +
         ", colsample_bynode=" + num(m.colsample_bynode) + ")";
}
inline std::string describe(const model::gradient_boosting& m) {
  using policy_dump_detail::num;
  std::string objective = m.objective == model::boosting_objective::softprob
                              ? "softprob"
                              : "focal(gamma=" + num(m.focal_gamma) + ")";
  return "gradient_boosting(rounds=" + num(m.rounds) + ", max_depth=" + num(m.max_depth) +
         ", eta=" + num(m.eta) + ", subsample=" + num(m.subsample) +
         ", colsample_bytree=" + num(m.colsample_bytree) + ", l1=" + num(m.l1) +
         ", l2=" + num(m.l2) + ", min_child_weight=" + num(m.min_child_weight) +
         ", early_stopping=" + num(m.early_stopping_rounds) + ", objective=" + objective + ")";
}
inline std::string describe(const model::logistic_regression& m) {
  return "logistic_regression(C=" + policy_dump_detail::num(m.C) + ")";
}
inline std::string describe(const model::no_meta_model&) {
  return "none";
}
inline std::string describe(const label::volatility_adaptive& l) {
  return "volatility_adaptive(vol_window=" + policy_dump_detail::num(l.vol_window) +
         ", k=" + (l.k ? policy_dump_detail::num(*l.k) : std::string("solved on train")) + ")";
}
inline std::string describe(const label::regime& l) {
  return "regime(vol_window=" + policy_dump_detail::num(l.vol_window) +
         ", er_min=" + policy_dump_detail::num(l.er_min) +
         ", k=" + (l.k ? policy_dump_detail::num(*l.k) : std::string("solved on train")) + ")";
}

/// The policy as ordered (setting, value) rows: what `retrain_<tf> policy` prints. Every
/// policy yields the same keys in the same order, so policies can be shown side by side.
template <TimeframePolicy P>
std::vector<std::pair<std::string, std::string>> policy_rows() {
  using namespace policy_dump_detail;
  std::vector<std::pair<std::string, std::string>> rows;
  auto add = [&](std::string key, std::string value) {
    rows.emplace_back(std::move(key), std::move(value));
  };
  const gates::table& g = P::gates;
  add("timeframe", std::string(P::name));
  add("bar length (s)", num(static_cast<double>(P::bar_seconds)));
  add("history (days)", num(P::history_days));
  add("retrain every (days)", num(P::retrain_every));
  add("min bars", num(static_cast<double>(P::min_bars)));
  add("horizon (bars)", num(P::horizon));
  add("MA windows", join(P::ma_windows));
  add("momentum windows", join(P::momentum_windows));
  add("RSI window", num(P::rsi_window));
  add("volatility window", num(P::vol_window));
  add("feature count", num(static_cast<double>(P::feature_count)));
  std::string names;
  for (const auto& n : feature_names(P::features))
    names += (names.empty() ? "" : ", ") + n;
  add("features", names);
  add("labeler", describe(P::labeler));
  add("class targets (down/neutral/up)", join(P::class_targets));
  add("min class share", num(P::min_class_share));
  std::string models;
  boost::hana::for_each(P::base_models, [&](const auto& m) {
    models += (models.empty() ? "" : " + ") + describe(m);
  });
  add("base models", models);
  add("meta-model", describe(P::meta_model));
  add("calibration", std::string(calibration_name(P::calibration.preferred)) +
                         " (temperature below " +
                         num(static_cast<double>(P::calibration.min_isotonic_rows)) +
                         " rows or when it loses a " + num(P::calibration.check_folds) +
                         "-fold check, floor " + num(P::calibration.probability_floor) +
                         "; temperature's class biases held at the train prior by a " +
                         num(P::calibration.bias_prior_rows) + "-row prior)");
  add("split train/calibration/test",
      num(P::split.train) + " / " + num(P::split.calibration) + " / " + num(P::split.test));
  add("out-of-fold folds (purged on label ends)", num(P::split.folds));
  add("out-of-fold embargo bars", num(split::embargo_bars_or_horizon(P::split, P::horizon)) +
                                      (P::split.embargo_bars ? "" : " (the horizon)"));
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
  add("trade gate conf_min / alpha_min",
      num(P::trade_gate.conf_min) + " / " + num(P::trade_gate.alpha_min));
  add("confidence tiers",
      num(P::tiers.low) + " / " + num(P::tiers.medium) + " / " + num(P::tiers.high));
  add("max model age (days)",
      num(static_cast<double>(
              std::chrono::duration_cast<std::chrono::seconds>(P::max_model_age).count()) /
          86400.0));
  add("data quality: max gap share / jump / max jump share / max zero-volume share",
      num(P::data_quality.max_gap_share) + " / " + num(P::data_quality.jump_threshold) + " / " +
          num(P::data_quality.max_jump_share) + " / " + num(P::data_quality.max_zero_volume_share));
  add("costs per side (fee + slippage, bps)",
      num(P::costs.fee_bps) + " + " + num(P::costs.slippage_bps));
  return rows;
}

/// Canonical JSON dump of the policy (keys in policy_rows order). Its content hash is the
/// policy fingerprint: any change of any policy value changes it.
template <TimeframePolicy P>
nlohmann::ordered_json policy_json() {
  nlohmann::ordered_json out;
  for (const auto& [key, value] : policy_rows<P>())
    out[key] = value;
  return out;
}

}  // namespace mtf
