#pragma once
/// \file The drift thresholds of a timeframe policy (SPEC §9): when `drift` says PLAN RETRAIN
/// and when RETRAIN NOW. The logic that applies them is validation/drift.hpp.

#include "mtf/core/described.hpp"

namespace mtf::validation {

/// Drift thresholds, compared with what a promoted model shows on bars it never saw.
struct drift_spec {
  double psi_plan = 0.10;               ///< a feature's PSI at or above this: plan a retrain
  double psi_retrain = 0.25;            ///< a feature's PSI above this: retrain now
  double accuracy_drop_plan = 0.05;     ///< accuracy fell at least this (fraction): plan
  double accuracy_drop_retrain = 0.10;  ///< accuracy fell more than this: retrain now
  double ece_rise_retrain = 0.05;       ///< ECE rose more than this: retrain now
};

}  // namespace mtf::validation

MTF_DESCRIBE(mtf::validation::drift_spec, psi_plan, psi_retrain, accuracy_drop_plan,
             accuracy_drop_retrain, ece_rise_retrain);
