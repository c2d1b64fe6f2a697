#pragma once
/// \file Drift (SPEC §9): the training distribution stored with a model (decile edges and
/// shares per feature), the population stability index of new data against it, and the verdict
/// under a policy's `validation::drift_spec`. `retrain_<tf> drift` measures; this decides.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/core/xtensor.hpp"
#include "mtf/validation/drift_spec.hpp"

namespace mtf::validation {

/// Training distribution of one feature: decile bin edges of the training rows and the share
/// of training rows in each bin (bins (-inf, e0], (e0, e1], ..., (e_last, inf)).
struct feature_reference {
  std::string name;
  std::vector<double> edges;   ///< inner edges, strictly increasing
  std::vector<double> shares;  ///< edges.size() + 1 shares summing to 1
};

/// Bin of `value` in a reference: the first bin whose upper edge is >= value.
inline std::size_t reference_bin(const feature_reference& ref, double value) {
  return static_cast<std::size_t>(std::lower_bound(ref.edges.begin(), ref.edges.end(), value) -
                                  ref.edges.begin());
}

/// The decile reference of one feature's training values (in any order: only their multiset
/// matters, so a distributed retrain builds it from the values its workers gathered). An edge
/// equal to the previous one is dropped, so a feature with few distinct values gets fewer,
/// non-empty bins.
inline feature_reference column_reference(const std::string& name, std::vector<double> column) {
  const std::size_t n = column.size();
  if (n == 0) throw training_error("drift reference: no training rows");
  std::sort(column.begin(), column.end());
  feature_reference ref{name, {}, {}};
  for (int q = 1; q < 10; ++q) {
    const double edge = column[std::min(n - 1, n * static_cast<std::size_t>(q) / 10)];
    if (ref.edges.empty() || edge > ref.edges.back()) ref.edges.push_back(edge);
  }
  std::vector<std::size_t> counts(ref.edges.size() + 1, 0);
  for (const double v : column)
    ++counts[reference_bin(ref, v)];
  for (const std::size_t b : counts)
    ref.shares.push_back(static_cast<double>(b) / static_cast<double>(n));
  return ref;
}

/// Decile references of every column of `x` (rows x names.size()), one per feature name.
inline std::vector<feature_reference> build_reference(const matrix& x,
                                                      const std::vector<std::string>& names) {
  std::vector<feature_reference> out;
  const std::size_t n = x.shape()[0];
  if (n == 0) throw training_error("drift reference: no training rows");
  for (std::size_t c = 0; c < names.size(); ++c) {
    std::vector<double> column(n);
    for (std::size_t i = 0; i < n; ++i)
      column[i] = x(i, c);
    out.push_back(column_reference(names[c], std::move(column)));
  }
  return out;
}

/// The references as training_reference.json: an array of {"name", "edges", "shares"}.
inline nlohmann::json reference_to_json(const std::vector<feature_reference>& reference) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : reference)
    out.push_back({{"name", r.name}, {"edges", r.edges}, {"shares", r.shares}});
  return out;
}

/// Reads training_reference.json, checking what the PSI computation relies on: finite, strictly
/// increasing edges; edges.size() + 1 finite, non-negative shares summing to 1 (within 1e-6).
/// Throws artifact_error naming the feature and the defect otherwise (a tampered reference must
/// not index past its bins).
inline std::vector<feature_reference> reference_from_json(const nlohmann::json& j) {
  const auto refuse = [](const std::string& why) -> std::vector<feature_reference> {
    throw artifact_error("training_reference.json: " + why);
  };
  if (!j.is_array()) return refuse("not a JSON array");
  std::vector<feature_reference> out;
  for (const auto& entry : j) {
    if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() ||
        !entry.contains("edges") || !entry["edges"].is_array() || !entry.contains("shares") ||
        !entry["shares"].is_array())
      return refuse("an entry lacks a string name and number arrays edges and shares");
    feature_reference ref;
    ref.name = entry["name"].get<std::string>();
    for (const auto* list : {&entry["edges"], &entry["shares"]})
      for (const auto& v : *list)
        if (!v.is_number()) return refuse(ref.name + ": edges and shares must be numbers");
    ref.edges = entry["edges"].get<std::vector<double>>();
    ref.shares = entry["shares"].get<std::vector<double>>();
    if (ref.shares.size() != ref.edges.size() + 1)
      return refuse(ref.name + ": " + std::to_string(ref.shares.size()) + " shares for " +
                    std::to_string(ref.edges.size()) + " edges (needs one more share than edges)");
    for (std::size_t i = 0; i < ref.edges.size(); ++i)
      if (!std::isfinite(ref.edges[i]) || (i > 0 && !(ref.edges[i] > ref.edges[i - 1])))
        return refuse(ref.name + ": edges must be finite and strictly increasing");
    double total = 0.0;
    for (const double s : ref.shares) {
      if (!std::isfinite(s) || s < 0.0) return refuse(ref.name + ": shares must be in [0, 1]");
      total += s;
    }
    if (std::abs(total - 1.0) > 1e-6) return refuse(ref.name + ": shares do not sum to 1");
    out.push_back(std::move(ref));
  }
  return out;
}

