#!/usr/bin/env bash
# Side-by-side race of mtf's retrain against its Python peer (benchmarks/peer/peer.py, issue 7):
# for each timeframe, runs `retrain_<tf> train --report-only` and the peer alternately on the
# same data, N times each, measures wall time and peak RSS with /usr/bin/time -v, reads mtf's
# test log loss from the run's report.json (validation.test_log_loss) and the peer's from its
# JSON line, and prints a Markdown table per timeframe.
#
# Usage: scripts/race.sh [--runs N] [--timeframes "5m 1h 12h 24h"] [--full] [--build DIR]
#                        [--keep DIR]
#   --runs N        runs of each contender per timeframe (default 3)
#   --timeframes    which timeframes, in order (default "5m 1h 12h 24h")
#   --full          use ../shared/data/btcusdt_5m.csv (5m) and ../shared/data/btcusdt_1h.csv
#                   (1h, 12h, 24h) instead of the bundled data/ files
#   --build DIR     where the retrain_<tf> binaries are (default build)
#   --keep DIR      keep every run's output, time -v log and report there (default: a temporary
#                   directory, removed at the end)
# Both contenders inherit the same environment (threads: mtf uses all cores, the peer n_jobs=2
# on this 2-core machine); the header line records OMP_WAIT_POLICY because on a busy machine
# libgomp's default spin-waiting slows xgboost's OpenMP threads by an order of magnitude
# (run `OMP_WAIT_POLICY=PASSIVE scripts/race.sh ...` to give both contenders passive waits). Targets (issue 7): mtf at least 5x faster for every timeframe and
# 10x for 1h, with test log loss no worse than the peer's + 0.002.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=3
timeframes="5m 1h 12h 24h"
full=0
build="$root/build"
keep=""
python=/usr/bin/python3

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --timeframes) timeframes="${2:?--timeframes needs a list}"; shift 2 ;;
    --full) full=1; shift ;;
    --build) build="${2:?--build needs a directory}"; shift 2 ;;
    --keep) keep="${2:?--keep needs a directory}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "race.sh: unknown argument '$1'" >&2; usage >&2; exit 1 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "race.sh: --runs must be a positive integer" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "race.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
[[ -x "$python" ]] || { echo "race.sh: $python is missing" >&2; exit 1; }

data_for() {  # timeframe -> CSV file
  local dir="$root/data"
  [[ $full == 1 ]] && dir="$root/../shared/data"
  case "$1" in
    5m) echo "$dir/btcusdt_5m.csv" ;;
    1h|12h|24h) echo "$dir/btcusdt_1h.csv" ;;
    *) echo "race.sh: unknown timeframe '$1'" >&2; return 1 ;;
  esac
}
for tf in $timeframes; do
  data=$(data_for "$tf")
  [[ -f "$data" ]] || { echo "race.sh: no data file $data" >&2; exit 1; }
  [[ -x "$build/retrain_$tf" ]] ||
    { echo "race.sh: $build/retrain_$tf missing (cmake --build $build --target retrain_$tf)" >&2; exit 1; }
done

if [[ -n "$keep" ]]; then
  work="$keep"
  mkdir -p "$work"
else
  work=$(mktemp -d /tmp/mtf-race.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
results="$work/results.tsv"
: >"$results"

# Wall seconds and peak RSS (KiB) from a /usr/bin/time -v log.
time_fields() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
    /Maximum resident set size/ { rss = $2 }
    END { printf "%s\t%s", wall, rss }' "$1"
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(hostname): $(nproc) CPUs ($cpu)," \
  "load average at start $(cut -d' ' -f1-3 /proc/loadavg), OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-unset}," \
  "checkout $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), binaries built" \
  "$(for tf in $timeframes; do date -u -r "$build/retrain_$tf" '+%H:%M'; done | sort -u | paste -sd/)," \
  "$runs run(s) each, alternating," \
  "data: $([[ $full == 1 ]] && echo '../shared/data (--full)' || echo 'bundled data/')"
echo

