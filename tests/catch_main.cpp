// The Catch2 v2 runner, compiled once and linked into every test_<stage> executable.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
