// Fuzzes feature_schema.json as the model loader checks it (pipeline::check_model_identity with
// a valid LATEST.json and metadata.json): refused with an mtf::error, never another exception.
#include <cstdint>

#include "fuzz_support.hpp"
#include "model_identity_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto schema = nlohmann::json::parse(mtf::fuzz::as_text(data, size), nullptr, false);
  if (schema.is_discarded()) return 0;  // not JSON: the reader refuses it before the checks
  mtf::fuzz::expect_only_mtf_errors([&] {
    mtf::fuzz::check_records(mtf::fuzz::valid_latest(), mtf::fuzz::valid_metadata(), schema);
    if (schema.at("names") != mtf::fuzz::valid_schema().at("names"))
      mtf::fuzz::finding("a schema with other feature names was accepted");
  });
  return 0;
}
