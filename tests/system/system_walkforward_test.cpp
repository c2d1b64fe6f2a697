// `mtf_system walkforward` (system/walkforward_history.hpp, system_walkforward.hpp): each bar is
// scored by the model in force when it opened — the deployed one, or every window's fresh model
// when force-promoted — the study is found and refused like a promoted model, the run is causal
// (prefix-invariant), and on a planted series where the hourly trend carries the signal the
// walk-forward system shows the overlay earning its place, on a random walk not.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../chromium_screenshot.hpp"
#include "mtf/system/system_report.hpp"
#include "mtf/system/system_walkforward.hpp"
#include "system_test_support.hpp"

using namespace mtf::system;
using namespace mtf::test_system;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t day = 86400;

/// A scratch directory removed on scope exit.
struct scratch {
  fs::path path;
  explicit scratch(const std::string& name)
      : path(fs::temp_directory_path() / ("mtf_system_wf_" + name)) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~scratch() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

void write_text(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

/// One window of a study as `retrain_<tf> walkforward` lays it out: a run directory with the
/// model, calibrator, schema and a metadata.json holding the identity fields.
template <class P>
void write_window(const fs::path& study, std::size_t index, const loaded_model<P>& model,
                  const std::string& fingerprint = mtf::pipeline::policy_fingerprint<P>()) {
  namespace pl = mtf::pipeline;
  const fs::path dir = study / "windows" / std::to_string(index);
  fs::create_directories(dir);
  model.stack.save(dir / pl::artifact_files::models_dir);
  write_text(dir / pl::artifact_files::calibrator, model.calibrator.to_json().dump());
  const auto names = mtf::feature_names(P::features);
  const std::string hash = mtf::artifact::feature_schema_hash(names);
  write_text(dir / pl::artifact_files::schema,
             nlohmann::json{{"names", names}, {"hash", hash}}.dump());
  const std::string last = mtf::intake::format_iso8601(model.trained_through);
  write_text(dir / pl::artifact_files::metadata,
             nlohmann::json{{"timeframe", std::string(P::name)},
                            {"policy_fingerprint", fingerprint},
                            {"schema_hash", hash},
                            {"calendar", "crypto"},
                            {"training_data_first", last},
                            {"training_data_last", last},
                            {"data", {{{"symbol", "walk"}, {"last", last}}}}}
                 .dump());
}

/// A window of walkforward.json: its period, outcome and the window deployed in it.
struct window_spec {
  std::int64_t retrain_at, until;
  std::string outcome;  // promoted, rejected, failed
  std::optional<std::size_t> deployed;
};

/// Writes `<studies>/<tf>/walkforward/<id>/walkforward.json` for policy P (or another
/// fingerprint) and returns the study directory.
template <class P>
fs::path write_study(const fs::path& studies, const std::string& id,
                     const std::vector<window_spec>& windows,
                     const std::string& fingerprint = mtf::pipeline::policy_fingerprint<P>()) {
  const fs::path dir = studies / std::string(P::name) / "walkforward" / id;
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t i = 0; i < windows.size(); ++i) {
    mtf::reports::walkforward_window w;
    w.index = i;
    w.retrain_at = windows[i].retrain_at;
    w.until = windows[i].until;
    w.outcome = windows[i].outcome;
    w.deployed = windows[i].deployed;
    list.push_back(w);
  }
  write_text(dir / "walkforward.json", nlohmann::json{{"timeframe", std::string(P::name)},
                                                      {"policy_fingerprint", fingerprint},
                                                      {"windows", list}}
                                           .dump());
  return dir;
}

/// A study of P with one promoted window over [from, until) holding `model`.
template <class P>
void one_window_study(const fs::path& studies, const loaded_model<P>& model, std::int64_t from,
                      std::int64_t until) {
  const auto dir = write_study<P>(studies, "wf-one", {{from, until, "promoted", 0}});
  write_window<P>(dir, 0, model);
}

/// 5m random-walk bars from 2026-01-01.
mtf::bar_series walk_5m(std::size_t n, std::uint64_t seed) {
  auto bars = mtf::test::random_walk_bars(n, seed, 0.0, 0.002);
  for (std::size_t i = 0; i < bars.size(); ++i)
    bars.timestamp[i] = jan_1 + static_cast<std::int64_t>(i) * 300;
  return bars;
}

bool same_view(const timeframe_view& a, const timeframe_view& b) {
  return a.available == b.available && a.p == b.p && a.direction == b.direction &&
         a.eligible == b.eligible && a.bar_open == b.bar_open;
}

/// Studies whose coarser roles hold the shared random-walk models over all of [from, until).
void coarse_studies(const fs::path& studies, std::int64_t from, std::int64_t until) {
  one_window_study<lin_1h>(studies, models().overlay, from, until);
  one_window_study<lin_12h>(studies, models().regime, from, until);
  one_window_study<lin_24h>(studies, models().bias, from, until);
}

}  // namespace

