#pragma once
/// \file Described values: what generic code (core/canonical_json.hpp, the policy fingerprint,
/// the policy table) can read without naming a single member, so that a setting added to a spec
/// is seen by all of them at once.
///
/// A struct is described by one line at global namespace scope after its namespace,
///   MTF_DESCRIBE(mtf::split::spec, train, calibration, test, folds, embargo_bars);
/// which lists its members by name (each as a pointer to member, so a misspelt name does not
/// compile), records the struct's name ("split::spec") and refuses to compile when the list does
/// not name every data member exactly once (members counted by the compiler:
/// core/aggregate_member_count.hpp):
///   static assertion failed: description error: mtf::split::spec: the MTF_DESCRIBE list must
///   name every data member of the struct exactly once ...
/// An enum is described by an `enum_name(E) -> std::string_view` overload next to it (found by
/// argument-dependent lookup), a switch without default so that -Wswitch flags a new
/// enumerator, returning "" for a value outside the enumeration.
///
/// (Boost.Hana's BOOST_HANA_ADAPT_STRUCT lists members too, but its adaptations are compiled
/// in full in every translation unit that includes them: measured with g++ 12, about 1.1 s more
/// CPU per file that includes a policy for mtf's 36 specs, against about 0.2 s for these.)

#include <array>
#include <boost/hana/fwd/tuple.hpp>
#include <boost/preprocessor/punctuation/comma_if.hpp>
#include <boost/preprocessor/seq/for_each.hpp>
#include <boost/preprocessor/seq/for_each_i.hpp>
#include <boost/preprocessor/stringize.hpp>
#include <boost/preprocessor/variadic/size.hpp>
#include <boost/preprocessor/variadic/to_seq.hpp>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "mtf/core/aggregate_member_count.hpp"

namespace mtf {

/// The description of the struct T, written by MTF_DESCRIBE: `name`, the qualified name
/// without `mtf::` as policies spell it ("split::spec", "feature::rsi"); `member_names`, in the
/// listed order; and `visit(f)`, which calls `f(name, pointer to member)` for each listed member
/// in that order. Not defined for other types.
template <class T>
struct description;

namespace describe_detail {
constexpr std::string_view without_mtf(std::string_view qualified) {
  constexpr std::string_view prefix = "mtf::";
  return qualified.starts_with(prefix) ? qualified.substr(prefix.size()) : qualified;
}

/// True when the description of T names every data member of T once: as many listed members as
/// the compiler counts, none listed twice.
template <class T>
constexpr bool lists_every_member_once() {
  const auto& names = description<T>::member_names;
  for (std::size_t i = 0; i < names.size(); ++i)
    for (std::size_t j = i + 1; j < names.size(); ++j)
      if (names[i] == names[j]) return false;
  return names.size() == aggregate_member_count<T>;
}

template <class T>
inline constexpr bool is_optional = false;
template <class T>
inline constexpr bool is_optional<std::optional<T>> = true;

template <class T>
inline constexpr bool is_std_array = false;
template <class T, std::size_t N>
inline constexpr bool is_std_array<std::array<T, N>> = true;

template <class T>
inline constexpr bool is_tuple = false;
template <class... T>
inline constexpr bool is_tuple<std::tuple<T...>> = true;
template <class... T>
inline constexpr bool is_tuple<boost::hana::tuple<T...>> = true;

template <class T>
inline constexpr bool is_hana_tuple = false;
template <class... T>
inline constexpr bool is_hana_tuple<boost::hana::tuple<T...>> = true;

template <class T>
inline constexpr bool always_false = false;

template <class T>
inline constexpr bool is_duration = false;
template <class Rep, class Period>
inline constexpr bool is_duration<std::chrono::duration<Rep, Period>> = true;
}  // namespace describe_detail

/// A described struct: MTF_DESCRIBE names every data member of it once.
template <class T>
concept described_struct = std::is_aggregate_v<T> && requires {
  description<T>::name;
  description<T>::member_names;
} && describe_detail::lists_every_member_once<T>();

/// An enum with an `enum_name` overload found by argument-dependent lookup.
template <class E>
concept described_enum = std::is_enum_v<E> && requires(E e) {
  { enum_name(e) } -> std::convertible_to<std::string_view>;
};

/// Calls `f(name, member)` for every member of the described struct `value`, in the listed
/// order; `member` is a reference with the constness of `value`.
template <class T, class F>
requires described_struct<std::remove_const_t<T>>
constexpr void for_each_member(T& value, F&& f) {
  description<std::remove_const_t<T>>::visit(
      [&](std::string_view name, auto pointer) { f(name, value.*pointer); });
}

/// True when every part of a T has a description, recursively: booleans, arithmetic types,
/// described enums, strings, durations that convert to whole seconds without loss, and
/// std::optional, std::array, std::tuple and boost::hana::tuple of describable values, and
/// described structs whose members are all describable. What canonical_json can write.
template <class T>
constexpr bool describable() {
  using namespace describe_detail;
  if constexpr (std::is_arithmetic_v<T> || std::same_as<T, std::string_view> ||
                std::same_as<T, std::string>) {
    return true;
  } else if constexpr (std::is_enum_v<T>) {
    return described_enum<T>;
  } else if constexpr (is_duration<T>) {
    return std::is_convertible_v<T, std::chrono::seconds>;
  } else if constexpr (is_optional<T> || is_std_array<T>) {
    return describable<typename T::value_type>();
  } else if constexpr (is_tuple<T>) {
    return []<template <class...> class Tuple, class... U>(std::type_identity<Tuple<U...>>) {
      return (describable<U>() && ...);
    }(std::type_identity<T>{});
  } else if constexpr (described_struct<T>) {
    bool all = true;
    description<T>::visit(
        [&]<class M>(std::string_view, M T::*) { all = all && describable<M>(); });
    return all;
  } else {
    return false;
  }
}

}  // namespace mtf

