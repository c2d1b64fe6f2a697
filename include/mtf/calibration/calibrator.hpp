#pragma once
/// \file The calibration stage (SPEC §4.9): fits the policy's calibrator on the calibration
/// split with the safety rules -- a probability floor, and temperature scaling instead of
/// isotonic when the split is small or isotonic loses a K-fold check -- and reports what it
/// did, with log loss, Brier score and ECE before and after.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "mtf/calibration/calibration_spec.hpp"
#include "mtf/calibration/isotonic_calibrator.hpp"
#include "mtf/calibration/probability_rows.hpp"
#include "mtf/calibration/sigmoid_calibrator.hpp"
#include "mtf/calibration/temperature_scaling.hpp"
#include "mtf/core/errors.hpp"
#include "mtf/core/scoring_rules.hpp"
#include "mtf/core/xtensor.hpp"

namespace mtf::calibration {

/// "isotonic", "sigmoid" or "temperature" (the spellings used in JSON and reports: enum_name).
inline std::string_view method_name(method m) {
  const std::string_view name = enum_name(m);
  if (name.empty()) throw std::logic_error("method_name: unknown calibration method");
  return name;
}

/// Inverse of method_name; throws artifact_error for any other text.
inline method parse_method(std::string_view name) {
  for (const method m : {method::isotonic, method::sigmoid, method::temperature}) {
    if (name == method_name(m)) return m;
  }
  throw artifact_error("unknown calibration method '" + std::string(name) + "'");
}

/// A fitted calibrator of any method, with the policy's probability floor applied to every
/// output: predict never returns 0 or 1, and its rows sum to 1 within rounding.
class calibrator {
 public:
  /// The fitted method-specific model.
  using model_type = std::variant<isotonic_calibrator, sigmoid_calibrator, temperature_scaling>;

  /// Wraps a fitted model; throws training_error unless 1e-12 <= floor < 1/3 (the floor must
  /// be representable next to 1 and leave room for three classes).
  calibrator(model_type model, double probability_floor)
      : model_(std::move(model)), floor_(probability_floor) {
    if (!(floor_ >= 1e-12) || !(floor_ < 1.0 / 3.0))
      throw training_error("calibrator: probability floor " + std::to_string(floor_) +
                           " is outside [1e-12, 1/3)");
  }

  /// Calibrated, floored probabilities for `probs` (rows x classes, entries in [0, 1]); see
  /// apply_probability_floor for the exact bounds. Throws training_error on malformed input.
  [[nodiscard]] matrix predict(const matrix& probs) const {
    matrix out = std::visit([&](const auto& m) { return m.predict(probs); }, model_);
    apply_probability_floor(out, floor_);
    return out;
  }

  /// Which method this calibrator is.
  [[nodiscard]] method kind() const noexcept {
    if (std::holds_alternative<isotonic_calibrator>(model_)) return method::isotonic;
    if (std::holds_alternative<sigmoid_calibrator>(model_)) return method::sigmoid;
    return method::temperature;
  }
  /// The wrapped method-specific model.
  [[nodiscard]] const model_type& model() const noexcept { return model_; }
  /// The floor applied to every output probability.
  [[nodiscard]] double probability_floor() const noexcept { return floor_; }

