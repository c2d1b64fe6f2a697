#include <catch2/catch.hpp>
#include <cmath>

#include "mtf/backtest/annualisation.hpp"

using mtf::backtest::bars_per_year;
using mtf::backtest::calendar;

TEST_CASE("crypto trades 24/7: 365 days of bars a year", "[annualisation]") {
  CHECK(bars_per_year(300, calendar::crypto) == Approx(105'120));
  CHECK(bars_per_year(3600, calendar::crypto) == Approx(8'760));
  CHECK(bars_per_year(43'200, calendar::crypto) == Approx(730));
  CHECK(bars_per_year(86'400, calendar::crypto) == Approx(365));
}

TEST_CASE("equities trade 252 sessions of 6.5 hours", "[annualisation]") {
  CHECK(bars_per_year(300, calendar::equities) == Approx(252 * 78));    // 78 5m bars a session
  CHECK(bars_per_year(3600, calendar::equities) == Approx(252 * 6.5));  // 1,638
  CHECK(bars_per_year(43'200, calendar::equities) == Approx(252));      // one bar per session
  CHECK(bars_per_year(86'400, calendar::equities) == Approx(252));
  CHECK(bars_per_year(7 * 86'400, calendar::equities) == Approx(36));  // weekly bars
}

TEST_CASE("the Sharpe factor is the square root, not sqrt(252) everywhere", "[annualisation]") {
  CHECK(mtf::backtest::sharpe_annualisation(300, calendar::crypto) == Approx(std::sqrt(105'120.0)));
  CHECK(mtf::backtest::sharpe_annualisation(86'400, calendar::equities) ==
        Approx(std::sqrt(252.0)));
  CHECK_THROWS_AS(bars_per_year(0, calendar::crypto), mtf::data_error);
}
