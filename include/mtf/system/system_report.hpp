#pragma once
/// \file The report of `mtf_system evaluate` and `walkforward` (SPEC §10c) in the three forms of
/// the retrain's report: a terminal summary, JSON, and a self-contained HTML page (inline SVG, no
/// network) with the overlay, regime and bias measurements, the decisions taken, the backtest
/// table and the equity curves of the system, the execution model alone and buy-and-hold.

#include <cmath>
#include <cstdio>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>

#include "mtf/reports/html_report.hpp"
#include "mtf/system/system_evaluate.hpp"
#include "mtf/system/system_walkforward.hpp"

namespace mtf::system {

/// Below this many eligible execution signals the agreed/disagreed hit rates say nothing.
inline constexpr std::size_t min_signals_judged = 30;

/// What overlay numbers say, in one phrase: the bootstrap verdict when there are enough signals,
/// else that there are too few.
inline std::string overlay_verdict(const overlay_agreement& a,
                                   const std::optional<overlay_difference>& significance) {
  if (!significance || a.signals < min_signals_judged)
    return "too few signals to judge the overlay";
  const auto& s = *significance;
  if (s.verdict == "agreed signals win more") return "the overlay earns its place";
  if (s.verdict == "disagreed signals win more") return "the overlay filters out the winners";
  return "the overlay does not earn its place here (no significant difference)";
}

/// overlay_verdict on the eligible execution signals (what the system trades).
inline std::string overlay_verdict(const system_evaluation& ev) {
  return overlay_verdict(ev.overlay, ev.overlay_significance);
}

/// The name of a history mode as the CLI and reports write it.
inline std::string history_mode_name(history_models m) {
  return m == history_models::deployed ? "deployed" : "force-promoted";
}

namespace report_detail {
inline nlohmann::ordered_json performance_json(const backtest::performance& p) {
  return {{"trades", p.trades},
          {"trades_per_day", p.trades_per_day},
          {"win_rate", p.win_rate},
          {"mean_trade_return", p.mean_trade_return},
          {"total_return", p.total_return},
          {"sharpe", p.sharpe},
          {"max_drawdown", p.max_drawdown}};
}

inline std::string format(const char* fmt, auto... args) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, fmt, args...);
  return buffer;
}
}  // namespace report_detail

/// The evaluation as JSON (the `--json` output of `evaluate`, and the "evaluation" member of
/// `walkforward --json`).
template <SystemPolicy S>
nlohmann::ordered_json evaluation_json(const system_evaluation& ev, const std::string& file) {
  using report_detail::performance_json;
  nlohmann::ordered_json rules;
  for (std::size_t r = 0; r < ev.rule_counts.size(); ++r)
    rules[std::string(enum_name(static_cast<decision_rule>(r)))] = ev.rule_counts[r];
  auto system = performance_json(ev.system.unsized);
  system["sized_total_return"] = ev.system.sized_total_return;
  system["sized_max_drawdown"] = ev.system.sized_max_drawdown;
  const auto significance_json = [](const std::optional<overlay_difference>& s) {
    if (!s) return nlohmann::ordered_json(nullptr);
    const auto& d = s->difference;
    return nlohmann::ordered_json{{"hit_rate_difference", d.estimate},
                                  {"lower", d.lower},
                                  {"upper", d.upper},
                                  {"level", d.level},
                                  {"block", d.block},
                                  {"resamples", d.resamples},
                                  {"verdict", s->verdict}};
  };
  return {{"system", std::string(S::name)},
          {"data", file},
          {"judged",
           {{"first", intake::format_iso8601(ev.first_judged)},
            {"last", intake::format_iso8601(ev.last_judged)},
            {"execution_bars", ev.bars_judged},
            {"in_sample_bars_skipped", ev.in_sample_bars_skipped}}},
          {"overlay_agreement",
           {{"timeframe", std::string(S::overlay::name)},
            {"signals", ev.overlay.signals},
            {"agreed", ev.overlay.agreed},
            {"opposed", ev.overlay.opposed},
            {"unconfirmed", ev.overlay.unconfirmed},
            {"agreed_share", ev.overlay.agreed_share()},
            {"agreed_hit_rate", ev.overlay.agreed_hit_rate()},
            {"disagreed_hit_rate", ev.overlay.disagreed_hit_rate()},
            {"significance", significance_json(ev.overlay_significance)},
            {"verdict", overlay_verdict(ev)},
            {"all_calls",
             {{"calls", ev.overlay_calls.signals},
              {"agreed", ev.overlay_calls.agreed},
              {"agreed_hit_rate", ev.overlay_calls.agreed_hit_rate()},
              {"disagreed_hit_rate", ev.overlay_calls.disagreed_hit_rate()},
              {"significance", significance_json(ev.overlay_calls_significance)},
              {"verdict", overlay_verdict(ev.overlay_calls, ev.overlay_calls_significance)}}}}},
          {"regime_stability",
           {{"timeframe", std::string(S::regime::name)},
            {"bars", ev.regime.bars},
            {"changes", ev.regime.changes},
            {"mean_duration_days", ev.regime.mean_duration_days},
            {"changes_per_week", ev.regime.changes_per_week},
            {"trend_changes_judged", ev.regime.trend_changes_judged},
            {"mean_signed_return_after_change", ev.regime.mean_signed_return_after_change}}},
          {"bias_accuracy",
           {{"timeframe", std::string(S::bias::name)},
            {"bars", ev.bias_bars},
            {"calls", ev.bias.calls},
            {"correct", ev.bias.correct},
            {"accuracy", ev.bias.accuracy()},
            {"flips", ev.bias.flips}}},
          {"decision_rules", rules},
          {"backtest",
           {{"system", system},
            {"execution_alone", performance_json(ev.execution_alone.unsized)},
            {"buy_and_hold", performance_json(ev.buy_and_hold)}}}};
}