  /// {"format": "mtf.calibrator", "version": 1, "method", "probability_floor", "parameters"};
  /// doubles are written so that a loaded calibrator predicts bit-identically.
  [[nodiscard]] nlohmann::json to_json() const {
    return {{"format", "mtf.calibrator"},
            {"version", 1},
            {"method", std::string(method_name(kind()))},
            {"probability_floor", floor_},
            {"parameters", std::visit([](const auto& m) { return m.to_json(); }, model_)}};
  }
  /// Inverse of to_json; throws artifact_error for another format, version or method, or
  /// malformed parameters.
  [[nodiscard]] static calibrator from_json(const nlohmann::json& j) {
    try {
      // Compared as JSON values: get<int>() of a float like 1e80 would be undefined behaviour.
      if (j.at("format") != "mtf.calibrator" || j.at("version") != 1)
        throw artifact_error("calibrator: not an mtf.calibrator version 1 object");
      const auto& parameters = j.at("parameters");
      const double floor = j.at("probability_floor").get<double>();
      if (!(floor >= 1e-12) || !(floor < 1.0 / 3.0))
        throw artifact_error("calibrator: probability floor out of range");
      switch (parse_method(j.at("method").get<std::string>())) {
        case method::isotonic:
          return calibrator(isotonic_calibrator::from_json(parameters), floor);
        case method::sigmoid:
          return calibrator(sigmoid_calibrator::from_json(parameters), floor);
        case method::temperature:
          return calibrator(temperature_scaling::from_json(parameters), floor);
      }
    } catch (const nlohmann::json::exception& e) {
      throw artifact_error(std::string("calibrator: malformed JSON: ") + e.what());
    }
    throw artifact_error("calibrator: unknown method");
  }

 private:
  model_type model_;
  double floor_;
};

/// Log loss (nats), multi-class Brier score (sum over classes) and top-label ECE (15 bins)
/// of one set of probabilities.
struct calibration_metrics {
  double log_loss = 0.0;
  double brier = 0.0;
  double ece = 0.0;
};

/// Scores probabilities with the three measures of calibration_metrics.
inline calibration_metrics score_probabilities(const matrix& probs, std::span<const int> labels) {
  return {mtf::log_loss(probs, labels), brier_score(probs, labels),
          expected_calibration_error(probs, labels)};
}

/// What fit_calibrator did and why, for the run report.
struct calibration_report {
  method requested = method::isotonic;  ///< the policy's preferred method
  method used = method::isotonic;       ///< the method of the returned calibrator
  std::string reason;                   ///< one sentence: why `used` (always set)
  std::size_t rows = 0;                 ///< calibration rows fitted on
  calibration_metrics before;           ///< input probabilities on the calibration split
  calibration_metrics after;  ///< calibrated (floored) probabilities on the calibration split
  /// Out-of-fold log loss of isotonic and of temperature scaling in the K-fold check, when
  /// the check ran (isotonic requested and enough rows).
  std::optional<double> check_isotonic_log_loss, check_temperature_log_loss;
};

/// The report as JSON, for report.json; check losses are null when the check did not run.
inline nlohmann::json to_json(const calibration_report& r) {
  const auto metrics = [](const calibration_metrics& m) {
    return nlohmann::json{{"log_loss", m.log_loss}, {"brier", m.brier}, {"ece", m.ece}};
  };
  const auto optional_number = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"requested", std::string(method_name(r.requested))},
          {"used", std::string(method_name(r.used))},
          {"reason", r.reason},
          {"rows", r.rows},
          {"before", metrics(r.before)},
          {"after", metrics(r.after)},
          {"check_isotonic_log_loss", optional_number(r.check_isotonic_log_loss)},
          {"check_temperature_log_loss", optional_number(r.check_temperature_log_loss)}};
}

/// A fitted calibrator and the report of how it was chosen.
struct calibration_result {
  calibrator model;
  calibration_report report;
};

/// What the calibration stage knows about its rows besides probabilities and labels.
struct calibration_context {
  std::span<const std::int64_t> row_time{};       ///< bar open of each row (empty: no purge)
  std::span<const std::int64_t> row_label_end{};  ///< label end of each row, as the split uses
  /// Centre of the prior on temperature scaling's biases, one value per class: log(train share /
  /// target share) undoes the target-mix re-weighting (SPEC §4.7) and restores the train class
  /// prior. Empty: no prior (the biases follow the calibration rows alone).
  std::vector<double> bias_center{};
};