/// Population stability index of `values` against a reference:
/// PSI = sum over bins of (actual - expected) * ln(actual / expected), both shares floored at
/// 1e-4 so that an empty bin does not give infinity. 0 for identical distributions.
inline double population_stability_index(const feature_reference& ref,
                                         std::span<const double> values) {
  if (values.empty())
    throw programming_error("population_stability_index", "values", "no values to compare");
  std::vector<double> counts(ref.shares.size(), 0.0);
  for (const double v : values)
    counts[reference_bin(ref, v)] += 1.0;
  double psi = 0.0;
  for (std::size_t b = 0; b < counts.size(); ++b) {
    const double actual = std::max(counts[b] / static_cast<double>(values.size()), 1e-4);
    const double expected = std::max(ref.shares[b], 1e-4);
    psi += (actual - expected) * std::log(actual / expected);
  }
  return psi;
}

/// What drift says, in rising order of urgency.
enum class drift_verdict { ok, plan_retrain, retrain_now };

/// "OK", "PLAN RETRAIN" or "RETRAIN NOW".
constexpr std::string_view verdict_text(drift_verdict v) noexcept {
  switch (v) {
    case drift_verdict::ok:
      return "OK";
    case drift_verdict::plan_retrain:
      return "PLAN RETRAIN";
    case drift_verdict::retrain_now:
      return "RETRAIN NOW";
  }
  return "?";
}

/// A feature's PSI, as measured.
struct feature_psi {
  std::string name;
  double psi = 0.0;
};

/// The drift verdict and its reasons: every RETRAIN NOW reason when there is one, else every
/// PLAN RETRAIN reason.
struct drift_assessment {
  std::vector<std::string> retrain_now;
  std::vector<std::string> plan;
  [[nodiscard]] drift_verdict verdict() const noexcept {
    return !retrain_now.empty() ? drift_verdict::retrain_now
           : !plan.empty()      ? drift_verdict::plan_retrain
                                : drift_verdict::ok;
  }
  [[nodiscard]] const std::vector<std::string>& reasons() const noexcept {
    return retrain_now.empty() ? plan : retrain_now;
  }
};

namespace drift_detail {
inline std::string fixed(double v, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}
}  // namespace drift_detail

/// Applies the thresholds of `spec` (SPEC §9): RETRAIN NOW when a PSI is above psi_retrain,
/// accuracy fell more than accuracy_drop_retrain or ECE rose more than ece_rise_retrain; PLAN
/// RETRAIN when a PSI is in [psi_plan, psi_retrain] or accuracy fell at least
/// accuracy_drop_plan. Drops and rises are new minus baseline, as fractions.
inline drift_assessment assess_drift(const drift_spec& spec, std::span<const feature_psi> psi,
                                     double accuracy_drop, double ece_rise) {
  using drift_detail::fixed;
  drift_assessment out;
  for (const auto& [name, value] : psi) {
    if (value > spec.psi_retrain)
      out.retrain_now.push_back("PSI of " + name + " = " + fixed(value, 3) + " > " +
                                fixed(spec.psi_retrain, 2));
    else if (value >= spec.psi_plan)
      out.plan.push_back("PSI of " + name + " = " + fixed(value, 3) + " in " +
                         fixed(spec.psi_plan, 2) + "-" + fixed(spec.psi_retrain, 2));
  }
  if (accuracy_drop > spec.accuracy_drop_retrain)
    out.retrain_now.push_back("accuracy fell " + fixed(100 * accuracy_drop, 1) + " points");
  else if (accuracy_drop >= spec.accuracy_drop_plan)
    out.plan.push_back("accuracy fell " + fixed(100 * accuracy_drop, 1) + " points");
  if (ece_rise > spec.ece_rise_retrain) out.retrain_now.push_back("ECE rose " + fixed(ece_rise, 3));
  return out;
}

}  // namespace mtf::validation
