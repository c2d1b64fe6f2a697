// Fuzzes stack.json (model::stacked_model::load): two valid logistic base models and a valid
// logistic meta-model sit in the directory; the input is the stack manifest that names them.
// Refused with an mtf::error, or accepted and the stack's probabilities are finite and sum to 1.
#include <cmath>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "mtf/models/stacking.hpp"

namespace {

using stack_type = mtf::model::stacked_model<
    boost::hana::tuple<mtf::model::logistic_regression, mtf::model::logistic_regression>,
    mtf::model::logistic_regression>;

std::string logistic_json(std::size_t d) {
  std::string mean = "[", scale = "[", row = "[";
  for (std::size_t j = 0; j < d; ++j) {
    const std::string sep = j ? "," : "";
    mean += sep + "0.5";
    scale += sep + "2.0";
    row += sep + std::to_string(0.1 * static_cast<double>(j + 1));
  }
  mean += "]", scale += "]", row += "]";
  return R"({"mtf_model":"logistic_regression","format_version":1,"C":1.0,"class_balanced":false,)"
         R"("mean":)" +
         mean + R"(,"scale":)" + scale + R"(,"coef":[)" + row + "," + row + "," + row +
         R"(],"intercept":[0.1,0.0,-0.1]})";
}

const std::filesystem::path& stack_dir() {
  static const std::filesystem::path dir = [] {
    const auto d = mtf::fuzz::scratch() / "stack";
    mtf::fuzz::write(d / "base_0_logistic_regression.json", logistic_json(4));
    mtf::fuzz::write(d / "base_1_logistic_regression.json", logistic_json(4));
    mtf::fuzz::write(d / "meta_logistic_regression.json", logistic_json(6));
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& dir = stack_dir();
  mtf::fuzz::write(dir / "stack.json", mtf::fuzz::as_text(data, size));
  mtf::fuzz::expect_only_mtf_errors([&] {
    const auto stack = stack_type::load(dir);
    mtf::matrix x = mtf::matrix::from_shape({1, 4});
    for (std::size_t j = 0; j < 4; ++j)
      x(0, j) = static_cast<double>(j);
    const auto p = stack.predict_proba(x);
    const double sum = p(0, 0) + p(0, 1) + p(0, 2);
    if (!(std::abs(sum - 1.0) < 1e-9)) mtf::fuzz::finding("stack probabilities do not sum to 1");
  });
  return 0;
}
