#pragma once
/// \file How old a model is for the bars it scores, and the refusal of a stale model (issue 17):
/// a model trained months ago must not keep predicting forever.
///
/// **Definition.** The age of a model for a bar is the bar's open time minus the open time of
/// the last bar of the model's training data (metadata.json `data[].last`, the latest over the
/// symbols it was trained on). `predict` judges the newest bar it scores in each file; a model
/// is stale when that age exceeds the policy's `max_model_age` (equal passes). The age is
/// measured on the data, not on the wall clock, so it is deterministic and testable, a replay of
/// last year's bars with last year's model is judged as it would have been then, and a model
/// promoted today from an old data file is stale at once. The wall-clock time since promotion
/// (LATEST.json `promoted_at`) is shown next to it in messages, as information only.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "mtf/core/errors.hpp"
#include "mtf/intake/timestamp.hpp"
#include "mtf/policy/timeframe_policy.hpp"

namespace mtf::pipeline {

/// A model's age at one bar against its policy's limit.
struct model_age {
  std::int64_t trained_through = 0;  ///< open time of the last training bar, UTC epoch seconds
  std::int64_t bar = 0;              ///< open time of the bar judged (the newest one scored)
  std::chrono::seconds limit{0};     ///< the policy's max_model_age
  /// bar - trained_through (negative when scoring bars older than the training data).
  [[nodiscard]] std::chrono::seconds age() const noexcept {
    return std::chrono::seconds(bar - trained_through);
  }
  /// True when the age exceeds the limit.
  [[nodiscard]] bool stale() const noexcept { return age() > limit; }
  /// The age in days (fractional).
  [[nodiscard]] double age_days() const noexcept {
    return static_cast<double>(age().count()) / 86400.0;
  }
  /// The limit in days (fractional).
  [[nodiscard]] double limit_days() const noexcept {
    return static_cast<double>(limit.count()) / 86400.0;
  }
};

/// A model older than its policy's max_model_age was asked to score (exit 4, like every refused
/// model); `predict --allow-stale` overrides it.
class stale_model_error : public artifact_error {
 public:
  explicit stale_model_error(const std::string& message) : artifact_error(message) {}
};

/// Days with one decimal, for messages ("75.0").
inline std::string format_days(double days) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", days);
  return buffer;
}

/// Open time of the last bar of the model's training data: the latest `data[].last` of
/// metadata.json (ISO-8601 UTC). Throws artifact_error when the field is missing, empty or does
/// not parse: a model whose training period is unknown cannot be judged and is not used.
inline std::int64_t training_data_end(const nlohmann::json& metadata) {
  const auto refuse = [](const std::string& why) -> std::int64_t {
    throw artifact_error("metadata.json: cannot tell when the training data ends: " + why);
  };
  if (!metadata.is_object() || !metadata.contains("data") || !metadata["data"].is_array() ||
      metadata["data"].empty())
    return refuse("no \"data\" list of the files trained on");
  std::optional<std::int64_t> end;
  for (const auto& entry : metadata["data"]) {
    if (!entry.is_object() || !entry.contains("last") || !entry["last"].is_string())
      return refuse("an entry of \"data\" has no string \"last\"");
    const auto parsed = intake::parse_iso8601(entry["last"].get_ref<const std::string&>());
    if (!parsed.ok()) return refuse("\"last\" is not an ISO-8601 UTC time");
    if (!end || parsed.epoch_seconds > *end) end = parsed.epoch_seconds;
  }
  return *end;
}

/// The age of a model trained through `trained_through` at bar `bar` under policy P.
template <TimeframePolicy P>
model_age measure_model_age(std::int64_t trained_through, std::int64_t bar) {
  return {trained_through, bar, std::chrono::duration_cast<std::chrono::seconds>(P::max_model_age)};
}

/// "model trained on data through 2026-01-31T00:00:00Z is 75.0 days old at the bar
/// 2026-04-16T00:00:00Z, more than max_model_age 60.0 days".
inline std::string describe_age(const model_age& a) {
  return "model trained on data through " + intake::format_iso8601(a.trained_through) + " is " +
         format_days(a.age_days()) + " days old at the bar " + intake::format_iso8601(a.bar) +
         (a.stale() ? ", more than" : ", within") + " max_model_age " +
         format_days(a.limit_days()) + " days";
}

/// Days from LATEST.json's `promoted_at` to `now` (wall clock, for display only), or nullopt
/// when the record has no parsable `promoted_at`.
inline std::optional<double> days_since_promotion(const nlohmann::json& latest,
                                                  std::chrono::system_clock::time_point now) {
  if (!latest.is_object() || !latest.contains("promoted_at") || !latest["promoted_at"].is_string())
    return std::nullopt;
  const auto promoted = intake::parse_iso8601(latest["promoted_at"].get_ref<const std::string&>());
  if (!promoted.ok()) return std::nullopt;
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() -
      promoted.epoch_seconds;
  return static_cast<double>(seconds) / 86400.0;
}

/// Throws stale_model_error naming the age, the limit, `where` (the file scored) and the way out
/// when `a` is stale.
inline void check_model_age(const model_age& a, const std::string& where) {
  if (!a.stale()) return;
  throw stale_model_error("refusing to score " + where + ": the " + describe_age(a) +
                          "; retrain it, or pass --allow-stale to score with it anyway");
}

}  // namespace mtf::pipeline
