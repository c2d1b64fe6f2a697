#pragma once
/// \file The training distribution of each feature, stored with a model so that `drift` can
/// measure how far new data has moved from it (SPEC §9).

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mtf/core/errors.hpp"

namespace mtf::pipeline {

/// Feature reference of one feature for drift monitoring (SPEC §9): decile bin edges of the
/// training rows and the share of training rows in each bin.
struct feature_reference {
  std::string name;
  std::vector<double> edges;   ///< inner edges, ascending (bins: (-inf, e0], (e0, e1], ...)
  std::vector<double> shares;  ///< edges.size() + 1 shares summing to 1
};

/// Reads training_reference.json (an array of {"name", "edges", "shares"}), checking what the
/// PSI computation relies on: finite, strictly increasing edges; edges.size() + 1 finite,
/// non-negative shares summing to 1 (within 1e-6). Throws artifact_error naming the feature and
/// the defect otherwise (a tampered reference must not index past its bins).
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

}  // namespace mtf::pipeline
