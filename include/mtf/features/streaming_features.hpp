#pragma once
/// \file Streaming feature rows for a policy's feature list (a Boost.Hana tuple of the specs of
/// `feature_specs.hpp`): the features' kernels kept between bars, so scoring a new bar costs
/// O(1) amortised per feature instead of recomputing the whole history (issue 6).
///
/// `streaming_features<Features>::push(bar)` gives, for bar t, exactly row t of
/// `compute_feature_matrix(features, bars)` computed over bars 0..t -- bit for bit, because both
/// advance the same kernels (`feature_detail::kernel_row`) with the same bar steps. The one
/// feature that is not O(1) per bar is `cci`: its mean absolute deviation is O(window) per bar,
/// as in TA-Lib.

#include <array>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "mtf/features/feature_matrix.hpp"
#include "mtf/features/feature_specs.hpp"
#include "mtf/features/indicator_checks.hpp"
#include "mtf/features/streaming_indicators.hpp"
#include "mtf/intake/bar_series.hpp"

namespace mtf::streaming {

template <class Features>
class streaming_features;

/// Streaming feature rows of a feature list: holds each spec's kernel (in column order) and
/// turns each new bar into that bar's feature row. Row t equals row t of
/// `compute_feature_matrix(features, bars[0..t])` bit for bit (NaN entries included).
///
/// Bad bars throw mtf::data_error before any state changes (so the stream can go on with the
/// next good bar): a timestamp not after the previous bar's, or a price/volume the batch
/// features would refuse (non-finite high/low/close, non-positive close when a feature divides
/// by it or takes its logarithm, negative or non-finite volume when a feature reads it). A
/// feature value that comes out infinite (prices so extreme that a ratio overflows) also throws
/// data_error, like compute_feature_matrix; that bar has then been consumed.
template <class... Specs>
class streaming_features<boost::hana::tuple<Specs...>> {
  static_assert((StreamingFeatureSpec<Specs> && ...),
                "streaming_features requires a boost::hana::tuple of feature specs with kernels "
                "(mtf::StreamingFeatureSpec: the catalogue of mtf/features/feature_specs.hpp)");

 public:
  /// Number of features (columns).
  static constexpr std::size_t size = sizeof...(Specs);
  /// One feature row, column order of the feature list.
  using row = std::array<double, size>;

  /// Kernels for every spec; throws data_error for a bad window (as the batch features do).
  explicit streaming_features(const boost::hana::tuple<Specs...>& features)
      : kernels_(boost::hana::unpack(features,
                                     [](const auto&... spec) {
                                       return feature_detail::kernel_row<typename Specs::kernel...>(
                                           typename Specs::kernel(spec)...);
                                     })),
        names_(feature_names(features)) {}

  /// Consumes the next bar and writes its feature row (NaN entries during warm-up) to `out`.
  /// Returns true when every entry is finite, i.e. the row a model can score.
  bool push(const bar& b, std::span<double, size> out) {
    validate(b);
    kernels_.push(steps_.next(b.high, b.low, b.close, b.volume), out.data());
    previous_timestamp_ = b.timestamp;
    bool complete = true;
    for (std::size_t c = 0; c < size; ++c) {
      if (std::isinf(out[c]))
        indicator_detail::fail("streaming bar " + std::to_string(steps_.count() - 1), names_[c],
                               "infinite value at timestamp " + std::to_string(b.timestamp));
      complete = complete && !std::isnan(out[c]);
    }
    return complete;
  }

  /// Consumes the next bar; its feature row once every feature is past its warm-up, else
  /// nullopt.
  std::optional<row> push(const bar& b) {
    row out;
    if (!push(b, std::span<double, size>(out))) return std::nullopt;
    return out;
  }

  /// Pushes every bar of `bars` (e.g. the history before going live); returns the last bar's
  /// row if it is complete.
  std::optional<row> seed(const bar_series& bars) {
    feature_detail::check_columns(bars);
    std::optional<row> last;
    for (std::size_t i = 0; i < bars.size(); ++i)
      last = push(bar_at(bars, i));
    return last;
  }

  /// Bars consumed so far.
  [[nodiscard]] std::size_t bars_seen() const noexcept { return steps_.count(); }
  /// Schema names, column order.
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }

 private:
  static constexpr bool needs_positive_close =
      ((Specs::reads.positive_close || Specs::reads.log_return) || ...);
  static constexpr bool reads_high_low = (Specs::reads.high_low || ...);
  static constexpr bool reads_volume = (Specs::reads.volume || ...);

  void validate(const bar& b) const {
    constexpr double max = std::numeric_limits<double>::max();
    const std::size_t seen = steps_.count();
    auto fail = [&](const char* field, const std::string& what) {
      indicator_detail::fail("streaming bar " + std::to_string(seen), field,
                             what + " at timestamp " + std::to_string(b.timestamp));
    };
    if (seen > 0 && b.timestamp <= previous_timestamp_)
      fail("timestamp", "not after the previous bar's " + std::to_string(previous_timestamp_));
    if constexpr (needs_positive_close) {
      if (!(b.close > 0.0 && b.close <= max))
        fail("close", "price must be finite and positive, got " + std::to_string(b.close));
    } else {
      if (!(std::abs(b.close) <= max)) fail("close", "non-finite value");
    }
    if constexpr (reads_high_low) {
      if (!(std::abs(b.high) <= max)) fail("high", "non-finite value");
      if (!(std::abs(b.low) <= max)) fail("low", "non-finite value");
    }
    if constexpr (reads_volume) {
      if (!(b.volume >= 0.0 && b.volume <= max))
        fail("volume", "volume must be finite and non-negative, got " + std::to_string(b.volume));
    }
  }

  feature_detail::kernel_row<typename Specs::kernel...> kernels_;
  feature_detail::step_source<feature_detail::reads_log_return<Specs...>> steps_;
  std::vector<std::string> names_;
  std::int64_t previous_timestamp_ = 0;
};

/// Streaming feature state for a feature list, e.g. `make_streaming_features(tf_5m::features)`.
template <class Features>
streaming_features<std::remove_cvref_t<Features>> make_streaming_features(
    const Features& features) {
  return streaming_features<std::remove_cvref_t<Features>>(features);
}

}  // namespace mtf::streaming
