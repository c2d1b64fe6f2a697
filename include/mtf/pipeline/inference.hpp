#pragma once
/// \file Using the promoted model (SPEC §9): loading it only when its timeframe, policy
/// fingerprint and feature schema match the binary's, and scoring bars with the same feature
/// code path as training.

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <utility>

#include "mtf/artifact/run_store.hpp"
#include "mtf/calibration/calibrator.hpp"
#include "mtf/features/feature_matrix.hpp"
#include "mtf/pipeline/artifact_layout.hpp"
#include "mtf/pipeline/model_age.hpp"
#include "mtf/pipeline/policy_stack.hpp"
#include "mtf/pipeline/symbol_input.hpp"
#include "mtf/validation/signal_stats.hpp"

namespace mtf::pipeline {

/// Confidence tier of policy P for a confidence value: "high", "medium", "low" or "none"
/// (the same thresholds as `retrain_<tf> predict`).
template <TimeframePolicy P>
constexpr std::string_view confidence_tier(double confidence) noexcept {
  if (confidence >= P::tiers.high) return "high";
  if (confidence >= P::tiers.medium) return "medium";
  if (confidence >= P::tiers.low) return "low";
  return "none";
}

/// A promoted model loaded for policy P.
template <TimeframePolicy P>
struct loaded_model {
  nlohmann::json latest;  ///< the LATEST.json record
  std::filesystem::path run_dir;
  policy_stack<P> stack;
  calibration::calibrator calibrator;
  nlohmann::json metadata;
  std::int64_t trained_through = 0;  ///< open time of the last training bar (training_data_end)
  intake::calendar calendar = intake::calendar::crypto;  ///< the calendar it was trained with
  /// Calibrated probabilities (rows x 3) for feature rows `x`.
  [[nodiscard]] matrix predict(const matrix& x) const {
    return calibrator.predict(stack.predict_proba(x));
  }
};

/// Refuses (artifact_error, exit 4) a model whose LATEST.json record, metadata.json or
/// feature_schema.json names another timeframe, policy fingerprint or feature schema than policy
/// P's -- the "1h bot loaded a 3-minute model" failure -- saying what differs. `where` names the
/// run in messages. Records of the wrong JSON shape are refused the same way.
template <TimeframePolicy P>
void check_model_identity(const nlohmann::json& latest_record, const nlohmann::json& metadata,
                          const nlohmann::json& schema, const std::string& where) {
  using record = std::pair<const nlohmann::json*, std::string>;
  for (const auto& [json, file] :
       {record{&latest_record, "LATEST.json"}, record{&metadata, artifact_files::metadata},
        record{&schema, artifact_files::schema}})
    if (!json->is_object())
      throw artifact_error("refusing " + where + ": " + file + " is not a JSON object");
  try {
    const nlohmann::json* latest = &latest_record;
    const std::string tf = metadata.value("timeframe", std::string("?"));
    if (tf != P::name || latest->value("timeframe", std::string("?")) != P::name)
      throw artifact_error("refusing " + where + ": it was trained for timeframe " + tf +
                           ", this binary is " + std::string(P::name));
    const std::string fingerprint = policy_fingerprint<P>();
    if (metadata.value("policy_fingerprint", std::string()) != fingerprint ||
        latest->value("policy_fingerprint", std::string()) != fingerprint)
      throw artifact_error("refusing " + where + ": it was trained under a different " +
                           std::string(P::name) + " policy (fingerprint " +
                           metadata.value("policy_fingerprint", std::string("?")).substr(0, 12) +
                           " vs this binary's " + fingerprint.substr(0, 12) +
                           "); retrain with this binary");
    const auto names = feature_names(P::features);
    const std::string expected = artifact::feature_schema_hash(names);
    std::vector<std::string> stored_names = schema.value("names", std::vector<std::string>{});
    if (artifact::feature_schema_hash(stored_names) != expected ||
        schema.value("hash", std::string()) != expected ||
        latest->value("schema_hash", std::string()) != expected)
      throw artifact_error("refusing " + where +
                           ": its feature schema differs from this binary's (" +
                           std::to_string(stored_names.size()) + " stored features vs " +
                           std::to_string(names.size()) + "; hash " +
                           artifact::feature_schema_hash(stored_names).substr(0, 12) + " vs " +
                           expected.substr(0, 12) + ")");
  } catch (const nlohmann::json::exception& e) {
    throw artifact_error("refusing " + where + ": malformed identity record: " + e.what());
  }
}

/// The calendar recorded in metadata.json ("crypto" when absent: models trained before the
/// calendar was recorded were all crypto). Throws artifact_error for an unknown name.
inline intake::calendar model_calendar(const nlohmann::json& metadata) {
  if (!metadata.is_object() || !metadata.contains("calendar")) return intake::calendar::crypto;
  const auto& value = metadata["calendar"];
  const auto parsed = value.is_string()
                          ? intake::parse_calendar(value.get_ref<const std::string&>())
                          : std::nullopt;
  if (!parsed) throw artifact_error("metadata.json: unknown calendar " + value.dump());
  return *parsed;
}

/// Loads the model of run directory `run_dir` (models/, calibrator.json, metadata.json,
/// feature_schema.json) for policy P. `record` is the identity record naming timeframe, policy
/// fingerprint and schema hash (LATEST.json's record for a promoted run; a walk-forward window's
/// metadata.json, which holds the same fields); refuses (artifact_error, exit 4) a model that
/// fails check_model_identity or whose training period is unknown.
template <TimeframePolicy P>
loaded_model<P> load_run_model(const std::filesystem::path& run_dir, const nlohmann::json& record) {
  const nlohmann::json metadata = read_artifact_json(run_dir / artifact_files::metadata);
  const nlohmann::json schema = read_artifact_json(run_dir / artifact_files::schema);
  check_model_identity<P>(record, metadata, schema, run_dir.string());
  const std::int64_t trained_through = training_data_end(metadata);
  const intake::calendar calendar = model_calendar(metadata);
  return loaded_model<P>{
      record,
      run_dir,
      policy_stack<P>::load(run_dir / artifact_files::models_dir),
      calibration::calibrator::from_json(read_artifact_json(run_dir / artifact_files::calibrator)),
      metadata,
      trained_through,
      calendar};
}

/// Loads LATEST of `<models>/<tf>` with load_run_model. Warns on stderr when the model was
/// forced.
template <TimeframePolicy P>
loaded_model<P> load_promoted(const std::filesystem::path& models) {
  const auto latest = artifact::read_latest(models, P::name);
  if (!latest)
    throw artifact_error("no promoted " + std::string(P::name) + " model in " +
                         (models / std::string(P::name)).string() + " (no LATEST.json)");
  auto model = load_run_model<P>(*artifact::latest_run_path(models, P::name), *latest);
  if (latest->value("forced", false))
    std::fprintf(stderr,
                 "*** WARNING: the promoted %s model %s was FORCE-PROMOTED past failed gates ***\n",
                 std::string(P::name).c_str(), latest->value("run_id", std::string("?")).c_str());
  return model;
}

/// Calibrated probabilities (rows x 3) of feature rows [begin, end of `x_all`) and their
/// signals under the policy's trade gate: what `predict` prints per bar, shared by every
/// consumer of a loaded model (retrain_<tf> predict, mtf_system) so they cannot diverge.
struct scored_rows {
  matrix p;
  validation::signals sig;
};

/// Scores rows [begin, end) of a feature matrix with `model` (see scored_rows); `end` defaults to
/// (and is clamped at) the matrix's rows.
template <TimeframePolicy P>
scored_rows score_rows(const loaded_model<P>& model, const matrix& x_all, std::size_t begin,
                       std::size_t end = static_cast<std::size_t>(-1)) {
  // The rows [begin, end) copied out (dataset.hpp's row_range is on the training side).
  end = std::min(end, x_all.shape()[0]);
  const std::size_t rows = end > begin ? end - begin : 0;
  const std::size_t columns = x_all.shape()[1];
  matrix x = matrix::from_shape({rows, columns});
  if (rows > 0) std::copy_n(&x_all(begin, 0), rows * columns, x.data());
  matrix p = model.predict(x);
  validation::signals sig = validation::compute_signals(p, P::trade_gate);
  return {std::move(p), std::move(sig)};
}

/// Bars of one file for scoring: intake with the per-row checks and resampling, but without the
/// training minimum of bars (a few recent bars beyond the warm-up are enough).
template <TimeframePolicy P>
symbol_input load_recent(const std::filesystem::path& file, intake::calendar cal) {
  return load_symbol<P>(file, cal, 1);
}

}  // namespace mtf::pipeline
