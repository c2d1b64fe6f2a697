// The policies' feature matrices on real candles (../shared/data, skipped cleanly when absent):
// real series have flat bars, zero-volume bars and gaps that synthetic walks rarely produce.
// After the warm-up every value must be finite, and the leakage audit must pass.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include "mtf/intake/csv_reader.hpp"

#include "mtf/features/leakage_audit.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

namespace {

/// A file of ../shared/data through the intake reader, or nullopt when the folder is absent.
std::optional<mtf::bar_series> read_shared_csv(const std::string& name) {
  const std::filesystem::path path = std::filesystem::path(MTF_SHARED_DATA_DIR) / name;
  if (!std::filesystem::exists(path)) return std::nullopt;
  return mtf::intake::read_csv(path);
}

template <class Features>
void check_real_series(const Features& features, const mtf::bar_series& bars) {
  INFO("source " << bars.source);
  const mtf::matrix m = mtf::compute_feature_matrix(features, bars);
  const std::size_t first = mtf::first_complete_row(m);
  CHECK(first < 200);
  std::size_t non_finite = 0;
  for (std::size_t t = first; t < bars.size(); ++t) {
    for (std::size_t c = 0; c < m.shape()[1]; ++c)
      non_finite += std::isfinite(m(t, c)) ? 0 : 1;
  }
  CHECK(non_finite == 0);
  const auto audit = mtf::audit_feature_leakage(features, bars);
  CHECK(audit.passed);
}

}  // namespace

TEST_CASE("policy feature matrices are finite after warm-up on real candles", "[features][real]") {
  const auto five_minute = read_shared_csv("btcusdt_5m.csv");
  const auto hourly = read_shared_csv("btcusdt_1h.csv");
  const auto daily = read_shared_csv("spy_1d.csv");
  if (!five_minute || !hourly || !daily) {
    WARN("shared data not found under " MTF_SHARED_DATA_DIR "; skipping");
    return;
  }
  check_real_series(mtf::timeframes::tf_5m::features, *five_minute);
  check_real_series(mtf::timeframes::tf_1h::features, *hourly);
  // 12h and 24h run on the 1h and daily files directly: the features do not care about the bar
  // length, only about real price paths.
  check_real_series(mtf::timeframes::tf_12h::features, *hourly);
  check_real_series(mtf::timeframes::tf_24h::features, *daily);
}