namespace calibrator_detail {

/// Rows `rows` of probs and labels.
inline void take_rows(const matrix& probs, std::span<const int> labels,
                      std::span<const std::size_t> rows, matrix& out_probs,
                      std::vector<int>& out_labels) {
  const std::size_t classes = probs.shape()[1];
  out_probs = matrix::from_shape({rows.size(), classes});
  out_labels.clear();
  for (std::size_t k = 0; k < rows.size(); ++k) {
    for (std::size_t c = 0; c < classes; ++c)
      out_probs(k, c) = probs(rows[k], c);
    out_labels.push_back(labels[rows[k]]);
  }
}

/// The K contiguous held-out blocks of the check ([rows·k/K, rows·(k+1)/K)) and, for each, the
/// rows a calibrator may be fitted on: outside the block, and purged on label ends like the
/// stacking folds (rows before the block whose label ends at or after the block opens, rows
/// after it that open before the block's last label has ended). Empty times: row indices are
/// the times and labels end where they start (no purge).
struct check_folds {
  std::vector<std::pair<std::size_t, std::size_t>> blocks;
  std::vector<std::vector<std::size_t>> fit_rows;
};

inline check_folds make_check_folds(std::size_t rows, std::size_t folds,
                                    std::span<const std::int64_t> row_time,
                                    std::span<const std::int64_t> row_label_end) {
  if (!row_time.empty() && (row_time.size() != rows || row_label_end.size() != rows))
    throw training_error("calibration check: " + std::to_string(row_time.size()) +
                         " row times and " + std::to_string(row_label_end.size()) +
                         " label ends for " + std::to_string(rows) + " rows");
  const auto time = [&](std::size_t i) {
    return row_time.empty() ? static_cast<std::int64_t>(i) : row_time[i];
  };
  const auto end = [&](std::size_t i) {
    return row_time.empty() ? static_cast<std::int64_t>(i) : row_label_end[i];
  };
  check_folds out;
  for (std::size_t k = 0; k < folds; ++k) {
    const std::size_t begin = rows * k / folds, stop = rows * (k + 1) / folds;
    std::int64_t last_end = std::numeric_limits<std::int64_t>::min();
    for (std::size_t i = begin; i < stop; ++i)
      last_end = std::max(last_end, end(i));
    std::vector<std::size_t> fit;
    for (std::size_t i = 0; i < begin; ++i)
      if (begin < stop && end(i) < time(begin)) fit.push_back(i);
    for (std::size_t i = stop; i < rows; ++i)
      if (time(i) > last_end) fit.push_back(i);
    out.blocks.emplace_back(begin, stop);
    out.fit_rows.push_back(std::move(fit));
  }
  return out;
}

/// Fewest rows any block of the check holds or any fit of it may use.
inline std::size_t smallest_part(const check_folds& f) {
  std::size_t smallest = std::numeric_limits<std::size_t>::max();
  for (std::size_t k = 0; k < f.blocks.size(); ++k)
    smallest = std::min({smallest, f.blocks[k].second - f.blocks[k].first, f.fit_rows[k].size()});
  return smallest;
}

/// Shortest readable rendering of a loss for the report's reason text.
inline std::string format_loss(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", value);
  return buffer;
}

}  // namespace calibrator_detail

