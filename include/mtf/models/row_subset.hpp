#pragma once
/// \file Gathering the rows of a fold: training matrices, labels, weights and times by index.

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "mtf/core/xtensor.hpp"
#include "mtf/models/xgboost_api.hpp"

namespace mtf::model {

/// Copies rows `rows` of `x` (in the given order) into a new row-major matrix.
/// Throws `model_error` for an index past the last row.
inline matrix gather_rows(const matrix& x, std::span<const std::size_t> rows) {
  const std::size_t n = x.shape()[0], d = x.shape()[1];
  matrix out(std::array<std::size_t, 2>{rows.size(), d});
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r] >= n)
      throw model_error("gather_rows: row index " + std::to_string(rows[r]) + " beyond " +
                        std::to_string(n) + " rows");
    std::copy_n(x.data() + rows[r] * d, d, out.data() + r * d);
  }
  return out;
}

/// Elements `rows` of `values` (empty input gives an empty result, for optional weights/times).
template <class T>
std::vector<T> gather(std::span<const T> values, std::span<const std::size_t> rows) {
  if (values.empty()) return {};
  std::vector<T> out;
  out.reserve(rows.size());
  for (std::size_t r : rows) {
    if (r >= values.size())
      throw model_error("gather: row index " + std::to_string(r) + " beyond " +
                        std::to_string(values.size()) + " values");
    out.push_back(values[r]);
  }
  return out;
}

}  // namespace mtf::model
