#pragma once
/// \file `mtf_system walkforward` (SPEC §10c): the system over each timeframe's walk-forward
/// history — at every execution bar each role's view comes from the model in force when its bar
/// opened (walkforward_history.hpp) — judged like `evaluate` over the span all four histories
/// cover: the honest estimate of what the system would have earned.

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "mtf/system/system_evaluate.hpp"
#include "mtf/system/walkforward_history.hpp"

namespace mtf::system {

/// The walk-forward history of each role of system policy S.
template <SystemPolicy S>
struct system_history {
  history_models mode = history_models::deployed;
  role_history<typename S::execution> execution;
  role_history<typename S::overlay> overlay;
  role_history<typename S::regime> regime;
  role_history<typename S::bias> bias;
};

/// Finds (find_study) and loads (load_role_history) each role's study under `studies`; `ids`
/// maps a timeframe name to the study id to use where several qualify. Roles load in order
/// execution, overlay, regime, bias, so the first refusal named is deterministic. Throws
/// usage_error for an id given for a timeframe that is not one of S's roles.
template <SystemPolicy S>
system_history<S> load_system_history(const std::filesystem::path& studies,
                                      const std::map<std::string, std::string>& ids,
                                      history_models mode) {
  const std::array<std::string, 4> names{std::string(S::execution::name),
                                         std::string(S::overlay::name),
                                         std::string(S::regime::name), std::string(S::bias::name)};
  for (const auto& [tf, id] : ids)
    if (std::find(names.begin(), names.end(), tf) == names.end())
      throw usage_error("--study " + tf + "=" + id + ": " + tf + " is not a timeframe of system " +
                        std::string(S::name));
  const auto load = [&](auto policy) {
    using P = typename decltype(policy)::type;
    const auto it = ids.find(std::string(P::name));
    const auto id = it == ids.end() ? std::nullopt : std::optional<std::string>(it->second);
    return load_role_history<P>(find_study<P>(studies, id), mode);
  };
  system_history<S> h;
  h.mode = mode;
  h.execution = load(std::type_identity<typename S::execution>{});
  h.overlay = load(std::type_identity<typename S::overlay>{});
  h.regime = load(std::type_identity<typename S::regime>{});
  h.bias = load(std::type_identity<typename S::bias>{});
  return h;
}

/// Runs system policy S over `execution` with each role's history (history_views): causal, like
/// run_system.
template <SystemPolicy S>
system_output run_system_history(const system_history<S>& h, const bar_series& execution) {
  return run_system_with<S>(
      execution, [&](const bar_series& b) { return history_views(h.execution, b); },
      [&](const bar_series& b) { return history_views(h.overlay, b); },
      [&](const bar_series& b) { return history_views(h.regime, b); },
      [&](const bar_series& b) { return history_views(h.bias, b); });
}

/// What one role's history contributed.
struct role_history_summary {
  std::string timeframe;
  std::string study_id;
  std::filesystem::path study_dir;
  std::size_t periods = 0;             ///< retrain periods overlapping the judged span
  std::size_t periods_with_model = 0;  ///< of those, with a model in force
  std::size_t models_used = 0;         ///< distinct models in force in those periods
};

/// `walkforward`'s result: the judgement over the span every history covers, and per role.
struct system_walkforward {
  history_models mode = history_models::deployed;
  std::int64_t covered_from = 0, covered_until = 0;  ///< [from, until): every history's span
  system_evaluation evaluation;
  std::array<role_history_summary, 4> roles;  ///< execution, overlay, regime, bias
};

/// Runs the system over `execution` with the histories `h` and judges it (judge_system) on the
/// execution bars opening in the span that all four histories cover (from the latest first
/// retrain to the earliest end). Throws data_error (exit 2) naming the span and the file when
/// fewer than `min_bars` execution bars open in it.
template <SystemPolicy S>
system_walkforward walkforward_system(const system_history<S>& h, const bar_series& execution,
                                      intake::calendar cal, std::size_t min_bars = 50) {
  system_walkforward out;
  out.mode = h.mode;
  const auto span_of = [](const auto& role) {
    return role.periods.empty() ? std::pair<std::int64_t, std::int64_t>{0, 0}
                                : std::pair<std::int64_t, std::int64_t>{role.periods.front().begin,
                                                                        role.periods.back().end};
  };
  const std::array<std::pair<std::int64_t, std::int64_t>, 4> spans{
      span_of(h.execution), span_of(h.overlay), span_of(h.regime), span_of(h.bias)};
  out.covered_from = spans[0].first;
  out.covered_until = spans[0].second;
  for (const auto& [from, until] : spans) {
    out.covered_from = std::max(out.covered_from, from);
    out.covered_until = std::min(out.covered_until, until);
  }
  const auto& t = execution.timestamp;
  const auto begin =
      static_cast<std::size_t>(std::lower_bound(t.begin(), t.end(), out.covered_from) - t.begin());
  const auto end =
      static_cast<std::size_t>(std::lower_bound(t.begin(), t.end(), out.covered_until) - t.begin());
  if (end < begin + min_bars)
    throw data_error(execution.source, 0, "timestamp",
                     "only " + std::to_string(end > begin ? end - begin : 0) +
                         " bars open in the span every walk-forward history covers (" +
                         intake::format_iso8601(out.covered_from) + " to " +
                         intake::format_iso8601(out.covered_until) + "); at least " +
                         std::to_string(min_bars) + " are needed" +
                         (t.empty() ? std::string()
                                    : "; the file holds " + intake::format_iso8601(t.front()) +
                                          " to " + intake::format_iso8601(t.back())));
  const auto system = run_system_history<S>(h, execution);
  out.evaluation = judge_system<S>(system, execution, begin, end, cal);
  const auto summarise = [&](const auto& role, auto policy) {
    using P = typename decltype(policy)::type;
    role_history_summary s{std::string(P::name), role.study_id, role.study_dir};
    std::vector<std::size_t> used;
    for (const auto& p : role.periods) {
      if (p.end <= out.covered_from || p.begin >= out.covered_until) continue;
      ++s.periods;
      if (!p.window) continue;
      ++s.periods_with_model;
      if (std::find(used.begin(), used.end(), *p.window) == used.end()) used.push_back(*p.window);
    }
    s.models_used = used.size();
    return s;
  };
  out.roles = {summarise(h.execution, std::type_identity<typename S::execution>{}),
               summarise(h.overlay, std::type_identity<typename S::overlay>{}),
               summarise(h.regime, std::type_identity<typename S::regime>{}),
               summarise(h.bias, std::type_identity<typename S::bias>{})};
  return out;
}

}  // namespace mtf::system