TEST_CASE("each bar is scored by the model in force when it opened", "[system][walkforward]") {
  scratch s("periods");
  const auto bars = walk_5m(40 * 288, 31);
  const auto model_a = models().execution;
  const auto model_b = fit<lin_5m>(7);
  // The 5m history: window 0 from day 10, window 1 from day 25 to day 40.
  const auto study =
      write_study<lin_5m>(s.path, "wf-exec",
                          {{jan_1 + 10 * day, jan_1 + 25 * day, "rejected", std::nullopt},
                           {jan_1 + 25 * day, jan_1 + 40 * day, "rejected", std::nullopt}});
  write_window<lin_5m>(study, 0, model_a);
  write_window<lin_5m>(study, 1, model_b);
  coarse_studies(s.path, jan_1, jan_1 + 40 * day);

  const auto h = load_system_history<lin_system>(s.path, {}, history_models::force_promoted);
  const auto out = run_system_history<lin_system>(h, bars);
  const auto with_a = run_system<lin_system>(models(), bars);
  system_models<lin_system> b_models = models();
  b_models.execution = model_b;
  const auto with_b = run_system<lin_system>(b_models, bars);
  std::size_t before = 0, as_a = 0, as_b = 0, wrong = 0, coarse_wrong = 0;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto t = bars.timestamp[i];
    const auto& v = out.bars[i].views;
    if (t < jan_1 + 10 * day)
      before += !v.execution.available;
    else if (t < jan_1 + 25 * day)
      (same_view(v.execution, with_a.bars[i].views.execution) ? as_a : wrong) += 1;
    else
      (same_view(v.execution, with_b.bars[i].views.execution) ? as_b : wrong) += 1;
    coarse_wrong += !same_view(v.overlay, with_a.bars[i].views.overlay) ||
                    !same_view(v.regime, with_a.bars[i].views.regime) ||
                    !same_view(v.bias, with_a.bars[i].views.bias);
  }
  CHECK(before == 10 * 288);  // no model in force before the first retrain: no view
  CHECK(as_a == 15 * 288);
  CHECK(as_b == 15 * 288);
  CHECK(wrong == 0);
  CHECK(coarse_wrong == 0);  // one window over everything: the same views as run_system
  // The two models differ, so the switch is visible (the test cannot pass by scoring with one).
  std::size_t differ = 0;
  for (std::size_t i = 25 * 288; i < bars.size(); ++i)
    differ += with_a.bars[i].views.execution.p != with_b.bars[i].views.execution.p;
  CHECK(differ > 1000);
}

