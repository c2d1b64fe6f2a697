#pragma once
/// \file A policy's feature list (a Boost.Hana tuple of feature specs, e.g. `tf_5m::features`)
/// turned into schema names and a row-major bars x features matrix (SPEC §4.3).

#include <algorithm>
#include <boost/hana/for_each.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/tuple.hpp>
#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/core/xtensor.hpp"
#include "mtf/features/feature_values.hpp"
#include "mtf/intake/bar_series.hpp"

namespace mtf {

namespace feature_detail {
template <class T>
struct feature_list_traits : std::false_type {};
template <class... Specs>
struct feature_list_traits<boost::hana::tuple<Specs...>>
    : std::bool_constant<(FeatureSpec<Specs> && ...)> {};

/// True for a boost::hana::tuple whose every element models FeatureSpec.
template <class Features>
inline constexpr bool is_feature_list = feature_list_traits<std::remove_cvref_t<Features>>::value;

inline void check_columns(const bar_series& bars) {
  const std::size_t n = bars.size();
  auto check = [&](const std::vector<double>& column, const char* field) {
    if (column.size() != n) {
      indicator_detail::fail(bars.source, field,
                             "column has " + std::to_string(column.size()) +
                                 " values but the series has " + std::to_string(n) + " timestamps");
    }
  };
  check(bars.open, "open");
  check(bars.high, "high");
  check(bars.low, "low");
  check(bars.close, "close");
  check(bars.volume, "volume");
}
}  // namespace feature_detail

/// Schema names of the features, in column order (e.g. {"log_return_1", ..., "cmf_20"}).
template <class Features>
std::vector<std::string> feature_names(const Features& features) {
  static_assert(feature_detail::is_feature_list<Features>,
                "feature_names(features) requires 'features' to be a boost::hana::tuple of "
                "mtf::feature specs (types with feature_name and compute_feature)");
  std::vector<std::string> names;
  names.reserve(decltype(boost::hana::length(features))::value);
  boost::hana::for_each(features, [&](const auto& spec) { names.push_back(feature_name(spec)); });
  return names;
}

/// Feature matrix: row t = bar t, column j = the j-th spec's value (row-major, n_bars x
/// n_features). Entries are NaN during each column's warm-up and finite afterwards; row t uses
/// bars 0..t only. Throws data_error if the series' columns differ in length or its prices are
/// bad (see indicators.hpp), naming the series' source.
template <class Features>
mtf::matrix compute_feature_matrix(const Features& features, const bar_series& bars) {
  static_assert(feature_detail::is_feature_list<Features>,
                "compute_feature_matrix(features, bars) requires 'features' to be a "
                "boost::hana::tuple of mtf::feature specs (types with feature_name and "
                "compute_feature)");
  feature_detail::check_columns(bars);
  constexpr std::size_t columns = decltype(boost::hana::length(features))::value;
  const std::size_t rows = bars.size();
  // Each feature is computed into its own contiguous column, then the columns are transposed
  // into the row-major matrix in cache-sized row blocks: writing each column straight into the
  // matrix would touch a new cache line per value (stride = one row).
  feature_cache cache(bars);
  std::vector<std::vector<double>> column_values;
  column_values.reserve(columns);
  boost::hana::for_each(features, [&](const auto& spec) {
    column_values.push_back(feature_detail::compute_cached(spec, cache));
    const std::vector<double>& values = column_values.back();
    if (values.size() != rows) {
      indicator_detail::fail(bars.source, feature_name(spec),
                             "feature produced " + std::to_string(values.size()) + " values for " +
                                 std::to_string(rows) + " bars");
    }
    for (std::size_t t = 0; t < rows; ++t) {
      if (std::isinf(values[t])) {
        // Every feature defines a neutral value for degenerate denominators; an infinity here
        // means broken input (e.g. prices so extreme that a ratio overflows).
        indicator_detail::fail(bars.source, feature_name(spec),
                               "infinite value at bar " + std::to_string(t));
      }
    }
  });
  mtf::matrix out = mtf::matrix::from_shape({rows, columns});
  double* const data = out.data();
  constexpr std::size_t block_rows = 256;
  for (std::size_t first = 0; first < rows; first += block_rows) {
    const std::size_t last = std::min(rows, first + block_rows);
    for (std::size_t c = 0; c < columns; ++c) {
      const double* const source = column_values[c].data();
      for (std::size_t t = first; t < last; ++t)
        data[t * columns + c] = source[t];
    }
  }
  return out;
}

/// First row index from which every row of the matrix is all-finite: the number of warm-up rows
/// to drop. Returns the row count when no such row exists (e.g. a series shorter than the
/// longest warm-up), 0 for a matrix without NaN.
inline std::size_t first_complete_row(const mtf::matrix& features) {
  const std::size_t rows = features.shape()[0];
  const std::size_t columns = features.shape()[1];
  const double* const data = features.data();
  for (std::size_t r = rows; r > 0; --r) {
    for (std::size_t c = 0; c < columns; ++c) {
      if (!std::isfinite(data[(r - 1) * columns + c])) return r;
    }
  }
  return 0;
}

}  // namespace mtf
