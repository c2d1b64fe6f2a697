#pragma once
/// \file One candle file read for a timeframe policy: intake, resampling to the policy's bar and
/// the quality checks (SPEC §4.1–4.2). Shared by training and scoring, so it includes neither.

#include <cstddef>
#include <filesystem>
#include <utility>

#include "mtf/intake/calendar.hpp"
#include "mtf/intake/load_series.hpp"
#include "mtf/intake/quality_checks.hpp"
#include "mtf/policy/timeframe_policy.hpp"

namespace mtf::pipeline {

/// One input file after intake, resampling and the quality checks.
struct symbol_input {
  std::filesystem::path file;
  bar_series bars;
  intake::resample_counts resampled;
  intake::quality_report quality;
};

/// Reads, resamples and checks one file for policy P under trading calendar `cal` (which bar
/// slots count as missing). Fatal problems throw data_error (exit 2). `min_bars` defaults to the
/// policy's training minimum; scoring recent bars needs fewer.
template <TimeframePolicy P>
symbol_input load_symbol(const std::filesystem::path& file, intake::calendar cal,
                         std::size_t min_bars = P::min_bars) {
  symbol_input s;
  s.file = file;
  auto loaded = intake::load_series(file, P::bar_seconds);
  s.bars = std::move(loaded.bars);
  s.resampled = loaded.counts;
  s.quality = intake::check_quality(s.bars, P::data_quality, min_bars, cal);
  return s;
}

}  // namespace mtf::pipeline
