#pragma once
/// \file What a retrain writes into `runs/<id>/` and how a reader finds its way in (SPEC §9): the
/// file names, the policy fingerprint, JSON reading with artifact errors, and the period of data
/// a model was trained on. Needs no training code: `predict`, `drift` and `evaluate` use it.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "mtf/artifact/content_hash.hpp"
#include "mtf/core/errors.hpp"
#include "mtf/intake/timestamp.hpp"
#include "mtf/policy/policy_description.hpp"
#include "mtf/policy/timeframe_policy.hpp"

namespace mtf::pipeline {

/// The policy fingerprint: SHA-256 of the compact dump of the policy's canonical description
/// (policy_description<P>, every setting of the policy), so it changes whenever a setting does.
/// Recomputable from a run's policy.json: sha256 of `nlohmann::json::parse(policy.json).dump()`.
template <TimeframePolicy P>
std::string policy_fingerprint() {
  return artifact::policy_fingerprint(policy_description<P>().dump());
}

/// Names of the artifact files inside runs/<id>/.
namespace artifact_files {
inline constexpr const char* models_dir = "models";
inline constexpr const char* calibrator = "calibrator.json";
inline constexpr const char* schema = "feature_schema.json";
inline constexpr const char* policy = "policy.json";
inline constexpr const char* metadata = "metadata.json";
inline constexpr const char* reference = "training_reference.json";
inline constexpr const char* report_json = "report.json";
inline constexpr const char* report_html = "report.html";
}  // namespace artifact_files

/// Parses a JSON artifact file; throws artifact_error (exit 4) naming the file when it cannot
/// be read or is not JSON.
inline nlohmann::json read_artifact_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw artifact_error("cannot read " + file.string());
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw artifact_error(file.string() + ": not valid JSON: " + e.what());
  }
}

/// The first and last bar (open time, epoch seconds) of the data a model was trained on, from
/// its metadata.json (`training_data_first`, `training_data_last`): everything up to the last
/// bar was seen by its training, calibration or test decision. Throws artifact_error naming
/// `file` when the fields are missing or malformed.
inline std::pair<std::int64_t, std::int64_t> training_data_span(const nlohmann::json& metadata,
                                                                const std::filesystem::path& file) {
  const auto read = [&](const char* key) {
    if (!metadata.contains(key) || !metadata[key].is_string())
      throw artifact_error(file.string() + ": \"" + key + "\" is missing");
    const auto parsed = intake::parse_iso8601(metadata[key].get<std::string>());
    if (!parsed.ok())
      throw artifact_error(file.string() + ": \"" + key + "\" is not an ISO-8601 time");
    return parsed.epoch_seconds;
  };
  return {read("training_data_first"), read("training_data_last")};
}

}  // namespace mtf::pipeline
