#!/usr/bin/env bash
# scripts/mtf-distributed --srun on a one-node Slurm cluster (scripts/slurm-cluster.sh): two
# `srun -n 2` tasks take their rank from $SLURM_PROCID, train mtf's xgboost models together and
# hold the bytes one process fits alone (tests/apps/workers/distributed_fit_probe.cpp, SCALE.md).
#   distributed_on_slurm.sh SOURCE_DIR PROBE_BINARY
# Exit 0 pass, 1 fail, 77 when Slurm cannot run here (ctest's skip code, as the fleet test).
set -euo pipefail
src=$1
probe=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/mtf-distributed-slurm.XXXXXX")
chmod 0755 "$work" # munged runs as the munge user
trap 'rm -rf "$work"' EXIT
"$probe" "$work/alone" >/dev/null
set +e
# The cluster script stops its daemons when the command ends; the launcher bounds the job.
bash "$src/scripts/slurm-cluster.sh" run "$work/cluster" -- \
  "$src/scripts/mtf-distributed" --srun --workers 2 --timeout 120 -- \
  "$probe" "$work/srun" --distributed
rc=$?
set -e
if [ "$rc" -eq 77 ]; then exit 77; fi
if [ "$rc" -ne 0 ]; then
  echo "the srun job failed: exit $rc" >&2
  exit 1
fi
for rank in 0 1; do
  for model in gradient_boosting random_forest; do
    if ! cmp "$work/alone/rank0/$model.json" "$work/srun/rank$rank/$model.json"; then
      echo "srun rank $rank: $model differs from the one-process model" >&2
      exit 1
    fi
  done
done
echo "srun -n 2: both workers hold the one-process models byte for byte"
