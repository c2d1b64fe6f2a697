// Fuzzes an xgboost JSON model through mtf's loaders: the native tree walker of the streaming
// scorer (model::native_softprob_forest::from_json, mtf's own parser of xgboost's trees) and
// tree_model::load (the file loader of the random forest and gradient boosting models, which
// hands the bytes to xgboost). Refused with an mtf::error, or accepted and the native walker's
// probabilities for a row of its width are finite and sum to 1.
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "fuzz_support.hpp"
#include "mtf/models/native_forest.hpp"
#include "mtf/models/tree_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = mtf::fuzz::as_text(data, size);
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_discarded()) {
    mtf::fuzz::expect_only_mtf_errors([&] {
      const auto forest = mtf::model::native_softprob_forest::from_json(j);
      if (forest.features() > 100'000) return;  // a legal but huge width: not worth a row
      const std::vector<double> row(forest.features(), 0.5);
      const auto p = forest.predict(row);
      const double sum = p[0] + p[1] + p[2];
      if (!(std::abs(sum - 1.0) < 1e-5) && !std::isnan(sum))
        mtf::fuzz::finding("native forest probabilities do not sum to 1");
    });
  }
  const auto file = mtf::fuzz::scratch() / "model.json";
  mtf::fuzz::write(file, text);
  mtf::fuzz::expect_only_mtf_errors(
      [&] { (void)mtf::model::tree_model::load(file, "random_forest"); });
  return 0;
}
