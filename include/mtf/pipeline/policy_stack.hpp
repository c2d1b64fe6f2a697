#pragma once
/// \file The stacked model of a timeframe policy, as a type: what training produces and what
/// loading reads back. Its own header so that loading a model never includes training.

#include <string>
#include <type_traits>

#include "mtf/models/gradient_boosting.hpp"
#include "mtf/models/logistic_regression.hpp"
#include "mtf/models/random_forest.hpp"
#include "mtf/models/stacking.hpp"
#include "mtf/policy/timeframe_policy.hpp"

namespace mtf::pipeline {

/// The stacked model type of policy P.
template <TimeframePolicy P>
using policy_stack = model::stacked_model<std::remove_cvref_t<decltype(P::base_models)>,
                                          std::remove_cvref_t<decltype(P::meta_model)>>;

/// Short name of a base-model spec for reports.
inline std::string model_name(const model::random_forest&) {
  return "random_forest";
}
inline std::string model_name(const model::gradient_boosting&) {
  return "gradient_boosting";
}
inline std::string model_name(const model::logistic_regression&) {
  return "logistic_regression";
}

}  // namespace mtf::pipeline
