#pragma once
/// \file The terminal summary of a run: what a person reads in ten seconds after a retrain
/// (data, labels, models, calibration, the gate table, backtest against baselines, verdict).

#include <algorithm>
#include <cstddef>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "mtf/reports/run_report.hpp"

namespace mtf::reports {

namespace terminal_detail {
/// ANSI SGR codes used by the summary.
inline constexpr std::string_view bold = "1", dim = "2", red = "31", green = "32", yellow = "33";

/// Wraps `text` in an ANSI colour when `colour` is on; plain text otherwise.
inline std::string paint(std::string_view text, std::string_view code, bool colour) {
  if (!colour) return std::string(text);
  return "\033[" + std::string(code) + "m" + std::string(text) + "\033[0m";
}

/// Display width of UTF-8 text (code points; the report uses no wide glyphs).
inline std::size_t display_width(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}
/// `s` padded with spaces on the right to `width` columns.
inline std::string pad_right(std::string s, std::size_t width) {
  const std::size_t w = display_width(s);
  if (w < width) s.append(width - w, ' ');
  return s;
}
/// `s` padded on the left to `width` columns.
inline std::string pad_left(std::string s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w < width ? std::string(width - w, ' ') + s : s;
}
/// "0.40/0.20/0.40" for a (down, neutral, up) triple.
inline std::string triple(const std::array<double, 3>& v) {
  return report_text::fixed(v[0], 2) + "/" + report_text::fixed(v[1], 2) + "/" +
         report_text::fixed(v[2], 2);
}
/// "a, b, c".
inline std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i ? ", " : "") + items[i];
  return out;
}
/// Width of the section label column.
inline constexpr std::size_t label_width = 13;
/// The section label, padded to the label column.
inline std::string label(std::string_view name, bool colour) {
  return paint(pad_right(std::string(name), label_width), bold, colour);
}
/// Blank label column (continuation lines).
inline std::string indent() {
  return std::string(label_width, ' ');
}
}  // namespace terminal_detail

/// The verdict line without colour: "PROMOTED", "REJECTED: 2 gates failed (activity, skill)",
/// "REPORT ONLY", or "FORCED: ..." for --force-promote.
inline std::string verdict_text(const run_verdict& v) {
  const std::size_t n = v.failed_gates.size();
  const std::string failed = std::to_string(n) + (n == 1 ? " gate failed (" : " gates failed (") +
                             terminal_detail::join(v.failed_gates) + ")";
  switch (v.outcome) {
    case decision::promoted:
      return "PROMOTED";
    case decision::rejected:
      if (n == 0) return v.note.empty() ? "REJECTED" : "REJECTED: " + v.note;
      return "REJECTED: " + failed;
    case decision::report_only:
      return n == 0 ? "REPORT ONLY (all gates passed)" : "REPORT ONLY (" + failed + ")";
    case decision::forced:
      return "FORCED PROMOTION: " + (n == 0 ? std::string("no gate failed") : failed);
    case decision::evaluated:
      return n == 0 ? "EVALUATED: every gate passes" : "EVALUATED: " + failed;
  }
  return "UNKNOWN";
}

