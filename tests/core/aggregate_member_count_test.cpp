// mtf::aggregate_member_count: the compiler's count of an aggregate's data members, against
// structs whose members are counted by eye.
#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

#include "mtf/core/aggregate_member_count.hpp"

namespace {

struct no_members {};
struct two_doubles {
  double min;
  double max;
};
enum class colour { red, green };
// Every kind of member a policy spec holds: nested aggregates (not brace-elided: each counts
// once), optionals of values and of aggregates, enums, std::array, durations, string_view, and
// default member initialisers.
struct mixed {
  two_doubles range;
  std::optional<double> maybe;
  std::optional<two_doubles> maybe_range;
  colour c = colour::green;
  std::array<double, 3> shares{};
  std::chrono::days age{7};
  std::string_view name = "x";
  std::size_t rows = 50;
};
// Static members, member functions, nested types and a defaulted comparison are not data.
struct with_static_and_nested {
  int window;
  double k = 2.0;
  static constexpr int reads = 1;
  class kernel {
   public:
    explicit kernel(const with_static_and_nested&) {}
  };
  [[nodiscard]] int name() const { return window; }
  bool operator==(const with_static_and_nested&) const = default;
};

}  // namespace

TEST_CASE("aggregate_member_count counts data members only", "[core][described]") {
  STATIC_REQUIRE(mtf::aggregate_member_count<no_members> == 0);
  STATIC_REQUIRE(mtf::aggregate_member_count<two_doubles> == 2);
  STATIC_REQUIRE(mtf::aggregate_member_count<mixed> == 8);
  STATIC_REQUIRE(mtf::aggregate_member_count<with_static_and_nested> == 2);
}
