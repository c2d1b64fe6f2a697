#pragma once
// The identity records of a valid 24h model (LATEST.json, metadata.json, feature_schema.json),
// for the harnesses that replace one of them with the fuzz input.
#include <nlohmann/json.hpp>

#include "mtf/artifact/content_hash.hpp"
#include "mtf/pipeline/inference.hpp"
#include "timeframes/tf_24h.hpp"

namespace mtf::fuzz {

using policy = mtf::timeframes::tf_24h;

inline const nlohmann::json& valid_schema() {
  static const nlohmann::json j = [] {
    const auto names = mtf::feature_names(policy::features);
    return nlohmann::json{{"names", names}, {"hash", mtf::artifact::feature_schema_hash(names)}};
  }();
  return j;
}

inline const nlohmann::json& valid_metadata() {
  static const nlohmann::json j = {
      {"timeframe", "24h"},
      {"calendar", "crypto"},
      {"policy_fingerprint", mtf::pipeline::policy_fingerprint<policy>()},
      {"data",
       {{{"symbol", "x"}, {"first", "2022-01-01T00:00:00Z"}, {"last", "2024-01-01T00:00:00Z"}}}}};
  return j;
}

inline const nlohmann::json& valid_latest() {
  static const nlohmann::json j = {
      {"run_id", "r1"},
      {"path", "runs/r1"},
      {"timeframe", "24h"},
      {"policy_fingerprint", mtf::pipeline::policy_fingerprint<policy>()},
      {"schema_hash", valid_schema().at("hash")}};
  return j;
}

/// Every check a model command makes on the three records: identity, training period, calendar.
inline void check_records(const nlohmann::json& latest, const nlohmann::json& metadata,
                          const nlohmann::json& schema) {
  mtf::pipeline::check_model_identity<policy>(latest, metadata, schema, "run r1");
  (void)mtf::pipeline::training_data_end(metadata);
  (void)mtf::pipeline::model_calendar(metadata);
}

}  // namespace mtf::fuzz
