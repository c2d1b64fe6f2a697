// Intake hot paths on 1,000,000 5m bars in the real file format (ISO-8601 Z timestamps,
// trailing-zero-free decimals like the bundled Binance data): reading the CSV from disk,
// parsing it from memory, resampling 5m -> 1h, and the series-level quality checks.
// The CSV is generated once per process into the system temp directory (fixed seed).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>

#include "mtf/intake/csv_reader.hpp"
#include "mtf/intake/quality_checks.hpp"
#include "mtf/intake/resample.hpp"
#include "mtf/intake/timestamp.hpp"

namespace {

constexpr std::size_t bench_rows = 1'000'000;

/// Appends `value` rounded to one decimal without trailing zeros ("108989.4", "109000").
void append_price(std::string& out, double value) {
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 1);
  std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  if (text.ends_with(".0")) text.remove_suffix(2);
  out += text;
}

/// Path of the generated 1M-row CSV; written on first use.
const std::filesystem::path& bench_csv() {
  static const std::filesystem::path path = [] {
    const auto file = std::filesystem::temp_directory_path() / "mtf_bench_intake_5m_1m_rows.csv";
    std::mt19937_64 rng(42);
    std::normal_distribution<double> step(0.0, 0.001);
    std::uniform_real_distribution<double> wick(0.0, 0.0005);
    std::uniform_int_distribution<int> volume_milli(0, 500'000);
    std::string text = "timestamp,open,high,low,close,volume\n";
    text.reserve(bench_rows * 64);
    double price = 30000.0;
    const std::int64_t start = 1577836800;  // 2020-01-01T00:00:00Z
    for (std::size_t i = 0; i < bench_rows; ++i) {
      const double open = price;
      price = std::max(1.0, price * (1.0 + step(rng)));
      const double high = std::max(open, price) * (1.0 + wick(rng)) + 0.1;
      const double low = std::min(open, price) * (1.0 - wick(rng)) - 0.1;
      text += mtf::intake::format_iso8601(start + static_cast<std::int64_t>(i) * 300);
      text += ',';
      append_price(text, open);
      text += ',';
      append_price(text, high);
      text += ',';
      append_price(text, low);
      text += ',';
      append_price(text, price);
      text += ',';
      const int milli = volume_milli(rng);
      text += std::to_string(milli / 1000) + "." + std::to_string(milli % 1000 + 1000).substr(1);
      text += '\n';
    }
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }();
  return path;
}

std::string read_whole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void set_throughput(benchmark::State& state, std::size_t bytes, std::size_t rows) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.counters["rows"] = static_cast<double>(rows);
}

/// read_csv end to end: one read of the file plus the parse and every per-row check.
void BM_read_csv_file(benchmark::State& state) {
  const auto& path = bench_csv();
  const auto bytes = static_cast<std::size_t>(std::filesystem::file_size(path));
  std::size_t rows = 0;
  for (auto _ : state) {
    const auto series = mtf::intake::read_csv(path);
    rows = series.size();
    benchmark::DoNotOptimize(series.close.data());
  }
  set_throughput(state, bytes, rows);
}
BENCHMARK(BM_read_csv_file)->Unit(benchmark::kMillisecond);

/// read_csv_text on text already in memory: the parser alone.
void BM_read_csv_text(benchmark::State& state) {
  const std::string text = read_whole(bench_csv());
  std::size_t rows = 0;
  for (auto _ : state) {
    const auto series = mtf::intake::read_csv_text(text, "bench.csv");
    rows = series.size();
    benchmark::DoNotOptimize(series.close.data());
  }
  set_throughput(state, text.size(), rows);
}
BENCHMARK(BM_read_csv_text)->Unit(benchmark::kMillisecond);

/// resample 1M 5m bars to 1h (83,334 output bars).
void BM_resample_5m_to_1h(benchmark::State& state) {
  const auto series = mtf::intake::read_csv(bench_csv());
  for (auto _ : state) {
    const auto result = mtf::intake::resample(series, 3600);
    benchmark::DoNotOptimize(result.bars.close.data());
  }
  set_throughput(state, series.size() * 6 * sizeof(double), series.size());
}
BENCHMARK(BM_resample_5m_to_1h)->Unit(benchmark::kMillisecond);

/// measure_quality over 1M bars (gaps, jumps, zero volume).
void BM_measure_quality(benchmark::State& state) {
  const auto series = mtf::intake::read_csv(bench_csv());
  for (auto _ : state) {
    const auto report = mtf::intake::measure_quality(series, mtf::intake::quality_spec{}, 0);
    benchmark::DoNotOptimize(report.jumps);
  }
  set_throughput(state, series.size() * 3 * sizeof(double), series.size());
}
BENCHMARK(BM_measure_quality)->Unit(benchmark::kMillisecond);

}  // namespace
