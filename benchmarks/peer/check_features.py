#!/usr/bin/python3
"""Checks that the peer computes the same feature matrix as mtf: runs
`<build>/retrain_<tf> features --data FILE` (mtf's rows: complete features with a label) and
`peer.py --features-out` (every bar), joins them on the timestamp and reports the largest
absolute and relative differences per feature. Fails (exit 1) when a row of mtf's is missing in
the peer or a feature differs by more than --tolerance (relative to max(1, |mtf value|); default 1e-6: pandas' rolling variance of prices near 1e5
loses ~1e-7 of the std-based features (bollinger %B, z-score) in almost flat windows, where mtf
uses exact window moments; everything else agrees to ~1e-12).

Usage: check_features.py --timeframe 24h --data data/btcusdt_1h.csv [--build build]
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeframe", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--tolerance", type=float, default=1e-6)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        mtf_csv, peer_csv = os.path.join(tmp, "mtf.csv"), os.path.join(tmp, "peer.csv")
        subprocess.run([os.path.join(args.build, f"retrain_{args.timeframe}"), "features",
                        "--data", args.data, "--out", mtf_csv], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, os.path.join(HERE, "peer.py"), "--timeframe",
                        args.timeframe, "--data", args.data, "--features-out", peer_csv],
                       check=True, stdout=subprocess.DEVNULL)
        mtf = pd.read_csv(mtf_csv, index_col="timestamp").drop(columns=["label", "weight"])
        peer = pd.read_csv(peer_csv, index_col="timestamp")
    missing = mtf.index.difference(peer.index)
    if len(missing):
        print(f"{len(missing)} mtf rows missing in the peer, first {missing[0]}")
        return 1
    if list(peer.columns) != list(mtf.columns):
        print(f"columns differ: mtf {list(mtf.columns)} peer {list(peer.columns)}")
        return 1
    peer = peer.loc[mtf.index]
    ok = True
    print(f"{args.timeframe}: {len(mtf)} rows")
    for col in mtf.columns:
        a, b = mtf[col].to_numpy(), peer[col].to_numpy()
        if not np.isfinite(b).all():
            print(f"  {col:22s} peer has non-finite values on mtf's rows")
            ok = False
            continue
        diff = np.abs(a - b)
        rel = diff / np.maximum(1.0, np.abs(a))
        worst = int(np.argmax(rel))
        flag = "" if rel[worst] <= args.tolerance else "  <-- exceeds tolerance"
        ok = ok and not flag
        print(f"  {col:22s} max abs diff {diff.max():.3g}  max rel {rel[worst]:.3g} "
              f"at {mtf.index[worst]}{flag}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
