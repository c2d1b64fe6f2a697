#!/usr/bin/env bash
# Wall time and peak RSS per worker of one pooled retrain run as 1, 2, 4, ... workers of
# scripts/mtf-distributed (SPEC §10d), each worker under /usr/bin/time -v.
#
#   benchmarks/distributed-scaling.sh BINARY OUTDIR "WORKER_COUNTS" -- TRAIN_ARGS...
#   e.g. benchmarks/distributed-scaling.sh build/retrain_1h /tmp/scaling "1 2 4" -- \
#          --data ../shared/data/btcusdt_1h.csv --data ../shared/data/ethusdt_1h.csv \
#          --data ../shared/data/solusdt_1h.csv --data ../shared/data/btcusdt_spot_1h.csv \
#          --data ../shared/data/ethusdt_spot_1h.csv --to 2024-06-16 --report-only --threads 1
# (each worker reads its own files, file i to worker i mod N: at least as many files as workers)
#
# Prints one line per worker count: job wall time (launcher start to end), the test log loss,
# and per worker its wall time, maximum resident set size and the rows it held. The figures are
# of this machine under its load at the time; nothing here is asserted.
set -euo pipefail
if [ $# -lt 4 ] || [ "$4" != "--" ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 1
fi
binary=$(readlink -f "$1")
outdir=$2
counts=$3
shift 4
here=$(cd "$(dirname "$0")/.." && pwd)
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$outdir"
for n in $counts; do
  rm -rf "${outdir:?}/w$n"
  mkdir -p "$outdir/w$n"
  start=$(date +%s.%N)
  "$here/scripts/mtf-distributed" --workers "$n" --timeout 7200 -- \
    sh -c 'exec /usr/bin/time -v -o "$0/time.$DMLC_TASK_ID" "$@"' "$outdir/w$n" \
    "$binary" train --distributed --out "$outdir/w$n/models" "$@" \
    >"$outdir/w$n/stdout" 2>"$outdir/w$n/stderr"
  end=$(date +%s.%N)
  line=$(printf '%d worker(s): job %.1f s;' "$n" "$(echo "$end - $start" | bc)")
  loss=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["validation"]["test_log_loss"])' "$outdir"/w"$n"/models/*/report-only/*/report.json 2>/dev/null || true)
  line+=$(printf ' test log loss %s;' "${loss:-?}")
  for ((r = 0; r < n; r++)); do
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$outdir/w$n/time.$r")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$outdir/w$n/time.$r")
    held=$(sed -n "s/.*worker $r of $n holds \([0-9]*\) rows.*/\1/p" "$outdir/w$n/stderr" | head -1)
    line+=$(printf ' worker %d %s wall, %d MiB peak RSS, %s rows;' "$r" "$wall" "$((rss / 1024))" "${held:-?}")
  done
  echo "$line"
done
