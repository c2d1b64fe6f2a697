#pragma once
/// \file A policy's feature list (a Boost.Hana tuple of feature specs, e.g. `tf_5m::features`)
/// turned into schema names and a row-major bars x features matrix (SPEC §4.3).
///
/// The matrix is computed in one fused pass: for each bar, every feature's kernel (see
/// `feature_specs.hpp`) is advanced and the bar's row is written; kernels that have a
/// `feature::kernel_pair` advance two at a time (SIMD lanes, or one shared indicator state),
/// each value the kernel's own bits. The live path (`streaming_features.hpp`) runs the same
/// `feature_detail::kernel_row` one bar at a time, so a streamed row is the batch row bit for
/// bit.

#include <array>
#include <boost/hana/for_each.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "mtf/core/errors.hpp"
#include "mtf/core/huge_pages.hpp"
#include "mtf/core/xtensor.hpp"
#include "mtf/features/feature_specs.hpp"
#include "mtf/features/indicator_checks.hpp"
#include "mtf/intake/bar_series.hpp"

namespace mtf {

/// A feature spec defined by a kernel (every spec of the catalogue, `feature_specs.hpp`): a
/// schema name, the bar fields it reads, and a kernel giving its value bar by bar. Batch and
/// streaming features both follow from the kernel.
template <class Spec>
concept StreamingFeatureSpec = requires(const Spec& spec, typename Spec::kernel& kernel,
                                        const feature::bar_step& step) {
  { spec.name() } -> std::convertible_to<std::string>;
  { Spec::reads } -> std::convertible_to<feature::inputs>;
  requires std::constructible_from<typename Spec::kernel, const Spec&>;
  { kernel.push(step) } -> std::same_as<double>;
};

/// Schema name of a kernel-defined feature spec, e.g. "rsi_14".
template <StreamingFeatureSpec Spec>
std::string feature_name(const Spec& spec) {
  return spec.name();
}

namespace feature_detail {

inline constexpr double nan = rolling::warm_up_nan;

/// The bar fields a spec's kernel reads; nothing for a spec without a kernel (it validates its
/// own input in compute_feature).
template <class Spec>
constexpr feature::inputs inputs_of() {
  if constexpr (StreamingFeatureSpec<Spec>) {
    return Spec::reads;
  } else {
    return {};
  }
}

/// True when some spec of the list reads the shared one-bar log return.
template <class... Specs>
inline constexpr bool reads_log_return = (inputs_of<Specs>().log_return || ...);

/// The unit that runs kernels A and B together (see feature::kernel_pair).
template <class A, class B>
using kernel_pair_t = typename feature::kernel_pair<A, B>::type;

/// Kernels A and B of a feature list run as one unit, kernel_pair_t<A, B>: its push gives A's
/// and B's values in lanes 0 and 1, each exactly the bits the kernel alone gives, for less work
/// than the two.
template <class A, class B>
concept paired_kernels = requires(const A& a, const B& b, kernel_pair_t<A, B>& pair,
                                  const feature::bar_step& step) {
  kernel_pair_t<A, B>(a, b);
  { pair.push(step) } -> std::same_as<rolling::double2>;
};

/// Column `Column`, computed by its own kernel.
template <std::size_t Column, class K>
struct single_unit {
  K kernel;
  template <class Kernels>
  static single_unit make(const Kernels& kernels) {
    return {std::get<Column>(kernels)};
  }
  void push(const feature::bar_step& step, double* row) noexcept {
    row[Column] = kernel.push(step);
  }
};

/// Columns `First` and `Second`, kernels A and B run as their kernel_pair.
template <std::size_t First, std::size_t Second, class A, class B>
struct pair_unit {
  kernel_pair_t<A, B> kernels;
  template <class Kernels>
  static pair_unit make(const Kernels& kernels) {
    return {kernel_pair_t<A, B>(std::get<First>(kernels), std::get<Second>(kernels))};
  }
  void push(const feature::bar_step& step, double* row) noexcept {
    const rolling::double2 values = kernels.push(step);
    row[First] = values[0];
    row[Second] = values[1];
  }
};

/// A unit of a feature row: the kernel `first`, with the kernel `second` (a kernel_pair) or
/// alone (second == first).
struct unit_columns {
  std::size_t first = 0;
  std::size_t second = 0;
};

/// The units of a row of N kernels, in the order of their first kernels (count of them used).
template <std::size_t N>
struct unit_list {
  std::array<unit_columns, N> units{};
  std::size_t count = 0;
};

/// Which kernels of a feature list run as pairs, decided at compile time from their types:
/// each run of adjacent kernels of one type that pairs with itself (a spec listed once per
/// window) goes in pairs counted from the run's end -- an odd run's first kernel runs alone
/// (for log_return that is the one-bar return, which sums nothing); any other kernel pairs
/// with the first later kernel of another type, not yet paired, that it has a kernel_pair with
/// (adx with di_spread, bollinger_percent_b with zscore, wherever they stand in the list).
template <class... Ks>
consteval unit_list<sizeof...(Ks)> plan_units() {
  constexpr std::size_t n = sizeof...(Ks);
  constexpr auto pairs_of = []<class A>(std::type_identity<A>) {
    return std::array<bool, n>{paired_kernels<A, Ks>...};
  };
  constexpr auto same_as = []<class A>(std::type_identity<A>) {
    return std::array<bool, n>{std::is_same_v<A, Ks>...};
  };
  const std::array<std::array<bool, n>, n> pairs{pairs_of(std::type_identity<Ks>{})...};
  const std::array<std::array<bool, n>, n> same{same_as(std::type_identity<Ks>{})...};
  unit_list<n> plan;
  std::array<bool, n> used{};
  for (std::size_t i = 0; i < n; ++i) {
    if (used[i]) continue;
    unit_columns unit{i, i};
    if (i + 1 < n && same[i][i + 1]) {
      std::size_t run = 1;  // kernels of this type from i on (the run's earlier ones are placed)
      while (i + run < n && same[i][i + run])
        ++run;
      if (pairs[i][i] && run % 2 == 0) unit.second = i + 1;
    } else {
      for (std::size_t j = i + 1; j < n && unit.second == i; ++j) {
        if (!used[j] && !same[i][j] && pairs[i][j]) unit.second = j;
      }
    }
    used[unit.first] = used[unit.second] = true;
    plan.units[plan.count++] = unit;
  }
  return plan;
}

/// The unit type computing plan entry U of the kernels Ks.
template <std::size_t U, class... Ks>
constexpr auto unit_type() {
  constexpr unit_columns unit = plan_units<Ks...>().units[U];
  using first = std::tuple_element_t<unit.first, std::tuple<Ks...>>;
  if constexpr (unit.second == unit.first) {
    return std::type_identity<single_unit<unit.first, first>>{};
  } else {
    using second = std::tuple_element_t<unit.second, std::tuple<Ks...>>;
    return std::type_identity<pair_unit<unit.first, unit.second, first, second>>{};
  }
}

template <class... Ks, std::size_t... U>
auto units_of(std::index_sequence<U...>)
    -> std::tuple<typename decltype(unit_type<U, Ks...>())::type...>;

/// std::tuple of the units that compute the kernels Ks (see plan_units).
template <class... Ks>
using units_t = decltype(units_of<Ks...>(std::make_index_sequence<plan_units<Ks...>().count>{}));

/// The kernels of a feature list, in column order: `push(step, row)` advances each one by the
/// step's bar and writes its value to row[column]. This is the single code path of both the
/// batch matrix and the streaming rows. Kernels with a feature::kernel_pair run two at a time
/// (plan_units), each value exactly the kernel's own (so compute_feature of one spec still gives
/// its column bit for bit), in the order of the units' first kernels.
template <class... Kernels>
class kernel_row {
  using units = units_t<Kernels...>;

