"""Seconds each strategy takes to pick K of MNIST's 60000 once the embedding exists, cold.

Reproduce (from the repository root, after `make demo`)::

    .venv/bin/python -m benchmarks.timing.run --budgets 100,1000 > benchmarks/timing/results/select_timing.md

Each strategy runs in a fresh state (the in-memory kNN graph cache emptied), so the time includes
building the kNN graph, k-means and every other step; the embedding (cached on disk) does not.
Prints a markdown table: strategy, embedding, K, seconds, picks per class (min-max).
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

import infopick
from infopick import neighbors
from infopick.embed import DEFAULT_EMBED, embed
from infopick.select import Input, registry


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--budgets", default="100,1000")
    p.add_argument("--strategies", default=",".join(registry()))
    p.add_argument("--embed", default=DEFAULT_EMBED)
    a = p.parse_args()
    import torch

    pool = infopick.load("mnist")
    embed(pool, a.embed)  # computed or read once, outside the clock
    print(f"MNIST 60000, embedding {a.embed}; {platform.machine()}, torch threads {torch.get_num_threads()}\n")
    print("| strategy | reads | K | seconds | picks per class min-max |")
    print("|---|---|---|---|---|")
    for name in a.strategies.split(","):
        for budget in (int(b) for b in a.budgets.split(",")):
            neighbors.clear_cache()
            t0 = time.perf_counter()
            sel = infopick.select(pool, budget, name, seed=0, embed=a.embed)
            seconds = time.perf_counter() - t0 - sel.meta["embed_seconds"]
            counts = np.bincount(pool.labels[sel.indices], minlength=len(pool.classes))
            reads = a.embed if registry()[name].input is Input.FEATURES else registry()[name].input.value
            print(f"| {name} | {reads} | {budget} | {seconds:.2f} | {counts.min()}-{counts.max()} |", flush=True)


if __name__ == "__main__":
    main()
