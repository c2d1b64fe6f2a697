#pragma once
/// \file The runtime leakage gate of SPEC §4.4: recompute the feature matrix on prefixes of the
/// series and require every row before each cut to be bit-identical to the full-data matrix. A
/// feature that reads bar t+1 (or any later bar, or the series length) changes its early rows
/// when the future is cut off, and is named in the result.

#include <algorithm>
#include <bit>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/core/xtensor.hpp"
#include "mtf/features/feature_matrix.hpp"
#include "mtf/intake/bar_series.hpp"

namespace mtf {

/// How the audit picks its cuts.
struct leakage_audit_options {
  std::size_t cuts = 4;                 ///< number of prefixes recomputed
  std::uint64_t seed = 0x6d74665f6c6b;  ///< seeds the cut positions (reproducible runs)
};

/// One feature whose prefix value differs from its full-data value.
struct leakage_finding {
  std::string feature;      ///< schema name of the column
  std::size_t row = 0;      ///< first differing row (bar index) for this feature and cut
  std::size_t cut = 0;      ///< prefix length: bars 0..cut-1 were given
  double full_value = 0;    ///< value computed from the whole series
  double prefix_value = 0;  ///< value computed from the prefix
};

/// Outcome of the audit.
struct leakage_audit_result {
  bool passed = false;                    ///< no finding at any cut
  std::vector<std::size_t> cuts;          ///< prefix lengths used, ascending
  std::vector<leakage_finding> findings;  ///< at most one per (feature, cut)
};

namespace leakage_detail {
/// Bit-level equality, except that any NaN equals any NaN (warm-up entries).
inline bool same_value(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

/// Index of the first row without NaN or infinity (the row count if there is none).
inline std::size_t first_finite_row(const mtf::matrix& m) {
  const std::size_t rows = m.shape()[0];
  const std::size_t columns = m.shape()[1];
  for (std::size_t r = 0; r < rows; ++r) {
    bool finite = true;
    for (std::size_t c = 0; c < columns && finite; ++c)
      finite = std::isfinite(m(r, c));
    if (finite) return r;
  }
  return rows;
}

}  // namespace leakage_detail

/// Leakage audit over any feature computation. `compute(bars)` must return an n_bars x
/// n_columns matrix; `column_names` name its columns. Cuts are drawn uniformly (seeded) among
/// prefix lengths in [first all-finite row + 1, n - 1], so every cut leaves at least one complete
/// row before it and removes at least one bar; rows 0..cut-1 of the prefix matrix must equal
/// the full matrix bit for bit (NaN equals NaN).
/// Throws data_error when the series is too short to leave a post-warm-up row to cut at, and
/// when `compute` returns a matrix of the wrong shape.
template <class Compute>
leakage_audit_result audit_leakage(const bar_series& bars,
                                   const std::vector<std::string>& column_names, Compute&& compute,
                                   const leakage_audit_options& options = {}) {
  static_assert(std::invocable<Compute&, const bar_series&>,
                "audit_leakage(bars, names, compute) requires 'compute' to be callable with a "
                "const mtf::bar_series&");
  if constexpr (std::invocable<Compute&, const bar_series&>) {
    static_assert(
        std::convertible_to<std::invoke_result_t<Compute&, const bar_series&>, mtf::matrix>,
        "audit_leakage(bars, names, compute) requires 'compute(bars)' to return an mtf::matrix");
  }
  const std::size_t n = bars.size();
  const std::size_t columns = column_names.size();
  auto check_shape = [&](const mtf::matrix& m, std::size_t rows) {
    if (m.shape()[0] != rows || m.shape()[1] != columns) {
      indicator_detail::fail(bars.source, "features",
                             "feature computation returned a " + std::to_string(m.shape()[0]) +
                                 " x " + std::to_string(m.shape()[1]) + " matrix, expected " +
                                 std::to_string(rows) + " x " + std::to_string(columns));
    }
  };
  const mtf::matrix full = compute(bars);
  check_shape(full, n);
  // The first all-finite row, not first_complete_row: a look-ahead feature is NaN on the
  // last bars of the full data too, and must be reported, not mistaken for a long warm-up.
  const std::size_t warm_up = leakage_detail::first_finite_row(full);
  const std::size_t lowest_cut = warm_up + 1;
  if (n < 2 || lowest_cut > n - 1) {
    indicator_detail::fail(bars.source, "features",
                           "leakage audit needs bars after the feature warm-up (" +
                               std::to_string(warm_up) + " rows) to cut at; the series has " +
                               std::to_string(n) + " bars");
  }
  leakage_audit_result result;
  std::mt19937_64 rng(options.seed);
  std::uniform_int_distribution<std::size_t> pick(lowest_cut, n - 1);
  for (std::size_t i = 0; i < options.cuts; ++i)
    result.cuts.push_back(pick(rng));
  std::sort(result.cuts.begin(), result.cuts.end());
  result.cuts.erase(std::unique(result.cuts.begin(), result.cuts.end()), result.cuts.end());

  for (const std::size_t cut : result.cuts) {
    const mtf::matrix partial = compute(bars.prefix(cut));
    check_shape(partial, cut);
    for (std::size_t c = 0; c < columns; ++c) {
      for (std::size_t r = 0; r < cut; ++r) {
        const double a = full(r, c);
        const double b = partial(r, c);
        if (!leakage_detail::same_value(a, b)) {
          result.findings.push_back({column_names[c], r, cut, a, b});
          break;  // the first differing row per feature and cut is enough to name it
        }
      }
    }
  }
  result.passed = result.findings.empty();
  return result;
}

/// Leakage audit of a policy's feature list (e.g. `tf_5m::features`) on a series.
template <class Features>
leakage_audit_result audit_feature_leakage(const Features& features, const bar_series& bars,
                                           const leakage_audit_options& options = {}) {
  static_assert(feature_detail::is_feature_list<Features>,
                "audit_feature_leakage(features, bars) requires 'features' to be a "
                "boost::hana::tuple of mtf::feature specs");
  return audit_leakage(
      bars, feature_names(features),
      [&](const bar_series& b) { return compute_feature_matrix(features, b); }, options);
}

}  // namespace mtf