TEST_CASE("deployed models: none before the first deployment, the champion kept after a loss",
          "[system][walkforward]") {
  scratch s("deployed");
  const auto model_a = models().execution;
  const auto model_b = fit<lin_5m>(7);
  const auto model_c = fit<lin_5m>(8);
  // Window 0 rejected (nothing deployed), window 1 promoted and deployed, window 2 promoted
  // but the champion (window 1) kept, window 3 failed (no model).
  const auto study = write_study<lin_5m>(s.path, "wf-exec",
                                         {{jan_1, jan_1 + 5 * day, "rejected", std::nullopt},
                                          {jan_1 + 5 * day, jan_1 + 10 * day, "promoted", 1},
                                          {jan_1 + 10 * day, jan_1 + 15 * day, "promoted", 1},
                                          {jan_1 + 15 * day, jan_1 + 20 * day, "failed", 1}});
  write_window<lin_5m>(study, 0, model_a);
  write_window<lin_5m>(study, 1, model_b);
  write_window<lin_5m>(study, 2, model_c);

  const auto deployed = load_role_history<lin_5m>(study, history_models::deployed);
  REQUIRE(deployed.periods.size() == 4);
  CHECK_FALSE(deployed.periods[0].window);
  CHECK(deployed.periods[1].window == std::optional<std::size_t>(1));
  CHECK(deployed.periods[2].window == std::optional<std::size_t>(1));
  CHECK(deployed.periods[3].window == std::optional<std::size_t>(1));
  CHECK(deployed.periods_with_model() == 3);
  CHECK(deployed.models.size() == 1);  // only what is in force is loaded

  const auto forced = load_role_history<lin_5m>(study, history_models::force_promoted);
  CHECK(forced.periods[0].window == std::optional<std::size_t>(0));
  CHECK(forced.periods[1].window == std::optional<std::size_t>(1));
  CHECK(forced.periods[2].window == std::optional<std::size_t>(2));
  // A failed retrain leaves the previous fresh model in force.
  CHECK(forced.periods[3].window == std::optional<std::size_t>(2));
  CHECK(forced.periods[3].begin == jan_1 + 15 * day);
  CHECK(forced.periods[3].end == jan_1 + 20 * day);

  // The views follow: period 2 scored by window 1's model when deployed, window 2's when forced.
  const auto bars = walk_5m(20 * 288, 5);
  const auto v_deployed = history_views(deployed, bars);
  const auto v_forced = history_views(forced, bars);
  const auto v_b = series_views(model_b, bars);
  const auto v_c = series_views(model_c, bars);
  std::size_t ok = 0;
  for (std::size_t i = 10 * 288; i < 15 * 288; ++i)
    ok += same_view(v_deployed[i], v_b[i]) && same_view(v_forced[i], v_c[i]);
  CHECK(ok == 5 * 288);
  std::size_t none = 0;
  for (std::size_t i = 0; i < 5 * 288; ++i)
    none += !v_deployed[i].available;
  CHECK(none == 5 * 288);
}

TEST_CASE("the walk-forward system is causal: a file cut at any bar gives the same prefix",
          "[system][walkforward]") {
  scratch s("prefix");
  const auto bars = walk_5m(30 * 288, 44);
  const auto study =
      write_study<lin_5m>(s.path, "wf-exec",
                          {{jan_1 + 3 * day, jan_1 + 15 * day, "rejected", std::nullopt},
                           {jan_1 + 15 * day, jan_1 + 30 * day, "rejected", std::nullopt}});
  write_window<lin_5m>(study, 0, models().execution);
  write_window<lin_5m>(study, 1, fit<lin_5m>(7));
  const auto coarse =
      write_study<lin_1h>(s.path, "wf-1h",
                          {{jan_1, jan_1 + 12 * day, "rejected", std::nullopt},
                           {jan_1 + 12 * day, jan_1 + 30 * day, "rejected", std::nullopt}});
  write_window<lin_1h>(coarse, 0, models().overlay);
  write_window<lin_1h>(coarse, 1, fit<lin_1h>(9));
  one_window_study<lin_12h>(s.path, models().regime, jan_1, jan_1 + 30 * day);
  one_window_study<lin_24h>(s.path, models().bias, jan_1, jan_1 + 30 * day);
  const auto h = load_system_history<lin_system>(s.path, {}, history_models::force_promoted);
  const auto full = run_system_history<lin_system>(h, bars);
  // Cuts around the retrains (day 3, 12, 15), hour and day boundaries, and random bars.
  std::vector<std::size_t> cuts{3 * 288 - 1,   3 * 288,       12 * 288 + 1,  15 * 288 - 1,
                                15 * 288 + 13, 20 * 288 + 11, 24 * 288 + 143};
  std::mt19937_64 rng(3);
  for (int k = 0; k < 4; ++k)
    cuts.push_back(5 * 288 + rng() % (24 * 288));
  for (const auto cut : cuts) {
    const auto part = run_system_history<lin_system>(h, bars.prefix(cut + 1));
    std::size_t differences = 0;
    for (std::size_t i = 0; i <= cut; ++i) {
      const auto& a = part.bars[i];
      const auto& b = full.bars[i];
      differences += !same_view(a.views.execution, b.views.execution) ||
                     !same_view(a.views.overlay, b.views.overlay) ||
                     !same_view(a.views.regime, b.views.regime) ||
                     !same_view(a.views.bias, b.views.bias) || a.decision.rule != b.decision.rule ||
                     a.decision.size != b.decision.size;
    }
    INFO("cut after bar " << cut);
    CHECK(differences == 0);
  }
}

