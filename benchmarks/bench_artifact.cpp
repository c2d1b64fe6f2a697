// Artifact-stage costs: SHA-256 throughput (run manifests hash every model file at publish and
// at every load) and one durable run cycle (stage, publish, promote) on the real file system.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "mtf/artifact/content_hash.hpp"
#include "mtf/artifact/run_lock.hpp"
#include "mtf/artifact/run_store.hpp"

namespace {

void bm_sha256(benchmark::State& state) {
  const std::string data(static_cast<std::size_t>(state.range(0)), 'm');
  for (auto _ : state)
    benchmark::DoNotOptimize(mtf::artifact::sha256_hex(data));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(bm_sha256)->Arg(64)->Arg(1 << 20);

// Stage three files of state.range(0) bytes, publish and promote: fsync-bound.
void bm_publish_and_promote(benchmark::State& state) {
  std::string root = (std::filesystem::temp_directory_path() / "mtf-bench-XXXXXX").string();
  if (::mkdtemp(root.data()) == nullptr) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  const std::string payload(static_cast<std::size_t>(state.range(0)), 'w');
  {
    const mtf::artifact::run_lock lock(root, "5m");
    mtf::artifact::run_store store(lock);
    int n = 0;
    for (auto _ : state) {
      const std::string id = store.begin_run("run-" + std::to_string(n++));
      store.write_file("models/xgboost.json", payload);
      store.write_file("models/random_forest.json", payload);
      store.write_file("report.json", payload);
      store.publish(mtf::artifact::run_status::promoted);
      store.promote(store.make_latest(id, "fingerprint", "schema"));
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
}
BENCHMARK(bm_publish_and_promote)->Arg(300 << 10)->Unit(benchmark::kMillisecond);

}  // namespace
