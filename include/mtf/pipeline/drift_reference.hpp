#pragma once
/// \file The training distribution of each feature, stored with a model so that `drift` can
/// measure how far new data has moved from it (SPEC §9).

#include <string>
#include <vector>

namespace mtf::pipeline {

/// Feature reference of one feature for drift monitoring (SPEC §9): decile bin edges of the
/// training rows and the share of training rows in each bin.
struct feature_reference {
  std::string name;
  std::vector<double> edges;   ///< inner edges, ascending (bins: (-inf, e0], (e0, e1], ...)
  std::vector<double> shares;  ///< edges.size() + 1 shares summing to 1
};

}  // namespace mtf::pipeline
