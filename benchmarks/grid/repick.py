"""Do the stored selections of the MNIST bench grid re-pick to the same indices with today's code?

    .venv/bin/python -m benchmarks.grid.repick [--strategies facility,kcenter] [--seeds 0] [--budgets 100,1000]

Each stored ``selections/STRATEGY-KK-sS.csv`` was written by ``infopick bench`` (seed S, the default
embedding); this re-runs ``select`` with the same strategy, budget and seed and compares the
indices in pick order. Prints one line per file and exits 1 if any differs. ``auto`` is not in the
default list (its screen takes a minute); name it to check its files (``--strategies auto --seeds 0,1,2``).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def main() -> int:
    import infopick

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--strategies", default="facility,kmeans,kcenter,probcover,typiclust,herding,logdet,extremes,random")
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--budgets", default="100,1000")
    ap.add_argument("--dir", type=Path, default=HERE / "mnist-bench" / "selections")
    a = ap.parse_args()
    pool = infopick.load("mnist")
    bad = 0
    for s in a.strategies.split(","):
        for k in map(int, a.budgets.split(",")):
            for seed in map(int, a.seeds.split(",")):
                path = a.dir / f"{s}-K{k}-s{seed}.csv"
                if not path.is_file():
                    continue
                with path.open() as fh:
                    stored = np.array([int(r["index"]) for r in csv.DictReader(fh)])
                now = infopick.select(pool, k, s, seed=seed).indices
                same = np.array_equal(stored, now)
                bad += not same
                print(f"{path.name}: {'same' if same else 'DIFFERENT'} ({len(stored)} indices)", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
