// Fuzzes training_reference.json (validation::reference_from_json) and the PSI that drift computes
// from it: refused with an mtf::error, or accepted and every feature's PSI against a few values
// is finite and non-negative (no bin index past the reference's shares).
#include <cmath>
#include <cstdint>
#include <vector>

#include "fuzz_support.hpp"
#include "mtf/validation/drift.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto j = nlohmann::json::parse(mtf::fuzz::as_text(data, size), nullptr, false);
  if (j.is_discarded()) return 0;
  mtf::fuzz::expect_only_mtf_errors([&] {
    const auto reference = mtf::validation::reference_from_json(j);
    const std::vector<double> values{-1e300, -1.0, 0.0, 0.5, 1.0, 1e300};
    for (const auto& ref : reference) {
      const double psi = mtf::validation::population_stability_index(ref, values);
      if (!(std::isfinite(psi) && psi >= 0.0)) mtf::fuzz::finding("PSI " + std::to_string(psi));
    }
  });
  return 0;
}
