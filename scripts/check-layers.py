#!/usr/bin/env python3
"""Checks that the folders of include/mtf depend one way (issue 13, SPEC §2 data flow).

Each folder is a layer; a header may include headers of its own folder or of an earlier layer
only. Also checks that loading and scoring a model never include training: the include closure
of each scoring entry header must not reach a training-only header.

    scripts/check-layers.py [--root include]     check the tree, exit 1 on any violation
    scripts/check-layers.py --self-test          plant violations in a scratch tree, expect both
"""
import argparse
import os
import re
import sys
import tempfile

# Earliest first. `policy` composes the stages' own specs (each spec lives with the stage that
# interprets it), so it comes after every stage and before the code that applies a policy.
LAYERS = ["core", "intake", "features", "labels", "split", "models", "calibration",
          "validation", "backtest", "policy", "artifact", "reports", "pipeline", "system"]

# Headers a program that only loads and scores a model includes; none of them may reach the
# training headers below (issue 13: `predict` used to include the whole training pipeline).
SCORING_ENTRIES = ["pipeline/inference.hpp", "pipeline/streaming_scorer.hpp"]
TRAINING_ONLY = ["pipeline/retrain.hpp", "pipeline/promotion.hpp", "pipeline/walkforward.hpp",
                 "pipeline/evaluation.hpp", "reports/html_report.hpp",
                 "reports/terminal_report.hpp", "reports/json_report.hpp",
                 "reports/walkforward_report.hpp", "features/leakage_audit.hpp"]

INCLUDE = re.compile(r'^\s*#\s*include\s+"mtf/([^"]+)"', re.M)


def read_graph(root):
    graph = {}
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".hpp"):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            with open(path, encoding="utf-8") as f:
                graph[rel] = INCLUDE.findall(f.read())
    return graph


def violations(root):
    graph = read_graph(root)
    found = []
    for header, includes in sorted(graph.items()):
        if "/" not in header:
            continue  # top-level headers (version.hpp) sit outside the layers
        layer = header.split("/")[0]
        if layer not in LAYERS:
            found.append(f"{header}: folder '{layer}' is not a layer of scripts/check-layers.py")
            continue
        for inc in includes:
            if "/" not in inc:
                continue
            target = inc.split("/")[0]
            if target in LAYERS and LAYERS.index(target) > LAYERS.index(layer):
                found.append(f"{header} includes {inc}: '{layer}' comes before '{target}' in "
                             f"the data flow, so it must not depend on it")
    for entry in SCORING_ENTRIES:
        if entry not in graph:
            continue
        parent = {entry: None}
        stack = [entry]
        while stack:
            node = stack.pop()
            for inc in graph.get(node, []):
                if inc not in parent:
                    parent[inc] = node
                    stack.append(inc)
        for banned in TRAINING_ONLY:
            if banned in parent:
                chain, node = [], banned
                while node is not None:
                    chain.append(node)
                    node = parent[node]
                found.append(f"{entry} (loading/scoring) reaches the training header {banned}: "
                             + " -> ".join(reversed(chain)))
    return found


def self_test():
    with tempfile.TemporaryDirectory() as tmp:
        def write(rel, *includes):
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)), exist_ok=True)
            with open(os.path.join(tmp, rel), "w", encoding="utf-8") as f:
                f.write("#pragma once\n" + "".join(f'#include "mtf/{i}"\n' for i in includes))
        write("core/errors.hpp")
        write("labels/solve_k.hpp", "core/errors.hpp")
        write("pipeline/retrain.hpp", "labels/solve_k.hpp")
        write("pipeline/inference.hpp", "pipeline/retrain.hpp")
        write("split/purged_kfold.hpp", "pipeline/dataset.hpp")
        found = violations(tmp)
        expected = ["split/purged_kfold.hpp includes pipeline/dataset.hpp",
                    "pipeline/inference.hpp (loading/scoring) reaches the training header "
                    "pipeline/retrain.hpp: pipeline/inference.hpp -> pipeline/retrain.hpp"]
        missing = [e for e in expected if not any(f.startswith(e) for f in found)]
        if missing or len(found) != len(expected):
            print("self-test FAILED: expected", expected, "found", found)
            return 1
        print(f"self-test: both planted violations found ({len(found)} reports)")
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..",
                                                       "include", "mtf"))
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    found = violations(args.root)
    for line in found:
        print("layer violation:", line)
    headers = len(read_graph(args.root))
    if found:
        print(f"{len(found)} violation(s) in {headers} headers")
        return 1
    print(f"{headers} headers in {len(LAYERS)} layers ({' < '.join(LAYERS)}): no back-edge; "
          f"scoring never includes training")
    return 0


if __name__ == "__main__":
    sys.exit(main())
