#pragma once
/// \file Thresholds at which the data-quality warnings of SPEC §4.2 become fatal.

#include "mtf/core/described.hpp"

namespace mtf::intake {

/// Warning thresholds: a warning is reported with its count; it becomes fatal (exit 2) when its
/// share of bars exceeds the `max_*` value here.
struct quality_spec {
  double max_gap_share = 0.05;    ///< missing bars / expected bars
  double jump_threshold = 0.50;   ///< |close/prev close - 1| above this is a suspicious move
  double max_jump_share = 0.001;  ///< suspicious moves / bars
  double max_zero_volume_share = 0.02;
};

}  // namespace mtf::intake

MTF_DESCRIBE(mtf::intake::quality_spec, max_gap_share, jump_threshold, max_jump_share,
             max_zero_volume_share);
