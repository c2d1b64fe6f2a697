#!/usr/bin/env bash
# Builds and runs every Google Benchmark program (benchmarks/bench_*.cpp) in the release build.
#   scripts/run-benchmarks.sh [benchmark-name-filter]
# Results are printed and also written as JSON to build/benchmark-results/<name>.json.
# For the end-to-end race against the Python peer see scripts/race.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY=PASSIVE
cmake --preset release >/dev/null
targets=$(ls benchmarks/bench_*.cpp | xargs -n1 basename | sed 's/\.cpp$//')
cmake --build --preset release --target $targets
mkdir -p build/benchmark-results
for t in $targets; do
  echo "== $t"
  "build/benchmarks/$t" --benchmark_filter="${1:-.}" \
    --benchmark_out="build/benchmark-results/$t.json" --benchmark_out_format=json
done
