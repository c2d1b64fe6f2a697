#pragma once
/// \file The one place validation and backtest code throws on bad input.

#include <string>

#include "mtf/core/errors.hpp"

namespace mtf::validation {

/// Throws data_error(where, 0, field, message): `where` names the function that rejected the
/// input, as "where: field 'x': message". Every validation/backtest check throws through here so
/// that data_error's constructor is inlined into exactly one function: when g++ 12 -O3 emits that
/// constructor out of line it reports a false -Wrestrict in its string concatenation (GCC PR
/// 105329), which -Werror turns into a build failure.
[[noreturn, gnu::noipa]] inline void throw_input_error(const std::string& where,
                                                       const std::string& field,
                                                       const std::string& message) {
  throw data_error(where, 0, field, message);
}

}  // namespace mtf::validation
