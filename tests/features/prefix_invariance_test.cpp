// Prefix invariance: every indicator and every policy's feature matrix gives, for bar t, the
// same bits from bars[0..t] as from the whole series (no look-ahead, no dependence on the
// series length).

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "feature_test_support.hpp"
#include "mtf/features/feature_matrix.hpp"
#include "mtf/features/indicators.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

namespace {

using indicator = std::function<std::vector<double>(const mtf::bar_series&)>;

struct named_indicator {
  std::string name;
  indicator compute;
};

std::vector<named_indicator> every_indicator() {
  return {
      {"sma", [](const mtf::bar_series& b) { return mtf::sma(b.close, 20); }},
      {"ema", [](const mtf::bar_series& b) { return mtf::ema(b.close, 20); }},
      {"rsi", [](const mtf::bar_series& b) { return mtf::rsi(b.close, 14); }},
      {"atr", [](const mtf::bar_series& b) { return mtf::atr(b.high, b.low, b.close, 14); }},
      {"bollinger %b",
       [](const mtf::bar_series& b) { return mtf::bollinger(b.close, 20).percent_b; }},
      {"bollinger upper",
       [](const mtf::bar_series& b) { return mtf::bollinger(b.close, 20).upper; }},
      {"macd histogram", [](const mtf::bar_series& b) { return mtf::macd(b.close).histogram; }},
      {"roc", [](const mtf::bar_series& b) { return mtf::roc(b.close, 12); }},
      {"momentum", [](const mtf::bar_series& b) { return mtf::momentum(b.close, 12); }},
      {"realized_vol", [](const mtf::bar_series& b) { return mtf::realized_vol(b.close, 48); }},
      {"zscore", [](const mtf::bar_series& b) { return mtf::zscore(b.close, 20); }},
      {"stochastic %d",
       [](const mtf::bar_series& b) {
         return mtf::stochastic(b.high, b.low, b.close, 14, 3, 3).d;
       }},
      {"williams_r",
       [](const mtf::bar_series& b) { return mtf::williams_r(b.high, b.low, b.close, 14); }},
      {"adx", [](const mtf::bar_series& b) { return mtf::adx(b.high, b.low, b.close, 14).adx; }},
      {"+di",
       [](const mtf::bar_series& b) { return mtf::adx(b.high, b.low, b.close, 14).plus_di; }},
      {"obv", [](const mtf::bar_series& b) { return mtf::obv(b.close, b.volume); }},
      {"volume_ratio", [](const mtf::bar_series& b) { return mtf::volume_ratio(b.volume, 20); }},
      {"cci", [](const mtf::bar_series& b) { return mtf::cci(b.high, b.low, b.close, 20); }},
      {"cmf",
       [](const mtf::bar_series& b) { return mtf::cmf(b.high, b.low, b.close, b.volume, 20); }},
  };
}

// Long enough to pass the periodic exact recomputation of the rolling moments (every 1,024
// windows) several times, so prefixes cut between recomputations are covered.
constexpr std::size_t series_length = 5000;
const std::vector<std::size_t> cuts{1, 2, 13, 34, 35, 500, 1030, 2049, 4999};

}  // namespace

TEST_CASE("every indicator gives the same bits on a prefix as on the full series",
          "[indicators][prefix]") {
  for (const std::uint64_t seed : {11u, 12u}) {
    INFO("seed " << seed);
    const auto bars = mtf::test::random_walk_bars(series_length, seed);
    for (const auto& ind : every_indicator()) {
      INFO("indicator " << ind.name);
      const auto full = ind.compute(bars);
      for (const std::size_t cut : cuts) {
        INFO("cut " << cut);
        const auto prefix = ind.compute(bars.prefix(cut));
        REQUIRE(prefix.size() == cut);
        CHECK(mtf::test::first_bit_difference(full, prefix) == cut);
      }
    }
  }
}

namespace {
template <class Features>
void check_matrix_prefix_invariance(const Features& features, std::uint64_t seed) {
  INFO("seed " << seed);
  const auto bars = mtf::test::random_walk_bars(series_length, seed);
  const mtf::matrix full = mtf::compute_feature_matrix(features, bars);
  const std::size_t columns = full.shape()[1];
  for (const std::size_t cut : cuts) {
    INFO("cut " << cut);
    const mtf::matrix prefix = mtf::compute_feature_matrix(features, bars.prefix(cut));
    REQUIRE(prefix.shape()[0] == cut);
    const std::span<const double> full_rows(full.data(), cut * columns);
    const std::span<const double> prefix_rows(prefix.data(), cut * columns);
    CHECK(mtf::test::first_bit_difference(full_rows, prefix_rows) == cut * columns);
  }
}
}  // namespace

TEST_CASE("every policy's feature matrix gives the same bits on a prefix", "[features][prefix]") {
  check_matrix_prefix_invariance(mtf::timeframes::tf_5m::features, 21);
  check_matrix_prefix_invariance(mtf::timeframes::tf_1h::features, 22);
  check_matrix_prefix_invariance(mtf::timeframes::tf_12h::features, 23);
  check_matrix_prefix_invariance(mtf::timeframes::tf_24h::features, 24);
}
