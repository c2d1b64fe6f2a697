// Fuzzes calibrator.json (calibration::calibrator::from_json): refused with an mtf::error, or
// accepted and then every calibrated row of a few probability rows is finite, inside (0, 1) and
// sums to 1 -- a loader must not accept a calibrator that produces garbage.
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "mtf/calibration/calibrator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto j = nlohmann::json::parse(mtf::fuzz::as_text(data, size), nullptr, false);
  if (j.is_discarded()) return 0;  // not JSON: the reader refuses it before the loader
  mtf::fuzz::expect_only_mtf_errors([&] {
    const auto cal = mtf::calibration::calibrator::from_json(j);
    mtf::matrix p = mtf::matrix::from_shape({5, 3});
    const double rows[5][3] = {{1.0 / 3, 1.0 / 3, 1.0 / 3},
                               {0.9, 0.05, 0.05},
                               {0.0, 0.0, 1.0},
                               {0.2, 0.7, 0.1},
                               {0.5, 0.5, 0.0}};
    for (std::size_t i = 0; i < 5; ++i)
      for (std::size_t k = 0; k < 3; ++k)
        p(i, k) = rows[i][k];
    const auto q = cal.predict(p);
    for (std::size_t i = 0; i < 5; ++i) {
      double sum = 0;
      for (std::size_t k = 0; k < 3; ++k) {
        if (!(q(i, k) > 0.0 && q(i, k) < 1.0))
          mtf::fuzz::finding("calibrated probability outside (0, 1): " + std::to_string(q(i, k)));
        sum += q(i, k);
      }
      if (!(std::abs(sum - 1.0) < 1e-9)) mtf::fuzz::finding("calibrated row does not sum to 1");
    }
  });
  return 0;
}