 public:
  explicit kernel_row(Kernels... kernels)
      : units_(make_units(std::tuple<Kernels...>(std::move(kernels)...))) {}
  /// Advances every kernel by one bar; row must hold sizeof...(Kernels) values. Flattened (every
  /// kernel inlined here, at its own column): kernels of one type with different windows then do
  /// not share a branchy out-of-line copy, and independent kernels interleave.
  [[gnu::flatten]] void push(const feature::bar_step& step, double* row) noexcept {
    std::apply([&](auto&... unit) { (unit.push(step, row), ...); }, units_);
  }

 private:
  static units make_units(const std::tuple<Kernels...>& kernels) {
    return []<class... U>(const std::tuple<Kernels...>& all, std::type_identity<std::tuple<U...>>) {
      return units(U::make(all)...);
    }(kernels, std::type_identity<units>{});
  }

  units units_;
};

/// The "kernel" of a spec that has none (a vendor's batch-only spec: feature_name and
/// compute_feature only): its precomputed column, replayed by bar index. Batch only.
class column_replay {
 public:
  explicit column_replay(std::vector<double> values) : values_(std::move(values)) {}
  double push(const feature::bar_step& step) const noexcept { return values_[step.index]; }

 private:
  std::vector<double> values_;
};

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

/// Feeds bars to a kernel_row: builds each bar's step (previous close, shared log return).
template <bool LogReturn>
class step_source {
 public:
  /// The step of the next bar (call in bar order).
  feature::bar_step next(double high, double low, double close, double volume) noexcept {
    feature::bar_step step;
    step.high = high;
    step.low = low;
    step.close = close;
    step.volume = volume;
    step.previous_close = previous_close_;
    step.index = index_;
    if constexpr (LogReturn) {
      if (index_ > 0) step.log_return = std::log(close / previous_close_);
    }
    previous_close_ = close;
    ++index_;
    return step;
  }
  /// Bars stepped so far.
  [[nodiscard]] std::size_t count() const noexcept { return index_; }
  /// Close of the last bar stepped (0 before the first).
  [[nodiscard]] double previous_close() const noexcept { return previous_close_; }