/// `walkforward --json`: the models' mode, the span every history covers, each role's study and
/// how many of its periods had a model, and the evaluation over the span.
template <SystemPolicy S>
nlohmann::ordered_json walkforward_json(const system_walkforward& wf, const std::string& file) {
  nlohmann::ordered_json roles = nlohmann::ordered_json::array();
  static constexpr const char* role_names[] = {"execution", "overlay", "regime", "bias"};
  for (std::size_t r = 0; r < wf.roles.size(); ++r) {
    const auto& s = wf.roles[r];
    roles.push_back({{"role", role_names[r]},
                     {"timeframe", s.timeframe},
                     {"study_id", s.study_id},
                     {"study_dir", s.study_dir.string()},
                     {"periods", s.periods},
                     {"periods_with_model", s.periods_with_model},
                     {"models_used", s.models_used}});
  }
  return {{"models", history_mode_name(wf.mode)},
          {"covered",
           {{"from", intake::format_iso8601(wf.covered_from)},
            {"until", intake::format_iso8601(wf.covered_until)}}},
          {"roles", roles},
          {"evaluation", evaluation_json<S>(wf.evaluation, file)}};
}

/// The terminal summary of an evaluation; `binary` names the program in the first line.
template <SystemPolicy S>
void write_evaluation_terminal(std::ostream& out, const system_evaluation& ev,
                               const std::string& file, const std::string& binary) {
  using report_detail::format;
  const std::string exec(S::execution::name), overlay(S::overlay::name);
  out << binary << " (system policy " << S::name << ") on " << file << "\n";
  out << format("judged       %s .. %s  %zu %s bars",
                intake::format_iso8601(ev.first_judged).c_str(),
                intake::format_iso8601(ev.last_judged).c_str(), ev.bars_judged, exec.c_str());
  if (ev.in_sample_bars_skipped > 0)
    out << format(" (%zu earlier bars skipped: seen in training)", ev.in_sample_bars_skipped);
  out << "\n";
  out << format(
      "overlay      %s agrees with %zu of %zu eligible %s signals (%.1f%%); hit rate "
      "agreed %.1f%%, disagreed %.1f%% (%zu opposed, %zu neutral)\n",
      overlay.c_str(), ev.overlay.agreed, ev.overlay.signals, exec.c_str(),
      100 * ev.overlay.agreed_share(), 100 * ev.overlay.agreed_hit_rate(),
      100 * ev.overlay.disagreed_hit_rate(), ev.overlay.opposed, ev.overlay.unconfirmed);
  if (ev.overlay_significance) {
    const auto& d = ev.overlay_significance->difference;
    out << format(
        "             difference %+.1f points, 95%% block-bootstrap interval [%+.1f, "
        "%+.1f]  -> %s\n",
        100 * d.estimate, 100 * d.lower, 100 * d.upper, overlay_verdict(ev).c_str());
  } else {
    out << "             -> " << overlay_verdict(ev) << "\n";
  }
  out << format(
      "             every directional %s call, trade gate ignored: %zu calls, %.1f%% "
      "agreed; hit rate agreed %.1f%%, disagreed %.1f%%",
      exec.c_str(), ev.overlay_calls.signals, 100 * ev.overlay_calls.agreed_share(),
      100 * ev.overlay_calls.agreed_hit_rate(), 100 * ev.overlay_calls.disagreed_hit_rate());
  if (ev.overlay_calls_significance) {
    const auto& d = ev.overlay_calls_significance->difference;
    out << format(", difference %+.1f [%+.1f, %+.1f]", 100 * d.estimate, 100 * d.lower,
                  100 * d.upper);
  }
  out << "  -> " << overlay_verdict(ev.overlay_calls, ev.overlay_calls_significance) << "\n";
  out << format(
      "regime       %s: %zu bars, %zu changes, mean regime %.2f days, %.2f changes/week, "
      "mean signed return after a change into a trend %.2f%% (%zu judged)\n",
      std::string(S::regime::name).c_str(), ev.regime.bars, ev.regime.changes,
      ev.regime.mean_duration_days, ev.regime.changes_per_week,
      100 * ev.regime.mean_signed_return_after_change, ev.regime.trend_changes_judged);
  out << format(
      "bias         %s: %zu directional calls judged, accuracy %.1f%%, %zu up/down flips\n",
      std::string(S::bias::name).c_str(), ev.bias.calls, 100 * ev.bias.accuracy(), ev.bias.flips);
  out << "decisions   ";
  for (std::size_t r = 0; r < ev.rule_counts.size(); ++r)
    if (ev.rule_counts[r] > 0)
      out << " " << enum_name(static_cast<decision_rule>(r)) << " " << ev.rule_counts[r];
  out << "\nbacktest                   trades    /day     win       mean    total  Sharpe  max DD"
         "     sized  sized DD\n";
  const auto line = [&](const std::string& name, const backtest::performance& p,
                        const sized_performance* sized) {
    out << format("             %-16s %6zu %7.2f %6.1f%% %8.1f bp %7.2f%% %7.2f %6.1f%%",
                  name.c_str(), p.trades, p.trades_per_day, 100 * p.win_rate,
                  1e4 * p.mean_trade_return, 100 * p.total_return, p.sharpe, 100 * p.max_drawdown);
    if (sized)
      out << format(" %8.2f%% %8.1f%%", 100 * sized->sized_total_return,
                    100 * sized->sized_max_drawdown);
    out << "\n";
  };
  line("system", ev.system.unsized, &ev.system);
  line(exec + " alone", ev.execution_alone.unsized, nullptr);
  line("buy & hold", ev.buy_and_hold, nullptr);
}

