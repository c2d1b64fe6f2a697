// A realistic run_report for the report-writer tests, built with the real validation and
// backtest code on synthetic 5m data (fixed seed), plus hand-set summaries of the other stages.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "mtf/core/scoring_rules.hpp"
#include "mtf/reports/run_report.hpp"
#include "timeframes/tf_5m.hpp"

namespace mtf::reports {
run_report sample_report();  // declared again by each report_*.cpp that uses it

run_report sample_report() {
  using P = timeframes::tf_5m;
  constexpr std::size_t n = 2'000;
  constexpr std::uint64_t seed = 7;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);

  // Random walk closes (n test rows + horizon after them), and probabilities that lean towards
  // the realised direction so the model has some skill.
  std::vector<double> closes(n + P::horizon);
  closes[0] = 30'000;
  for (std::size_t i = 1; i < closes.size(); ++i)
    closes[i] = closes[i - 1] * std::exp(0.002 * (unit(rng) - 0.5));
  std::vector<std::int64_t> timestamps(n);
  matrix probs({n, 3});
  matrix uncalibrated({n, 3});
  std::vector<int> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    timestamps[i] = 1'760'000'000 + static_cast<std::int64_t>(i) * P::bar_seconds;
    const double r = std::log(closes[i + P::horizon] / closes[i]);
    labels[i] = r > 0.0015 ? 2 : (r < -0.0015 ? 0 : 1);
    // The model calls the realised class 70% of the time, with varying conviction.
    const int call = unit(rng) < 0.7 ? labels[i] : static_cast<int>(rng() % 3);
    double p[3] = {0.05 + 0.2 * unit(rng), 0.05 + 0.2 * unit(rng), 0.05 + 0.2 * unit(rng)};
    p[call] += 0.2 + 0.8 * unit(rng);
    const double sum = p[0] + p[1] + p[2];
    for (std::size_t c = 0; c < 3; ++c) {
      probs(i, c) = p[c] / sum;
      uncalibrated(i, c) = (p[c] + 0.05) / (sum + 0.15);
    }
  }

  run_report r;
  r.timeframe = std::string(P::name);
  r.run_id = "20261123T150000Z-7";
  r.run_path = "/srv/models/5m/runs/20261123T150000Z-7";
  r.generated_at = "2026-11-23T15:00:00Z";
  r.seed = seed;
  r.threads = 2;
  r.horizon = P::horizon;
  r.bar_seconds = P::bar_seconds;
  r.calendar = "crypto";
  r.data.symbols.push_back({"btcusdt_5m",
                            "data/btcusdt_5m.csv",
                            27'000,
                            1'752'000'000,
                            1'760'100'000,
                            3,
                            {"2 zero-volume bars", "gap of 3 bars"}});
  r.data.dropped = {.warm_up = 49, .label_horizon = 12, .resampling = 0};
  r.data.train_rows = 18'000;
  r.data.calibration_rows = 3'800;
  r.data.test_rows = n;
  r.labels = {0.62, {0.40, 0.20, 0.40}, {0.40, 0.20, 0.40}, {0.40, 0.20, 0.40}, {0.38, 0.21, 0.41}};
  r.models.base = {{"random_forest", 1.0412, {1.03, 1.05, 1.04, 1.04, 1.046}, 1.0501},
                   {"gradient_boosting", 1.0387, {1.02, 1.05, 1.03, 1.04, 1.0535}, 1.0466},
                   {"logistic_regression", 1.0655, {1.06, 1.07, 1.06, 1.07, 1.0675}, 1.0702}};
  r.models.combiner = "meta_model";
  r.models.combiner_reason = "the meta-model is within 0.0020 of the best base model or better";
  r.models.meta_oof_log_loss = 1.0351;
  r.models.meta_test_log_loss = 1.0433;
  r.models.ensemble_oof_log_loss = 1.0371;
  r.models.ensemble_test_log_loss = 1.0450;
  r.models.ensemble_weights = {0.4, 0.6, 0.0};
  r.models.stack_oof_log_loss = 1.0351;
  r.models.stability_std = 0.0112;

  const auto sig = validation::compute_signals(probs, P::trade_gate);
  r.calibration = {"isotonic",
                   "isotonic",
                   "isotonic beat temperature scaling in 5-fold check",
                   3'800,
                   {1.0612, 0.6290, 0.0712},
                   {1.0405, 0.6180, 0.0153},
                   to_reliability_points(reliability_table(uncalibrated, labels)),
                   to_reliability_points(reliability_table(probs, labels))};
  r.validation.signals = validation::compute_signal_stats_for<P>(probs, timestamps);
  r.validation.classification = validation::compute_classification_metrics(sig, labels);
  r.validation.test_log_loss = log_loss(probs, labels);
  r.validation.test_log_loss_uncalibrated = log_loss(uncalibrated, labels);
  r.validation.test_brier = brier_score(probs, labels);
  r.validation.test_ece = expected_calibration_error(probs, labels);
  r.validation.prior_log_loss = validation::prior_log_loss({0.4, 0.2, 0.4}, labels);
  r.validation.calibration_prior_log_loss = validation::prior_log_loss({0.38, 0.21, 0.41}, labels);

  r.backtest = backtest::run_backtest_for<P>(sig, timestamps, closes);
  const std::vector<std::string> names{"log_return_1",  "sma_ratio_20",      "rsi_14",
                                       "zscore_20",     "macd_hist_12_26_9", "volume_ratio_20",
                                       "cmf_<20>&\"q\""};
  const std::vector<double> importance{0.9, 1.4, 2.0, 0.7, 1.1, 0.4, 0.5};
  r.gates = validation::evaluate_gates(
      P::gates, {.signals = r.validation.signals,
                 .backtest_trades_per_day = r.backtest.strategy.trades_per_day,
                 .backtest_sharpe = r.backtest.strategy.sharpe,
                 .test_log_loss = r.validation.test_log_loss,
                 .test_log_loss_uncalibrated = r.validation.test_log_loss_uncalibrated,
                 .prior_log_loss = r.validation.prior_log_loss,
                 .calibration_prior_log_loss = r.validation.calibration_prior_log_loss,
                 .leakage_audit_passed = true,
                 .feature_names = names,
                 .feature_importance = importance});
  r.feature_importance = feature_shares(names, importance);
  r.max_feature_share = P::gates.max_feature_share;
  r.timings = {{"intake", 0.41}, {"features", 1.20}, {"models", 38.5}, {"calibration", 0.3}};
  const auto verdict = validation::summarise_gates(r.gates);
  r.verdict = {verdict.passed ? decision::promoted : decision::rejected, verdict.failed, {}};
  fill_signal_histograms<P>(r, sig);
  return r;
}
}  // namespace mtf::reports
