#pragma once
/// \file How a policy calibrates probabilities (SPEC §4.9).

#include <cstddef>

namespace mtf::calibration {

/// Calibration method.
enum class method { isotonic, sigmoid, temperature };

/// The policy's calibration choice and its safety rule: below `min_isotonic_rows` calibration
/// rows, or when isotonic loses a `check_folds`-fold comparison with temperature scaling on the
/// calibration split, temperature scaling is used and the report says so.
struct spec {
  method preferred = method::isotonic;
  std::size_t min_isotonic_rows = 1000;
  int check_folds = 5;
  double probability_floor = 1e-6;
  /// Rows left out of the fit on each side of each held-out block of the K-fold check. Set it
  /// to the label horizon so that no label window straddles fitted and held-out rows (labels
  /// look ahead, neighbouring calibration rows share outcomes); 0 = no purge.
  std::size_t check_purge_rows = 0;
};

}  // namespace mtf::calibration
