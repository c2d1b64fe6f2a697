#pragma once
// What the end-to-end tests of tests/apps/ share: where the binaries and the bundled data are,
// candle files built for a purpose (a random walk, a volatility regime shift), and readers for
// the artifacts a run leaves behind.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "mtf/intake/timestamp.hpp"
#include "run_binary.hpp"

namespace mtf::test_apps {

/// A retrain binary of the top build directory (the shipped policies), e.g. "retrain_24h".
inline std::filesystem::path shipped_binary(const std::string& name) {
  return std::filesystem::path(MTF_BINARY_DIR) / name;
}

/// A test-only binary generated in tests/apps/ (fast_policies.hpp), e.g. "retrain_24h_fast".
inline std::filesystem::path fast_binary(const std::string& name) {
  return std::filesystem::path(MTF_BINARY_DIR) / "tests" / "apps" / name;
}

/// The bundled sample files (data/ of the source tree).
inline std::filesystem::path bundled_1h() {
  return std::filesystem::path(MTF_SOURCE_DIR) / "data" / "btcusdt_1h.csv";
}
inline std::filesystem::path bundled_5m() {
  return std::filesystem::path(MTF_SOURCE_DIR) / "data" / "btcusdt_5m.csv";
}

/// Parses a JSON file (throws std::runtime_error naming the file when it cannot).
inline nlohmann::json read_json(const std::filesystem::path& file) {
  const std::string text = slurp(file);
  if (text.empty()) throw std::runtime_error("missing or empty " + file.string());
  return nlohmann::json::parse(text);
}

/// Run directories under `<out>/<tf>/runs`, sorted by name (= by time).
inline std::vector<std::filesystem::path> run_dirs(const std::filesystem::path& out,
                                                   const std::string& tf) {
  std::vector<std::filesystem::path> dirs;
  const auto root = out / tf / "runs";
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return dirs;
  for (const auto& e : std::filesystem::directory_iterator(root))
    if (e.is_directory()) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

/// The run directory `<out>/<tf>/LATEST.json` points at (its "path", relative to `<out>/<tf>`).
inline std::filesystem::path latest_run_dir(const std::filesystem::path& out,
                                            const std::string& tf) {
  const auto latest = read_json(out / tf / "LATEST.json");
  std::filesystem::path dir = latest.at("path").get<std::string>();
  return dir.is_relative() ? out / tf / dir : dir;
}

/// One OHLCV candle.
struct candle {
  std::int64_t time;
  double open, high, low, close, volume;
};

/// Writes candles as the CSV format of data/ (ISO-8601 UTC timestamps).
inline void write_candles(const std::filesystem::path& file, const std::vector<candle>& candles) {
  std::ostringstream text;
  text.precision(12);
  text << "timestamp,open,high,low,close,volume\n";
  for (const auto& c : candles)
    text << intake::format_iso8601(c.time) << ',' << c.open << ',' << c.high << ',' << c.low << ','
         << c.close << ',' << c.volume << '\n';
  write_text(file, text.str());
}

/// `bars` daily candles of a geometric random walk (daily log-return sd 3%, no drift) from
/// 2020-01-01: by construction no feature can predict the next week, so an honest pipeline
/// must fail its skill gate on it.
inline std::vector<candle> random_walk_daily(std::size_t bars, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0, 0.03);
  std::uniform_real_distribution<double> wick(0.0, 0.01);
  std::uniform_real_distribution<double> volume(500.0, 1500.0);
  std::vector<candle> out;
  double close = 30'000.0;
  const std::int64_t start = 1'577'836'800;  // 2020-01-01T00:00:00Z
  for (std::size_t i = 0; i < bars; ++i) {
    const double open = close;
    close = open * std::exp(step(rng));
    const double high = std::max(open, close) * (1.0 + wick(rng));
    const double low = std::min(open, close) * (1.0 - wick(rng));
    out.push_back(
        {start + static_cast<std::int64_t>(i) * 86'400, open, high, low, close, volume(rng)});
  }
  return out;
}

/// `bars` daily candles whose daily log returns follow an AR(1) with coefficient `phi` (sd 2%):
/// momentum that persists for days, a signal the 24h features (past returns, moving-average
/// ratios) can learn, so an honest pipeline can show skill on it.
inline std::vector<candle> momentum_daily(std::size_t bars, double phi, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> shock(0.0, 0.02);
  std::uniform_real_distribution<double> wick(0.0, 0.005);
  std::uniform_real_distribution<double> volume(500.0, 1500.0);
  std::vector<candle> out;
  double close = 30'000.0, r = 0.0;
  const std::int64_t start = 1'577'836'800;  // 2020-01-01T00:00:00Z
  for (std::size_t i = 0; i < bars; ++i) {
    r = phi * r + shock(rng);
    const double open = close;
    close = open * std::exp(r);
    const double high = std::max(open, close) * (1.0 + wick(rng));
    const double low = std::min(open, close) * (1.0 - wick(rng));
    out.push_back(
        {start + static_cast<std::int64_t>(i) * 86'400, open, high, low, close, volume(rng)});
  }
  return out;
}

/// Reads a CSV of data/ (timestamp,open,high,low,close,volume with ISO-8601 timestamps).
inline std::vector<candle> read_candles(const std::filesystem::path& file) {
  std::vector<candle> out;
  const auto lines = lines_of(slurp(file));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::istringstream row(lines[i]);
    std::string field;
    std::vector<std::string> fields;
    while (std::getline(row, field, ','))
      fields.push_back(field);
    if (fields.size() != 6) throw std::runtime_error("unexpected row in " + file.string());
    const auto t = intake::parse_iso8601(fields[0]);
    if (!t.ok()) throw std::runtime_error("bad timestamp in " + file.string() + ": " + fields[0]);
    out.push_back({t.epoch_seconds, std::stod(fields[1]), std::stod(fields[2]),
                   std::stod(fields[3]), std::stod(fields[4]), std::stod(fields[5])});
  }
  return out;
}

/// The same bars with every one-bar log return of the close multiplied by `factor`: a
/// volatility regime shift. Opens follow the new previous close and each wick keeps its log
/// extension beyond the body, also scaled, so every bar stays a consistent OHLC bar.
inline std::vector<candle> scale_volatility(const std::vector<candle>& bars, double factor) {
  std::vector<candle> out;
  out.reserve(bars.size());
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const candle& b = bars[i];
    candle c = b;
    if (i > 0) {
      const candle& prev_new = out.back();
      c.open = prev_new.close;
      c.close = prev_new.close * std::exp(factor * std::log(b.close / bars[i - 1].close));
    }
    const double up_wick = std::log(b.high / std::max(b.open, b.close));
    const double down_wick = std::log(std::min(b.open, b.close) / b.low);
    c.high = std::max(c.open, c.close) * std::exp(factor * up_wick);
    c.low = std::min(c.open, c.close) * std::exp(-factor * down_wick);
    out.push_back(c);
  }
  return out;
}

/// Gate rows of a report.json that failed.
inline std::vector<std::string> failed_gate_names(const nlohmann::json& report) {
  std::vector<std::string> failed;
  for (const auto& g : report.at("gates"))
    if (!g.at("passed").get<bool>()) failed.push_back(g.at("name").get<std::string>());
  return failed;
}

}  // namespace mtf::test_apps
