#pragma once
/// \file Running the multi-timeframe system over an execution file (SPEC §10c): the four promoted
/// models, each loaded through its own timeframe/fingerprint/schema guard; the coarser series
/// resampled from the execution bars; every execution bar's four views (a coarser view from its
/// last bar closed by the execution bar's close) and the combined decision.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "mtf/intake/resample.hpp"
#include "mtf/pipeline/inference.hpp"
#include "mtf/system/closed_bar_alignment.hpp"
#include "mtf/system/combined_decision.hpp"

namespace mtf::system {

/// The promoted model of each role of system policy S.
template <SystemPolicy S>
struct system_models {
  pipeline::loaded_model<typename S::execution> execution;
  pipeline::loaded_model<typename S::overlay> overlay;
  pipeline::loaded_model<typename S::regime> regime;
  pipeline::loaded_model<typename S::bias> bias;
};

/// Loads LATEST of `<models>/<tf>` for each role with pipeline::load_promoted, the same guard as
/// `retrain_<tf> predict`: a model of another timeframe, policy fingerprint or feature schema is
/// refused (artifact_error, exit 4) naming the run. Roles load in order execution, overlay,
/// regime, bias, so the first refusal named is deterministic.
template <SystemPolicy S>
system_models<S> load_system_models(const std::filesystem::path& models) {
  return {pipeline::load_promoted<typename S::execution>(models),
          pipeline::load_promoted<typename S::overlay>(models),
          pipeline::load_promoted<typename S::regime>(models),
          pipeline::load_promoted<typename S::bias>(models)};
}

/// The view of every bar of `bars` (a series of policy P's bar length) from `model`: the
/// calibrated probabilities and trade-gate signal of pipeline::score_rows, unavailable during
/// the indicator warm-up (and for every bar when the series is shorter than it).
template <TimeframePolicy P>
std::vector<timeframe_view> series_views(const pipeline::loaded_model<P>& model,
                                         const bar_series& bars) {
  std::vector<timeframe_view> views(bars.size());
  for (std::size_t i = 0; i < bars.size(); ++i)
    views[i].bar_open = bars.timestamp[i];
  if (bars.size() == 0) return views;
  const matrix x = compute_feature_matrix(P::features, bars);
  const std::size_t first = first_complete_row(x);
  if (first >= bars.size()) return views;
  const auto scored = pipeline::score_rows(model, x, first);
  for (std::size_t i = 0; i < scored.sig.size(); ++i) {
    timeframe_view& v = views[first + i];
    v.available = true;
    v.p = {scored.p(i, 0), scored.p(i, 1), scored.p(i, 2)};
    v.confidence = scored.sig.confidence[i];
    v.alpha = scored.sig.alpha[i];
    v.direction = scored.sig.direction[i];
    v.eligible = scored.sig.eligible[i];
  }
  return views;
}

/// One execution bar of the system's output.
struct system_bar {
  std::int64_t timestamp = 0;  ///< open time of the execution bar
  system_views views;
  combined_decision decision;
};

/// A coarser role's series, resampled from the execution bars, what resampling dropped, and
/// the role's view of each of its bars (series_views).
struct role_series {
  bar_series bars;
  intake::resample_counts counts;
  std::vector<timeframe_view> views;
};

/// The system over an execution series: per execution bar, the four views and the decision.
struct system_output {
  std::vector<system_bar> bars;
  role_series overlay, regime, bias;  ///< the resampled coarser series
};

namespace run_detail {
/// Views of `model` on `execution` resampled to P's bar, aligned to the execution bars by
/// last_closed_bar.
template <TimeframePolicy P>
std::vector<timeframe_view> aligned_views(const pipeline::loaded_model<P>& model,
                                          const bar_series& execution, role_series& series) {
  auto resampled = intake::resample(execution, P::bar_seconds);
  series.bars = std::move(resampled.bars);
  series.counts = resampled.counts;
  series.views = series_views(model, series.bars);
  const auto index = last_closed_bar(execution.timestamp, execution.bar_seconds,
                                     series.bars.timestamp, P::bar_seconds);
  std::vector<timeframe_view> out(execution.size());
  for (std::size_t i = 0; i < out.size(); ++i)
    if (index[i] != no_closed_bar) out[i] = series.views[index[i]];
  return out;
}
}  // namespace run_detail

/// Runs system policy S over `execution` (bars of the execution policy's length, e.g. as
/// loaded by pipeline::load_recent). Causal: the output for bar i depends only on bars 0..i, so
/// a file cut after bar i gives the same first i+1 outputs (the prefix-invariance of SPEC §10c).
/// Throws programming_error when the series has another bar length than the execution policy's.
template <SystemPolicy S>
system_output run_system(const system_models<S>& models, const bar_series& execution) {
  using E = typename S::execution;
  if (execution.bar_seconds != E::bar_seconds)
    throw programming_error("run_system", "execution",
                            "bars of " + std::to_string(execution.bar_seconds) +
                                " s, the execution policy needs " + std::to_string(E::bar_seconds) +
                                " s");
  system_output out;
  const auto exec_views = series_views(models.execution, execution);
  const auto overlay = run_detail::aligned_views(models.overlay, execution, out.overlay);
  const auto regime = run_detail::aligned_views(models.regime, execution, out.regime);
  const auto bias = run_detail::aligned_views(models.bias, execution, out.bias);
  out.bars.resize(execution.size());
  for (std::size_t i = 0; i < execution.size(); ++i) {
    system_bar& b = out.bars[i];
    b.timestamp = execution.timestamp[i];
    b.views = {exec_views[i], overlay[i], regime[i], bias[i]};
    b.decision = combine<S>(b.views);
  }
  return out;
}

}  // namespace mtf::system