for tf in $timeframes; do
  data=$(data_for "$tf")
  for ((run = 1; run <= runs; run++)); do
    # mtf first on odd runs, the peer first on even runs: neither always gets the warm cache.
    order="mtf peer"
    ((run % 2 == 0)) && order="peer mtf"
    for who in $order; do
      log="$work/$tf-$who-$run.time"
      out="$work/$tf-$who-$run.out"
      if [[ $who == mtf ]]; then
        models="$work/$tf-mtf-$run.models"
        status=0
        /usr/bin/time -v -o "$log" "$build/retrain_$tf" train --data "$data" --out "$models" \
          --report-only >"$out" 2>&1 || status=$?
        report=$(find "$models/$tf/report-only" -name report.json 2>/dev/null | head -n1)
        if [[ $status -ne 0 || -z "$report" ]]; then
          echo "race.sh: mtf $tf run $run failed (exit $status), see $out" >&2
          tail -n 5 "$out" >&2
          exit 1
        fi
        read -r loss method < <("$python" -c '
import json, sys
r = json.load(open(sys.argv[1]))
d = r["data"]
print(r["validation"]["test_log_loss"], "%d/%d/%d,%.9f,%s,%s" % (
    d["train_rows"], d["calibration_rows"], d["test_rows"], r["labels"]["k"],
    r["models"]["combiner"], r["calibration"]["method_used"]))' "$report")
      else
        status=0
        /usr/bin/time -v -o "$log" "$python" "$root/benchmarks/peer/peer.py" --timeframe "$tf" \
          --data "$data" --threads "$(nproc)" >"$out" 2>"$out.err" || status=$?
        if [[ $status -ne 0 ]]; then
          echo "race.sh: peer $tf run $run failed (exit $status), see $out.err" >&2
          tail -n 5 "$out.err" >&2
          exit 1
        fi
        read -r loss method < <("$python" -c '
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
print(r["test_log_loss"], "%d/%d/%d,%.9f,%s,%s" % (
    r["train_rows"], r["calibration_rows"], r["test_rows"], r["k"], r["stack_choice"],
    r["calibration"]))' "$out")
      fi
      [[ -n "${loss:-}" && -n "${method:-}" ]] ||
        { echo "race.sh: cannot read the $who $tf run $run result (see $out)" >&2; exit 1; }
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tf" "$who" "$run" "$(time_fields "$log")" "$loss" \
        "$method" >>"$results"
      printf '  %s %s run %d: %s s, %s KiB, test log loss %s\n' "$tf" "$who" "$run" \
        $(time_fields "$log") "$loss" >&2
    done
  done
done

"$python" - "$results" "$timeframes" <<'EOF'
import statistics
import sys

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
target_speedup = {"1h": 10.0}
for tf in sys.argv[2].split():
    def runs(who):
        return [(float(w), int(r), float(l)) for t, x, _, w, r, l, _ in rows if t == tf and x == who]

    def methods(who):
        return sorted({m for t, x, _, _, _, _, m in rows if t == tf and x == who})
    mtf, peer = runs("mtf"), runs("peer")
    if not mtf or not peer:
        continue
    med = lambda v: statistics.median(v)
    mw, pw = med([w for w, _, _ in mtf]), med([w for w, _, _ in peer])
    mr, pr = max(r for _, r, _ in mtf), max(r for _, r, _ in peer)
    ml, pl = med([l for _, _, l in mtf]), med([l for _, _, l in peer])
    spread = lambda v: max(v) - min(v)
    speed = pw / mw if mw > 0 else float("inf")
    need = target_speedup.get(tf, 5.0)
    quality = ml <= pl + 0.002
    print(f"### {tf} ({len(mtf)} run(s) each)\n")
    print("| | median wall (s) | peak RSS (MiB) | test log loss |")
    print("|---|---:|---:|---:|")
    print(f"| mtf | {mw:.2f} | {mr / 1024:.1f} | {ml:.4f} |")
    print(f"| Python peer | {pw:.2f} | {pr / 1024:.1f} | {pl:.4f} |")
    print(f"| ratio peer/mtf | {speed:.2f}x | {pr / mr:.2f}x | {ml - pl:+.4f} (mtf - peer) |")
    print()
    print(f"- speed: mtf {speed:.2f}x faster (target >= {need:g}x): "
          f"{'met' if speed >= need else 'NOT met'}")
    print(f"- quality: mtf {ml:.4f} <= peer {pl:.4f} + 0.002: {'holds' if quality else 'FAILS'}")
    print(f"- wall range over runs: mtf {min(w for w, _, _ in mtf):.2f}-{max(w for w, _, _ in mtf):.2f} s,"
          f" peer {min(w for w, _, _ in peer):.2f}-{max(w for w, _, _ in peer):.2f} s;"
          f" log loss spread over runs: mtf {spread([l for _, _, l in mtf]):.2g},"
          f" peer {spread([l for _, _, l in peer]):.2g}")
    # Same method (issue 14): rows train/calibration/test and k must agree exactly; the stack
    # guard's combiner and the calibration method should.
    mm, pm = methods("mtf"), methods("peer")
    same = [a.split(",")[:2] == b.split(",")[:2] for a, b in zip(mm, pm)]
    print(f"- method (rows train/cal/test, k, stack, calibration): mtf {'; '.join(mm)};"
          f" peer {'; '.join(pm)}; rows and k {'agree' if same and all(same) else 'DIFFER'}")
    print()
EOF
