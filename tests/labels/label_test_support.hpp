#pragma once
// Shared by the label tests: price paths built from chosen one-bar log returns.
#include <cmath>
#include <vector>

namespace label_test {

// Closes whose one-bar log returns are exactly `returns` (up to rounding): c0 = 100,
// c_i = 100 * exp(g_1 + ... + g_i).
inline std::vector<double> closes_from_log_returns(const std::vector<double>& returns) {
  std::vector<double> close{100.0};
  double cumulative = 0.0;
  for (const double g : returns) {
    cumulative += g;
    close.push_back(100.0 * std::exp(cumulative));
  }
  return close;
}

}  // namespace label_test
