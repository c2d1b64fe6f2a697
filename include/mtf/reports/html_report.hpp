#pragma once
/// \file report.html: one self-contained page (inline CSS and SVG; no script, no network) with the
/// verdict, the gate table, reliability before/after calibration, confidence and alpha
/// histograms with the gate thresholds, equity against buy-and-hold, predicted vs target class
/// shares and feature importance.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "mtf/reports/run_report.hpp"
#include "mtf/reports/terminal_report.hpp"

namespace mtf::reports {

/// `text` with &, <, >, " and ' replaced by entities: safe in HTML text and attribute values.
inline std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace html_detail {
// Muted palette: ink, grid, accent (the model), baseline grey, pass/fail/warn.
inline constexpr std::string_view ink = "#1f2933", subtle = "#52606d", grid = "#e4e7eb",
                                  accent = "#2f5d8a", baseline = "#9aa5b1", faint = "#c3cad3",
                                  pass = "#2f7d4f", fail = "#b23b3b", warn = "#b7791f";

/// Number for SVG coordinates (two decimals are plenty at screen resolution).
inline std::string num(double v) {
  return report_text::fixed(std::isfinite(v) ? v : 0.0, 2);
}

/// A "nice" tick step (1, 2 or 5 times a power of ten) giving about `ticks` ticks over `range`.
inline double nice_step(double range, int ticks) {
  if (!(range > 0)) return 1.0;
  const double raw = range / ticks;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / power;
  return (fraction < 1.5 ? 1.0 : fraction < 3.5 ? 2.0 : fraction < 7.5 ? 5.0 : 10.0) * power;
}

/// Tick label text: as many decimals as the step needs.
inline std::string tick_text(double v, double step) {
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  return report_text::fixed(std::abs(v) < step * 1e-9 ? 0.0 : v, std::min(decimals, 6));
}

/// A plot area inside an SVG of width x height with margins, mapping data to pixels.
struct frame {
  double width, height, left, right, top, bottom;
  double x_min, x_max, y_min, y_max;
  [[nodiscard]] double x(double v) const {
    return left + (v - x_min) / (x_max - x_min) * (width - left - right);
  }
  [[nodiscard]] double y(double v) const {
    return height - bottom - (v - y_min) / (y_max - y_min) * (height - top - bottom);
  }
};

/// Opens an SVG with a title for screen readers.
inline void svg_open(std::ostream& o, const frame& f, std::string_view title) {
  // No xmlns: inline SVG in HTML5 needs none, and the page must not reference any URL.
  o << "<svg viewBox=\"0 0 " << num(f.width) << ' ' << num(f.height) << "\" width=\""
    << num(f.width) << "\" height=\"" << num(f.height) << "\" role=\"img\"><title>"
    << html_escape(title) << "</title>\n";
}

/// Horizontal grid lines with y tick labels, the x axis line, and axis titles.
inline void y_grid(std::ostream& o, const frame& f, int ticks, std::string_view y_title,
                   bool percent = false) {
  const double step = nice_step(f.y_max - f.y_min, ticks);
  for (double v = std::ceil(f.y_min / step) * step; v <= f.y_max + step * 1e-9; v += step) {
    o << "<line x1=\"" << num(f.left) << "\" x2=\"" << num(f.width - f.right) << "\" y1=\""
      << num(f.y(v)) << "\" y2=\"" << num(f.y(v)) << "\" stroke=\"" << grid << "\"/>"
      << "<text x=\"" << num(f.left - 6) << "\" y=\"" << num(f.y(v) + 4)
      << "\" class=\"tick\" text-anchor=\"end\">"
      << (percent ? report_text::fixed(100 * v, step * 100 >= 1 ? 0 : 1) + "%" : tick_text(v, step))
      << "</text>\n";
  }
  o << "<text class=\"axis\" transform=\"translate(14 " << num((f.top + f.height - f.bottom) / 2)
    << ") rotate(-90)\" text-anchor=\"middle\">" << html_escape(y_title) << "</text>\n";
}

/// X tick labels for a numeric axis plus its title.
inline void x_ticks(std::ostream& o, const frame& f, int ticks, std::string_view x_title) {
  const double step = nice_step(f.x_max - f.x_min, ticks);
  for (double v = std::ceil(f.x_min / step) * step; v <= f.x_max + step * 1e-9; v += step)
    o << "<line x1=\"" << num(f.x(v)) << "\" x2=\"" << num(f.x(v)) << "\" y1=\""
      << num(f.height - f.bottom) << "\" y2=\"" << num(f.height - f.bottom + 4) << "\" stroke=\""
      << subtle << "\"/><text x=\"" << num(f.x(v)) << "\" y=\"" << num(f.height - f.bottom + 17)
      << "\" class=\"tick\" text-anchor=\"middle\">" << tick_text(v, step) << "</text>\n";
  o << "<text class=\"axis\" x=\"" << num((f.left + f.width - f.right) / 2) << "\" y=\""
    << num(f.height - 4) << "\" text-anchor=\"middle\">" << html_escape(x_title) << "</text>\n";
}

/// The x axis base line.
inline void x_axis_line(std::ostream& o, const frame& f) {
  o << "<line x1=\"" << num(f.left) << "\" x2=\"" << num(f.width - f.right) << "\" y1=\""
    << num(f.height - f.bottom) << "\" y2=\"" << num(f.height - f.bottom) << "\" stroke=\""
    << subtle << "\"/>\n";
}

/// A legend entry at (x, y): a short line or box in `colour`, then the label.
inline void legend(std::ostream& o, double x, double y, std::string_view colour,
                   std::string_view text, bool dashed = false) {
  o << "<line x1=\"" << num(x) << "\" x2=\"" << num(x + 18) << "\" y1=\"" << num(y - 4)
    << "\" y2=\"" << num(y - 4) << "\" stroke=\"" << colour << "\" stroke-width=\"2.5\""
    << (dashed ? " stroke-dasharray=\"4 3\"" : "") << "/><text x=\"" << num(x + 24) << "\" y=\""
    << num(y) << "\" class=\"legend\">" << html_escape(text) << "</text>\n";
}

/// Polyline through the points (x[i], y[i]).
inline void polyline(std::ostream& o, const frame& f, const std::vector<double>& xs,
                     const std::vector<double>& ys, std::string_view colour, double width,
                     bool dashed = false) {
  if (xs.empty()) return;
  o << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"" << num(width)
    << "\" stroke-linejoin=\"round\"" << (dashed ? " stroke-dasharray=\"5 4\"" : "")
    << " points=\"";
  for (std::size_t i = 0; i < xs.size(); ++i)
    o << (i ? " " : "") << num(f.x(xs[i])) << ',' << num(f.y(ys[i]));
  o << "\"/>\n";
}

/// Reliability diagram: accuracy against mean confidence per non-empty bin, before (grey) and
/// after (accent) calibration, with the diagonal of perfect calibration.
inline void reliability_svg(std::ostream& o, const calibration_summary& c) {
  const frame f{440, 340, 52, 16, 16, 44, 0, 1, 0, 1};
  svg_open(o, f, "Reliability diagram on the test split, before and after calibration");
  y_grid(o, f, 5, "observed accuracy");
  x_axis_line(o, f);
  x_ticks(o, f, 5, "mean predicted confidence (top label)");
  o << "<line x1=\"" << num(f.x(0)) << "\" y1=\"" << num(f.y(0)) << "\" x2=\"" << num(f.x(1))
    << "\" y2=\"" << num(f.y(1)) << "\" stroke=\"" << faint << "\" stroke-dasharray=\"4 4\"/>\n";
  const auto series = [&](const std::vector<reliability_point>& points, std::string_view colour) {
    std::vector<double> xs, ys;
    for (const auto& p : points)
      if (p.count > 0) xs.push_back(p.mean_confidence), ys.push_back(p.accuracy);
    polyline(o, f, xs, ys, colour, 2);
    for (std::size_t i = 0; i < xs.size(); ++i)
      o << "<circle cx=\"" << num(f.x(xs[i])) << "\" cy=\"" << num(f.y(ys[i]))
        << "\" r=\"3.2\" fill=\"" << colour << "\"/>\n";
  };
  series(c.test_reliability_before, baseline);
  series(c.test_reliability_after, accent);
  // Legend in the lower right: below the diagonal, where a top-label curve rarely goes.
  legend(o, f.x(0.52), f.y(0.22), baseline, "before calibration");
  legend(o, f.x(0.52), f.y(0.22) + 18, accent, "after (" + c.method_used + ")");
  legend(o, f.x(0.52), f.y(0.22) + 36, faint, "perfect calibration", true);
  o << "</svg>\n";
}

/// Histogram bars with its markers as labelled vertical lines.
inline void histogram_svg(std::ostream& o, const validation::histogram& h, std::string_view title) {
  std::size_t max_count = 1, total = 0;
  for (const auto c : h.counts)
    max_count = std::max(max_count, c), total += c;
  const double top_share =
      total ? static_cast<double>(max_count) / static_cast<double>(total) : 1.0;
  const frame f{440, 300, 52, 16, 34, 44, h.lower, h.upper, 0, top_share * 1.1};
  svg_open(o, f, title);
  y_grid(o, f, 4, "share of test bars", true);
  const double bin_width =
      (h.upper - h.lower) / static_cast<double>(std::max<std::size_t>(1, h.counts.size()));
  for (std::size_t b = 0; b < h.counts.size(); ++b) {
    const double share = total ? static_cast<double>(h.counts[b]) / static_cast<double>(total) : 0;
    const double x0 = f.x(h.lower + static_cast<double>(b) * bin_width) + 1;
    const double x1 = f.x(h.lower + static_cast<double>(b + 1) * bin_width) - 1;
    o << "<rect x=\"" << num(x0) << "\" y=\"" << num(f.y(share)) << "\" width=\""
      << num(std::max(0.5, x1 - x0)) << "\" height=\"" << num(f.y(0) - f.y(share)) << "\" fill=\""
      << accent << "\" fill-opacity=\"0.75\"><title>"
      << report_text::fixed(h.lower + static_cast<double>(b) * bin_width, 2) << "-"
      << report_text::fixed(h.lower + static_cast<double>(b + 1) * bin_width, 2) << ": "
      << h.counts[b] << " bars</title></rect>\n";
  }
  x_axis_line(o, f);
  x_ticks(o, f, 5, h.name);
  for (std::size_t m = 0; m < h.markers.size(); ++m) {
    const auto& marker = h.markers[m];
    const double x = f.x(std::clamp(marker.value, h.lower, h.upper));
    o << "<line x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\"" << num(f.top - 4)
      << "\" y2=\"" << num(f.y(0)) << "\" stroke=\"" << fail << "\" stroke-width=\"1.5\""
      << " stroke-dasharray=\"" << (m % 2 ? "2 3" : "6 3") << "\"/>"
      << "<text x=\"" << num(x + 4) << "\" y=\"" << num(f.top + 6 + 13.0 * static_cast<double>(m))
      << "\" class=\"marker\">" << html_escape(marker.label) << " "
      << report_text::fixed(marker.value, 2) << "</text>\n";
  }
  o << "</svg>\n";
}

/// Grouped bars: predicted vs target share of down, neutral, up.
inline void class_share_svg(std::ostream& o, const std::array<double, 3>& predicted,
                            const std::array<double, 3>& target) {
  double top = 0.5;
  for (std::size_t c = 0; c < 3; ++c)
    top = std::max({top, predicted[c], target[c]});
  const frame f{440, 300, 52, 16, 34, 34, 0, 3, 0, std::min(1.0, top * 1.15)};
  svg_open(o, f, "Predicted and target class shares on the test split");
  y_grid(o, f, 5, "share of bars", true);
  const char* names[3] = {"down", "neutral", "up"};
  for (std::size_t c = 0; c < 3; ++c) {
    const double centre = static_cast<double>(c) + 0.5;
    const auto bar = [&](double x_left, double value, std::string_view colour) {
      o << "<rect x=\"" << num(f.x(x_left)) << "\" y=\"" << num(f.y(value)) << "\" width=\""
        << num(f.x(x_left + 0.3) - f.x(x_left)) << "\" height=\"" << num(f.y(0) - f.y(value))
        << "\" fill=\"" << colour << "\"/><text x=\"" << num(f.x(x_left + 0.15)) << "\" y=\""
        << num(f.y(value) - 5) << "\" class=\"value\" text-anchor=\"middle\">"
        << report_text::percent(value) << "</text>\n";
    };
    bar(centre - 0.32, predicted[c], accent);
    bar(centre + 0.02, target[c], baseline);
    o << "<text x=\"" << num(f.x(centre)) << "\" y=\"" << num(f.height - f.bottom + 18)
      << "\" class=\"tick\" text-anchor=\"middle\">" << names[c] << "</text>\n";
  }
  x_axis_line(o, f);
  legend(o, f.left + 12, 16, accent, "predicted");
  legend(o, f.left + 120, 16, baseline, "target (policy)");
  o << "</svg>\n";
}

/// One line of a time_series_svg chart: its legend label, colour, stroke width and dash, and
/// one value per timestamp.
struct series_line {
  std::string label;
  std::string_view colour;
  double width = 2;
  bool dashed = false;
  const std::vector<double>* values = nullptr;
};

/// Lines over time (epoch seconds), drawn in the order given (the first lies underneath) with
/// legends in reverse order, a reference line at 1 and five date ticks; at most ~1,500 points per
/// line (a 100k-bar test split would otherwise make a 5 MB page), always ending on the last one.
/// A line whose length differs from the timestamps' gives "No equity curve.".
inline void time_series_svg(std::ostream& o, const std::vector<std::int64_t>& timestamps,
                            const std::vector<series_line>& lines, std::string_view title,
                            std::string_view y_title, std::string_view x_title) {
  const std::size_t n = timestamps.size();
  bool complete = n > 0;
  for (const auto& l : lines)
    complete = complete && l.values != nullptr && l.values->size() == n;
  if (!complete) {
    o << "<p class=\"note\">No equity curve.</p>\n";
    return;
  }
  const std::size_t stride = std::max<std::size_t>(1, n / 1500);
  std::vector<std::size_t> picks;
  for (std::size_t i = 0; i < n; i += stride)
    picks.push_back(i);
  if ((n - 1) % stride != 0) picks.push_back(n - 1);  // always end on the final value
  std::vector<double> xs;
  double lo = 1, hi = 1;
  for (const std::size_t i : picks) {
    xs.push_back(static_cast<double>(timestamps[i]));
    for (const auto& l : lines) {
      lo = std::min(lo, (*l.values)[i]);
      hi = std::max(hi, (*l.values)[i]);
    }
  }
  const double pad = std::max(1e-3, (hi - lo) * 0.08);
  const double x_min = xs.front(), x_max = xs.size() > 1 ? xs.back() : xs.front() + 1;
  const frame f{900, 340, 64, 20, 30, 44, x_min, x_max, lo - pad, hi + pad};
  svg_open(o, f, title);
  y_grid(o, f, 5, y_title);
  x_axis_line(o, f);
  for (int k = 0; k <= 4; ++k) {  // five date labels, evenly spaced in time
    const double t = x_min + (x_max - x_min) * k / 4.0;
    o << "<text x=\"" << num(f.x(t)) << "\" y=\"" << num(f.height - f.bottom + 17)
      << "\" class=\"tick\" text-anchor=\""
      << (k == 0   ? "start"
          : k == 4 ? "end"
                   : "middle")
      << "\">" << report_text::utc_minutes(static_cast<std::int64_t>(t)).substr(0, 10)
      << "</text>\n";
  }
  o << "<text class=\"axis\" x=\"" << num((f.left + f.width - f.right) / 2) << "\" y=\""
    << num(f.height - 4) << "\" text-anchor=\"middle\">" << html_escape(x_title) << "</text>\n";
  o << "<line x1=\"" << num(f.left) << "\" x2=\"" << num(f.width - f.right) << "\" y1=\""
    << num(f.y(1)) << "\" y2=\"" << num(f.y(1)) << "\" stroke=\"" << subtle
    << "\" stroke-width=\"0.8\"/>\n";
  for (const auto& l : lines) {
    std::vector<double> ys;
    for (const std::size_t i : picks)
      ys.push_back((*l.values)[i]);
    polyline(o, f, xs, ys, l.colour, l.width, l.dashed);
  }
  double x = f.left + 12;
  for (auto l = lines.rbegin(); l != lines.rend(); ++l) {
    legend(o, x, 18, l->colour, l->label, l->dashed);
    x += 44 + 6.5 * static_cast<double>(l->label.size());
  }
  o << "</svg>\n";
}

/// Equity curves of the strategy, buy-and-hold and the random baseline against time.
inline void equity_svg(std::ostream& o, const backtest::backtest_result& b) {
  const std::vector<double> flat(b.curve_timestamps.size(), 1.0);  // no random baseline recorded
  time_series_svg(o, b.curve_timestamps,
                  {{"random direction", faint, 1.5, true,
                    b.random_equity.size() == b.curve_timestamps.size() ? &b.random_equity : &flat},
                   {"buy & hold", baseline, 2, false, &b.buy_and_hold_equity},
                   {"strategy (after costs)", accent, 2.5, false, &b.strategy_equity}},
                  "Equity of the strategy against buy-and-hold and a random-direction baseline",
                  "equity (start = 1)", "test period (UTC)");
}

/// Horizontal bars of normalised feature importance, with the concentration limit.
inline void importance_svg(std::ostream& o, const std::vector<feature_share>& features,
                           double limit) {
  if (features.empty()) {
    o << "<p class=\"note\">No feature importance recorded.</p>\n";
    return;
  }
  double top = limit;
  for (const auto& fs : features)
    top = std::max(top, fs.share);
  const double height = 40.0 + 22.0 * static_cast<double>(features.size());
  const frame f{900, height,
                190, 70,
                24,  16,
                0,   std::max(0.05, top * 1.1),
                0,   static_cast<double>(features.size())};
  svg_open(o, f, "Normalised feature importance");
  for (std::size_t i = 0; i < features.size(); ++i) {
    const double y = f.top + 22.0 * static_cast<double>(i);
    o << "<text x=\"" << num(f.left - 8) << "\" y=\"" << num(y + 14)
      << "\" class=\"tick\" text-anchor=\"end\">" << html_escape(features[i].name) << "</text>"
      << "<rect x=\"" << num(f.left) << "\" y=\"" << num(y + 3) << "\" width=\""
      << num(f.x(features[i].share) - f.left) << "\" height=\"15\" fill=\""
      << (limit > 0 && features[i].share > limit ? fail : accent) << "\" fill-opacity=\"0.8\"/>"
      << "<text x=\"" << num(f.x(features[i].share) + 6) << "\" y=\"" << num(y + 14)
      << "\" class=\"value\">" << report_text::percent(features[i].share) << "</text>\n";
  }
  if (limit > 0)
    o << "<line x1=\"" << num(f.x(limit)) << "\" x2=\"" << num(f.x(limit)) << "\" y1=\""
      << num(f.top - 6) << "\" y2=\"" << num(height - f.bottom) << "\" stroke=\"" << fail
      << "\" stroke-dasharray=\"6 3\"/><text x=\"" << num(f.x(limit) + 4) << "\" y=\""
      << num(f.top - 8) << "\" class=\"marker\">limit " << report_text::percent(limit)
      << "</text>\n";
  o << "</svg>\n";
}

inline constexpr std::string_view style = R"(
:root { color-scheme: light; }
body { margin: 0; background: #f5f6f8; color: #1f2933;
  font: 14px/1.45 "Inter", "Segoe UI", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 28px 24px 48px; }
h1 { font-size: 22px; font-weight: 600; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 15px; font-weight: 600; margin: 0 0 12px; color: #323f4b; }
.meta { color: #616e7c; font-size: 13px; }
.meta code { font: 12px/1.4 "SFMono-Regular", Menlo, Consolas, monospace; }
.verdict { margin: 16px 0 22px; padding: 14px 18px; border-radius: 6px; font-size: 18px;
  font-weight: 600; border-left: 6px solid; background: #fff; }
.verdict.promoted { border-color: #2f7d4f; color: #2f7d4f; }
.verdict.rejected { border-color: #b23b3b; color: #b23b3b; }
.verdict.report-only, .verdict.forced { border-color: #b7791f; color: #8d5d17; }
.verdict small { display: block; font-size: 13px; font-weight: 400; color: #52606d; margin-top: 4px; }
section { background: #fff; border: 1px solid #e4e7eb; border-radius: 6px; padding: 16px 18px;
  margin: 0 0 18px; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
.grid section { margin: 0; }
.grid + section { margin-top: 18px; }
svg { max-width: 100%; height: auto; display: block; }
svg text { font-family: inherit; fill: #52606d; }
svg .tick { font-size: 11px; }
svg .axis { font-size: 12px; fill: #323f4b; }
svg .legend { font-size: 12px; fill: #323f4b; }
svg .value { font-size: 11px; fill: #323f4b; }
svg .marker { font-size: 11px; fill: #b23b3b; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid #eef0f3; font-size: 13px; }
th { color: #616e7c; font-weight: 600; font-size: 12px; text-transform: uppercase;
  letter-spacing: 0.03em; }
td.num, th.num { text-align: right; }
tr.fail td { background: #fdf3f3; }
.mark { font-weight: 700; }
.mark.pass { color: #2f7d4f; }
.mark.fail { color: #b23b3b; }
.note { color: #616e7c; font-size: 12px; margin: 8px 0 0; }
.kv td:first-child { color: #616e7c; width: 32%; }
)";

/// <td> with escaped text; `numeric` right-aligns.
inline std::string cell(std::string_view text, bool numeric = false) {
  return std::string(numeric ? "<td class=\"num\">" : "<td>") + html_escape(text) + "</td>";
}
}  // namespace html_detail

/// Writes report.html for `r` to `out`: a complete, self-contained UTF-8 HTML document.
inline void write_html_report(std::ostream& out, const run_report& r) {
  using namespace html_detail;
  using report_text::fixed;
  using report_text::percent;
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<title>mtf " << html_escape(r.timeframe) << " run " << html_escape(r.run_id)
    << "</title>\n<style>" << style << "</style>\n</head>\n<body>\n<main>\n";

  o << "<h1>mtf retrain &middot; " << html_escape(r.timeframe) << "</h1>\n<div class=\"meta\">run "
    << "<code>" << html_escape(r.run_id) << "</code> &middot; " << html_escape(r.generated_at)
    << " &middot; seed " << r.seed << " &middot; " << r.threads << " threads"
    << (r.workers > 1 ? " &middot; " + std::to_string(r.workers) + " workers" : std::string())
    << " &middot; horizon " << r.horizon << " bars &middot; calendar " << html_escape(r.calendar)
    << "<br>"
    << "<code>" << html_escape(r.run_path) << "</code></div>\n";
  o << "<div class=\"verdict " << decision_name(r.verdict.outcome) << "\">"
    << html_escape(verdict_text(r.verdict));
  if (!r.verdict.note.empty()) o << "<small>" << html_escape(r.verdict.note) << "</small>";
  o << "</div>\n";

  std::size_t passed = 0;
  for (const auto& g : r.gates)
    passed += g.passed ? 1 : 0;
  o << "<section>\n<h2>Gates &middot; " << passed << " of " << r.gates.size()
    << " passed</h2>\n<table class=\"gates\">\n<thead><tr><th></th><th>gate</th>"
    << "<th class=\"num\">value</th><th>threshold</th><th>detail</th></tr></thead>\n<tbody>\n";
  for (const auto& g : r.gates)
    o << "<tr" << (g.passed ? "" : " class=\"fail\"") << "><td class=\"mark "
      << (g.passed ? "pass\">&#10003;" : "fail\">&#10007;") << "</td>" << cell(g.name)
      << cell(fixed(g.value, 4), true) << cell(g.threshold) << cell(g.detail) << "</tr>\n";
  o << "</tbody>\n</table>\n</section>\n";

  o << "<div class=\"grid\">\n<section>\n<h2>Reliability on the test split</h2>\n";
  reliability_svg(o, r.calibration);
  o << "<p class=\"note\">Calibration fitted on " << r.calibration.rows << " calibration rows with "
    << html_escape(r.calibration.method_used) << " (requested "
    << html_escape(r.calibration.method_requested) << "). " << html_escape(r.calibration.reason)
    << "</p>\n</section>\n";
  o << "<section>\n<h2>Predicted vs target class shares</h2>\n";
  class_share_svg(o, r.validation.signals.predicted_share, r.labels.target_share);
  o << "<p class=\"note\">Predicted: argmax on the test split. Target: the policy's class mix."
    << "</p>\n</section>\n";
  o << "<section>\n<h2>Confidence = max(p_up, p_down)</h2>\n";
  histogram_svg(o, r.confidence_histogram, "Histogram of confidence with gate thresholds");
  o << "<p class=\"note\">mean " << fixed(r.validation.signals.confidence_mean, 3) << ", median "
    << fixed(r.validation.signals.confidence_median, 3) << ", std "
    << fixed(r.validation.signals.confidence_std, 3) << "</p>\n</section>\n";
  o << "<section>\n<h2>Alpha = |p_up &minus; p_down|</h2>\n";
  histogram_svg(o, r.alpha_histogram, "Histogram of alpha with gate thresholds");
  o << "<p class=\"note\">mean " << fixed(r.validation.signals.alpha_mean, 3) << ", median "
    << fixed(r.validation.signals.alpha_median, 3) << ", eligible "
    << percent(r.validation.signals.eligible_share) << " of test bars</p>\n</section>\n</div>\n";

  const auto& b = r.backtest;
  o << "<section>\n<h2>Backtest on the test split</h2>\n";
  equity_svg(o, b);
  o << "<table>\n<thead><tr><th></th><th class=\"num\">trades</th><th class=\"num\">per day</th>"
    << "<th class=\"num\">win rate</th><th class=\"num\">mean / trade</th>"
    << "<th class=\"num\">total</th><th class=\"num\">Sharpe</th><th class=\"num\">max DD</th>"
    << "<th class=\"num\">long</th></tr></thead>\n<tbody>\n";
  const auto row = [&](std::string_view name, const backtest::performance& p) {
    o << "<tr>" << cell(name) << cell(std::to_string(p.trades), true)
      << cell(fixed(p.trades_per_day, 2), true) << cell(percent(p.win_rate), true)
      << cell(report_text::basis_points(p.mean_trade_return), true)
      << cell(percent(p.total_return), true) << cell(fixed(p.sharpe, 2), true)
      << cell(percent(p.max_drawdown), true) << cell(percent(p.long_share), true) << "</tr>\n";
  };
  row("strategy", b.strategy);
  row("buy & hold", b.buy_and_hold);
  row("random direction", b.random_direction);
  o << "</tbody>\n</table>\n";
  if (r.per_symbol.size() > 1) {
    o << "<table>\n<thead><tr><th>symbol</th><th class=\"num\">rows</th>"
      << "<th class=\"num\">log loss</th><th class=\"num\">prior</th>"
      << "<th class=\"num\">accuracy</th><th class=\"num\">eligible</th>"
      << "<th class=\"num\">trades</th><th class=\"num\">Sharpe</th>"
      << "<th class=\"num\">total</th></tr></thead>\n<tbody>\n";
    for (const auto& s : r.per_symbol)
      o << "<tr>" << cell(s.symbol) << cell(std::to_string(s.rows), true)
        << cell(fixed(s.test_log_loss, 4), true) << cell(fixed(s.prior_log_loss, 4), true)
        << cell(percent(s.accuracy), true) << cell(percent(s.eligible_share), true)
        << cell(std::to_string(s.trades), true) << cell(fixed(s.sharpe, 2), true)
        << cell(percent(s.total_return), true) << "</tr>\n";
    o << "</tbody>\n</table>\n<p class=\"note\">Pooled figures above: one book with equal "
      << "capital per symbol, each symbol traded on its own bars.</p>\n";
  }
  o << "<p class=\"note\">Returns after costs; Sharpe from per-bar returns "
    << "annualised with " << fixed(b.bars_per_year, 0) << " bars a year ("
    << html_escape(r.calendar) << "); random baseline seed " << b.random_seed << ".</p>\n"
    << "</section>\n";

  o << "<section>\n<h2>Feature importance (normalised gain)</h2>\n";
  importance_svg(o, r.feature_importance, r.max_feature_share);
  o << "</section>\n";

  o << "<section>\n<h2>Run details</h2>\n<table class=\"kv\">\n<tbody>\n";
  const auto kv = [&](std::string_view k, const std::string& v) {
    o << "<tr>" << cell(k) << cell(v) << "</tr>\n";
  };
  for (const auto& s : r.data.symbols) {
    std::string text = s.file + ": " + std::to_string(s.bars) + " bars, " +
                       report_text::utc_minutes(s.first_timestamp) + " to " +
                       report_text::utc_minutes(s.last_timestamp) + ", " + std::to_string(s.gaps) +
                       " gaps";
    for (const auto& w : s.warnings)
      text += "; " + w;
    kv("data " + s.symbol, text);
  }
  kv("rows train / calibration / test", std::to_string(r.data.train_rows) + " / " +
                                            std::to_string(r.data.calibration_rows) + " / " +
                                            std::to_string(r.data.test_rows));
  kv("rows dropped", "warm-up " + std::to_string(r.data.dropped.warm_up) + ", label horizon " +
                         std::to_string(r.data.dropped.label_horizon) + ", resampling " +
                         std::to_string(r.data.dropped.resampling));
  kv("bars outside the training window",
     std::to_string(r.data.dropped.older_than_history) + " older than history_days, " +
         std::to_string(r.data.dropped.after_end) + " after its end");
  kv("labels (down / neutral / up)",
     "k " + fixed(r.labels.k, 3) + "; raw " + terminal_detail::triple(r.labels.raw_share) +
         "; weighted " + terminal_detail::triple(r.labels.weighted_share) + "; target " +
         terminal_detail::triple(r.labels.target_share));
  for (const auto& m : r.models.base) {
    std::string folds;
    for (const double v : m.fold_log_loss)
      folds += (folds.empty() ? "" : ", ") + fixed(v, 4);
    kv("model " + m.name, "out-of-fold log loss " + fixed(m.oof_log_loss, 4) +
                              (folds.empty() ? "" : " (folds " + folds + ")") +
                              "; test log loss alone " + fixed(m.test_log_loss, 4));
  }
  if (r.models.combiner != "single" && !r.models.combiner.empty()) {
    kv("meta-model", "out-of-fold log loss " + fixed(r.models.meta_oof_log_loss, 4) +
                         " (cross-fitted on the purged folds); test " +
                         fixed(r.models.meta_test_log_loss, 4));
    std::string weights;
    for (std::size_t b = 0; b < r.models.base.size() && b < r.models.ensemble_weights.size(); ++b)
      weights += (weights.empty() ? "" : ", ") + r.models.base[b].name + " " +
                 fixed(r.models.ensemble_weights[b], 2);
    kv("greedy ensemble", "out-of-fold log loss " + fixed(r.models.ensemble_oof_log_loss, 4) +
                              "; test " + fixed(r.models.ensemble_test_log_loss, 4) + "; weights " +
                              weights);
  }
  kv("stack", "uses " + r.models.combiner + ": " + r.models.combiner_reason + "; fold std " +
                  fixed(r.models.stability_std, 4));
  const auto& c = r.calibration;
  kv("calibration split", "log loss " + fixed(c.before.log_loss, 4) + " → " +
                              fixed(c.after.log_loss, 4) + "; Brier " + fixed(c.before.brier, 4) +
                              " → " + fixed(c.after.brier, 4) + "; ECE " + fixed(c.before.ece, 4) +
                              " → " + fixed(c.after.ece, 4));
  const auto& v = r.validation;
  kv("test split", "log loss " + fixed(v.test_log_loss, 4) + " (uncalibrated " +
                       fixed(v.test_log_loss_uncalibrated, 4) + ", prior " +
                       fixed(v.prior_log_loss, 4) + ", calibration mix " +
                       fixed(v.calibration_prior_log_loss, 4) + "); Brier " +
                       fixed(v.test_brier, 4) + "; ECE " + fixed(v.test_ece, 4));
  kv("classification", "accuracy " + percent(v.classification.accuracy) +
                           "; directional on eligible " +
                           percent(v.classification.directional_accuracy) + " of " +
                           std::to_string(v.classification.eligible_directional));
  kv("activity", fixed(v.signals.eligible_signals_per_day, 2) + " eligible signals/day; " +
                     fixed(v.signals.direction_changes_per_month, 2) +
                     " direction changes/month; " + fixed(v.signals.regime_changes_per_week, 2) +
                     " regime changes/week");
  if (!r.timings.empty()) {
    std::string text;
    for (const auto& t : r.timings)
      text += (text.empty() ? "" : ", ") + t.name + " " + fixed(t.seconds, 2) + " s";
    kv("stage timings", text);
  }
  o << "</tbody>\n</table>\n</section>\n</main>\n</body>\n</html>\n";
  out << o.str();
}

/// report.html as a string.
inline std::string render_html_report(const run_report& r) {
  std::ostringstream o;
  write_html_report(o, r);
  return o.str();
}

}  // namespace mtf::reports
