#pragma once
/// \file Input checks shared by the indicators and the features: window arguments, equal
/// lengths, finite prices, positive prices, valid volumes. A bad window or band width is a broken
/// call contract and throws mtf::programming_error; bad data throws mtf::data_error. Both name
/// the indicator (or feature) and the argument.

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "mtf/core/errors.hpp"

namespace mtf::indicator_detail {

/// Throws data_error(where, line 0, field, message). Kept out of line: g++ 12 emits a bogus
/// -Wrestrict warning when data_error's message formatting is inlined at -O3 (GCC PR 105651).
[[noreturn, gnu::cold, gnu::noinline]] inline void fail(std::string_view where,
                                                        std::string_view field,
                                                        const std::string& message) {
  throw data_error(std::string(where), 0, std::string(field), message);
}

/// Throws programming_error(where, argument, message): a broken call contract (a bad window or
/// band width), not bad data. Out of line for the same -Wrestrict reason as `fail`.
[[noreturn, gnu::cold, gnu::noinline]] inline void fail_argument(std::string_view where,
                                                                 std::string_view argument,
                                                                 const std::string& message) {
  throw programming_error(std::string(where), std::string(argument), message);
}

/// Checks that a window argument is at least `minimum`; returns it as a size. A smaller window
/// is a programming error (no valid policy has one), not bad data.
inline std::size_t checked_window(std::string_view indicator, std::string_view argument, int window,
                                  int minimum = 1) {
  if (window < minimum) {
    indicator_detail::fail_argument(
        indicator, argument,
        "window must be at least " + std::to_string(minimum) + ", got " + std::to_string(window));
  }
  return static_cast<std::size_t>(window);
}

/// Index of the first x[i] failing `ok`, or x.size(). A branch-free scan first (vectorisable;
/// inputs are validated once per series), then the slow search only when something failed.
template <class Ok>
std::size_t first_failing(std::span<const double> x, Ok ok) {
  bool all_ok = true;
  for (const double v : x)
    all_ok &= ok(v);
  if (all_ok) return x.size();
  std::size_t i = 0;
  while (ok(x[i]))
    ++i;
  return i;
}

/// True for a finite value.
inline bool finite_value(double v) noexcept {
  return std::abs(v) <= std::numeric_limits<double>::max();
}
/// True for a finite, strictly positive price.
inline bool positive_price(double v) noexcept {
  return (v > 0.0) & (v <= std::numeric_limits<double>::max());
}
/// True for a finite, non-negative volume.
inline bool valid_volume(double v) noexcept {
  return (v >= 0.0) & (v <= std::numeric_limits<double>::max());
}

[[noreturn]] inline void fail_finite(std::string_view indicator, std::string_view argument,
                                     std::size_t i) {
  fail(indicator, argument, "non-finite value at index " + std::to_string(i));
}
[[noreturn]] inline void fail_positive(std::string_view indicator, std::string_view argument,
                                       double value, std::size_t i) {
  fail(indicator, argument,
       "price must be finite and positive, got " + std::to_string(value) + " at index " +
           std::to_string(i));
}
[[noreturn]] inline void fail_volume(std::string_view indicator, double value, std::size_t i) {
  fail(indicator, "volume",
       "volume must be finite and non-negative, got " + std::to_string(value) + " at index " +
           std::to_string(i));
}

inline void check_finite(std::string_view indicator, std::string_view argument,
                         std::span<const double> x) {
  const auto i = first_failing(x, finite_value);
  if (i < x.size()) fail_finite(indicator, argument, i);
}

inline void check_positive(std::string_view indicator, std::string_view argument,
                           std::span<const double> x) {
  const auto i = first_failing(x, positive_price);
  if (i < x.size()) fail_positive(indicator, argument, x[i], i);
}

inline void check_volume(std::string_view indicator, std::span<const double> v) {
  const auto i = first_failing(v, valid_volume);
  if (i < v.size()) fail_volume(indicator, v[i], i);
}

inline void check_same_length(std::string_view indicator, std::size_t expected,
                              std::string_view argument, std::size_t actual) {
  if (actual != expected) {
    indicator_detail::fail(indicator, argument,
                           "length " + std::to_string(actual) + " differs from close's length " +
                               std::to_string(expected));
  }
}

inline void check_hlc(std::string_view indicator, std::span<const double> high,
                      std::span<const double> low, std::span<const double> close) {
  check_same_length(indicator, close.size(), "high", high.size());
  check_same_length(indicator, close.size(), "low", low.size());
  check_finite(indicator, "high", high);
  check_finite(indicator, "low", low);
  check_finite(indicator, "close", close);
}

}  // namespace mtf::indicator_detail
