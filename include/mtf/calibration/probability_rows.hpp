#pragma once
/// \file Row-wise operations on class-probability matrices that every calibrator shares:
/// input checks, renormalisation and the probability floor of SPEC §4.9.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>

#include "mtf/core/errors.hpp"
#include "mtf/core/xtensor.hpp"

namespace mtf::calibration {

/// Throws training_error unless `probs` has at least one row, at least 2 columns (or exactly
/// `classes` columns when `classes` > 0) and every entry is finite and in [0, 1].
/// `what` names the caller in the message.
inline void check_probability_rows(const matrix& probs, const char* what, std::size_t classes = 0) {
  const std::size_t rows = probs.shape()[0], cols = probs.shape()[1];
  if (rows == 0) throw training_error(std::string(what) + ": no rows");
  if (cols < 2 || (classes > 0 && cols != classes))
    throw training_error(std::string(what) + ": probabilities have " + std::to_string(cols) +
                         " columns, expected " +
                         (classes > 0 ? std::to_string(classes) : std::string("at least 2")));
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t c = 0; c < cols; ++c) {
      const double p = probs(i, c);
      if (!std::isfinite(p) || p < 0.0 || p > 1.0)
        throw training_error(std::string(what) + ": probability " + std::to_string(p) + " in row " +
                             std::to_string(i) + ", class " + std::to_string(c) +
                             " is not in [0, 1]");
    }
  }
}

/// Checks probabilities as check_probability_rows does and that there is one label per row,
/// each in [0, columns).
inline void check_calibration_input(const matrix& probs, std::span<const int> labels,
                                    const char* what) {
  check_probability_rows(probs, what);
  if (labels.size() != probs.shape()[0])
    throw training_error(std::string(what) + ": " + std::to_string(probs.shape()[0]) +
                         " probability rows but " + std::to_string(labels.size()) + " labels");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || static_cast<std::size_t>(labels[i]) >= probs.shape()[1])
      throw training_error(std::string(what) + ": label " + std::to_string(labels[i]) + " in row " +
                           std::to_string(i) + " is not a class index");
  }
}

/// Divides each row by its sum, in place. A row summing to 0 (every one-vs-rest calibrator
/// said 0) becomes uniform, as scikit-learn's CalibratedClassifierCV does.
inline void normalise_rows(matrix& probs) {
  const std::size_t rows = probs.shape()[0], cols = probs.shape()[1];
  for (std::size_t i = 0; i < rows; ++i) {
    double sum = 0.0;
    for (std::size_t c = 0; c < cols; ++c)
      sum += probs(i, c);
    for (std::size_t c = 0; c < cols; ++c) {
      probs(i, c) = sum > 0.0 ? probs(i, c) / sum : 1.0 / static_cast<double>(cols);
    }
  }
}

/// The safety floor of SPEC §4.9, in place: normalises each row (as normalise_rows), raises
/// every probability below `floor` to `floor`, then renormalises. Afterwards every value lies
/// in [floor / (1 + K floor), 1 / (1 + (K - 1) floor)] for K columns -- strictly inside
/// (0, 1), so renormalising cannot bring a value back to 0 or 1 -- and rows sum to 1 within
/// rounding. Rows already at or above the floor are only renormalised. Requires
/// 1e-12 <= floor < 1 / K (smaller floors would vanish next to 1 in double precision).
inline void apply_probability_floor(matrix& probs, double floor) {
  const std::size_t cols = probs.shape()[1];
  if (cols == 0) throw training_error("apply_probability_floor: no classes");
  if (!(floor >= 1e-12) || !(floor < 1.0 / static_cast<double>(cols)))
    throw training_error("apply_probability_floor: floor " + std::to_string(floor) +
                         " is outside [1e-12, 1/classes)");
  normalise_rows(probs);
  for (std::size_t i = 0; i < probs.shape()[0]; ++i) {
    double sum = 0.0;
    for (std::size_t c = 0; c < cols; ++c) {
      probs(i, c) = std::max(probs(i, c), floor);
      sum += probs(i, c);
    }
    for (std::size_t c = 0; c < cols; ++c)
      probs(i, c) /= sum;
  }
}

}  // namespace mtf::calibration
