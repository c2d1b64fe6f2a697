#pragma once
/// \file Model hyper-parameters as policies state them. Plain literal types: the models stage
/// (`models/*.hpp`) gives each its fit/predict; policies and reviewers only see numbers.

#include <string_view>

#include "mtf/core/described.hpp"

namespace mtf::model {

/// Random forest in xgboost's random-forest mode: `trees` parallel trees in one boosting round
/// with eta = 1, bootstrap-like row `subsample` and per-node feature sampling.
/// The plan's "min samples per leaf" maps onto xgboost's `min_child_weight`: with multi-class
/// softprob the hessian of a row is 2 p (1 - p) * weight, so min_leaf rows ~ min_child_weight
/// of min_leaf * 2 * (1/3)(2/3) at the start of training (see models/random_forest.hpp).
struct random_forest {
  int trees;
  int max_depth;
  int min_leaf;                   ///< the plan's min samples per leaf
  double subsample = 0.632;       ///< share of rows per tree, as a bootstrap draws
  double colsample_bynode = 0.6;  ///< share of features tried per split
  int max_bin = 256;              ///< histogram bins per feature (xgboost's default)
};

/// Objective of gradient boosting.
enum class boosting_objective { softprob, focal };

/// "softprob" or "focal"; "" for a value outside the enumeration.
constexpr std::string_view enum_name(boosting_objective o) {
  switch (o) {
    case boosting_objective::softprob:
      return "softprob";
    case boosting_objective::focal:
      return "focal";
  }
  return "";
}

/// Gradient-boosted trees, xgboost `multi:softprob` with `tree_method=hist` (or focal loss).
struct gradient_boosting {
  int rounds;
  int max_depth;
  double eta;
  double subsample = 0.8;
  double colsample_bytree = 0.8;
  double l1 = 0.0;  ///< alpha
  double l2 = 1.0;  ///< lambda
  double min_child_weight = 1.0;
  int early_stopping_rounds = 50;  ///< patience on a purged tail of the training fold
  boosting_objective objective = boosting_objective::softprob;
  double focal_gamma = 2.0;  ///< used when objective == focal
  int max_bin = 256;         ///< histogram bins per feature (xgboost's default)
};

/// Multinomial logistic regression (L2, sklearn's C), features standardised on training rows.
/// Class balance comes from the target-mix sample weights every model receives (SPEC §4.7),
/// applied once: the model does not re-balance on top of them.
struct logistic_regression {
  double C;
};

/// Marker for "no meta-model" (a policy with exactly one base model).
struct no_meta_model {};

}  // namespace mtf::model

MTF_DESCRIBE(mtf::model::random_forest, trees, max_depth, min_leaf, subsample, colsample_bynode,
             max_bin);
MTF_DESCRIBE(mtf::model::gradient_boosting, rounds, max_depth, eta, subsample, colsample_bytree, l1,
             l2, min_child_weight, early_stopping_rounds, objective, focal_gamma, max_bin);
MTF_DESCRIBE(mtf::model::logistic_regression, C);
MTF_DESCRIBE(mtf::model::no_meta_model);