/// The terminal summary of a walk-forward run: the models' mode, each role's history, then the
/// evaluation over the covered span.
template <SystemPolicy S>
void write_walkforward_terminal(std::ostream& out, const system_walkforward& wf,
                                const std::string& file, const std::string& binary) {
  using report_detail::format;
  out << "walk-forward, " << history_mode_name(wf.mode) << " models"
      << (wf.mode == history_models::force_promoted
              ? " (every window's fresh model, whatever its gates said)"
              : " (what each study's gates and champion/challenger deployed)")
      << "; span every history covers " << intake::format_iso8601(wf.covered_from) << " to "
      << intake::format_iso8601(wf.covered_until) << "\n";
  for (const auto& r : wf.roles)
    out << format("  %-4s study %s: %zu periods, %zu with a model, %zu distinct models\n",
                  r.timeframe.c_str(), r.study_id.c_str(), r.periods, r.periods_with_model,
                  r.models_used);
  write_evaluation_terminal<S>(out, wf.evaluation, file, binary);
}

namespace report_detail {
/// The three equity curves against time.
inline void system_equity_svg(std::ostream& o, const system_evaluation& ev,
                              const std::string& execution_name) {
  using namespace reports::html_detail;
  time_series_svg(o, ev.curve_timestamps,
                  {{"buy & hold", baseline, 2, false, &ev.buy_and_hold_equity},
                   {execution_name + " alone", faint, 1.8, true, &ev.execution_equity},
                   {"system (after costs, unsized)", accent, 2.5, false, &ev.system_equity}},
                  "Equity of the system against the execution model alone and buy-and-hold",
                  "equity (start = 1)", "judged period (UTC)");
}
}  // namespace report_detail

