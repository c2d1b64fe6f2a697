#!/usr/bin/env python3
"""Paired comparison of two walk-forward studies of the same data and schedule (issue 14: is a
cheaper setting as good out of sample?).

    scripts/compare-studies.py STUDY_A STUDY_B [--block N] [--resamples N] [--seed N]

STUDY_A and STUDY_B are study directories (`<out>/<tf>/walkforward/<id>`, e.g. the same policy
with two values of one setting). Every out-of-sample row (time, symbol) must be judged in both.
Prints the pooled log loss of each (calibrated probabilities, as walkforward.json's skill) and
the mean per-row difference B - A with a moving-block bootstrap 95% interval over the
time-ordered rows (Künsch; default block max(horizon x symbols, round(n^(1/3))), the rule of
the study's own skill interval, validation/block_bootstrap.hpp). Exit 1 when the studies do not cover the same rows.
"""
import argparse, json, math, os, random, sys


def study_rows(study):
    rows = {}
    windows = os.path.join(study, "windows")
    for name in sorted(os.listdir(windows), key=int):
        path = os.path.join(windows, name, "oos.json")
        if not os.path.exists(path):
            continue
        oos = json.load(open(path))
        for i in range(oos["rows"]):
            p = oos["p"][i][oos["y"][i]]
            rows[(oos["time"][i], oos["symbol"][i])] = -math.log(max(p, 1e-15))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study_a")
    parser.add_argument("study_b")
    parser.add_argument("--block", type=int, default=0)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    a, b = study_rows(args.study_a), study_rows(args.study_b)
    if not a or set(a) != set(b):
        print(f"compare-studies: the studies judge different rows ({len(a)} vs {len(b)}, "
              f"{len(set(a) & set(b))} shared)", file=sys.stderr)
        return 1
    block = args.block
    if block <= 0:
        summary = json.load(open(os.path.join(args.study_a, "walkforward.json")))
        symbols = len(summary["data"])
        block = max(summary["horizon"] * symbols, round(len(a) ** (1 / 3)))
    keys = sorted(a)
    diff = [b[k] - a[k] for k in keys]
    n = len(diff)
    block = min(block, n)
    rng = random.Random(args.seed)
    blocks = math.ceil(n / block)
    means = []
    for _ in range(args.resamples):
        total = 0.0
        for _ in range(blocks):
            start = rng.randrange(0, n - block + 1)
            total += sum(diff[start:start + block])
        means.append(total / (blocks * block))
    means.sort()
    lo = means[int(0.025 * args.resamples)]
    hi = means[int(math.ceil(0.975 * args.resamples)) - 1]
    mean_a, mean_b = sum(a[k] for k in keys) / n, sum(b[k] for k in keys) / n
    print(f"rows {n}  log loss A {mean_a:.4f}  B {mean_b:.4f}  "
          f"B - A {sum(diff) / n:+.4f} [{lo:+.4f}, {hi:+.4f}] (95%, block {block})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
