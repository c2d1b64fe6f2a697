// The canonical policy description and the fingerprint made from it: every setting of every
// shipped policy is seen, whatever spec it sits in (issue 13: a hand-written dump had left out
// split.embargo_bars, so tf_5m with embargo_bars = 24 fingerprinted like tf_5m).
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "mtf/artifact/content_hash.hpp"
#include "mtf/pipeline/artifact_layout.hpp"
#include "mtf/policy/policy_description.hpp"
#include "policy_mutations.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

namespace {

using mtf::pipeline::policy_fingerprint;
using mtf::timeframes::tf_12h;
using mtf::timeframes::tf_1h;
using mtf::timeframes::tf_24h;
using mtf::timeframes::tf_5m;

std::string fingerprint_of(const nlohmann::json& description) {
  return mtf::artifact::policy_fingerprint(description.dump());
}

// The case of the issue: only the embargo differs.
struct tf_5m_embargo_24 : tf_5m {
  static constexpr mtf::split::spec split{.embargo_bars = 24};
};
static_assert(mtf::TimeframePolicy<tf_5m_embargo_24>);

// Only a spec's type differs: cci{20} instead of zscore{20}, same member, same value.
struct tf_5m_cci : tf_5m {
  static constexpr auto features = mtf::feature::list(
      mtf::feature::each<mtf::feature::log_return>(momentum_windows),
      mtf::feature::each<mtf::feature::sma_ratio>(ma_windows), mtf::feature::rsi{rsi_window},
      mtf::feature::atr_ratio{14}, mtf::feature::bollinger_percent_b{20},
      mtf::feature::macd_histogram{12, 26, 9}, mtf::feature::realized_vol{12},
      mtf::feature::vol_ratio{12, 48}, mtf::feature::cci{20}, mtf::feature::stochastic_k{14, 3},
      mtf::feature::volume_ratio{20}, mtf::feature::cmf{20});
};
static_assert(mtf::TimeframePolicy<tf_5m_cci>);

// Same settings, another C++ spelling: hours instead of days, long instead of int.
struct tf_5m_respelled : tf_5m {
  static constexpr std::chrono::hours max_model_age{7 * 24};
  static constexpr long horizon = 12;
};
static_assert(mtf::TimeframePolicy<tf_5m_respelled>);

template <class P>
void check_every_setting_changes_the_fingerprint() {
  const mtf::policy_values<P> base{};
  const nlohmann::json description = mtf::describe_policy(base);
  REQUIRE(description == mtf::policy_description<P>());
  const std::string fingerprint = fingerprint_of(description);

  const auto mutations = mtf::test::every_mutation(base);
  std::set<std::string> changed;
  for (const auto& m : mutations) {
    INFO(P::name << ": " << m.path << " " << m.how);
    const nlohmann::json other = mtf::describe_policy(m.values);
    CHECK(other != description);
    CHECK(fingerprint_of(other) != fingerprint);
    changed.insert(m.path);
  }
  // Cross-check of the two walks: every value the description holds was changed by one of the
  // mutations (so none is written without being a setting the walk reaches).
  std::set<std::string> leaves;
  mtf::test::leaf_paths(description, "", leaves);
  REQUIRE(!leaves.empty());
  for (const auto& leaf : leaves) {
    INFO(P::name << ": description value " << leaf);
    CHECK(changed.count(leaf) == 1);
  }
  // And every policy member is in the description.
  mtf::policy_values<P>::for_each_field(base, [&](std::string_view name, const auto&) {
    INFO(P::name << ": policy member " << name);
    CHECK(description.contains(std::string(name)));
  });
}

}  // namespace

TEST_CASE("changing any one setting of a shipped policy changes its description and fingerprint",
          "[policy][description]") {
  check_every_setting_changes_the_fingerprint<tf_5m>();
  check_every_setting_changes_the_fingerprint<tf_1h>();
  check_every_setting_changes_the_fingerprint<tf_12h>();
  check_every_setting_changes_the_fingerprint<tf_24h>();
}

TEST_CASE("tf_5m with embargo_bars = 24 fingerprints differently from tf_5m",
          "[policy][description]") {
  CHECK(policy_fingerprint<tf_5m_embargo_24>() != policy_fingerprint<tf_5m>());
  CHECK(mtf::policy_description<tf_5m_embargo_24>()["split"]["embargo_bars"] == 24);
  CHECK(mtf::policy_description<tf_5m>()["split"]["embargo_bars"].is_null());
}

TEST_CASE("a spec of another type with the same values fingerprints differently",
          "[policy][description]") {
  CHECK(policy_fingerprint<tf_5m_cci>() != policy_fingerprint<tf_5m>());
  CHECK(mtf::policy_description<tf_5m_cci>()["features"][13]["@type"] == "feature::cci");
  CHECK(mtf::policy_description<tf_5m>()["features"][13]["@type"] == "feature::zscore");
}

TEST_CASE("the same settings in another C++ spelling fingerprint alike", "[policy][description]") {
  CHECK(policy_fingerprint<tf_5m_respelled>() == policy_fingerprint<tf_5m>());
  CHECK(mtf::policy_description<tf_5m>()["max_model_age"] == 7 * 86400);
}

TEST_CASE("the four shipped policies have four different fingerprints", "[policy][description]") {
  const std::set<std::string> fingerprints{policy_fingerprint<tf_5m>(), policy_fingerprint<tf_1h>(),
                                           policy_fingerprint<tf_12h>(),
                                           policy_fingerprint<tf_24h>()};
  CHECK(fingerprints.size() == 4);
}

TEST_CASE("a spec is described by its members with their declared defaults",
          "[policy][description]") {
  // split::spec{} of tf_5m: 70/15/15, 5 folds, embargo unset (split/split_spec.hpp).
  CHECK(mtf::policy_description<tf_5m>()["split"] == nlohmann::json::parse(R"({
    "@type": "split::spec", "train": 0.7, "calibration": 0.15, "test": 0.15, "folds": 5,
    "embargo_bars": null})"));
  // tf_12h labels regimes with er_min 0.15 over 14 bars, k solved on train (timeframes/tf_12h.hpp).
  CHECK(mtf::policy_description<tf_12h>()["labeler"] == nlohmann::json::parse(R"({
    "@type": "label::regime", "vol_window": 14, "er_min": 0.15, "k": null})"));
  // Enums by the enumerator's name.
  const auto tf_5m_description = mtf::policy_description<tf_5m>();
  CHECK(tf_5m_description["calibration"]["preferred"] == "isotonic");
  CHECK(tf_5m_description["gates"]["activity"]["metric"] == "backtest_trades_per_day");
  CHECK(tf_5m_description["base_models"][1]["objective"] == "softprob");
  CHECK(mtf::policy_description<tf_12h>()["gates"]["activity"]["metric"] ==
        "regime_changes_per_week");
}

TEST_CASE("the fingerprint can be recomputed from a run's policy.json", "[policy][description]") {
  // promotion.hpp writes policy_json<P>().dump(2); a reader parses it and hashes the compact dump.
  const std::string policy_json_file = mtf::policy_description<tf_24h>().dump(2);
  CHECK(mtf::artifact::sha256_hex(nlohmann::json::parse(policy_json_file).dump()) ==
        policy_fingerprint<tf_24h>());
}
