#pragma once
/// \file Everything a policy header needs: the concept and the vocabulary of specs.
/// `timeframes/tf_<tf>.hpp` include this and nothing else.

#include <array>
#include <boost/hana/tuple.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mtf/policy/timeframe_policy.hpp"
