#!/usr/bin/env bash
# Runs the libFuzzer harnesses of tests/fuzz (ASan + UBSan, clang) for a given time or number of
# executions each, starting from the checked-in seed corpus, and prints executions and findings
# per harness.
#   scripts/fuzz.sh                      every harness, 60 s each
#   scripts/fuzz.sh --time 600 csv       harnesses whose name contains "csv", 600 s each
#   scripts/fuzz.sh --runs 10000000      every harness for 10^7 executions
#   scripts/fuzz.sh --jobs 2 ...         two harnesses at a time
#   scripts/fuzz.sh --no-build ...       use the harnesses already built in build-fuzz/
#   scripts/fuzz.sh --timeout 600 ...    seconds one input may take (default 20); libFuzzer counts
#                                        wall time, so a campaign run at low priority on a busy
#                                        machine needs more, or starved inputs read as timeouts
# Inputs that crash are kept in build-fuzz/fuzz-runs/<harness>/ (crash-*, leak-*, timeout-*);
# reproduce one with `build-fuzz/tests/fuzz/<harness> <file>`. New corpus entries stay in
# build-fuzz/fuzz-runs/<harness>/corpus (copy the interesting ones into tests/fuzz/corpus/).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=(-max_total_time=60)
jobs=1
timeout=20
filters=()
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --time) limit=(-max_total_time="$2"); shift 2 ;;
    --runs) limit=(-runs="$2"); shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) filters+=("$1"); shift ;;
  esac
done

if [ "$build" = 1 ]; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz
fi
harnesses=()
for source in tests/fuzz/fuzz_*.cpp; do
  name=$(basename "$source" .cpp)
  if [ ${#filters[@]} -eq 0 ]; then harnesses+=("$name"); continue; fi
  for f in "${filters[@]}"; do [[ "$name" == *"$f"* ]] && harnesses+=("$name") && break; done
done

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
run_one() {
  local name=$1 dir="build-fuzz/fuzz-runs/$1"
  mkdir -p "$dir/corpus"
  cp -n tests/fuzz/corpus/"$name"/* "$dir/corpus/" 2>/dev/null || true
  local start=$SECONDS status=0
  (cd "$dir" && "../../tests/fuzz/$name" "${limit[@]}" -timeout="$timeout" -rss_limit_mb=2048 \
      -print_final_stats=1 corpus >log.txt 2>&1) || status=$?
  local execs seconds findings
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/log.txt" | grep -o '[0-9]*$' || echo "?")
  seconds=$((SECONDS - start))
  findings=$(find "$dir" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  printf '%-26s %12s execs %6s s  exit %3s  findings %s  corpus %s\n' "$name" "$execs" "$seconds" \
    "$status" "$findings" "$(ls "$dir/corpus" | wc -l)" >"$dir/summary.txt"
  cat "$dir/summary.txt"
}
export -f run_one
export limit_string="${limit[*]}" timeout
printf '%s\n' "${harnesses[@]}" | xargs -P "$jobs" -I{} bash -c 'limit=($limit_string); run_one {}'
echo "== summary"
for name in "${harnesses[@]}"; do cat "build-fuzz/fuzz-runs/$name/summary.txt"; done
