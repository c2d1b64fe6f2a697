#pragma once
/// \file From candle files to the time-ordered rows a retrain trains on: intake and quality
/// checks per symbol, causal features, the leakage audit, label inputs, and the merge of pooled
/// symbols in timestamp order (SPEC §4.1–4.5, §4.10). Labels themselves need k, which is solved
/// on the training split only, so they are assigned after the split (`label_rows`).

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/core/xtensor.hpp"
#include "mtf/features/feature_matrix.hpp"
#include "mtf/features/leakage_audit.hpp"
#include "mtf/intake/load_series.hpp"
#include "mtf/intake/quality_checks.hpp"
#include "mtf/labels/assign_labels.hpp"
#include "mtf/labels/regime.hpp"
#include "mtf/labels/solve_k.hpp"
#include "mtf/labels/volatility_adaptive.hpp"
#include "mtf/pipeline/policy_stages.hpp"
#include "mtf/pipeline/symbol_input.hpp"
#include "mtf/policy/timeframe_policy.hpp"
#include "mtf/split/chronological_split.hpp"

namespace mtf::pipeline {

/// Per-symbol features (every bar; NaN during warm-up) and label inputs.
struct symbol_features {
  matrix x;
  std::size_t first_complete = 0;  ///< bars before this are indicator warm-up
  label_inputs labels;
  leakage_audit_result audit;
};

/// Computes features, runs the leakage audit (SPEC §4.4, always on) and the label inputs.
template <TimeframePolicy P>
symbol_features compute_symbol_features(const bar_series& bars, std::uint64_t seed) {
  symbol_features f;
  f.x = compute_feature_matrix(P::features, bars);
  f.first_complete = first_complete_row(f.x);
  f.audit =
      audit_feature_leakage(P::features, bars, leakage_audit_options{.cuts = 4, .seed = seed});
  f.labels = compute_policy_label_inputs<P>(bars);
  return f;
}

/// Rows of all symbols that have complete features and a label window inside the data, merged
/// in timestamp order (ties by symbol order). Row i is bar `bar[i]` of symbol `symbol[i]`.
struct row_table {
  matrix x;                        ///< rows x features, row-major
  std::vector<std::int64_t> time;  ///< bar open time, non-decreasing
  /// Open time of bar `bar + horizon` of the row's symbol: the bar whose close ends the row's
  /// label window. Purges are decided on it (SPEC §4.6), so missing bars cannot hide an overlap.
  std::vector<std::int64_t> label_end;
  std::vector<std::uint32_t> symbol;
  std::vector<std::size_t> bar;
  std::size_t dropped_warmup = 0;         ///< bars in indicator or volatility warm-up
  std::size_t dropped_past_data_end = 0;  ///< last `horizon` bars: no label window
  [[nodiscard]] std::size_t size() const noexcept { return time.size(); }
};

/// True when bar t of a symbol becomes a training row.
inline bool usable_bar(const symbol_features& f, std::size_t t) {
  return t >= f.first_complete && f.labels.status[t] == label_status::labeled;
}

/// Merges the usable bars of every symbol into one time-ordered table; labels look `horizon`
/// bars ahead.
inline row_table merge_rows(const std::vector<symbol_input>& symbols,
                            const std::vector<symbol_features>& features, int horizon) {
  struct ref {
    std::int64_t time;
    std::uint32_t symbol;
    std::size_t bar;
  };
  std::vector<ref> refs;
  row_table table;
  for (std::uint32_t s = 0; s < symbols.size(); ++s) {
    const auto& f = features[s];
    for (std::size_t t = 0; t < symbols[s].bars.size(); ++t) {
      if (usable_bar(f, t))
        refs.push_back({symbols[s].bars.timestamp[t], s, t});
      else if (f.labels.status[t] == label_status::past_data_end)
        ++table.dropped_past_data_end;
      else
        ++table.dropped_warmup;
    }
  }
  std::stable_sort(refs.begin(), refs.end(), [](const ref& a, const ref& b) {
    return a.time < b.time || (a.time == b.time && a.symbol < b.symbol);
  });
  const std::size_t columns = features.empty() ? 0 : features[0].x.shape()[1];
  table.x = matrix::from_shape({refs.size(), columns});
  table.time.reserve(refs.size());
  table.label_end.reserve(refs.size());
  table.symbol.reserve(refs.size());
  table.bar.reserve(refs.size());
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const auto& src = features[refs[i].symbol].x;
    std::copy_n(&src(refs[i].bar, 0), columns, &table.x(i, 0));
    table.time.push_back(refs[i].time);
    table.label_end.push_back(
        symbols[refs[i].symbol].bars.timestamp[refs[i].bar + static_cast<std::size_t>(horizon)]);
    table.symbol.push_back(refs[i].symbol);
    table.bar.push_back(refs[i].bar);
  }
  return table;
}

/// Solves k on the training rows [begin, end) of the table (pooled over symbols) as the policy
/// says: fixed, or so that the neutral share equals the neutral target (SPEC §6).
template <TimeframePolicy P>
k_solution solve_k_on_rows(const row_table& rows, const std::vector<symbol_features>& features,
                           std::size_t begin, std::size_t end) {
  std::vector<std::vector<std::size_t>> bars(features.size());
  for (std::size_t i = begin; i < end; ++i)
    bars[rows.symbol[i]].push_back(rows.bar[i]);
  std::vector<series_rows> train;
  for (std::size_t s = 0; s < features.size(); ++s)
    if (!bars[s].empty()) train.push_back({features[s].labels, bars[s]});
  return choose_k<P>(train);
}

/// Label of every row for threshold multiplier k.
inline std::vector<int> label_rows(const row_table& rows,
                                   const std::vector<symbol_features>& features, double k) {
  std::vector<std::vector<int>> per_symbol;
  per_symbol.reserve(features.size());
  for (const auto& f : features)
    per_symbol.push_back(assign_labels(f.labels, k));
  std::vector<int> y(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    y[i] = per_symbol[rows.symbol[i]][rows.bar[i]];
  return y;
}

/// Rows [begin, end) of a matrix as a new matrix.
inline matrix row_range(const matrix& x, std::size_t begin, std::size_t end) {
  const std::size_t columns = x.shape()[1];
  matrix out = matrix::from_shape({end - begin, columns});
  if (end > begin) std::copy_n(&x(begin, 0), (end - begin) * columns, out.data());
  return out;
}

/// Everything a retrain learns from, up to the model: the symbols cut to the trailing window,
/// their features and leakage audit, the merged rows, the purged split, k and the labels.
struct training_data {
  std::vector<symbol_input> symbols;  ///< cut to the window and quality-checked
  std::vector<symbol_features> features;
  row_table rows;
  split::segments seg;
  k_solution k;
  std::vector<int> y;             ///< labels of `rows` with k
  std::size_t dropped_older = 0;  ///< bars before the trailing history_days window
  std::size_t dropped_later = 0;  ///< bars not closed by the window's end (`--to`)
};

}  // namespace mtf::pipeline
