#pragma once
/// \file What a walk-forward study reports (SPEC §10b), as one plain struct, and its three views:
/// walkforward.json, the terminal summary and a self-contained walkforward.html (inline SVG).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mtf/backtest/backtest.hpp"
#include "mtf/reports/html_report.hpp"
#include "mtf/reports/json_report.hpp"
#include "mtf/reports/run_report.hpp"
#include "mtf/reports/terminal_report.hpp"
#include "mtf/validation/block_bootstrap.hpp"

namespace mtf::reports {

/// Version of the walkforward.json layout.
inline constexpr int current_walkforward_version = 1;

/// One retrain of the schedule and what became of it.
struct walkforward_window {
  std::size_t index = 0;
  std::int64_t retrain_at = 0;  ///< epoch s: the model sees only bars closed by then
  std::int64_t until = 0;       ///< end of its out-of-sample period (retrain_at, until]
  std::string outcome;          ///< "promoted" / "rejected" by its gates, or "failed"
  std::vector<std::string> failed_gates;
  std::string failure;                  ///< why the window could not train (outcome "failed")
  std::size_t rows = 0;                 ///< out-of-sample rows scored
  double log_loss = 0;                  ///< the fresh model on its out-of-sample rows
  double prior_log_loss = 0;            ///< its train class mix on the same rows
  std::optional<std::size_t> deployed;  ///< window whose model traded this period (system view)
  std::string deployment_note;          ///< the champion/challenger decision at this retrain
};

/// Share of trained windows passing one gate and the 10/50/90% quantiles of its value: the
/// evidence a reviewer needs before changing a threshold.
struct gate_evidence {
  std::string name;
  std::string threshold;
  std::size_t windows = 0;
  double pass_share = 0;
  double q10 = 0, q50 = 0, q90 = 0;
};

/// Pooled out-of-sample skill: model log loss minus the prior's, with a moving-block bootstrap
/// interval.
struct skill_summary {
  std::size_t rows = 0;
  double log_loss = 0;
  double prior_log_loss = 0;
  validation::bootstrap_interval difference;  ///< mean of (model - prior) per row
  std::string verdict;  ///< "significant skill", "no significant skill", "... worse than the prior"
};

/// What the deployed models would have earned, trading with the backtest rules.
struct system_summary {
  backtest::backtest_result backtest;  ///< pooled over symbols
  validation::bootstrap_interval sharpe;
  std::size_t periods_with_model = 0;  ///< out-of-sample periods a deployed model traded
};

/// The whole study.
struct walkforward_report {
  int walkforward_version = current_walkforward_version;
  std::string study_id;
  std::string study_dir;
  std::string timeframe;
  std::string policy_fingerprint;
  std::vector<std::string> data;  ///< input files
  std::uint64_t seed = 0;
  int every_days = 0;
  int history_days = 0;
  int horizon = 0;
  std::int64_t bar_seconds = 0;
  std::int64_t from = 0, to = 0;  ///< first retrain date, end of the last period
  std::vector<walkforward_window> windows;
  skill_summary skill;
  system_summary system;
  std::vector<gate_evidence> gates;
  std::vector<reliability_point> reliability;  ///< all out-of-sample rows, calibrated
};

}  // namespace mtf::reports

namespace mtf::validation {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(bootstrap_interval, estimate, lower, upper, level,
                                                block, resamples)
}  // namespace mtf::validation

