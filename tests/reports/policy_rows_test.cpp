// The policy table (`retrain_<tf> policy`, docs/policies.md) is laid out by hand, so it is held
// to the canonical description: every setting the description holds must show in it.
#include <catch2/catch.hpp>
#include <string>

#include "../policy/policy_mutations.hpp"
#include "mtf/reports/policy_dump.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

namespace {

template <class P>
void check_every_setting_shows_in_the_rows() {
  const mtf::policy_values<P> base{};
  const auto rows = mtf::policy_rows(base);
  REQUIRE(rows == mtf::policy_rows<P>());
  const auto mutations = mtf::test::every_mutation(base);
  REQUIRE(!mutations.empty());
  for (const auto& m : mutations) {
    INFO(P::name << ": " << m.path << " " << m.how);
    const auto other = mtf::policy_rows(m.values);
    // Same keys in the same order (docs/policies.md lays policies side by side), other values.
    REQUIRE(other.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
      CHECK(other[i].first == rows[i].first);
    CHECK(other != rows);
  }
}

}  // namespace

TEST_CASE("every setting of a shipped policy shows in its policy table", "[reports][policy]") {
  check_every_setting_shows_in_the_rows<mtf::timeframes::tf_5m>();
  check_every_setting_shows_in_the_rows<mtf::timeframes::tf_1h>();
  check_every_setting_shows_in_the_rows<mtf::timeframes::tf_12h>();
  check_every_setting_shows_in_the_rows<mtf::timeframes::tf_24h>();
}

TEST_CASE("specs in the policy table read as type(member=value, ...)", "[reports][policy]") {
  CHECK(
      mtf::setting_text(mtf::model::random_forest{.trees = 200, .max_depth = 8, .min_leaf = 50}) ==
      "random_forest(trees=200, max_depth=8, min_leaf=50, subsample=0.632, "
      "colsample_bynode=0.6, max_bin=256)");
  CHECK(mtf::setting_text(mtf::feature::stochastic_k{14, 3}) ==
        "stochastic_k(window=14, smooth=3)");
  CHECK(mtf::setting_text(mtf::label::volatility_adaptive{.vol_window = 48}) ==
        "volatility_adaptive(vol_window=48, k=—)");
  CHECK(mtf::setting_text(mtf::model::no_meta_model{}) == "no_meta_model");
}
