#!/usr/bin/env bash
# Walk-forward studies of the four shipped policies on the real data of ../shared/data (SPEC §10b),
# and the end-to-end benchmark of the retrain as a unit: windows per minute per timeframe.
#   scripts/walkforward-study.sh [OUT_DIR] [THREADS]
# 5m on btcusdt_5m + ethusdt_5m; 1h, 12h, 24h on btcusdt_1h (as the issue asks). Each study is
# resumable: re-running skips finished windows (the windows/min figure then covers only the
# windows run this time, so delete OUT_DIR for a clean measurement).
# Prints one table row per timeframe and writes OUT_DIR/summary.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/walkforward-study}
threads=${2:-$(nproc)}
shared=${MTF_SHARED_DATA:-../shared/data}
export OMP_WAIT_POLICY=PASSIVE
if [ ! -d "$shared" ]; then
  echo "walkforward-study: $shared not found (set MTF_SHARED_DATA)" >&2
  exit 2
fi
cmake --preset release >/dev/null
cmake --build --preset release --target retrain_5m retrain_1h retrain_12h retrain_24h
mkdir -p "$out"
summary="$out/summary.tsv"
printf 'timeframe\twindows\twall_s\twindows_per_min\tstudy\n' >"$summary"
for tf in 24h 12h 1h 5m; do
  if [ "$tf" = 5m ]; then
    data=(--data "$shared/btcusdt_5m.csv" --data "$shared/ethusdt_5m.csv")
  else
    data=(--data "$shared/btcusdt_1h.csv")
  fi
  study=$(build/retrain_$tf walkforward "${data[@]}" --out "$out" --plan)
  windows=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["windows"])' "$study")
  dir=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["study_dir"])' "$study")
  start=$(date +%s.%N)
  build/retrain_$tf walkforward "${data[@]}" --out "$out" --threads "$threads" \
    >"$out/$tf.txt" 2>"$out/$tf.err"
  end=$(date +%s.%N)
  wall=$(python3 -c "print(f'{$end - $start:.1f}')")
  rate=$(python3 -c "print(f'{$windows / max($end - $start, 1e-9) * 60:.1f}')")
  printf '%s\t%s\t%s\t%s\t%s\n' "$tf" "$windows" "$wall" "$rate" "$dir" >>"$summary"
  echo "== $tf: $windows windows in $wall s ($rate windows/min, $threads threads)"
  cat "$out/$tf.txt"
done
echo "summary: $summary"
