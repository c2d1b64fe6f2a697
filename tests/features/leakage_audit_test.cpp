// The runtime leakage gate (SPEC §4.4): it names a feature that peeks at the next bar or at the
// whole series, and passes every real policy's feature set.

#include <algorithm>
#include <boost/hana/tuple.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "feature_test_support.hpp"
#include "mtf/core/errors.hpp"
#include "mtf/features/leakage_audit.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

namespace leaky {
/// A deliberately leaky feature: the return of the NEXT bar (what a label would be).
struct next_bar_return {};
inline std::string feature_name(const next_bar_return&) {
  return "next_bar_return";
}
inline std::vector<double> compute_feature(const next_bar_return&, const mtf::bar_series& bars) {
  std::vector<double> out(bars.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t t = 0; t + 1 < bars.size(); ++t)
    out[t] = std::log(bars.close[t + 1] / bars.close[t]);
  return out;
}
}  // namespace leaky

namespace {

/// The 5m matrix plus one column normalised by the whole series' mean close: no single bar is
/// read from the future, but every value depends on the series length.
mtf::matrix with_full_series_mean(const mtf::bar_series& bars) {
  const mtf::matrix base = mtf::compute_feature_matrix(mtf::timeframes::tf_5m::features, bars);
  double mean = 0;
  for (double c : bars.close)
    mean += c;
  mean /= static_cast<double>(bars.size());
  mtf::matrix out = mtf::matrix::from_shape({bars.size(), base.shape()[1] + 1});
  for (std::size_t t = 0; t < bars.size(); ++t) {
    for (std::size_t c = 0; c < base.shape()[1]; ++c)
      out(t, c) = base(t, c);
    out(t, base.shape()[1]) = bars.close[t] / mean - 1.0;
  }
  return out;
}

}  // namespace

TEST_CASE("leakage audit passes every policy's real feature set", "[features][leakage]") {
  using namespace mtf::timeframes;
  const std::uint64_t seed = 41;
  INFO("seed " << seed);
  const auto bars = mtf::test::random_walk_bars(3000, seed);
  for (const auto& result : {mtf::audit_feature_leakage(tf_5m::features, bars),
                             mtf::audit_feature_leakage(tf_1h::features, bars),
                             mtf::audit_feature_leakage(tf_12h::features, bars),
                             mtf::audit_feature_leakage(tf_24h::features, bars)}) {
    CHECK(result.passed);
    CHECK(result.findings.empty());
    CHECK(result.cuts.size() == 4);
  }
}

TEST_CASE("leakage audit names a feature that peeks one bar ahead", "[features][leakage]") {
  const auto bars = mtf::test::random_walk_bars(1500, 42);
  const auto features = boost::hana::make_tuple(mtf::feature::rsi{14}, leaky::next_bar_return{},
                                                mtf::feature::sma_ratio{20});
  const auto result = mtf::audit_feature_leakage(features, bars);
  CHECK_FALSE(result.passed);
  REQUIRE(result.findings.size() == result.cuts.size());
  for (const auto& finding : result.findings) {
    CHECK(finding.feature == "next_bar_return");
    // The last bar of each prefix has no next bar: NaN there, a finite return in the full data.
    CHECK(finding.row == finding.cut - 1);
    CHECK(std::isnan(finding.prefix_value));
    CHECK(std::isfinite(finding.full_value));
  }
}

TEST_CASE("leakage audit catches a column that depends on the whole series through a callable",
          "[features][leakage]") {
  const auto bars = mtf::test::random_walk_bars(1500, 43);
  auto names = mtf::feature_names(mtf::timeframes::tf_5m::features);
  names.push_back("close_vs_series_mean");
  const auto result = mtf::audit_leakage(bars, names, with_full_series_mean);
  CHECK_FALSE(result.passed);
  REQUIRE_FALSE(result.findings.empty());
  for (const auto& finding : result.findings) {
    CHECK(finding.feature == "close_vs_series_mean");
    CHECK(finding.row == 0);  // already the first bar differs
  }
}

TEST_CASE("leakage audit cuts are seeded and lie after the warm-up", "[features][leakage]") {
  const auto bars = mtf::test::random_walk_bars(800, 44);
  const auto& features = mtf::timeframes::tf_1h::features;
  const mtf::leakage_audit_options options{.cuts = 6, .seed = 99};
  const auto first = mtf::audit_feature_leakage(features, bars, options);
  const auto second = mtf::audit_feature_leakage(features, bars, options);
  CHECK(first.cuts == second.cuts);
  CHECK(std::is_sorted(first.cuts.begin(), first.cuts.end()));
  CHECK_FALSE(first.cuts.empty());
  for (const std::size_t cut : first.cuts) {
    CHECK(cut >= 96);  // 1h warm-up is 95 rows: the first complete row is 95
    CHECK(cut <= 799);
  }
  const auto other = mtf::audit_feature_leakage(features, bars, {.cuts = 6, .seed = 100});
  CHECK(other.cuts != first.cuts);
}

TEST_CASE("leakage audit refuses a series with no bar after the warm-up", "[features][leakage]") {
  const auto bars = mtf::test::random_walk_bars(96, 45);  // 1h warm-up: rows 0..94
  CHECK_THROWS_AS(mtf::audit_feature_leakage(mtf::timeframes::tf_1h::features, bars),
                  mtf::data_error);
  CHECK_THROWS_WITH(mtf::audit_feature_leakage(mtf::timeframes::tf_24h::features, bars),
                    Catch::Matchers::Contains("warm-up"));
}

TEST_CASE("leakage audit rejects a computation returning the wrong shape", "[features][leakage]") {
  const auto bars = mtf::test::random_walk_bars(200, 46);
  const std::vector<std::string> names{"a", "b"};
  auto wrong = [](const mtf::bar_series& b) {
    return mtf::compute_feature_matrix(boost::hana::make_tuple(mtf::feature::rsi{14}), b);
  };
  CHECK_THROWS_WITH(mtf::audit_leakage(bars, names, wrong),
                    Catch::Matchers::Contains("expected 200 x 2"));
}
