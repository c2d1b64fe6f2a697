#pragma once
/// \file One role's walk-forward history for `mtf_system walkforward` (SPEC §10c): the model in
/// force in each period of a collected `retrain_<tf> walkforward` study — the one its gates and
/// champion/challenger deployed, or (force-promoted) each window's fresh model — each loaded
/// through the same timeframe/fingerprint/schema guard as a promoted model, and the views of a
/// series scored period by period with the model in force when each bar opened.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mtf/pipeline/inference.hpp"
#include "mtf/reports/walkforward_report.hpp"
#include "mtf/system/system_run.hpp"

namespace mtf::system {

/// Which model of a walk-forward history is in force in each period.
enum class history_models {
  /// The model the study's gates and champion/challenger deployed (none before the first
  /// deployment): what production would have run.
  deployed,
  /// Every window's fresh model from its retrain on, gates ignored (a failed window keeps the
  /// previous one): what the models could have done had they been force-promoted.
  force_promoted,
};

/// Bars opening in [begin, end) are scored by the model of window `window` (none: no model).
struct history_period {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::optional<std::size_t> window;
};

/// One role's walk-forward history: the study it comes from, the model in force per period and
/// those models, loaded.
template <TimeframePolicy P>
struct role_history {
  std::filesystem::path study_dir;
  std::string study_id;
  std::vector<history_period> periods;
  std::map<std::size_t, pipeline::loaded_model<P>> models;  ///< by window index
  [[nodiscard]] std::size_t periods_with_model() const {
    return static_cast<std::size_t>(std::count_if(
        periods.begin(), periods.end(), [](const auto& p) { return p.window.has_value(); }));
  }
};

namespace history_detail {
inline std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}
}  // namespace history_detail

/// The collected walk-forward study of policy P under `studies` (the `--out` directory of
/// `retrain_<tf> walkforward`: `<studies>/<tf>/walkforward/<id>/walkforward.json`). With `id`,
/// that study; without, the only collected study run under P's policy fingerprint. Throws
/// artifact_error (exit 4) when there is none (naming the studies of other fingerprints or
/// uncollected ones found) and usage_error (exit 1) when several qualify, naming them.
template <TimeframePolicy P>
std::filesystem::path find_study(const std::filesystem::path& studies,
                                 const std::optional<std::string>& id) {
  namespace fs = std::filesystem;
  const fs::path root = studies / std::string(P::name) / "walkforward";
  const std::string tf(P::name);
  const std::string fingerprint = pipeline::policy_fingerprint<P>();
  const auto check = [&](const fs::path& dir) -> std::optional<std::string> {
    const fs::path file = dir / "walkforward.json";
    if (!fs::exists(file))
      return "study " + dir.filename().string() + " is not collected (no walkforward.json; run " +
             "retrain_" + tf + " walkforward --collect)";
    const auto j = pipeline::read_artifact_json(file);
    if (!j.is_object() || j.value("timeframe", std::string()) != tf)
      return "study " + dir.filename().string() + " is not a " + tf + " study";
    if (j.value("policy_fingerprint", std::string()) != fingerprint)
      return "study " + dir.filename().string() + " was run under another " + tf +
             " policy (fingerprint " +
             j.value("policy_fingerprint", std::string("?")).substr(0, 12) + " vs this build's " +
             fingerprint.substr(0, 12) + "; re-run retrain_" + tf + " walkforward with it)";
    return std::nullopt;
  };
  if (id) {
    const fs::path dir = root / *id;
    if (!fs::is_directory(dir))
      throw artifact_error("no " + tf + " walk-forward study " + *id + " in " + root.string());
    if (const auto why = check(dir)) throw artifact_error(*why + " in " + root.string());
    return dir;
  }
  std::vector<std::string> usable, refused;
  std::error_code ec;
  if (fs::is_directory(root, ec))
    for (const auto& entry : fs::directory_iterator(root)) {
      if (!entry.is_directory()) continue;
      if (const auto why = check(entry.path()))
        refused.push_back(*why);
      else
        usable.push_back(entry.path().filename().string());
    }
  std::sort(usable.begin(), usable.end());
  std::sort(refused.begin(), refused.end());
  if (usable.empty())
    throw artifact_error("no usable " + tf + " walk-forward study in " + root.string() +
                         (refused.empty() ? " (run retrain_" + tf + " walkforward --out " +
                                                studies.string() + " first)"
                                          : ": " + history_detail::join(refused)));
  if (usable.size() > 1)
    throw usage_error("several " + tf + " walk-forward studies in " + root.string() + ": " +
                      history_detail::join(usable) + "; choose one with --study " + tf + "=ID");
  return root / usable.front();
}

/// Reads the history of the collected study in `study_dir` (find_study) under `mode` and loads
/// every model in force, each through pipeline::load_run_model with the window's metadata as its
/// identity record. Throws artifact_error (exit 4) for a malformed walkforward.json or a window
/// model that is missing or refused.
template <TimeframePolicy P>
role_history<P> load_role_history(const std::filesystem::path& study_dir, history_models mode) {
  role_history<P> h;
  h.study_dir = study_dir;
  h.study_id = study_dir.filename().string();
  const auto j = pipeline::read_artifact_json(study_dir / "walkforward.json");
  std::vector<reports::walkforward_window> windows;
  try {
    windows = j.at("windows").get<std::vector<reports::walkforward_window>>();
  } catch (const nlohmann::json::exception& e) {
    throw artifact_error("malformed " + (study_dir / "walkforward.json").string() + ": " +
                         e.what());
  }
  std::optional<std::size_t> fresh;
  for (const auto& w : windows) {
    if (w.outcome != "failed") fresh = w.index;
    const auto in_force = mode == history_models::deployed ? w.deployed : fresh;
    if (in_force && *in_force >= windows.size())
      throw artifact_error("malformed " + (study_dir / "walkforward.json").string() + ": window " +
                           std::to_string(w.index) + " deploys window " +
                           std::to_string(*in_force) + " of " + std::to_string(windows.size()));
    h.periods.push_back({w.retrain_at, w.until, in_force});
    if (in_force && !h.models.contains(*in_force)) {
      const auto dir = study_dir / "windows" / std::to_string(*in_force);
      h.models.emplace(
          *in_force,
          pipeline::load_run_model<P>(
              dir, pipeline::read_artifact_json(dir / pipeline::artifact_files::metadata)));
    }
  }
  return h;
}

/// The view of every bar of `bars` (a series of P's bar length) under history `h`: a bar opening
/// in a period is scored by that period's model (features computed once over the whole series,
/// as a deployed model computes them); bars outside every period, in a period without a model, or
/// in the indicator warm-up have no view. Causal like series_views: the model scoring a bar was
/// trained on data that ended by the bar's open.
template <TimeframePolicy P>
std::vector<timeframe_view> history_views(const role_history<P>& h, const bar_series& bars) {
  auto views = run_detail::empty_views(bars);
  if (bars.size() == 0) return views;
  const matrix x = compute_feature_matrix(P::features, bars);
  const std::size_t first = first_complete_row(x);
  const auto& t = bars.timestamp;
  for (const auto& period : h.periods) {
    if (!period.window) continue;
    const auto lo = std::max(
        first,
        static_cast<std::size_t>(std::lower_bound(t.begin(), t.end(), period.begin) - t.begin()));
    const auto hi =
        static_cast<std::size_t>(std::lower_bound(t.begin(), t.end(), period.end) - t.begin());
    if (lo >= hi) continue;
    run_detail::fill_views(views, pipeline::score_rows(h.models.at(*period.window), x, lo, hi), lo);
  }
  return views;
}

}  // namespace mtf::system
