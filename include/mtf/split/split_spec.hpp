#pragma once
/// \file Chronological split and out-of-fold settings (SPEC §4.6, §4.8).

#include <optional>

#include "mtf/core/described.hpp"

namespace mtf::split {

/// Train / calibration / test shares by time, and the purged, embargoed blocked K-fold on train.
/// Purges are always decided on label ends (the horizon); the embargo is extra.
struct spec {
  double train = 0.70;
  double calibration = 0.15;
  double test = 0.15;
  int folds = 5;
  /// Bars dropped after each validation block beyond the purge (the rows right after a block
  /// have features built from its bars). Unset: the policy's horizon (SPEC §4.8).
  std::optional<int> embargo_bars{};
};

/// The embargo of `s` in bars for a policy whose horizon is `horizon` bars.
constexpr int embargo_bars_or_horizon(const spec& s, int horizon) {
  return s.embargo_bars.value_or(horizon);
}

}  // namespace mtf::split

MTF_DESCRIBE(mtf::split::spec, train, calibration, test, folds, embargo_bars);
