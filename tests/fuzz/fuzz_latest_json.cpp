// Fuzzes LATEST.json as read by every model command (artifact::read_latest / latest_run_path):
// a valid, complete run `runs/r1` exists; the input is the pointer. It must be refused with an
// mtf::error or, when accepted, name a run directory inside `<out>/<tf>/runs/` (SPEC §9).
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "mtf/artifact/published_run.hpp"

namespace {

const std::filesystem::path& models() {
  static const std::filesystem::path out = [] {
    const auto dir = mtf::fuzz::scratch() / "models";
    const auto run = dir / "24h" / "runs" / "r1";
    mtf::fuzz::write(run / "status", "promoted\n");
    mtf::fuzz::write(run / "manifest.json", R"({"run_id":"r1","files":[]})");
    // A run outside the tree that a pointer must never reach.
    mtf::fuzz::write(dir / "elsewhere" / "runs" / "r1" / "status", "promoted\n");
    mtf::fuzz::write(dir / "elsewhere" / "runs" / "r1" / "manifest.json", R"({"files":[]})");
    return dir;
  }();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& out = models();
  mtf::fuzz::write(out / "24h" / "LATEST.json", mtf::fuzz::as_text(data, size));
  mtf::fuzz::expect_only_mtf_errors([&] {
    const auto run = mtf::artifact::latest_run_path(out, "24h");
    if (!run) mtf::fuzz::finding("an existing LATEST.json was reported as absent");
    const auto real = std::filesystem::weakly_canonical(*run);
    const auto root = std::filesystem::weakly_canonical(out / "24h" / "runs");
    if (real.parent_path() != root)
      mtf::fuzz::finding("LATEST.json was followed out of its tree to " + real.string());
  });
  return 0;
}
