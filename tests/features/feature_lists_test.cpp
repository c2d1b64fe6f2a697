// Feature lists built from a policy's window arrays (feature::each, feature::list) and the
// check that a window array is exactly what its features use (feature::windows_match, which the
// TimeframePolicy concept applies to ma_windows, momentum_windows and rsi_window).

#include <array>
#include <boost/hana/tuple.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "mtf/features/feature_matrix.hpp"
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

namespace f = mtf::feature;

TEST_CASE("feature lists expand window arrays into one spec per window, in order",
          "[features][lists]") {
  constexpr std::array windows{7, 3, 30};
  constexpr auto list = f::list(f::each<f::sma_ratio>(windows), f::rsi{9},
                                f::each<f::log_return>(std::array{2}), f::cmf{20});
  CHECK(mtf::feature_names(list) == std::vector<std::string>{"sma_ratio_7", "sma_ratio_3",
                                                             "sma_ratio_30", "rsi_9",
                                                             "log_return_2", "cmf_20"});
  // Built at compile time, like a policy's list.
  static_assert(boost::hana::at_c<2>(list) == f::sma_ratio{30});
}

TEST_CASE("windows_match accepts exactly the listed windows in order", "[features][lists]") {
  constexpr auto list = f::list(f::sma_ratio{5}, f::rsi{14}, f::sma_ratio{20}, f::zscore{5});
  STATIC_REQUIRE(f::windows_match<f::sma_ratio>(list, std::array{5, 20}));
  STATIC_REQUIRE(f::windows_match<f::rsi>(list, std::array{14}));
  STATIC_REQUIRE_FALSE(f::windows_match<f::sma_ratio>(list, std::array{20, 5}));      // order
  STATIC_REQUIRE_FALSE(f::windows_match<f::sma_ratio>(list, std::array{5}));          // extra
  STATIC_REQUIRE_FALSE(f::windows_match<f::sma_ratio>(list, std::array{5, 20, 50}));  // missing
  STATIC_REQUIRE_FALSE(f::windows_match<f::rsi>(list, std::array{21}));               // value
  STATIC_REQUIRE(f::windows_match<f::log_return>(list, std::array<int, 0>{}));        // none
}

namespace {
std::vector<std::string> window_features(const std::string& prefix, std::span<const int> windows) {
  std::vector<std::string> names;
  for (const int w : windows)
    names.push_back(prefix + std::to_string(w));
  return names;
}
template <class P>
std::vector<std::string> names_starting(const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& n : mtf::feature_names(P::features))
    if (n.rfind(prefix, 0) == 0) out.push_back(n);
  return out;
}
template <class P>
void check_windows_drive_features() {
  INFO("policy " << P::name);
  CHECK(names_starting<P>("sma_ratio_") == window_features("sma_ratio_", P::ma_windows));
  CHECK(names_starting<P>("log_return_") == window_features("log_return_", P::momentum_windows));
  CHECK(names_starting<P>("rsi_") ==
        std::vector<std::string>{"rsi_" + std::to_string(P::rsi_window)});
}
}  // namespace

TEST_CASE("every shipped policy's window fields are the windows of its features",
          "[features][lists]") {
  check_windows_drive_features<mtf::timeframes::tf_5m>();
  check_windows_drive_features<mtf::timeframes::tf_1h>();
  check_windows_drive_features<mtf::timeframes::tf_12h>();
  check_windows_drive_features<mtf::timeframes::tf_24h>();
}
