#pragma once
/// \file Chronological split and out-of-fold settings (SPEC §4.6, §4.8).

namespace mtf::split {

/// Train / calibration / test shares by time, and the purged blocked K-fold on train.
/// The purge between segments and around validation blocks is always the policy's horizon.
struct spec {
  double train = 0.70;
  double calibration = 0.15;
  double test = 0.15;
  int folds = 5;
  int embargo_bars = 0;  ///< bars dropped after each validation block beyond the purge
};

}  // namespace mtf::split
