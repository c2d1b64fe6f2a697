// Fuzzes a logistic-regression model file (logistic_regression_model::load, the meta-model and
// the linear base model of a stack): refused with an mtf::error, or accepted and its
// probabilities for a row of its width are finite and sum to 1.
#include <cmath>
#include <cstdint>

#include "fuzz_support.hpp"
#include "mtf/models/logistic_regression.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = mtf::fuzz::scratch() / "logistic.json";
  mtf::fuzz::write(file, mtf::fuzz::as_text(data, size));
  mtf::fuzz::expect_only_mtf_errors([&] {
    const auto model = mtf::model::logistic_regression_model::load(file);
    const auto d = static_cast<std::size_t>(model.feature_mean().size());
    if (d == 0 || d > 4096) mtf::fuzz::finding("accepted a model of width " + std::to_string(d));
    mtf::matrix x = mtf::matrix::from_shape({2, d});
    for (std::size_t j = 0; j < d; ++j) {
      x(0, j) = 0.0;
      x(1, j) = static_cast<double>(j % 7) - 3.0;
    }
    const auto p = model.predict_proba(x);
    for (std::size_t i = 0; i < 2; ++i) {
      const double sum = p(i, 0) + p(i, 1) + p(i, 2);
      if (!(std::abs(sum - 1.0) < 1e-9)) mtf::fuzz::finding("probabilities do not sum to 1");
    }
  });
  return 0;
}