/// Describes the struct `type` (fully qualified) by its data members, listed in declaration
/// order. Write it at global namespace scope right after the namespace that defines the struct
/// (an explicit specialization of mtf::description), and end it with a semicolon.
#define MTF_DESCRIBE(type, ...)                                                                   \
  template <>                                                                                     \
  struct mtf::description<type> {                                                                 \
    static constexpr std::string_view name = mtf::describe_detail::without_mtf(#type);            \
    static constexpr std::array<std::string_view,                                                 \
                                0 __VA_OPT__(+BOOST_PP_VARIADIC_SIZE(__VA_ARGS__))>               \
        member_names{__VA_OPT__(BOOST_PP_SEQ_FOR_EACH_I(MTF_DESCRIBE_MEMBER_NAME, type,           \
                                                        BOOST_PP_VARIADIC_TO_SEQ(__VA_ARGS__)))}; \
    /* A template, so that only the users of a description compile its visit. */                  \
    template <class F>                                                                            \
    static constexpr void visit([[maybe_unused]] F&& f) {                                         \
      __VA_OPT__(BOOST_PP_SEQ_FOR_EACH(MTF_DESCRIBE_VISIT_MEMBER, type,                           \
                                       BOOST_PP_VARIADIC_TO_SEQ(__VA_ARGS__)))                    \
    }                                                                                             \
  };                                                                                              \
  static_assert(mtf::describe_detail::lists_every_member_once<type>(),                            \
                "description error: " #type                                                       \
                ": the MTF_DESCRIBE list must name every data member of the struct exactly once " \
                "(a member missing from it is missing from the policy fingerprint, its JSON "     \
                "dump and docs/policies.md)")

/// Steps of MTF_DESCRIBE (BOOST_PP_SEQ_FOR_EACH over its member list).
#define MTF_DESCRIBE_MEMBER_NAME(r, type, i, m) BOOST_PP_COMMA_IF(i) BOOST_PP_STRINGIZE(m)
#define MTF_DESCRIBE_VISIT_MEMBER(r, type, m) f(std::string_view(BOOST_PP_STRINGIZE(m)), &type::m);