namespace mtf::reports {
/// walkforward_window <-> JSON; an absent deployment is null.
inline void to_json(nlohmann::json& j, const walkforward_window& w) {
  j = {{"index", w.index},
       {"retrain_at", w.retrain_at},
       {"until", w.until},
       {"outcome", w.outcome},
       {"failed_gates", w.failed_gates},
       {"failure", w.failure},
       {"rows", w.rows},
       {"log_loss", w.log_loss},
       {"prior_log_loss", w.prior_log_loss},
       {"deployed", w.deployed ? nlohmann::json(*w.deployed) : nlohmann::json(nullptr)},
       {"deployment_note", w.deployment_note}};
}
inline void from_json(const nlohmann::json& j, walkforward_window& w) {
  w.index = j.at("index").get<std::size_t>();
  w.retrain_at = j.at("retrain_at").get<std::int64_t>();
  w.until = j.at("until").get<std::int64_t>();
  w.outcome = j.at("outcome").get<std::string>();
  w.failed_gates = j.at("failed_gates").get<std::vector<std::string>>();
  w.failure = j.at("failure").get<std::string>();
  w.rows = j.at("rows").get<std::size_t>();
  w.log_loss = j.at("log_loss").get<double>();
  w.prior_log_loss = j.at("prior_log_loss").get<double>();
  if (j.at("deployed").is_null())
    w.deployed.reset();
  else
    w.deployed = j.at("deployed").get<std::size_t>();
  w.deployment_note = j.at("deployment_note").get<std::string>();
}
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(gate_evidence, name, threshold, windows, pass_share,
                                                q10, q50, q90)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(skill_summary, rows, log_loss, prior_log_loss,
                                                difference, verdict)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(system_summary, backtest, sharpe,
                                                periods_with_model)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(walkforward_report, walkforward_version, study_id,
                                                study_dir, timeframe, policy_fingerprint, data,
                                                seed, every_days, history_days, horizon,
                                                bar_seconds, from, to, windows, skill, system,
                                                gates, reliability)

/// The skill verdict of SPEC §10b for an interval of (model - prior) log loss.
inline std::string skill_verdict(const validation::bootstrap_interval& difference) {
  if (difference.upper < 0) return "significant skill";
  if (difference.lower > 0) return "no significant skill; worse than the prior";
  return "no significant skill";
}

/// The terminal summary of a study: the verdicts first, then the windows, the gates, the system.
inline void write_walkforward_terminal(std::ostream& out, const walkforward_report& r,
                                       bool colour) {
  using namespace terminal_detail;
  using report_text::fixed;
  using report_text::percent;
  std::ostringstream o;
  o << paint("mtf walk-forward " + r.timeframe, bold, colour) << "  study " << r.study_id
    << "  every " << r.every_days << " d  history " << r.history_days << " d  seed " << r.seed
    << "\n";
  std::size_t trained = 0, promoted = 0, failed = 0;
  for (const auto& w : r.windows) {
    if (w.outcome == "failed")
      ++failed;
    else
      ++trained;
    if (w.outcome == "promoted") ++promoted;
  }
  const std::int64_t last_retrain = r.windows.empty() ? r.from : r.windows.back().retrain_at;
  o << label("windows", colour) << r.windows.size() << " retrains "
    << report_text::utc_minutes(r.from).substr(0, 10) << " .. "
    << report_text::utc_minutes(last_retrain).substr(0, 10) << ", judged up to "
    << report_text::utc_minutes(r.to).substr(0, 10) << ": " << promoted << " passed every gate, "
    << (trained - promoted) << " rejected, " << failed << " failed\n";
  const auto& s = r.skill;
  const bool skilled = s.verdict == "significant skill";
  o << label("skill", colour) << "out-of-sample log loss " << fixed(s.log_loss, 4) << " vs prior "
    << fixed(s.prior_log_loss, 4) << " on " << s.rows << " rows: difference "
    << fixed(s.difference.estimate, 4) << " [" << fixed(s.difference.lower, 4) << ", "
    << fixed(s.difference.upper, 4) << "] (95%, block " << s.difference.block << ")\n"
    << indent() << paint(s.verdict, skilled ? green : red, colour) << "\n";
  const auto& b = r.system.backtest;
  o << label("system", colour) << "deployed models traded " << r.system.periods_with_model << " of "
    << r.windows.size() << " periods: " << b.strategy.trades << " trades, total "
    << percent(b.strategy.total_return) << ", Sharpe " << fixed(r.system.sharpe.estimate, 2) << " ["
    << fixed(r.system.sharpe.lower, 2) << ", " << fixed(r.system.sharpe.upper, 2) << "]\n"
    << indent() << "buy & hold total " << percent(b.buy_and_hold.total_return) << ", Sharpe "
    << fixed(b.buy_and_hold.sharpe, 2) << "; random direction total "
    << percent(b.random_direction.total_return) << ", Sharpe "
    << fixed(b.random_direction.sharpe, 2) << "\n";
  o << paint("gates", bold, colour) << " (share of trained windows passing; value quantiles)\n";
  std::size_t width = 4;
  for (const auto& g : r.gates)
    width = std::max(width, display_width(g.name));
  for (const auto& g : r.gates)
    o << "  " << pad_right(g.name, width + 2) << pad_left(percent(g.pass_share), 7) << "   q10 "
      << pad_left(fixed(g.q10, 4), 9) << "  q50 " << pad_left(fixed(g.q50, 4), 9) << "  q90 "
      << pad_left(fixed(g.q90, 4), 9) << "   " << g.threshold << "\n";
  o << label("study", colour) << r.study_dir << "\n";
  out << o.str();
}

namespace walkforward_html_detail {
/// Bars of (model - prior) log loss per window, green below zero (skill), red above.
inline void skill_svg(std::ostream& o, const walkforward_report& r) {
  using namespace html_detail;
  double lo = 0, hi = 0;
  for (const auto& w : r.windows) {
    if (w.rows == 0) continue;
    lo = std::min(lo, w.log_loss - w.prior_log_loss);
    hi = std::max(hi, w.log_loss - w.prior_log_loss);
  }
  if (hi - lo < 1e-3) hi = lo + 1e-3;
  const frame f{900, 260, 62, 16,
                14,  40,  0,  static_cast<double>(std::max<std::size_t>(1, r.windows.size())),
                lo,  hi};
  svg_open(o, f, "Out-of-sample log loss minus the prior's, per window");
  y_grid(o, f, 5, "log loss − prior (nats)");
  const double width = (f.width - f.left - f.right) / f.x_max;
  for (const auto& w : r.windows) {
    if (w.rows == 0) continue;
    const double d = w.log_loss - w.prior_log_loss;
    const double x = f.x(static_cast<double>(w.index));
    const double y0 = f.y(0), y1 = f.y(d);
    o << "<rect x=\"" << num(x + width * 0.1) << "\" y=\"" << num(std::min(y0, y1)) << "\" width=\""
      << num(std::max(0.5, width * 0.8)) << "\" height=\"" << num(std::max(0.5, std::abs(y1 - y0)))
      << "\" fill=\"" << (d < 0 ? pass : fail) << "\"><title>window " << w.index << " "
      << report_text::utc_minutes(w.retrain_at) << ": " << report_text::fixed(d, 4)
      << "</title></rect>\n";
  }
  o << "<line x1=\"" << num(f.left) << "\" x2=\"" << num(f.width - f.right) << "\" y1=\""
    << num(f.y(0)) << "\" y2=\"" << num(f.y(0)) << "\" stroke=\"" << subtle << "\"/>\n";
  x_ticks(o, f, 8, "window");
  o << "</svg>\n";
}
}  // namespace walkforward_html_detail

/// walkforward.html: verdicts, the per-window skill chart, the gate evidence table, the system's
/// equity against buy-and-hold, and the reliability diagram of every out-of-sample row.
inline void write_walkforward_html(std::ostream& out, const walkforward_report& r) {
  using namespace html_detail;
  using report_text::fixed;
  using report_text::percent;
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<title>mtf " << html_escape(r.timeframe) << " walk-forward " << html_escape(r.study_id)
    << "</title>\n<style>" << style << "</style>\n</head>\n<body>\n<main>\n";
  o << "<h1>mtf walk-forward &middot; " << html_escape(r.timeframe) << "</h1>\n<div class=\"meta\">"
    << "study <code>" << html_escape(r.study_id) << "</code> &middot; " << r.windows.size()
    << " retrains every " << r.every_days << " days on the trailing " << r.history_days
    << " days &middot; seed " << r.seed << "<br><code>" << html_escape(r.study_dir)
    << "</code></div>\n";
  const bool skilled = r.skill.verdict == "significant skill";
  o << "<div class=\"verdict " << (skilled ? "promoted" : "rejected") << "\">"
    << html_escape(r.skill.verdict) << "<small>out-of-sample log loss "
    << fixed(r.skill.log_loss, 4) << " vs prior " << fixed(r.skill.prior_log_loss, 4) << " on "
    << r.skill.rows << " rows; difference " << fixed(r.skill.difference.estimate, 4)
    << ", 95% moving-block bootstrap interval [" << fixed(r.skill.difference.lower, 4) << ", "
    << fixed(r.skill.difference.upper, 4) << "]</small></div>\n";

  o << "<section>\n<h2>Skill per window (fresh model on the period after its retrain)</h2>\n";
  walkforward_html_detail::skill_svg(o, r);
  o << "<p class=\"note\">Bars below zero: the model beat its train class mix on the period that "
    << "followed its retrain.</p>\n</section>\n";

  o << "<section>\n<h2>Gates over the windows</h2>\n<table>\n<thead><tr><th>gate</th>"
    << "<th class=\"num\">pass share</th><th class=\"num\">q10</th><th class=\"num\">q50</th>"
    << "<th class=\"num\">q90</th><th>threshold</th></tr></thead>\n<tbody>\n";
  for (const auto& g : r.gates)
    o << "<tr" << (g.pass_share < 0.5 ? " class=\"fail\"" : "") << ">" << cell(g.name)
      << cell(percent(g.pass_share), true) << cell(fixed(g.q10, 4), true)
      << cell(fixed(g.q50, 4), true) << cell(fixed(g.q90, 4), true) << cell(g.threshold)
      << "</tr>\n";
  o << "</tbody>\n</table>\n</section>\n";

  o << "<div class=\"grid\">\n<section>\n<h2>System: deployed models vs buy &amp; hold</h2>\n";
  equity_svg(o, r.system.backtest);
  o << "<p class=\"note\">The model the gates and champion/challenger would have deployed at each "
    << "retrain trades the following period (" << r.system.periods_with_model << " of "
    << r.windows.size() << " periods had one). Sharpe " << fixed(r.system.sharpe.estimate, 2)
    << " [" << fixed(r.system.sharpe.lower, 2) << ", " << fixed(r.system.sharpe.upper, 2)
    << "] (95%).</p>\n</section>\n";
  o << "<section>\n<h2>Reliability of every out-of-sample row</h2>\n";
  calibration_summary reliability;
  reliability.test_reliability_after = r.reliability;
  reliability.test_reliability_before = r.reliability;
  reliability_svg(o, reliability);
  o << "</section>\n</div>\n";

  o << "<section>\n<h2>Windows</h2>\n<table>\n<thead><tr><th>#</th><th>retrain</th>"
    << "<th>outcome</th><th class=\"num\">rows</th><th class=\"num\">log loss</th>"
    << "<th class=\"num\">prior</th><th>deployed</th><th>failed gates / reason</th></tr>"
    << "</thead>\n<tbody>\n";
  for (const auto& w : r.windows) {
    std::string why = w.failure;
    for (const auto& g : w.failed_gates)
      why += (why.empty() ? "" : ", ") + g;
    o << "<tr" << (w.outcome == "promoted" ? "" : " class=\"fail\"") << ">"
      << cell(std::to_string(w.index), true)
      << cell(report_text::utc_minutes(w.retrain_at).substr(0, 10)) << cell(w.outcome)
      << cell(std::to_string(w.rows), true) << cell(fixed(w.log_loss, 4), true)
      << cell(fixed(w.prior_log_loss, 4), true)
      << cell(w.deployed ? "window " + std::to_string(*w.deployed) : std::string("none"))
      << cell(why) << "</tr>\n";
  }
  o << "</tbody>\n</table>\n</section>\n</main>\n</body>\n</html>\n";
  out << o.str();
}

}  // namespace mtf::reports
