// The k-solve on real BTCUSDT candles for every timeframe policy: the neutral share of the
// training labels lands within one percentage point of the policy's target, and every class
// is present. Skips cleanly when ../shared/data is absent.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mtf/intake/csv_reader.hpp"
#include "mtf/intake/resample.hpp"
#include "mtf/labels/assign_labels.hpp"
#include "mtf/labels/label_distribution.hpp"
#include "mtf/labels/regime.hpp"
#include "mtf/labels/solve_k.hpp"
#include "mtf/labels/volatility_adaptive.hpp"
#include "mtf/pipeline/policy_stages.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

namespace {

// What labelling one real series with policy P (or another labeler of P's kind) gave.
struct real_data_solve {
  bool skipped = true;
  mtf::k_solution solution;
  double forced_neutral_share = 0.0;  // train rows with ER < er_min (regime only)
};

// Labels the series as the pipeline does for one symbol: inputs per bar, labelled bars split
// chronologically with P's shares and purge, k chosen on the train segment for P's target. The
// k-solve's reported share is then checked against the labels counted independently.
template <mtf::TimeframePolicy P, class Labeler>
real_data_solve solve_on(const std::string& file_name, const Labeler& labeler) {
  real_data_solve out;
  const std::filesystem::path path = std::filesystem::path(MTF_SHARED_DATA_DIR) / file_name;
  if (!std::filesystem::exists(path)) {
    WARN("skipped: " << path << " is not present");
    return out;
  }
  out.skipped = false;
  const mtf::bar_series raw = mtf::intake::read_csv(path);
  const mtf::bar_series bars =
      raw.bar_seconds == P::bar_seconds ? raw : mtf::intake::resample(raw, P::bar_seconds).bars;
  REQUIRE(bars.bar_seconds == P::bar_seconds);
  const auto in = mtf::compute_label_inputs(bars.close, P::horizon, labeler, bars.source);

  std::vector<std::size_t> labeled;
  std::vector<std::int64_t> row_time, label_end;
  for (std::size_t t = 0; t < in.size(); ++t) {
    if (in.status[t] != mtf::label_status::labeled) continue;
    labeled.push_back(t);
    row_time.push_back(bars.timestamp[t]);
    label_end.push_back(bars.timestamp[t + static_cast<std::size_t>(P::horizon)]);
  }
  const auto segments = mtf::split::chronological_split<P>(row_time, label_end);
  const std::vector<std::size_t> train(
      labeled.begin(), labeled.begin() + static_cast<std::ptrdiff_t>(segments.train.end));
  const std::vector<mtf::series_rows> parts{{in, train}};
  out.solution = mtf::choose_k(labeler.k, P::class_targets[1], parts);
  INFO(P::name << ": " << bars.size() << " bars, " << train.size() << " train rows, k "
               << out.solution.k << ", neutral share " << out.solution.achieved_neutral_share
               << " (target " << P::class_targets[1] << ") " << out.solution.note);

  const auto all_labels = mtf::assign_labels(in, out.solution.k);
  std::vector<int> train_labels;
  std::size_t forced = 0;
  for (const std::size_t t : train) {
    train_labels.push_back(all_labels[t]);
    if (in.has_efficiency_ratio() && in.efficiency_ratio[t] < in.er_min) ++forced;
  }
  out.forced_neutral_share = static_cast<double>(forced) / static_cast<double>(train.size());
  const auto d = mtf::check_label_distribution(train_labels, P::min_class_share);
  CHECK(d.count[1] == out.solution.neutral_rows);
  CHECK(d.rows == train.size());
  return out;
}

template <mtf::TimeframePolicy P>
void check_target_met(const std::string& file_name) {
  const auto r = solve_on<P>(file_name, P::labeler);
  if (r.skipped) return;
  INFO(r.solution.note);
  CHECK(r.solution.target_reachable);
  CHECK(std::fabs(r.solution.achieved_neutral_share - P::class_targets[1]) <= 0.01);
}

}  // namespace

TEST_CASE("k solved on real 5m BTC bars meets the 5m neutral target within 1 point", "[labels]") {
  check_target_met<mtf::timeframes::tf_5m>("btcusdt_5m.csv");
}

TEST_CASE("k solved on real 1h BTC bars meets the 1h neutral target within 1 point", "[labels]") {
  check_target_met<mtf::timeframes::tf_1h>("btcusdt_1h.csv");
}

TEST_CASE(
    "k solved on 24h bars resampled from 1h BTC meets the 24h neutral target within 1 "
    "point",
    "[labels]") {
  check_target_met<mtf::timeframes::tf_24h>("btcusdt_1h.csv");
}

TEST_CASE(
    "k solved on 12h bars resampled from 1h BTC meets the regime neutral target or "
    "reports why not",
    "[labels]") {
  using P = mtf::timeframes::tf_12h;
  SECTION("the policy's er_min meets the neutral target within 1 point") {
    const auto r = solve_on<P>("btcusdt_1h.csv", P::labeler);
    if (r.skipped) return;
    CHECK(r.forced_neutral_share < P::class_targets[1]);
    CHECK(r.solution.target_reachable);
    CHECK(std::fabs(r.solution.achieved_neutral_share - P::class_targets[1]) <= 0.01);
  }
  SECTION("an er_min of 0.25 is reported as unreachable, with k = 0") {
    // On real BTC 12h bars about a quarter of 4-bar paths have ER < 0.25, more than the 20%
    // neutral target: the solve must say the target is unreachable, use k = 0 and report the
    // share the ER rule forces (counted here independently of the solver).
    const auto r = solve_on<P>("btcusdt_1h.csv",
                               mtf::label::regime{.vol_window = P::vol_window, .er_min = 0.25});
    if (r.skipped) return;
    REQUIRE(r.forced_neutral_share > P::class_targets[1]);
    CHECK_FALSE(r.solution.target_reachable);
    CHECK(r.solution.k == 0.0);
    CHECK(r.solution.achieved_neutral_share == Approx(r.forced_neutral_share).epsilon(1e-12));
    CHECK_THAT(r.solution.note, Catch::Contains("neutral for every k"));
  }
  SECTION("an er_min that leaves room for the volatility threshold") {
    const auto r = solve_on<P>("btcusdt_1h.csv",
                               mtf::label::regime{.vol_window = P::vol_window, .er_min = 0.15});
    if (r.skipped) return;
    CHECK(r.forced_neutral_share < P::class_targets[1]);
    CHECK(r.solution.target_reachable);
    CHECK(r.solution.k > 0.0);
    CHECK(std::fabs(r.solution.achieved_neutral_share - P::class_targets[1]) <= 0.01);
  }
}
