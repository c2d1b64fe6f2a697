#pragma once
/// \file How a policy calibrates probabilities (SPEC §4.9).

#include <cstddef>
#include <string_view>

#include "mtf/core/described.hpp"

namespace mtf::calibration {

/// Calibration method.
enum class method { isotonic, sigmoid, temperature };

/// "isotonic", "sigmoid" or "temperature" (the spelling of JSON and reports); "" for a value
/// outside the enumeration.
constexpr std::string_view enum_name(method m) {
  switch (m) {
    case method::isotonic:
      return "isotonic";
    case method::sigmoid:
      return "sigmoid";
    case method::temperature:
      return "temperature";
  }
  return "";
}

/// The policy's calibration choice and its safety rule: below `min_isotonic_rows` calibration
/// rows, or when isotonic loses a `check_folds`-fold comparison with temperature scaling on the
/// calibration split (purged on label ends like every split), temperature scaling (with its
/// per-class bias) is used and the report says so.
struct spec {
  method preferred = method::isotonic;
  std::size_t min_isotonic_rows = 1000;
  int check_folds = 5;
  double probability_floor = 1e-6;
  /// Weight, in calibration rows, of the prior that keeps the biases of temperature scaling at
  /// the correction that undoes the target-mix re-weighting (the train class prior): a short
  /// calibration split, one regime's class mix, cannot pull them far; a long one can.
  double bias_prior_rows = 1000;
};

}  // namespace mtf::calibration

MTF_DESCRIBE(mtf::calibration::spec, preferred, min_isotonic_rows, check_folds, probability_floor,
             bias_prior_rows);
