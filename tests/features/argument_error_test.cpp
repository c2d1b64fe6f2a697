// A bad indicator window is a bug in the calling code, never bad data: the batch feature matrix
// and the streaming features both refuse it with mtf::programming_error (exit 70).
#include <catch2/catch.hpp>

#include <vector>

#include "mtf/features/feature_matrix.hpp"
#include "mtf/features/streaming_features.hpp"

TEST_CASE("a feature list with a zero window is a programming error in batch and streaming",
          "[features][errors]") {
  const auto bad = boost::hana::make_tuple(mtf::feature::sma_ratio{0});
  mtf::bar_series bars;
  bars.symbol = "x";
  bars.source = "x.csv";
  bars.bar_seconds = 60;
  for (int i = 0; i < 5; ++i)
    bars.push_back(60 * i, 10.0 + i, 11.0 + i, 9.0 + i, 10.5 + i, 100.0);
  CHECK_THROWS_AS(mtf::compute_feature_matrix(bad, bars), mtf::programming_error);
  CHECK_THROWS_AS(mtf::streaming::make_streaming_features(bad), mtf::programming_error);
  const auto bad_macd = boost::hana::make_tuple(mtf::feature::macd_histogram{26, 12, 9});
  CHECK_THROWS_AS(mtf::streaming::make_streaming_features(bad_macd), mtf::programming_error);
  try {
    (void)mtf::compute_feature_matrix(bad, bars);
  } catch (const mtf::data_error&) {
    FAIL("a bad window must not be reported as bad input data");
  } catch (const mtf::error& e) {
    CHECK(static_cast<int>(e.code()) == 70);
    CHECK(std::string(e.what()).find("window") != std::string::npos);
  }
}
