#pragma once
/// \file One fold of out-of-fold training: row indices to fit on and rows to predict.

#include <cstddef>
#include <vector>

namespace mtf::split {

/// Rows are indices into the labeled, time-ordered training rows. `train` excludes the purge
/// (and embargo) around `validation`, so no train row's label window overlaps a validation
/// row's.
struct fold {
  std::vector<std::size_t> train;
  std::vector<std::size_t> validation;
};

}  // namespace mtf::split
