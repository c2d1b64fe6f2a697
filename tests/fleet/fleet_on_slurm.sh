#!/usr/bin/env bash
# ctest: scripts/mtf-fleet on a real one-node Slurm cluster (scripts/slurm-cluster.sh) with the
# real retrain_12h / retrain_24h binaries: a fleet of 2 symbols x 2 timeframes, a resubmission
# that must wait for the first (singleton), a task that fails on bad data, and — once the
# binaries have `walkforward --plan` — a walk-forward study fanned out over its windows whose
# collected walkforward.json must equal the single-process one byte for byte. The checks are in
# fleet_on_slurm.py.
#   fleet_on_slurm.sh SOURCE_DIR BUILD_DIR
# Exit 77 (ctest skip) only when this cannot get root to install Slurm and start its daemons.
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: needs root to install Slurm and start munged, slurmctld and slurmd"
  exit 77
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  echo "Slurm is not installed: scripts/install-deps.sh --slurm"
  bash "$src/scripts/install-deps.sh" --slurm
fi
for tf in 12h 24h; do
  [ -x "$build/retrain_$tf" ] || { echo "FAIL: $build/retrain_$tf is not built" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/mtf-fleet-slurm.XXXXXX")
chmod 0755 "$work"
cluster="$work/cluster"
started=$(date +%s.%N)
set +e
# timeout sends SIGTERM to the cluster script, which ends the checks and stops its daemons.
timeout 600 "$src/scripts/slurm-cluster.sh" run "$cluster" -- \
  /usr/bin/python3 "$src/tests/fleet/fleet_on_slurm.py" "$src" "$build" "$work"
rc=$?
set -e
if [ "$rc" -eq 77 ]; then  # we are root and Slurm is installed: "cannot run here" is a failure
  echo "FAIL: slurm-cluster.sh could not run although Slurm is installed and we are root" >&2
  rc=1
fi

# The cluster script must have stopped every daemon it started, whatever the checks did.
if [ -f "$work/pids.seen" ]; then
  while read -r name pid _; do
    if [ -d "/proc/$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$cluster"; then
      echo "FAIL: $name (pid $pid) is still running after the cluster was stopped" >&2
      rc=1
    fi
  done <"$work/pids.seen"
else
  echo "FAIL: the cluster never recorded its daemons ($work/pids.seen missing)" >&2
  [ "$rc" -ne 0 ] || rc=1
fi
echo "fleet_on_slurm: $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $started}") s in all, including cluster start and stop"
if [ "$rc" -eq 0 ]; then
  rm -rf "$work"
else
  echo "fleet_on_slurm: FAILED (exit $rc); kept $work for inspection" >&2
fi
exit "$rc"
