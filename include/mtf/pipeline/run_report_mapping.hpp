#pragma once
/// \file From the stages' results to the run report: the one place a retrain's or an
/// evaluation's report sections are filled from what intake, labelling and calibration
/// returned, so that the training code computes and this header describes.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mtf/calibration/calibrator.hpp"
#include "mtf/intake/calendar.hpp"
#include "mtf/labels/label_distribution.hpp"
#include "mtf/pipeline/dataset.hpp"
#include "mtf/pipeline/symbol_input.hpp"
#include "mtf/policy/timeframe_policy.hpp"
#include "mtf/reports/run_report.hpp"

namespace mtf::pipeline {

/// What labelling produced on the train and calibration splits (SPEC §4.6–4.7): the solved k,
/// the raw label mix of the train split, its mix under the target-mix sample weights and the
/// calibration split's mix, as (down, neutral, up) shares.
struct label_outcome {
  double k = 0;
  std::array<double, 3> train_share{};
  std::array<double, 3> weighted_share{};
  std::array<double, 3> calibration_share{};
};

/// label_outcome of train labels `y_train` fitted with `w_train` (one weight per row).
inline label_outcome describe_labels(double k, const label_distribution& train,
                                     std::span<const int> y_train, std::span<const double> w_train,
                                     const label_distribution& calibration) {
  label_outcome out{.k = k, .train_share = train.share, .calibration_share = calibration.share};
  std::array<double, 3> weighted{};
  double total = 0;
  for (std::size_t i = 0; i < y_train.size(); ++i) {
    weighted[static_cast<std::size_t>(y_train[i])] += w_train[i];
    total += w_train[i];
  }
  for (std::size_t c = 0; c < 3; ++c)
    out.weighted_share[c] = total > 0 ? weighted[c] / total : 0.0;
  return out;
}

/// A report with the header every run of policy P states first: timeframe, seed, horizon, bar
/// length, calendar and the feature-share gate the importance chart marks.
template <TimeframePolicy P>
reports::run_report report_header(std::uint64_t seed, intake::calendar cal) {
  reports::run_report r;
  r.timeframe = std::string(P::name);
  r.seed = seed;
  r.horizon = P::horizon;
  r.bar_seconds = P::bar_seconds;
  r.calendar = std::string(intake::to_string(cal));
  r.max_feature_share = P::gates.max_feature_share;
  return r;
}

/// The report line of one input file after intake and the quality checks.
inline reports::symbol_summary symbol_line(const symbol_input& s) {
  return {
      s.bars.symbol,           s.file.string(),        s.bars.size(),     s.bars.timestamp.front(),
      s.bars.timestamp.back(), s.quality.missing_bars, s.quality.warnings};
}

/// The labels and calibration sections of a retrain's report.
template <TimeframePolicy P>
void report_labels_and_calibration(reports::run_report& r, const label_outcome& labels,
                                   const calibration::calibration_report& cal) {
  r.labels.k = labels.k;
  r.labels.target_share = P::class_targets;
  r.labels.raw_share = labels.train_share;
  r.labels.weighted_share = labels.weighted_share;
  r.labels.calibration_share = labels.calibration_share;

  r.calibration.method_requested = std::string(calibration::method_name(cal.requested));
  r.calibration.method_used = std::string(calibration::method_name(cal.used));
  r.calibration.reason = cal.reason;
  r.calibration.rows = cal.rows;
  r.calibration.before = {cal.before.log_loss, cal.before.brier, cal.before.ece};
  r.calibration.after = {cal.after.log_loss, cal.after.brier, cal.after.ece};
}

/// The data, labels and calibration sections of a retrain's report.
template <TimeframePolicy P>
void report_training(reports::run_report& r, const training_data& d, const label_outcome& labels,
                     const calibration::calibration_report& cal) {
  for (const auto& s : d.symbols) {
    r.data.symbols.push_back(symbol_line(s));
    r.data.dropped.resampling +=
        s.resampled.dropped_leading_partial + s.resampled.dropped_trailing_partial;
  }
  r.data.dropped.older_than_history = d.dropped_older;
  r.data.dropped.after_end = d.dropped_later;
  r.data.dropped.warm_up = d.rows.dropped_warmup;
  r.data.dropped.label_horizon = d.rows.dropped_past_data_end;
  r.data.train_rows = d.seg.train.size();
  r.data.calibration_rows = d.seg.calibration.size();
  r.data.test_rows = d.seg.test.size();
  report_labels_and_calibration<P>(r, labels, cal);
}

}  // namespace mtf::pipeline