/// Out-of-fold log losses of isotonic and temperature scaling on `folds` contiguous,
/// time-ordered blocks of the calibration rows (not shuffled: calibration rows are in time
/// order and neighbouring rows are alike). Each block is predicted by calibrators fitted on
/// the rows outside it whose label windows do not overlap it (`ctx.row_time`,
/// `ctx.row_label_end`: bar open and label end of each row; empty = no purge), floored at
/// `probability_floor` as deployed; temperature scaling with the bias prior of `ctx` worth
/// `bias_prior_rows` rows. Purging on label ends keeps the purge right per symbol when pooled
/// symbols interleave their rows. Returns {isotonic, temperature}. Throws training_error
/// unless folds >= 2 and every block and every fit has at least 2 rows.
inline std::pair<double, double> isotonic_vs_temperature_check(const matrix& probs,
                                                               std::span<const int> labels,
                                                               int folds, double probability_floor,
                                                               const calibration_context& ctx = {},
                                                               double bias_prior_rows = 0.0) {
  const std::size_t rows = probs.shape()[0], classes = probs.shape()[1];
  if (folds < 2 || rows < 2 * static_cast<std::size_t>(folds))
    throw training_error("isotonic_vs_temperature_check: " + std::to_string(rows) +
                         " rows cannot make " + std::to_string(folds) + " folds of 2 rows");
  const auto parts = calibrator_detail::make_check_folds(rows, static_cast<std::size_t>(folds),
                                                         ctx.row_time, ctx.row_label_end);
  const bias_prior prior{ctx.bias_center, bias_prior_rows};
  if (calibrator_detail::smallest_part(parts) < 2)
    throw training_error("isotonic_vs_temperature_check: a fold of the " + std::to_string(folds) +
                         "-fold check has fewer than 2 rows to fit once overlapping labels are "
                         "purged");
  matrix isotonic_oof = matrix::from_shape({rows, classes});
  matrix temperature_oof = matrix::from_shape({rows, classes});
  matrix fit_probs, held_probs;
  std::vector<int> fit_labels, held_labels;
  for (std::size_t k = 0; k < parts.blocks.size(); ++k) {
    const auto [begin, end] = parts.blocks[k];
    std::vector<std::size_t> held(end - begin);
    for (std::size_t i = begin; i < end; ++i)
      held[i - begin] = i;
    calibrator_detail::take_rows(probs, labels, parts.fit_rows[k], fit_probs, fit_labels);
    calibrator_detail::take_rows(probs, labels, held, held_probs, held_labels);
    const calibrator isotonic(isotonic_calibrator::fit(fit_probs, fit_labels), probability_floor);
    const calibrator temperature(
        temperature_scaling::fit(fit_probs, fit_labels, ctx.bias_center.empty() ? nullptr : &prior),
        probability_floor);
    const matrix iso_held = isotonic.predict(held_probs);
    const matrix temp_held = temperature.predict(held_probs);
    for (std::size_t i = begin; i < end; ++i) {
      for (std::size_t c = 0; c < classes; ++c) {
        isotonic_oof(i, c) = iso_held(i - begin, c);
        temperature_oof(i, c) = temp_held(i - begin, c);
      }
    }
  }
  return {mtf::log_loss(isotonic_oof, labels), mtf::log_loss(temperature_oof, labels)};
}