/// The HTML page of an evaluation (`walkforward` adds its history table): a complete,
/// self-contained UTF-8 document.
template <SystemPolicy S>
void write_system_html(std::ostream& out, const system_evaluation& ev, const std::string& file,
                       const system_walkforward* wf = nullptr) {
  using namespace reports::html_detail;
  using reports::html_escape;
  using reports::report_text::fixed;
  using reports::report_text::percent;
  const std::string exec(S::execution::name);
  std::ostringstream o;
  const std::string title = std::string(wf ? "mtf_system walk-forward" : "mtf_system evaluate") +
                            " (system policy " + std::string(S::name) + ")";
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
    << html_escape(title) << "</title>\n<style>" << style << "</style>\n</head>\n<body>\n<main>\n";
  o << "<h1>" << html_escape(title) << "</h1>\n<div class=\"meta\">" << html_escape(file)
    << " &middot; judged " << html_escape(reports::report_text::utc_minutes(ev.first_judged))
    << " to " << html_escape(reports::report_text::utc_minutes(ev.last_judged)) << " &middot; "
    << ev.bars_judged << " " << html_escape(exec) << " bars";
  if (ev.in_sample_bars_skipped > 0)
    o << " (" << ev.in_sample_bars_skipped << " earlier bars skipped: seen in training)";
  o << "</div>\n";
  const bool traded = ev.system.unsized.trades > 0;
  const bool beats =
      traded && ev.system.unsized.total_return > ev.execution_alone.unsized.total_return;
  o << "<div class=\"verdict " << (beats ? "promoted" : "rejected") << "\">"
    << (!traded ? std::string("The system made no trade")
        : beats ? "The system earned more than " + html_escape(exec) + " alone"
                : "The system did not earn more than " + html_escape(exec) + " alone")
    << "<small>system " << ev.system.unsized.trades << " trades, total "
    << percent(ev.system.unsized.total_return) << ", Sharpe " << fixed(ev.system.unsized.sharpe, 2)
    << "; " << html_escape(exec) << " alone " << ev.execution_alone.unsized.trades
    << " trades, total " << percent(ev.execution_alone.unsized.total_return) << "; buy &amp; hold "
    << percent(ev.buy_and_hold.total_return);
  if (!traded && ev.overlay_calls.signals > 0 && ev.overlay.signals == 0)
    o << ". No " << html_escape(exec) << " call passed its trade gate";
  o << "</small></div>\n";
  if (wf) {
    o << "<section>\n<h2>Walk-forward histories (" << html_escape(history_mode_name(wf->mode))
      << " models)</h2>\n<p class=\"note\">"
      << (wf->mode == history_models::force_promoted
              ? "Every window's fresh model is in force from its retrain on, whatever its gates "
                "said: the models' potential, not what production would have run."
              : "The model each study's gates and champion/challenger deployed is in force; a "
                "role without a deployed model gives no view.")
      << " Span every history covers: " << html_escape(intake::format_iso8601(wf->covered_from))
      << " to " << html_escape(intake::format_iso8601(wf->covered_until)) << ".</p>\n"
      << "<table>\n<thead><tr><th>timeframe</th><th>study</th><th class=\"num\">periods</th>"
      << "<th class=\"num\">with a model</th><th class=\"num\">distinct models</th></tr></thead>"
      << "\n<tbody>\n";
    for (const auto& r : wf->roles)
      o << "<tr" << (r.periods_with_model == 0 ? " class=\"fail\"" : "") << ">" << cell(r.timeframe)
        << cell(r.study_id) << cell(std::to_string(r.periods), true)
        << cell(std::to_string(r.periods_with_model), true)
        << cell(std::to_string(r.models_used), true) << "</tr>\n";
    o << "</tbody>\n</table>\n</section>\n";
  }
  o << "<section>\n<h2>Equity</h2>\n";
  report_detail::system_equity_svg(o, ev, exec);
  o << "</section>\n";
  o << "<section>\n<h2>Backtest</h2>\n<table>\n<thead><tr><th></th><th class=\"num\">trades"
    << "</th><th class=\"num\">per day</th><th class=\"num\">win rate</th><th class=\"num\">mean"
    << "</th><th class=\"num\">total</th><th class=\"num\">Sharpe</th><th class=\"num\">max DD"
    << "</th><th class=\"num\">sized total</th><th class=\"num\">sized DD</th></tr></thead>\n"
    << "<tbody>\n";
  const auto row = [&](const std::string& name, const backtest::performance& p,
                       const sized_performance* sized) {
    o << "<tr>" << cell(name) << cell(std::to_string(p.trades), true)
      << cell(fixed(p.trades_per_day, 2), true) << cell(percent(p.win_rate), true)
      << cell(reports::report_text::basis_points(p.mean_trade_return), true)
      << cell(percent(p.total_return), true) << cell(fixed(p.sharpe, 2), true)
      << cell(percent(p.max_drawdown), true)
      << cell(sized ? percent(sized->sized_total_return) : "", true)
      << cell(sized ? percent(sized->sized_max_drawdown) : "", true) << "</tr>\n";
  };
  row("system", ev.system.unsized, &ev.system);
  row(exec + " alone", ev.execution_alone.unsized, nullptr);
  row("buy & hold", ev.buy_and_hold, nullptr);
  o << "</tbody>\n</table>\n<p class=\"note\">Sized: each system trade commits the share of "
    << "equity its decision sized (the 24h bias scales it).</p>\n</section>\n";
  o << "<div class=\"grid\">\n<section>\n<h2>Overlay (" << html_escape(S::overlay::name) << ") on "
    << html_escape(exec) << " signals</h2>\n<table class=\"kv\">\n<tbody>\n"
    << "<tr>" << cell("eligible signals") << cell(std::to_string(ev.overlay.signals), true)
    << "</tr>\n<tr>" << cell("agreed") << cell(percent(ev.overlay.agreed_share()), true)
    << "</tr>\n<tr>" << cell("hit rate agreed") << cell(percent(ev.overlay.agreed_hit_rate()), true)
    << "</tr>\n<tr>" << cell("hit rate disagreed")
    << cell(percent(ev.overlay.disagreed_hit_rate()), true) << "</tr>\n";
  if (ev.overlay_significance) {
    const auto& d = ev.overlay_significance->difference;
    o << "<tr>" << cell("difference, 95% interval")
      << cell(fixed(100 * d.estimate, 1) + " [" + fixed(100 * d.lower, 1) + ", " +
                  fixed(100 * d.upper, 1) + "] points",
              true)
      << "</tr>\n";
  }
  o << "<tr>" << cell("every directional call (gate ignored)")
    << cell(std::to_string(ev.overlay_calls.signals), true) << "</tr>\n<tr>"
    << cell("all calls: hit rate agreed / disagreed")
    << cell(percent(ev.overlay_calls.agreed_hit_rate()) + " / " +
                percent(ev.overlay_calls.disagreed_hit_rate()),
            true)
    << "</tr>\n";
  o << "</tbody>\n</table>\n<p class=\"note\">Signals: " << html_escape(overlay_verdict(ev))
    << ". Every call: "
    << html_escape(overlay_verdict(ev.overlay_calls, ev.overlay_calls_significance))
    << ".</p>\n</section>\n";
  o << "<section>\n<h2>Regime (" << html_escape(S::regime::name) << ") and bias ("
    << html_escape(S::bias::name) << ")</h2>\n<table class=\"kv\">\n<tbody>\n"
    << "<tr>" << cell("regime bars, changes")
    << cell(std::to_string(ev.regime.bars) + ", " + std::to_string(ev.regime.changes), true)
    << "</tr>\n<tr>" << cell("mean regime (days)")
    << cell(fixed(ev.regime.mean_duration_days, 2), true) << "</tr>\n<tr>"
    << cell("changes per week") << cell(fixed(ev.regime.changes_per_week, 2), true) << "</tr>\n<tr>"
    << cell("signed return after a change")
    << cell(percent(ev.regime.mean_signed_return_after_change), true) << "</tr>\n<tr>"
    << cell("bias calls, accuracy")
    << cell(std::to_string(ev.bias.calls) + ", " + percent(ev.bias.accuracy()), true)
    << "</tr>\n<tr>" << cell("bias flips") << cell(std::to_string(ev.bias.flips), true)
    << "</tr>\n</tbody>\n</table>\n</section>\n</div>\n";
  o << "<section>\n<h2>Decisions</h2>\n<table>\n<thead><tr><th>rule</th><th class=\"num\">bars"
    << "</th><th class=\"num\">share</th></tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < ev.rule_counts.size(); ++r)
    if (ev.rule_counts[r] > 0)
      o << "<tr>" << cell(enum_name(static_cast<decision_rule>(r)))
        << cell(std::to_string(ev.rule_counts[r]), true)
        << cell(percent(static_cast<double>(ev.rule_counts[r]) /
                        static_cast<double>(std::max<std::size_t>(1, ev.bars_judged))),
                true)
        << "</tr>\n";
  o << "</tbody>\n</table>\n</section>\n</main>\n</body>\n</html>\n";
  out << o.str();
}

}  // namespace mtf::system