TEST_CASE("studies are found like promoted models: missing, uncollected, another policy, several",
          "[system][walkforward]") {
  scratch s("find");
  const auto refusal = [&](const std::optional<std::string>& id) -> std::string {
    try {
      (void)find_study<lin_5m>(s.path, id);
    } catch (const mtf::error& e) {
      return std::to_string(static_cast<int>(e.code())) + " " + e.what();
    }
    return "found";
  };
  // Nothing there yet.
  CHECK(refusal(std::nullopt).find("4 no usable 5m walk-forward study") == 0);
  CHECK(refusal(std::nullopt).find("run retrain_5m walkforward --out") != std::string::npos);
  // A study of another 5m policy, and one that was never collected.
  write_study<lin_5m>(s.path, "wf-old", {}, std::string(64, 'a'));
  fs::create_directories(s.path / "5m" / "walkforward" / "wf-running" / "windows");
  const auto m = refusal(std::nullopt);
  CHECK(m.find("4 no usable 5m walk-forward study") == 0);
  CHECK(m.find("study wf-old was run under another 5m policy (fingerprint aaaaaaaaaaaa") !=
        std::string::npos);
  CHECK(m.find("study wf-running is not collected") != std::string::npos);
  CHECK(refusal(std::string("wf-old")).find("4 study wf-old was run under another 5m policy") == 0);
  CHECK(refusal(std::string("wf-none")).find("4 no 5m walk-forward study wf-none") == 0);
  // One usable study: found without an id; two: the caller must choose.
  write_study<lin_5m>(s.path, "wf-b", {});
  CHECK(find_study<lin_5m>(s.path, std::nullopt).filename() == "wf-b");
  write_study<lin_5m>(s.path, "wf-a", {});
  CHECK(refusal(std::nullopt) == "1 several 5m walk-forward studies in " +
                                     (s.path / "5m" / "walkforward").string() +
                                     ": wf-a, wf-b; choose one with --study 5m=ID");
  CHECK(find_study<lin_5m>(s.path, std::string("wf-a")).filename() == "wf-a");
  // A study id for a timeframe the system does not have.
  try {
    (void)load_system_history<lin_system>(s.path, {{"3m", "wf-a"}}, history_models::deployed);
    FAIL("accepted a study of a timeframe outside the system");
  } catch (const mtf::usage_error& e) {
    CHECK(std::string(e.what()).find("3m is not a timeframe of system") != std::string::npos);
  }
}

TEST_CASE("a window model of another policy is refused although its study matches",
          "[system][walkforward]") {
  scratch s("window_policy");
  const auto study = write_study<lin_5m>(s.path, "wf-x", {{jan_1, jan_1 + day, "promoted", 0}});
  write_window<lin_5m>(study, 0, models().execution, std::string(64, 'b'));
  try {
    (void)load_role_history<lin_5m>(study, history_models::deployed);
    FAIL("loaded a window model of another policy");
  } catch (const mtf::artifact_error& e) {
    CHECK(e.code() == mtf::exit_code::artifact);
    const std::string m = e.what();
    CHECK(m.find("refusing " + (study / "windows" / "0").string()) != std::string::npos);
    CHECK(m.find("different 5m policy") != std::string::npos);
  }
  // A deployment pointing past the windows is a malformed study, not a crash.
  const auto bad = write_study<lin_5m>(s.path, "wf-y", {{jan_1, jan_1 + day, "promoted", 3}});
  CHECK_THROWS_AS(load_role_history<lin_5m>(bad, history_models::deployed), mtf::artifact_error);
}