/// Fits the calibrator of `policy_spec` on the calibration split (probs: rows x classes, time
/// ordered; labels: class per row) with SPEC §4.9's safety rules:
/// * every output probability is floored at spec.probability_floor and rows renormalised;
/// * isotonic requested but fewer than spec.min_isotonic_rows rows: temperature scaling;
/// * isotonic requested and it has a higher out-of-fold log loss than temperature scaling in
///   the spec.check_folds-fold contiguous check, purged on the rows' label ends
///   (`ctx.row_time`, `ctx.row_label_end`; empty = no purge; isotonic_vs_temperature_check):
///   temperature scaling, bias-corrected, its biases held near `ctx.bias_center` by a prior
///   worth spec.bias_prior_rows rows (so it restores the train class prior);
/// * sigmoid or temperature requested: used as requested.
/// Deterministic (no shuffling, no randomness), so it takes no seed. The report's metrics
/// are in-sample on the calibration split; judge calibration on the test split.
/// Throws training_error on malformed input or an invalid spec (check_folds < 2, floor
/// outside [1e-12, 1/classes)).
inline calibration_result fit_calibrator(const spec& policy_spec, const matrix& probs,
                                         std::span<const int> labels,
                                         const calibration_context& ctx = {}) {
  check_calibration_input(probs, labels, "fit_calibrator");
  const std::size_t rows = probs.shape()[0], classes = probs.shape()[1];
  if (policy_spec.check_folds < 2)
    throw training_error("fit_calibrator: spec.check_folds must be at least 2, got " +
                         std::to_string(policy_spec.check_folds));
  if (!(policy_spec.probability_floor >= 1e-12) ||
      !(policy_spec.probability_floor < 1.0 / static_cast<double>(classes)))
    throw training_error("fit_calibrator: spec.probability_floor " +
                         std::to_string(policy_spec.probability_floor) +
                         " is outside [1e-12, 1/classes)");

  calibration_report report;
  report.requested = policy_spec.preferred;
  report.rows = rows;
  report.before = score_probabilities(probs, labels);
  const double floor = policy_spec.probability_floor;
  const bias_prior prior{ctx.bias_center, policy_spec.bias_prior_rows};
  const bias_prior* prior_or_none = ctx.bias_center.empty() ? nullptr : &prior;
  const auto temperature_instead = [&](std::string why) {
    report.used = method::temperature;
    report.reason = std::move(why) + ": bias-corrected temperature scaling used";
    return calibrator(temperature_scaling::fit(probs, labels, prior_or_none), floor);
  };

  std::optional<calibrator> chosen;
  switch (policy_spec.preferred) {
    case method::sigmoid:
      report.used = method::sigmoid;
      report.reason = "sigmoid (Platt) scaling as the policy prefers";
      chosen.emplace(sigmoid_calibrator::fit(probs, labels), floor);
      break;
    case method::temperature:
      report.used = method::temperature;
      report.reason = "bias-corrected temperature scaling as the policy prefers";
      chosen.emplace(temperature_scaling::fit(probs, labels, prior_or_none), floor);
      break;
    case method::isotonic: {
      const auto folds = static_cast<std::size_t>(policy_spec.check_folds);
      if (rows < policy_spec.min_isotonic_rows) {
        chosen.emplace(temperature_instead("calibration split has " + std::to_string(rows) +
                                           " rows < min_isotonic_rows " +
                                           std::to_string(policy_spec.min_isotonic_rows)));
        break;
      }
      if (rows < 2 * folds || calibrator_detail::smallest_part(calibrator_detail::make_check_folds(
                                  rows, folds, ctx.row_time, ctx.row_label_end)) < 2) {
        chosen.emplace(temperature_instead("calibration split has " + std::to_string(rows) +
                                           " rows, too few for the " + std::to_string(folds) +
                                           "-fold isotonic check"));
        break;
      }
      const auto [isotonic_loss, temperature_loss] = isotonic_vs_temperature_check(
          probs, labels, policy_spec.check_folds, floor, ctx, policy_spec.bias_prior_rows);
      report.check_isotonic_log_loss = isotonic_loss;
      report.check_temperature_log_loss = temperature_loss;
      const std::string losses =
          "(out-of-fold log loss isotonic " + calibrator_detail::format_loss(isotonic_loss) +
          " vs temperature " + calibrator_detail::format_loss(temperature_loss) + ")";
      if (isotonic_loss > temperature_loss) {
        chosen.emplace(temperature_instead("isotonic lost the " + std::to_string(folds) +
                                           "-fold check on the calibration split " + losses));
        break;
      }
      report.used = method::isotonic;
      report.reason = "isotonic as the policy prefers; it passed the " + std::to_string(folds) +
                      "-fold check against temperature scaling " + losses;
      chosen.emplace(isotonic_calibrator::fit(probs, labels), floor);
      break;
    }
  }
  if (!chosen) throw std::logic_error("fit_calibrator: unknown calibration method");
  report.after = score_probabilities(chosen->predict(probs), labels);
  return {std::move(*chosen), std::move(report)};
}

}  // namespace mtf::calibration
