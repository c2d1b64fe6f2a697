// Fuzzes metadata.json as the model commands read it (identity check, training period for the
// model age, calendar) with a valid LATEST.json and feature schema: refused with an mtf::error,
// never another exception; an accepted record has the binary's timeframe and fingerprint.
#include <cstdint>

#include "fuzz_support.hpp"
#include "model_identity_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto metadata = nlohmann::json::parse(mtf::fuzz::as_text(data, size), nullptr, false);
  if (metadata.is_discarded()) return 0;
  mtf::fuzz::expect_only_mtf_errors([&] {
    mtf::fuzz::check_records(mtf::fuzz::valid_latest(), metadata, mtf::fuzz::valid_schema());
    if (metadata.at("timeframe") != "24h") mtf::fuzz::finding("another timeframe was accepted");
  });
  // The same input as the LATEST.json record (the loader checks its fields too).
  mtf::fuzz::expect_only_mtf_errors([&] {
    mtf::fuzz::check_records(metadata, mtf::fuzz::valid_metadata(), mtf::fuzz::valid_schema());
  });
  return 0;
}
