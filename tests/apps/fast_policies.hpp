#pragma once
// Test-only policies: the shipped timeframes with tiny base models, so the end-to-end tests of
// tests/apps/ can run the whole retrain pipeline in seconds. Everything but the model mix (name,
// bar, horizon, features, labels, gates, tiers, costs) is inherited unchanged, so the binaries
// generated from these (tests/apps/CMakeLists.txt: retrain_<tf>_fast) behave like the real ones
// except for speed and — because the model mix is part of the policy dump — the policy
// fingerprint, which makes a fast model a "changed policy" model for the real binaries.
#include "timeframes/tf_12h.hpp"
#include "timeframes/tf_1h.hpp"
#include "timeframes/tf_24h.hpp"
#include "timeframes/tf_5m.hpp"

namespace mtf::test_timeframes {

/// 5m with a three-model mix like the shipped one (forest, boosting, linear), each tiny.
struct tf_5m_fast : mtf::timeframes::tf_5m {
  static constexpr auto base_models =
      boost::hana::make_tuple(model::random_forest{.trees = 8, .max_depth = 4, .min_leaf = 50},
                              model::gradient_boosting{.rounds = 8, .max_depth = 3, .eta = 0.3},
                              model::logistic_regression{.C = 0.1});
};

/// 1h with the shipped forest + boosting mix, tiny.
struct tf_1h_fast : mtf::timeframes::tf_1h {
  static constexpr auto base_models =
      boost::hana::make_tuple(model::random_forest{.trees = 8, .max_depth = 4, .min_leaf = 50},
                              model::gradient_boosting{.rounds = 8, .max_depth = 3, .eta = 0.3});
};

/// 12h with the shipped forest + linear mix, tiny.
struct tf_12h_fast : mtf::timeframes::tf_12h {
  static constexpr auto base_models =
      boost::hana::make_tuple(model::random_forest{.trees = 8, .max_depth = 4, .min_leaf = 20},
                              model::logistic_regression{.C = 0.1});
};

/// 24h with the shipped forest + linear mix, tiny (about 950 training rows on the sample).
struct tf_24h_fast : mtf::timeframes::tf_24h {
  static constexpr auto base_models =
      boost::hana::make_tuple(model::random_forest{.trees = 8, .max_depth = 4, .min_leaf = 20},
                              model::logistic_regression{.C = 0.1});
};

/// 24h fast with every table gate open, no Sharpe floor and a wide calibration tolerance: only
/// the gates every policy has and cannot switch off (skill, not constant, no leakage, feature
/// concentration) decide. Lets the end-to-end tests reach the champion/challenger rule on data with
/// a planted signal; never a shipped policy.
struct tf_24h_lenient : tf_24h_fast {
  static constexpr gates::table gates{
      .up_share = {0.0, 1.0},
      .down_share = {0.0, 1.0},
      .neutral_share = {0.0, 1.0},
      .confidence_mean_min = 0.0,
      .confidence_median_min = {},
      .confidence_share = {.threshold = 0.0, .min_share = 0.0},
      .alpha_mean_min = 0.0,
      .alpha_share = {},
      .eligible_share_min = {},
      .non_neutral_min = 0.0,
      .activity = {gates::activity_metric::direction_changes_per_month, 0.0, 1e9},
      .calibration_tolerance = 1.0,
      .sharpe_min = -1e9,
      .max_feature_share = 1.0,
  };
};

static_assert(TimeframePolicy<tf_5m_fast>);
static_assert(TimeframePolicy<tf_1h_fast>);
static_assert(TimeframePolicy<tf_12h_fast>);
static_assert(TimeframePolicy<tf_24h_fast>);
static_assert(TimeframePolicy<tf_24h_lenient>);

}  // namespace mtf::test_timeframes
