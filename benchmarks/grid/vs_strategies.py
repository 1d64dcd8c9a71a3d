"""Do the cells of an `infopick bench` directory reproduce the strategy benchmark's stored accuracies?

Reproduce (after the MNIST grid of RESULTS.md has run)::

    .venv/bin/infopick bench --data mnist --strategies auto,facility,kmeans,kcenter,probcover,typiclust \\
        --budgets 100,1000 --seeds 3 --out benchmarks/mnist-bench
    .venv/bin/python -m benchmarks.grid.vs_strategies benchmarks/mnist-bench

A cell matches when a stored fast-recipe row of the same strategy (at its default parameters and
embedding), budget and seed has the same test and pool accuracy to 1e-9.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.common import load_rows, recipe_id, results_dir
from infopick.bench import read_rows
from infopick.select import get_strategy

HERE = results_dir("game")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dir")
    a = p.parse_args()
    rid = recipe_id("fast")
    stored = [r for f in ("strategies.jsonl", "game_baselines.jsonl") for r in load_rows(HERE / f) if r["recipe_id"] == rid]
    same = differ = missing = 0
    for r in read_rows(Path(a.dir) / "results.jsonl"):
        defaults = get_strategy(r["strategy"]).params()
        old = [s for s in stored if s["strategy"] == r["strategy"] and s["budget"] == r["budget"] and s["seed"] == r["seed"]
               and s.get("embed") == r.get("embed") and (s.get("params") in (None, defaults))]
        if not old:
            missing += 1
            continue
        hit = any(abs(s["accuracy_test"] - r["accuracy_test"]) < 1e-9 and abs(s["accuracy_pool"] - r["accuracy_pool"]) < 1e-9 for s in old)
        same += hit
        differ += not hit
        if not hit:
            print("differs:", json.dumps({k: r[k] for k in ("strategy", "budget", "seed", "accuracy_test")}), [s["accuracy_test"] for s in old])
    print(f"{same} cells identical to the stored benchmark, {differ} differ, {missing} without a stored counterpart")


if __name__ == "__main__":
    main()