TEST_CASE("walkforward judges the span every history covers and says what each role held",
          "[system][walkforward]") {
  scratch s("span");
  const auto bars = walk_5m(40 * 288, 12);
  const auto study =
      write_study<lin_5m>(s.path, "wf-exec",
                          {{jan_1 + 8 * day, jan_1 + 20 * day, "rejected", std::nullopt},
                           {jan_1 + 20 * day, jan_1 + 32 * day, "promoted", 1}});
  write_window<lin_5m>(study, 0, models().execution);
  write_window<lin_5m>(study, 1, fit<lin_5m>(7));
  coarse_studies(s.path, jan_1 + 2 * day, jan_1 + 36 * day);
  const auto cal = mtf::intake::calendar::crypto;

  const auto forced = load_system_history<lin_system>(s.path, {}, history_models::force_promoted);
  const auto wf = walkforward_system<lin_system>(forced, bars, cal);
  CHECK(wf.covered_from == jan_1 + 8 * day);
  CHECK(wf.covered_until == jan_1 + 32 * day);
  CHECK(wf.evaluation.first_judged == jan_1 + 8 * day);
  CHECK(wf.evaluation.last_judged == jan_1 + 32 * day - 300);
  CHECK(wf.evaluation.bars_judged == 24 * 288);
  CHECK(wf.roles[0].timeframe == "5m");
  CHECK(wf.roles[0].periods == 2);
  CHECK(wf.roles[0].periods_with_model == 2);
  CHECK(wf.roles[0].models_used == 2);
  CHECK(wf.roles[1].periods == 1);
  // 24 days of 12h bars opening within the span.
  CHECK(wf.evaluation.regime_bars == 48);
  CHECK(wf.evaluation.bias_bars == 24);

  // Deployed: the 5m role had a model only in the second period, so the system and the 5m
  // model alone trade only there.
  const auto deployed = load_system_history<lin_system>(s.path, {}, history_models::deployed);
  const auto wd = walkforward_system<lin_system>(deployed, bars, cal);
  CHECK(wd.roles[0].periods_with_model == 1);
  CHECK(wd.roles[0].models_used == 1);
  const auto first_period_rule = static_cast<std::size_t>(decision_rule::no_execution_signal);
  CHECK(wd.evaluation.rule_counts[first_period_rule] >= 12 * 288);

  // A file that ends before the span holds 50 bars: exit 2 naming the span and the file.
  try {
    (void)walkforward_system<lin_system>(deployed, bars.prefix(8 * 288 + 20), cal);
    FAIL("judged a span the file does not hold");
  } catch (const mtf::data_error& e) {
    CHECK(e.code() == mtf::exit_code::bad_data);
    const std::string m = e.what();
    CHECK(m.find("only 20 bars open in the span every walk-forward history covers "
                 "(2026-01-09T00:00:00Z to 2026-02-02T00:00:00Z)") != std::string::npos);
  }
}

namespace {

/// Walk-forward studies on `bars` (150 days): the 5m and 1h models retrained at days 30, 70 and
/// 110 on every bar before the retrain, the 12h and 24h roles a random-walk model each; judged
/// days 30-150 (with 40 days, a 4-point hit-rate difference is still inside the interval: the
/// agreement of consecutive signals persists through each 16-hour trend).
system_walkforward planted_walkforward(const mtf::bar_series& bars, const fs::path& studies) {
  const std::vector<std::int64_t> retrains{30, 70, 110, 150};
  std::vector<window_spec> schedule;
  for (std::size_t w = 0; w + 1 < retrains.size(); ++w)
    schedule.push_back(
        {jan_1 + retrains[w] * day, jan_1 + retrains[w + 1] * day, "rejected", std::nullopt});
  const auto exec = write_study<lin_5m>(studies, "wf-5m", schedule);
  const auto overlay = write_study<lin_1h>(studies, "wf-1h", schedule);
  for (std::size_t w = 0; w < schedule.size(); ++w) {
    const auto train = bars.prefix(static_cast<std::size_t>(retrains[w]) * 288);
    write_window<lin_5m>(exec, w, fit_on<lin_5m>(train, 1, 0.0002));
    write_window<lin_1h>(overlay, w,
                         fit_on<lin_1h>(mtf::intake::resample(train, 3600).bars, 2, 0.0005));
  }
  one_window_study<lin_12h>(studies, models().regime, jan_1, jan_1 + 150 * day);
  one_window_study<lin_24h>(studies, models().bias, jan_1, jan_1 + 150 * day);
  const auto h = load_system_history<overlay_system>(studies, {}, history_models::force_promoted);
  return walkforward_system<overlay_system>(h, bars, mtf::intake::calendar::crypto);
}

}  // namespace

