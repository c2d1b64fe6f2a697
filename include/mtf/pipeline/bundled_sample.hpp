#pragma once
/// \file The bundled sample data a retrain binary uses when run with no arguments.

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/intake/bar_interval.hpp"
#include "mtf/intake/csv_reader.hpp"

namespace mtf::pipeline {

/// Bar length of a CSV file judged from its first rows (0 when unreadable).
inline std::int64_t sniff_bar_seconds(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string text, line;
  for (int i = 0; i < 50 && std::getline(in, line); ++i)
    text += line + "\n";
  try {
    return intake::read_csv_text(text, file.string()).bar_seconds;
  } catch (const std::exception&) {
    return 0;
  }
}

/// The first directory of `dirs` holding `*.csv` files, and in it the file with the coarsest
/// bar length that divides `bar_seconds` (so `retrain_1h` takes 1h data, `retrain_24h`
/// resamples the 1h file, `retrain_5m` takes 5m data). Throws usage_error when none fits.
inline std::filesystem::path find_bundled_sample(const std::vector<std::filesystem::path>& dirs,
                                                 std::int64_t bar_seconds) {
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    std::optional<std::filesystem::path> best;
    std::int64_t best_bar = 0;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
      if (entry.path().extension() == ".csv") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      const std::int64_t bar = sniff_bar_seconds(file);
      if (bar > 0 && bar_seconds % bar == 0 && bar > best_bar) best = file, best_bar = bar;
    }
    if (best) return *best;
  }
  std::string message = "no --data given and no bundled sample fits a ";
  message.append(intake::format_bar_length(bar_seconds)).append(" bar in:");
  for (const auto& d : dirs)
    message.append(" ").append(d.string());
  throw usage_error(message);
}

}  // namespace mtf::pipeline
