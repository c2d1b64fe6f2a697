#pragma once
/// \file Judging a model's probabilities on labelled rows (SPEC §7, §8, §4.10): calibration
/// scores, signal statistics, classification metrics, the backtest and every gate — pooled over
/// all symbols of the rows, with a per-symbol table. Used for the test split of a retrain and by
/// `evaluate` on bars a promoted model never saw.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mtf/backtest/backtest.hpp"
#include "mtf/backtest/pooled_backtest.hpp"
#include "mtf/core/scoring_rules.hpp"
#include "mtf/models/row_subset.hpp"
#include "mtf/pipeline/dataset.hpp"
#include "mtf/reports/run_report.hpp"
#include "mtf/validation/classification_metrics.hpp"
#include "mtf/validation/gate_evaluation.hpp"
#include "mtf/validation/signal_stats.hpp"

namespace mtf::pipeline {

/// Labelled rows (time-ordered, one or several symbols) with a model's probabilities.
struct judged_rows {
  matrix p_raw;  ///< uncalibrated (the stack's output)
  matrix p;      ///< calibrated
  std::vector<int> y;
  std::vector<std::int64_t> time;     ///< bar open
  std::vector<std::uint32_t> symbol;  ///< index into the symbols the rows came from
  std::vector<std::size_t> bar;       ///< bar index within that symbol's series
};

/// Rows [begin, end) of a row table with their labels, scored by `predict_raw` (feature rows ->
/// uncalibrated probabilities) and `calibrate`.
template <class PredictRaw, class Calibrate>
judged_rows judge_table_rows(const row_table& rows, const std::vector<int>& y,
                             std::span<const std::size_t> which, PredictRaw&& predict_raw,
                             Calibrate&& calibrate) {
  judged_rows out;
  const matrix x = model::gather_rows(rows.x, which);
  out.p_raw = predict_raw(x);
  out.p = calibrate(out.p_raw);
  for (const std::size_t i : which) {
    out.y.push_back(y[i]);
    out.time.push_back(rows.time[i]);
    out.symbol.push_back(rows.symbol[i]);
    out.bar.push_back(rows.bar[i]);
  }
  return out;
}

/// What judging needs besides the rows.
struct judging_context {
  const std::vector<symbol_input>* symbols = nullptr;      ///< the bar series the rows index into
  std::array<double, 3> train_prior{};                     ///< the model's train class mix
  std::optional<std::array<double, 3>> calibration_prior;  ///< its calibration split's mix
  std::vector<std::string> feature_names;
  std::vector<double> feature_importance;
  bool leakage_passed = false;
  backtest::calendar calendar = backtest::calendar::crypto;
  std::uint64_t seed = 0;
};

/// Validation (SPEC §7) and backtest (SPEC §8) of `rows` under policy P, written into `report`:
/// calibration scores and reliability, signal statistics, classification metrics, the pooled
/// backtest (each symbol traded on its own bars, one book with equal capital per symbol), the
/// per-symbol table, histograms and every gate. Every figure covers every symbol (SPEC §4.10).
/// Throws data_error / training_error on inconsistent input.
template <TimeframePolicy P>
void judge_rows(reports::run_report& report, const judged_rows& rows, const judging_context& ctx) {
  if (rows.y.empty()) throw training_error("no rows to judge");
  const auto& symbols = *ctx.symbols;
  auto& v = report.validation;
  std::vector<validation::signal_stats> per_symbol_stats;
  std::vector<backtest::backtest_result> per_symbol_backtest;
  report.per_symbol.clear();
  for (std::uint32_t s = 0; s < symbols.size(); ++s) {
    std::vector<std::size_t> mine;
    for (std::size_t i = 0; i < rows.y.size(); ++i)
      if (rows.symbol[i] == s) mine.push_back(i);
    if (mine.empty()) continue;
    const matrix p_s = model::gather_rows(rows.p, mine);
    const auto y_s = model::gather(std::span<const int>(rows.y), mine);
    const auto t_s = model::gather(std::span<const std::int64_t>(rows.time), mine);
    const auto sig = validation::compute_signals(p_s, P::trade_gate);
    per_symbol_stats.push_back(validation::compute_signal_stats_for<P>(p_s, t_s));
    // The bars of one symbol's rows are consecutive; exits may use the `horizon` closes after.
    const auto& bars = symbols[s].bars;
    const std::size_t first_bar = rows.bar[mine.front()];
    const std::size_t last_bar =
        std::min(bars.size() - 1, rows.bar[mine.back()] + static_cast<std::size_t>(P::horizon));
    const std::vector<double> closes(
        bars.close.begin() + static_cast<std::ptrdiff_t>(first_bar),
        bars.close.begin() + static_cast<std::ptrdiff_t>(last_bar + 1));
    per_symbol_backtest.push_back(
        backtest::run_backtest_for<P>(sig, t_s, closes, ctx.calendar, ctx.seed));
    const auto classification = validation::compute_classification_metrics(sig, y_s);
    report.per_symbol.push_back({bars.symbol, mine.size(), log_loss(p_s, y_s),
                                 validation::prior_log_loss(ctx.train_prior, y_s),
                                 classification.accuracy, per_symbol_stats.back().eligible_share,
                                 per_symbol_backtest.back().strategy.trades,
                                 per_symbol_backtest.back().strategy.sharpe,
                                 per_symbol_backtest.back().strategy.total_return});
  }
  v.signals = validation::pool_signal_stats_for<P>(per_symbol_stats, rows.p);
  const auto sig = validation::compute_signals(rows.p, P::trade_gate);
  v.classification = validation::compute_classification_metrics(sig, rows.y);
  v.test_log_loss = log_loss(rows.p, rows.y);
  v.test_log_loss_uncalibrated = log_loss(rows.p_raw, rows.y);
  v.test_brier = brier_score(rows.p, rows.y);
  v.test_ece = expected_calibration_error(rows.p, rows.y);
  v.prior_log_loss = validation::prior_log_loss(ctx.train_prior, rows.y);
  if (ctx.calibration_prior)
    v.calibration_prior_log_loss = validation::prior_log_loss(*ctx.calibration_prior, rows.y);
  const auto rel_before = reliability_table(rows.p_raw, rows.y);
  const auto rel_after = reliability_table(rows.p, rows.y);
  report.calibration.test_reliability_before = reports::to_reliability_points(rel_before);
  report.calibration.test_reliability_after = reports::to_reliability_points(rel_after);
  report.backtest = backtest::pool_backtests(per_symbol_backtest);

  report.feature_importance = reports::feature_shares(ctx.feature_names, ctx.feature_importance);
  validation::gate_inputs in{.signals = v.signals,
                             .backtest_trades_per_day = report.backtest.strategy.trades_per_day,
                             .backtest_sharpe = report.backtest.strategy.sharpe,
                             .test_log_loss = v.test_log_loss,
                             .test_log_loss_uncalibrated = v.test_log_loss_uncalibrated,
                             .prior_log_loss = v.prior_log_loss,
                             .calibration_prior_log_loss = {},
                             .leakage_audit_passed = ctx.leakage_passed,
                             .feature_names = ctx.feature_names,
                             .feature_importance = ctx.feature_importance};
  if (ctx.calibration_prior) in.calibration_prior_log_loss = v.calibration_prior_log_loss;
  report.gates = validation::evaluate_gates(P::gates, in);
  reports::fill_signal_histograms<P>(report, sig);
}

}  // namespace mtf::pipeline
