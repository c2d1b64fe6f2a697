#include <catch2/catch.hpp>
#include <string>

#include "mtf/version.hpp"

TEST_CASE("the header version equals the CMake project version", "[version]") {
  CHECK(std::string(mtf::version) == MTF_PROJECT_VERSION);
}
