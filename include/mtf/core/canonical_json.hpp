#pragma once
/// \file `mtf::canonical_json(value)`: a described value (core/described.hpp) as JSON whose text
/// is the same for equal values on every platform and differs for different ones, so that its
/// SHA-256 identifies a configuration (the policy fingerprint) and it can be read back and
/// re-hashed. nlohmann::json keeps object keys sorted and writes a double as the shortest text
/// that reads back as the same double, so `nlohmann::json::parse(text).dump()` reproduces the
/// compact dump of any indentation of it.
///
///   bool                      true / false
///   integer, floating point   a number (NaN and infinities have no canonical text: error)
///   described enum            its enum_name, or its integer for a value outside the enumeration
///   std::string(_view)        a string
///   std::chrono duration      whole seconds (durations that convert to seconds without loss)
///   std::optional             null, or the value
///   std::array                an array
///   std::tuple, hana::tuple   an array; a struct element also names its type under "@type",
///                             because the elements of a tuple need not share one
///   described struct          an object of its members by name

#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>
#include <chrono>
#include <cmath>
#include <string>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "mtf/core/described.hpp"
#include "mtf/core/errors.hpp"

namespace mtf {

/// The key under which canonical_json_typed names a struct's type ("@type" cannot be a member).
inline constexpr const char* canonical_type_key = "@type";

template <class T>
nlohmann::json canonical_json(const T& value);

/// canonical_json(value), and for a described struct also its type under "@type": for a value
/// whose place does not fix its type (a tuple element, a policy field one of several types
/// can fill), so that two types with the same member values describe apart.
template <class T>
nlohmann::json canonical_json_typed(const T& value) {
  nlohmann::json out = canonical_json(value);
  if constexpr (described_struct<T>) out[canonical_type_key] = std::string(description<T>::name);
  return out;
}

/// The canonical JSON of `value` (rules in the file comment). A part of a type outside the rules
/// is a compile error; a NaN or infinite number throws programming_error.
template <class T>
nlohmann::json canonical_json(const T& value) {
  using namespace describe_detail;
  if constexpr (std::is_same_v<T, bool>) {
    return value;
  } else if constexpr (std::is_integral_v<T>) {
    return value;
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(value))
      throw programming_error("canonical_json", "value",
                              "a NaN or infinite number has no canonical JSON text");
    return static_cast<double>(value);
  } else if constexpr (std::is_enum_v<T>) {
    static_assert(described_enum<T>,
                  "canonical_json(value) requires an enum to be described: declare "
                  "`constexpr std::string_view enum_name(E)` next to it");
    const std::string_view name = enum_name(value);
    if (name.empty()) return static_cast<std::underlying_type_t<T>>(value);
    return std::string(name);
  } else if constexpr (std::is_same_v<T, std::string_view> || std::is_same_v<T, std::string>) {
    return std::string(value);
  } else if constexpr (is_duration<T>) {
    static_assert(std::is_convertible_v<T, std::chrono::seconds>,
                  "canonical_json(value) requires a duration in whole seconds (one that converts "
                  "to std::chrono::seconds without loss)");
    return std::chrono::seconds(value).count();
  } else if constexpr (is_optional<T>) {
    if (!value) return nullptr;
    return canonical_json(*value);
  } else if constexpr (is_std_array<T>) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& element : value)
      out.push_back(canonical_json(element));
    return out;
  } else if constexpr (is_tuple<T>) {
    nlohmann::json out = nlohmann::json::array();
    const auto add = [&](const auto&... element) {
      (out.push_back(canonical_json_typed(element)), ...);
    };
    if constexpr (is_hana_tuple<T>) {
      boost::hana::unpack(value, add);
    } else {
      std::apply(add, value);
    }
    return out;
  } else if constexpr (described_struct<T>) {
    nlohmann::json out = nlohmann::json::object();
    for_each_member(value, [&](std::string_view name, const auto& member) {
      out[std::string(name)] = canonical_json(member);
    });
    return out;
  } else {
    static_assert(always_false<T>,
                  "canonical_json(value) requires every part of the value to be described: a "
                  "struct needs MTF_DESCRIBE(type, members...) after its namespace "
                  "(mtf/core/described.hpp); see the instantiation below for the type");
    return {};
  }
}

}  // namespace mtf
