#pragma once
/// \file Greedy ensemble selection (Caruana, Niculescu-Mizil, Crew & Ksikes 2004; the weighted
/// ensemble of AutoGluon): the stack's fallback when the meta-model is worse than its best
/// member (SPEC §4.8). Members are added one at a time, with replacement, each time the one that
/// lowers the log loss of the averaged probabilities most; the best ensemble seen is kept.
/// Its first pick is the best single member, so on the rows it was selected on it is never
/// worse than the best member.

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/core/scoring_rules.hpp"
#include "mtf/core/xtensor.hpp"

namespace mtf::model {

/// Weights of a selected ensemble (one per member, non-negative, summing to 1) and the log loss
/// of the weighted average on the selection rows.
struct ensemble_weights {
  std::vector<double> weights;
  double log_loss = 0.0;
};

/// Rows x classes weighted average of `members` (each rows x classes) with `weights`.
inline matrix weighted_average(std::span<const matrix> members, std::span<const double> weights) {
  if (members.empty() || members.size() != weights.size())
    throw model_error("weighted_average: " + std::to_string(members.size()) + " members, " +
                      std::to_string(weights.size()) + " weights");
  const auto shape = members[0].shape();
  matrix out = xt::zeros<double>(shape);
  for (std::size_t m = 0; m < members.size(); ++m) {
    if (members[m].shape() != shape) throw model_error("weighted_average: members differ in shape");
    if (weights[m] == 0.0) continue;
    const double* src = members[m].data();
    double* dst = out.data();
    for (std::size_t i = 0; i < out.size(); ++i)
      dst[i] += weights[m] * src[i];
  }
  return out;
}

/// Greedy selection with replacement over `members` (probabilities of the same rows, e.g.
/// out-of-fold, rows x classes each) scored by unweighted log loss against `labels`, for
/// `rounds` additions; returns the best ensemble seen (ties: the smaller one; among members:
/// the lower index). Throws model_error for no members, mismatched shapes or rounds < 1.
inline ensemble_weights select_ensemble(std::span<const matrix> members,
                                        std::span<const int> labels, int rounds = 25) {
  if (members.empty()) throw model_error("select_ensemble: no members");
  if (rounds < 1) throw model_error("select_ensemble: rounds must be at least 1");
  const auto shape = members[0].shape();
  for (const auto& m : members)
    if (m.shape() != shape || m.shape()[0] != labels.size())
      throw model_error("select_ensemble: members and labels differ in rows or classes");
  const std::size_t count = members.size();
  std::vector<std::size_t> picks(count, 0);
  matrix sum = xt::zeros<double>(shape);
  ensemble_weights best{{}, std::numeric_limits<double>::infinity()};
  for (int round = 1; round <= rounds; ++round) {
    std::size_t chosen = 0;
    double chosen_loss = std::numeric_limits<double>::infinity();
    for (std::size_t m = 0; m < count; ++m) {
      const matrix candidate = (sum + members[m]) / static_cast<double>(round);
      const double loss = log_loss(candidate, labels);
      if (loss < chosen_loss) chosen = m, chosen_loss = loss;
    }
    sum += members[chosen];
    ++picks[chosen];
    if (chosen_loss < best.log_loss) {
      best.log_loss = chosen_loss;
      best.weights.assign(count, 0.0);
      for (std::size_t m = 0; m < count; ++m)
        best.weights[m] = static_cast<double>(picks[m]) / static_cast<double>(round);
    }
  }
  return best;
}

}  // namespace mtf::model
