// mtf::canonical_json: the text is fixed by the value (hand-written expected JSON), equal values
// in different C++ types agree, and values that differ in any part differ.
#include <array>
#include <boost/hana/tuple.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <tuple>

#include <nlohmann/json.hpp>

#include "mtf/core/canonical_json.hpp"
#include "mtf/core/errors.hpp"

namespace demo {
enum class mode { fast, careful };
constexpr std::string_view enum_name(mode m) {
  switch (m) {
    case mode::fast:
      return "fast";
    case mode::careful:
      return "careful";
  }
  return "";
}
struct range {
  double min;
  double max;
};
struct settings {
  int rounds;
  double eta = 0.1;
  bool balanced = true;
  std::optional<int> limit{};
  std::optional<range> band{};
  mode m = mode::careful;
  std::array<int, 2> windows{5, 20};
  std::string_view label = "x";
  std::chrono::days age{7};
};
struct window_a {
  int window;
};
struct window_b {
  int window;
};
struct nothing {};
}  // namespace demo

MTF_DESCRIBE(demo::range, min, max);
MTF_DESCRIBE(demo::settings, rounds, eta, balanced, limit, band, m, windows, label, age);
MTF_DESCRIBE(demo::window_a, window);
MTF_DESCRIBE(demo::window_b, window);
MTF_DESCRIBE(demo::nothing);

using mtf::canonical_json;

TEST_CASE("a described struct is an object of its members with sorted keys",
          "[core][canonical_json]") {
  CHECK(canonical_json(demo::settings{.rounds = 3}).dump() ==
        R"({"age":604800,"balanced":true,"band":null,"eta":0.1,"label":"x","limit":null,)"
        R"("m":"careful","rounds":3,"windows":[5,20]})");
  CHECK(canonical_json(demo::settings{.rounds = 3, .limit = 4, .band = demo::range{0.2, 0.4}})
            .dump() ==
        R"({"age":604800,"balanced":true,"band":{"max":0.4,"min":0.2},"eta":0.1,"label":"x",)"
        R"("limit":4,"m":"careful","rounds":3,"windows":[5,20]})");
  CHECK(canonical_json(demo::nothing{}).dump() == "{}");
}

TEST_CASE("numbers are written as the shortest text that reads back as the same double",
          "[core][canonical_json]") {
  CHECK(canonical_json(0.1).dump() == "0.1");
  CHECK(canonical_json(1e-6).dump() == "1e-06");
  CHECK(canonical_json(0.632).dump() == "0.632");
  CHECK(canonical_json(1000.0).dump() == "1000.0");
  CHECK(canonical_json(25'000).dump() == "25000");
  // One ulp apart is a different value, and -0.0 is not 0.0 (both change a computation).
  CHECK(canonical_json(0.1).dump() != canonical_json(std::nextafter(0.1, 1.0)).dump());
  CHECK(canonical_json(-0.0).dump() != canonical_json(0.0).dump());
  CHECK_THROWS_AS(canonical_json(std::numeric_limits<double>::quiet_NaN()), mtf::programming_error);
  CHECK_THROWS_AS(canonical_json(std::numeric_limits<double>::infinity()), mtf::programming_error);
}

TEST_CASE("enums are written by name, durations in seconds", "[core][canonical_json]") {
  CHECK(canonical_json(demo::mode::fast) == "fast");
  CHECK(canonical_json(static_cast<demo::mode>(7)) == 7);  // outside the enumeration
  CHECK(canonical_json(std::chrono::days{7}) == 604800);
  CHECK(canonical_json(std::chrono::hours{168}) == canonical_json(std::chrono::days{7}));
}

TEST_CASE("tuple elements name their type, so equal members of different types differ",
          "[core][canonical_json]") {
  const auto a = canonical_json(boost::hana::make_tuple(demo::window_a{14}, 2));
  CHECK(a.dump() == R"([{"@type":"demo::window_a","window":14},2])");
  CHECK(a != canonical_json(boost::hana::make_tuple(demo::window_b{14}, 2)));
  CHECK(canonical_json(std::tuple{demo::window_a{14}, 2}) == a);
  CHECK(mtf::canonical_json_typed(demo::nothing{}).dump() == R"({"@type":"demo::nothing"})");
}

TEST_CASE("parsing any indentation of the dump and dumping again gives the compact dump",
          "[core][canonical_json]") {
  const auto j = canonical_json(
      demo::settings{.rounds = 3, .eta = 1.0 / 3.0, .band = demo::range{-0.0, 1e-300}});
  CHECK(nlohmann::json::parse(j.dump(2)).dump() == j.dump());
  CHECK(nlohmann::json::parse(j.dump(4)).dump() == j.dump());
}

TEST_CASE("describable says which values have a canonical description", "[core][canonical_json]") {
  STATIC_REQUIRE(mtf::describable<demo::settings>());
  STATIC_REQUIRE(mtf::describable<std::optional<std::array<demo::range, 2>>>());
  STATIC_REQUIRE(mtf::describable<boost::hana::tuple<demo::window_a, double>>());
  STATIC_REQUIRE_FALSE(mtf::describable<std::chrono::milliseconds>());  // not whole seconds
  struct undescribed {
    int a;
  };
  STATIC_REQUIRE_FALSE(mtf::describable<undescribed>());
  STATIC_REQUIRE_FALSE(mtf::describable<boost::hana::tuple<demo::window_a, undescribed>>());
}
