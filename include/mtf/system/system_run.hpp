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

namespace run_detail {
/// Writes the scored rows [begin, begin + scored rows) into `views`.
inline void fill_views(std::vector<timeframe_view>& views, const pipeline::scored_rows& scored,
                       std::size_t begin) {
  for (std::size_t i = 0; i < scored.sig.size(); ++i) {
    timeframe_view& v = views[begin + i];
    v.available = true;
    v.p = {scored.p(i, 0), scored.p(i, 1), scored.p(i, 2)};
    v.confidence = scored.sig.confidence[i];
    v.alpha = scored.sig.alpha[i];
    v.direction = scored.sig.direction[i];
    v.eligible = scored.sig.eligible[i];
  }
}

/// One unavailable view per bar of `bars`, with its open time.
inline std::vector<timeframe_view> empty_views(const bar_series& bars) {
  std::vector<timeframe_view> views(bars.size());
  for (std::size_t i = 0; i < bars.size(); ++i)
    views[i].bar_open = bars.timestamp[i];
  return views;
}
}  // namespace run_detail

/// The view of every bar of `bars` (a series of policy P's bar length) from `model`: the
/// calibrated probabilities and trade-gate signal of pipeline::score_rows, unavailable during
/// the indicator warm-up (and for every bar when the series is shorter than it).
template <TimeframePolicy P>
std::vector<timeframe_view> series_views(const pipeline::loaded_model<P>& model,
                                         const bar_series& bars) {
  auto views = run_detail::empty_views(bars);
  if (bars.size() == 0) return views;
  const matrix x = compute_feature_matrix(P::features, bars);
  const std::size_t first = first_complete_row(x);
  if (first >= bars.size()) return views;
  run_detail::fill_views(views, pipeline::score_rows(model, x, first), first);
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
/// Views of `execution` resampled to P's bar (views_of(resampled bars) -> one view per bar),
/// aligned to the execution bars by last_closed_bar.
template <TimeframePolicy P, class ViewsOf>
std::vector<timeframe_view> aligned_views(ViewsOf&& views_of, const bar_series& execution,
                                          role_series& series) {
  auto resampled = intake::resample(execution, P::bar_seconds);
  series.bars = std::move(resampled.bars);
  series.counts = resampled.counts;
  series.views = views_of(series.bars);
  const auto index = last_closed_bar(execution.timestamp, execution.bar_seconds,
                                     series.bars.timestamp, P::bar_seconds);
  std::vector<timeframe_view> out(execution.size());
  for (std::size_t i = 0; i < out.size(); ++i)
    if (index[i] != no_closed_bar) out[i] = series.views[index[i]];
  return out;
}
}  // namespace run_detail

/// Runs system policy S over `execution` (bars of the execution policy's length) with each
/// role's views given by a callable (a series of the role's bar length -> one view per bar):
/// the coarser series are resampled from `execution`, each execution bar sees a coarser role's
/// last bar closed by its own close, and combine<S> decides. Causal when the callables are (the
/// view of a bar depends only on it and the bars before it). Throws programming_error when the
/// series has another bar length than the execution policy's.
template <SystemPolicy S, class Execution, class Overlay, class Regime, class Bias>
system_output run_system_with(const bar_series& execution, Execution&& execution_views,
                              Overlay&& overlay_views, Regime&& regime_views, Bias&& bias_views) {
  using E = typename S::execution;
  if (execution.bar_seconds != E::bar_seconds)
    throw programming_error("run_system", "execution",
                            "bars of " + std::to_string(execution.bar_seconds) +
                                " s, the execution policy needs " + std::to_string(E::bar_seconds) +
                                " s");
  system_output out;
  const auto exec_views = execution_views(execution);
  const auto overlay =
      run_detail::aligned_views<typename S::overlay>(overlay_views, execution, out.overlay);
  const auto regime =
      run_detail::aligned_views<typename S::regime>(regime_views, execution, out.regime);
  const auto bias = run_detail::aligned_views<typename S::bias>(bias_views, execution, out.bias);
  out.bars.resize(execution.size());
  for (std::size_t i = 0; i < execution.size(); ++i) {
    system_bar& b = out.bars[i];
    b.timestamp = execution.timestamp[i];
    b.views = {exec_views[i], overlay[i], regime[i], bias[i]};
    b.decision = combine<S>(b.views);
  }
  return out;
}

/// Runs system policy S over `execution` (bars of the execution policy's length, e.g. as
/// loaded by pipeline::load_recent) with one model per role. Causal: the output for bar i
/// depends only on bars 0..i, so a file cut after bar i gives the same first i+1 outputs (the
/// prefix-invariance of SPEC §10c).
template <SystemPolicy S>
system_output run_system(const system_models<S>& models, const bar_series& execution) {
  return run_system_with<S>(
      execution, [&](const bar_series& b) { return series_views(models.execution, b); },
      [&](const bar_series& b) { return series_views(models.overlay, b); },
      [&](const bar_series& b) { return series_views(models.regime, b); },
      [&](const bar_series& b) { return series_views(models.bias, b); });
}

}  // namespace mtf::system
