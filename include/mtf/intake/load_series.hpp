#pragma once
/// \file Reading one CSV file into the bar length a policy trains on: read_csv + resample.

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

#include "mtf/intake/csv_reader.hpp"
#include "mtf/intake/resample.hpp"

namespace mtf::intake {

/// Reads `path` (read_csv: every per-row check) and resamples it to `target_bar_seconds`
/// (resample: finer input is aggregated, equal input passes through unchanged, coarser or
/// non-dividing input throws mtf::data_error). The symbol is the file stem unless given. The
/// series-level quality checks (check_quality) are left to the caller, which knows min_bars.
inline resample_result load_series(const std::filesystem::path& path,
                                   std::int64_t target_bar_seconds, std::string symbol = {}) {
  return resample(read_csv(path, std::move(symbol)), target_bar_seconds);
}

}  // namespace mtf::intake