 private:
  double previous_close_ = 0.0;
  std::size_t index_ = 0;
};

/// True when some value among x[0..n) is infinite. Branch-free, two values per SSE2 operation on
/// x86-64 (g++ does not vectorise the scalar loop), so checking every row costs little.
inline bool any_infinite(const double* x, std::size_t n) noexcept {
  constexpr double inf = std::numeric_limits<double>::infinity();
  std::size_t i = 0;
  bool found = false;
#if defined(__SSE2__)
  const __m128d magnitude = _mm_castsi128_pd(_mm_set1_epi64x(0x7fffffffffffffff));
  const __m128d infinity = _mm_set1_pd(inf);
  __m128d hits = _mm_setzero_pd();
  for (; i + 2 <= n; i += 2)
    hits = _mm_or_pd(hits, _mm_cmpeq_pd(_mm_and_pd(_mm_loadu_pd(x + i), magnitude), infinity));
  found = _mm_movemask_pd(hits) != 0;
#endif
  for (; i < n; ++i)
    found = found || std::abs(x[i]) == inf;
  return found;
}

/// Checks the bar fields the list's kernels read (see feature::inputs), scanning each column
/// once; the error names the first feature, in column order, whose input is bad, the field and
/// the bar index.
template <class... Specs>
void check_inputs(const boost::hana::tuple<Specs...>& features, const bar_series& bars) {
  constexpr bool any_kernel = (StreamingFeatureSpec<Specs> || ...);
  if constexpr (any_kernel) {
    constexpr bool positive_close =
        ((inputs_of<Specs>().positive_close || inputs_of<Specs>().log_return) || ...);
    constexpr bool high_low = (inputs_of<Specs>().high_low || ...);
    constexpr bool volume = (inputs_of<Specs>().volume || ...);
    const std::size_t n = bars.size();
    const std::span<const double> close(bars.close);
    const std::size_t bad_positive =
        positive_close ? indicator_detail::first_failing(close, indicator_detail::positive_price)
                       : n;
    // A finite scan is only needed when the positive one did not already pass.
    const std::size_t bad_finite =
        positive_close && bad_positive == n
            ? n
            : indicator_detail::first_failing(close, indicator_detail::finite_value);
    const std::size_t bad_high =
        high_low ? indicator_detail::first_failing(bars.high, indicator_detail::finite_value) : n;
    const std::size_t bad_low =
        high_low ? indicator_detail::first_failing(bars.low, indicator_detail::finite_value) : n;
    const std::size_t bad_volume =
        volume ? indicator_detail::first_failing(bars.volume, indicator_detail::valid_volume) : n;
    if (bad_positive == n && bad_finite == n && bad_high == n && bad_low == n && bad_volume == n)
      return;
    boost::hana::for_each(features, [&](const auto& spec) {
      using spec_type = std::remove_cvref_t<decltype(spec)>;
      if constexpr (StreamingFeatureSpec<spec_type>) {
        constexpr feature::inputs reads = spec_type::reads;
        const std::string name = feature_name(spec);
        if (bad_finite < n) indicator_detail::fail_finite(name, "close", bad_finite);
        if ((reads.positive_close || reads.log_return) && bad_positive < n)
          indicator_detail::fail_positive(name, "close", close[bad_positive], bad_positive);
        if (reads.high_low && bad_high < n) indicator_detail::fail_finite(name, "high", bad_high);
        if (reads.high_low && bad_low < n) indicator_detail::fail_finite(name, "low", bad_low);
        if (reads.volume && bad_volume < n)
          indicator_detail::fail_volume(name, bars.volume[bad_volume], bad_volume);
      }
    });
  }
}

/// Runs the kernels over every bar, writing row t to out + t * columns; returns true when some
/// value written is infinite. Rows are written in blocks, and each block is checked for
/// infinities while it is still in cache.
template <class Row, bool LogReturn>
bool fill_rows(Row& row, const bar_series& bars, double* out, std::size_t columns) {
  const double* const high = bars.high.data();
  const double* const low = bars.low.data();
  const double* const close = bars.close.data();
  const double* const volume = bars.volume.data();
  const std::size_t n = bars.size();
  step_source<LogReturn> steps;
  bool infinite = false;
  constexpr std::size_t block_rows = 512;
  for (std::size_t first = 0; first < n; first += block_rows) {
    const std::size_t last = std::min(n, first + block_rows);
    for (std::size_t t = first; t < last; ++t)
      row.push(steps.next(high[t], low[t], close[t], volume[t]), out + t * columns);
    infinite = any_infinite(out + first * columns, (last - first) * columns) || infinite;
  }
  return infinite;
}

/// Throws the data_error for the first infinite value: the first column (in feature order)
/// holding one, at its first row.
[[noreturn]] inline void fail_infinite(const bar_series& bars,
                                       const std::vector<std::string>& names, const double* values,
                                       std::size_t rows) {
  const std::size_t columns = names.size();
  for (std::size_t c = 0; c < columns; ++c) {
    for (std::size_t t = 0; t < rows; ++t) {
      if (std::isinf(values[t * columns + c])) {
        // Every feature defines a neutral value for degenerate denominators; an infinity here
        // means broken input (e.g. prices so extreme that a ratio overflows).
        indicator_detail::fail(bars.source, names[c], "infinite value at bar " + std::to_string(t));
      }
    }
  }
  indicator_detail::fail(bars.source, "features", "infinite value");
}

}  // namespace feature_detail

/// Values of one kernel-defined feature over a series: one entry per bar, NaN during the
/// warm-up, finite afterwards (bit-identical to the feature's column in any matrix). Throws
/// data_error for a bad window, columns of different lengths, or a bad input field (see the
/// spec's `reads`), naming the feature.
template <StreamingFeatureSpec Spec>
std::vector<double> compute_feature(const Spec& spec, const bar_series& bars) {
  feature_detail::check_columns(bars);
  feature_detail::kernel_row<typename Spec::kernel> row{typename Spec::kernel(spec)};
  feature_detail::check_inputs(boost::hana::make_tuple(spec), bars);
  std::vector<double> out(bars.size());
  if (feature_detail::fill_rows<decltype(row), Spec::reads.log_return>(row, bars, out.data(), 1)) {
    feature_detail::fail_infinite(bars, {feature_name(spec)}, out.data(), out.size());
  }
  return out;
}

/// A type usable in a policy's feature list: it has a schema name and per-bar values. The
/// catalogue's specs model it through their kernels (StreamingFeatureSpec). A vendoring project
/// can add a batch-only spec type by providing `feature_name(spec)` and
/// `compute_feature(spec, bars)` in the type's namespace (found by argument-dependent lookup);
/// such a spec works in compute_feature_matrix but not in streaming_features.
template <class Spec>
concept FeatureSpec = requires(const Spec& spec, const bar_series& bars) {
  { feature_name(spec) } -> std::convertible_to<std::string>;
  { compute_feature(spec, bars) } -> std::same_as<std::vector<double>>;
};

namespace feature_detail {
template <class T>
struct feature_list_traits : std::false_type {};
template <class... Specs>
struct feature_list_traits<boost::hana::tuple<Specs...>>
    : std::bool_constant<(FeatureSpec<Specs> && ...)> {};

/// True for a boost::hana::tuple whose every element models FeatureSpec.
template <class Features>
inline constexpr bool is_feature_list = feature_list_traits<std::remove_cvref_t<Features>>::value;

template <class T>
struct list_reads_log_return : std::false_type {};
template <class... Specs>
struct list_reads_log_return<boost::hana::tuple<Specs...>>
    : std::bool_constant<reads_log_return<Specs...>> {};

/// The kernel a spec contributes to a batch matrix: its own, or its precomputed column.
template <class Spec>
auto batch_kernel(const Spec& spec, const bar_series& bars) {
  if constexpr (StreamingFeatureSpec<Spec>) {
    return typename Spec::kernel(spec);
  } else {
    std::vector<double> values = compute_feature(spec, bars);
    if (values.size() != bars.size()) {
      indicator_detail::fail(bars.source, feature_name(spec),
                             "feature produced " + std::to_string(values.size()) + " values for " +
                                 std::to_string(bars.size()) + " bars");
    }
    return column_replay(std::move(values));
  }
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
/// bars 0..t only. Throws data_error if the series' columns differ in length, a window is bad or
/// a price the features read is bad (naming the feature), or a value comes out infinite.
template <class Features>
mtf::matrix compute_feature_matrix(const Features& features, const bar_series& bars) {
  static_assert(feature_detail::is_feature_list<Features>,
                "compute_feature_matrix(features, bars) requires 'features' to be a "
                "boost::hana::tuple of mtf::feature specs (types with feature_name and "
                "compute_feature)");
  feature_detail::check_columns(bars);
  constexpr std::size_t columns = decltype(boost::hana::length(features))::value;
  const std::size_t rows = bars.size();
  auto row = boost::hana::unpack(features, [&](const auto&... spec) {
    return feature_detail::kernel_row(feature_detail::batch_kernel(spec, bars)...);
  });
  feature_detail::check_inputs(features, bars);
  constexpr bool log_return =
      feature_detail::list_reads_log_return<std::remove_cvref_t<Features>>::value;
  mtf::matrix out = mtf::matrix::from_shape({rows, columns});
  advise_huge_pages(out.data(), rows * columns * sizeof(double));
  if (feature_detail::fill_rows<decltype(row), log_return>(row, bars, out.data(), columns))
    feature_detail::fail_infinite(bars, feature_names(features), out.data(), rows);
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