TEST_CASE("walk-forward on a planted hourly trend: the overlay earns its place, significantly",
          "[system][walkforward]") {
  scratch s("planted");
  const auto bars = trending(150 * 288, 0.0002, 17);
  const auto wf = planted_walkforward(bars, s.path);
  const auto& ev = wf.evaluation;
  INFO("signals " << ev.overlay.signals << " hit agreed " << ev.overlay.agreed_hit_rate()
                  << " disagreed " << ev.overlay.disagreed_hit_rate());
  REQUIRE(ev.overlay.signals > 1000);
  CHECK(ev.bars_judged == 120 * 288);
  CHECK(ev.overlay.agreed_hit_rate() > ev.overlay.disagreed_hit_rate() + 0.03);
  REQUIRE(ev.overlay_significance);
  INFO("difference " << ev.overlay_significance->difference.estimate << " ["
                     << ev.overlay_significance->difference.lower << ", "
                     << ev.overlay_significance->difference.upper << "] block "
                     << ev.overlay_significance->difference.block);
  CHECK(ev.overlay_significance->verdict == "agreed signals win more");
  CHECK(overlay_verdict(ev) == "the overlay earns its place");
  // Every directional 5m call, eligible or not, tells the same.
  CHECK(ev.overlay_calls.signals >= ev.overlay.signals);
  CHECK(ev.overlay_calls.agreed_hit_rate() > ev.overlay_calls.disagreed_hit_rate() + 0.03);
  REQUIRE(ev.system.unsized.trades > 50);
  CHECK(ev.system.unsized.mean_trade_return > ev.execution_alone.unsized.mean_trade_return);
  CHECK(ev.system.unsized.total_return > ev.execution_alone.unsized.total_return);

  // The page is self-contained: inline SVG, no script, nothing fetched.
  std::ostringstream page;
  write_system_html<overlay_system>(page, ev, "planted.csv", &wf);
  const std::string html = page.str();
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("href=") == std::string::npos);
  CHECK(html.find("force-promoted") != std::string::npos);
  CHECK(html.find("the overlay earns its place") != std::string::npos);
  CHECK(html.find("The system earned more than 5m alone") != std::string::npos);
  const auto json = walkforward_json<overlay_system>(wf, "planted.csv");
  CHECK(json.at("models") == "force-promoted");
  CHECK(json.at("roles").at(1).at("periods_with_model") == 3);
  CHECK(json.at("evaluation").at("overlay_agreement").at("significance").at("verdict") ==
        "agreed signals win more");
}

TEST_CASE("walk-forward on a random walk: the numbers do not support the overlay",
          "[system][walkforward]") {
  scratch s("random");
  const auto bars = trending(150 * 288, 0.0, 17);
  const auto wf = planted_walkforward(bars, s.path);
  const auto& ev = wf.evaluation;
  INFO("signals " << ev.overlay.signals << " hit agreed " << ev.overlay.agreed_hit_rate()
                  << " disagreed " << ev.overlay.disagreed_hit_rate());
  REQUIRE(ev.overlay.signals > 1000);
  REQUIRE(ev.overlay_significance);
  CHECK(ev.overlay_significance->verdict != "agreed signals win more");
  CHECK(overlay_verdict(ev) != "the overlay earns its place");
}

TEST_CASE("the page renders in headless chromium (skipped without /usr/bin/chromium)",
          "[system][walkforward][chromium]") {
  if (!fs::exists("/usr/bin/chromium")) {
    WARN("SKIPPED: /usr/bin/chromium not installed; the system page was not rendered");
    return;
  }
  scratch s("chromium");
  const auto bars = trending(150 * 288, 0.0002, 17);
  const auto wf = planted_walkforward(bars, s.path / "studies");
  const auto page = s.path / "system.html", png = s.path / "system.png";
  {
    std::ofstream out(page);
    write_system_html<overlay_system>(out, wf.evaluation, "planted.csv", &wf);
  }
  const auto shot = mtf::test::chromium_screenshot(page, png, s.path);
  INFO("command: " << shot.command);
  CHECK(shot.status == 0);
  REQUIRE(fs::exists(png));
  // A blank 1280x2000 page compresses to a few kB; charts, tables and text take far more.
  CHECK(fs::file_size(png) > 50'000);
}