/// Writes the compact summary of `r` to `out`. ANSI colour only when `colour` (pass true only
/// when the stream is a terminal); without it the text is plain UTF-8 (✓/✗ marks included).
inline void write_terminal_report(std::ostream& out, const run_report& r, bool colour) {
  using namespace terminal_detail;
  using report_text::fixed;
  using report_text::percent;
  std::ostringstream o;  // built whole, then written once: no interleaving with other output

  const bool evaluation = r.evaluation.has_value();
  if (evaluation) {
    const auto& e = *r.evaluation;
    o << paint("mtf evaluate " + r.timeframe, bold, colour) << "  model " << e.model_run_id
      << "  seed " << r.seed << "  horizon " << r.horizon << " bars\n";
    o << label("model", colour) << "trained on bars "
      << report_text::utc_minutes(e.model_data_first) << " .. "
      << report_text::utc_minutes(e.model_data_last) << "  k " << fixed(r.labels.k, 3)
      << "  train class mix " << triple(r.labels.raw_share) << "\n";
  } else {
    o << paint("mtf retrain " + r.timeframe, bold, colour) << "  run " << r.run_id << "  seed "
      << r.seed << "  threads " << r.threads
      << (r.workers > 1 ? "  workers " + std::to_string(r.workers) : std::string()) << "  horizon "
      << r.horizon << " bars\n";
  }

  for (std::size_t i = 0; i < r.data.symbols.size(); ++i) {
    const auto& s = r.data.symbols[i];
    o << (i == 0 ? label("data", colour) : indent()) << s.symbol << "  " << s.bars << " bars  "
      << report_text::utc_minutes(s.first_timestamp) << " .. "
      << report_text::utc_minutes(s.last_timestamp) << "  gaps " << s.gaps;
    if (!s.warnings.empty())
      o << "  "
        << paint(std::to_string(s.warnings.size()) + " warning(s): " + join(s.warnings), yellow,
                 colour);
    o << "\n";
  }
  const auto& d = r.data;
  if (evaluation) {
    o << indent() << "rows judged " << r.evaluation->rows << "  skipped as in-sample "
      << r.evaluation->in_sample_rows_skipped << " (label window starts before the model's "
      << "training data ended plus the horizon)\n";
  } else {
    o << indent() << "rows train/calibration/test " << d.train_rows << "/" << d.calibration_rows
      << "/" << d.test_rows << "  dropped: warm-up " << d.dropped.warm_up << ", label horizon "
      << d.dropped.label_horizon << ", resampling " << d.dropped.resampling;
    if (d.dropped.older_than_history > 0 || d.dropped.after_end > 0)
      o << "; outside the training window: " << d.dropped.older_than_history
        << " bars older than history_days, " << d.dropped.after_end << " after its end";
    o << "\n";

    o << label("labels", colour) << "k " << fixed(r.labels.k, 3) << "  down/neutral/up raw "
      << triple(r.labels.raw_share) << "  weighted " << triple(r.labels.weighted_share)
      << "  target " << triple(r.labels.target_share) << "  calibration "
      << triple(r.labels.calibration_share) << "\n";

    const auto& m = r.models;
    const bool stacked = m.combiner != "single" && !m.combiner.empty();
    const auto scores = [&](std::string_view what, auto base_value, double meta, double ensemble) {
      o << indent() << pad_right(std::string(what), 22);
      for (const auto& b : m.base)
        o << b.name << " " << fixed(base_value(b), 4) << "  ";
      if (stacked) o << "meta " << fixed(meta, 4) << "  ensemble " << fixed(ensemble, 4);
      o << "\n";
    };
    o << label("models", colour) << "log loss against raw labels; the stack uses "
      << paint(m.combiner.empty() ? std::string("?") : m.combiner, bold, colour);
    if (m.combiner == "ensemble") {
      o << " (weights";
      for (std::size_t b = 0; b < m.base.size() && b < m.ensemble_weights.size(); ++b)
        o << " " << m.base[b].name << " " << fixed(m.ensemble_weights[b], 2);
      o << ")";
    }
    o << "  fold std " << fixed(m.stability_std, 4) << "\n";
    scores(
        "out-of-fold", [](const model_summary& b) { return b.oof_log_loss; }, m.meta_oof_log_loss,
        m.ensemble_oof_log_loss);
    scores(
        "test (uncalibrated)", [](const model_summary& b) { return b.test_log_loss; },
        m.meta_test_log_loss, m.ensemble_test_log_loss);
    if (!m.combiner_reason.empty()) o << indent() << paint(m.combiner_reason, dim, colour) << "\n";

    const auto& c = r.calibration;
    o << label("calibration", colour) << c.method_used;
    if (c.method_used != c.method_requested) o << " (requested " << c.method_requested << ")";
    o << " on " << c.rows << " rows: log loss " << fixed(c.before.log_loss, 4) << " -> "
      << fixed(c.after.log_loss, 4) << "  Brier " << fixed(c.before.brier, 4) << " -> "
      << fixed(c.after.brier, 4) << "  ECE " << fixed(c.before.ece, 4) << " -> "
      << fixed(c.after.ece, 4) << "\n";
    if (!c.reason.empty()) o << indent() << paint(c.reason, dim, colour) << "\n";
  }

  const auto& v = r.validation;
  o << label(evaluation ? "judged" : "test", colour) << "log loss " << fixed(v.test_log_loss, 4)
    << " (uncalibrated " << fixed(v.test_log_loss_uncalibrated, 4) << ", prior train mix "
    << fixed(v.prior_log_loss, 4);
  if (!evaluation) o << ", calibration mix " << fixed(v.calibration_prior_log_loss, 4);
  o << ")  accuracy " << percent(v.classification.accuracy) << "  eligible directional "
    << percent(v.classification.directional_accuracy) << " of "
    << v.classification.eligible_directional << "\n";
  o << indent() << "predicted down/neutral/up " << triple(v.signals.predicted_share)
    << "  confidence mean " << fixed(v.signals.confidence_mean, 3) << " std "
    << fixed(v.signals.confidence_std, 3) << "  alpha mean " << fixed(v.signals.alpha_mean, 3)
    << "  eligible " << percent(v.signals.eligible_share) << "\n";

  o << paint("gates", bold, colour) << "\n";
  std::size_t name_width = 4;
  for (const auto& g : r.gates)
    name_width = std::max(name_width, display_width(g.name));
  for (const auto& g : r.gates) {
    o << "  " << (g.passed ? paint("✓", green, colour) : paint("✗", red, colour)) << " "
      << pad_right(g.name, name_width + 2) << pad_left(fixed(g.value, 4), 10) << "   "
      << g.threshold;
    if (!g.detail.empty()) o << paint("  (" + g.detail + ")", dim, colour);
    o << "\n";
  }

  const auto& b = r.backtest;
  o << label("backtest", colour) << pad_right("", 13) << pad_left("trades", 7)
    << pad_left("/day", 8) << pad_left("win", 8) << pad_left("mean", 10) << pad_left("total", 9)
    << pad_left("Sharpe", 8) << pad_left("max DD", 8) << pad_left("long", 8) << "\n";
  const auto row = [&](std::string_view name, const backtest::performance& p) {
    o << indent() << pad_right(std::string(name), 13) << pad_left(std::to_string(p.trades), 7)
      << pad_left(fixed(p.trades_per_day, 2), 8) << pad_left(percent(p.win_rate), 8)
      << pad_left(report_text::basis_points(p.mean_trade_return), 10)
      << pad_left(percent(p.total_return), 9) << pad_left(fixed(p.sharpe, 2), 8)
      << pad_left(percent(p.max_drawdown), 8) << pad_left(percent(p.long_share), 8) << "\n";
  };
  row("strategy", b.strategy);
  row("buy & hold", b.buy_and_hold);
  row("random dir.", b.random_direction);
  if (r.per_symbol.size() > 1) {
    o << indent() << paint("pooled: equal capital per symbol; per symbol:", dim, colour) << "\n";
    o << label("symbols", colour) << pad_right("", 13) << pad_left("rows", 7)
      << pad_left("log loss", 10) << pad_left("prior", 8) << pad_left("acc.", 8)
      << pad_left("eligible", 10) << pad_left("trades", 8) << pad_left("Sharpe", 8)
      << pad_left("total", 9) << "\n";
    for (const auto& s : r.per_symbol)
      o << indent() << pad_right(s.symbol, 13) << pad_left(std::to_string(s.rows), 7)
        << pad_left(fixed(s.test_log_loss, 4), 10) << pad_left(fixed(s.prior_log_loss, 4), 8)
        << pad_left(percent(s.accuracy), 8) << pad_left(percent(s.eligible_share), 10)
        << pad_left(std::to_string(s.trades), 8) << pad_left(fixed(s.sharpe, 2), 8)
        << pad_left(percent(s.total_return), 9) << "\n";
  }

  if (!r.timings.empty()) {
    o << label("timings", colour);
    double total = 0;
    for (const auto& t : r.timings) {
      o << t.name << " " << fixed(t.seconds, 2) << "s  ";
      total += t.seconds;
    }
    o << "total " << fixed(total, 2) << "s\n";
  }

  const bool good = r.verdict.outcome == decision::promoted ||
                    (r.verdict.outcome == decision::evaluated && r.verdict.failed_gates.empty());
  const auto verdict_code =
      good ? green
           : (r.verdict.outcome == decision::rejected || r.verdict.outcome == decision::evaluated
                  ? red
                  : yellow);
  o << label("verdict", colour) << paint(verdict_text(r.verdict), verdict_code, colour) << "  "
    << (evaluation ? "model " : "run ") << r.run_path << "\n";
  if (!r.verdict.note.empty() &&
      !(r.verdict.outcome == decision::rejected && r.verdict.failed_gates.empty()))
    o << indent() << r.verdict.note << "\n";
  out << o.str();
}

}  // namespace mtf::reports
