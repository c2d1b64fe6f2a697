#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "mtf/validation/histogram.hpp"

TEST_CASE("histogram bins are half-open, closed below, with the upper edge in the last bin",
          "[histogram]") {
  const std::vector<double> values{0.0, 0.1, 0.24, 0.25, 0.5, 0.74, 0.75, 0.99, 1.0};
  const auto h =
      mtf::validation::make_histogram("confidence", values, 4, 0.0, 1.0, {{"conf_min", 0.6}});
  CHECK(h.counts == std::vector<std::size_t>{3, 1, 2, 3});
  REQUIRE(h.markers.size() == 1);
  CHECK(h.markers[0].value == 0.6);
}

TEST_CASE("histogram values outside the range land in the end bins and NaN throws", "[histogram]") {
  const std::vector<double> values{-0.5, 2.0};
  const auto h = mtf::validation::make_histogram("alpha", values, 2, 0.0, 1.0);
  CHECK(h.counts == std::vector<std::size_t>{1, 1});
  const std::vector<double> bad{0.5, NAN};
  CHECK_THROWS_AS(mtf::validation::make_histogram("alpha", bad, 2, 0.0, 1.0), mtf::data_error);
  CHECK_THROWS_AS(mtf::validation::make_histogram("alpha", values, 0, 0.0, 1.0), mtf::data_error);
  CHECK_THROWS_AS(mtf::validation::make_histogram("alpha", values, 2, 1.0, 1.0), mtf::data_error);
}
