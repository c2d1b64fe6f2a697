#pragma once
/// \file `mtf::aggregate_member_count<T>`: how many non-static data members an aggregate has,
/// found by the compiler rather than written down, so a hand-written member list (a struct's
/// description, core/described.hpp) can be checked against the real struct.
///
/// How: `T{x1, ..., xN}` with values convertible to anything is well-formed exactly when
/// N <= the number of members (one initializer per member; a brace-elided nested aggregate
/// takes its initializer whole, because the value converts to the nested type directly).
/// Limits: a C array member counts as its elements (use std::array), a base class counts as
/// one member, and a member type that is itself constructible from anything would be ambiguous
/// (none of mtf's specs has one; the description check then fails loudly rather than passing).

#include <concepts>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace mtf {

namespace member_count_detail {
/// Converts to any type; declared only, because it is used in unevaluated checks alone.
struct any_initializer {
  template <class T>
  operator T() const noexcept;
};

template <class T, std::size_t... I>
constexpr bool brace_initializable(std::index_sequence<I...>) {
  return requires {
    T{(void(I), any_initializer{})...};
  };
}

// Stops at the first count that no longer initializes: every count below the member count
// initializes (trailing members take their default member initializers), none above does.
template <class T, std::size_t N>
constexpr std::size_t count_from() {
  if constexpr (brace_initializable<T>(std::make_index_sequence<N + 1>{})) {
    return count_from<T, N + 1>();
  } else {
    return N;
  }
}
}  // namespace member_count_detail

/// Number of non-static data members of the aggregate T (static members, member functions and
/// nested types do not count). Compile-time only.
template <class T>
requires std::is_aggregate_v<T>
inline constexpr std::size_t aggregate_member_count = member_count_detail::count_from<T, 0>();

}  // namespace mtf
