"""Does a measure's M/N track accuracy? Spearman rho over the cells of a bench directory, per budget.

Reproduce: ``.venv/bin/python benchmarks/bench_rho.py benchmarks/mnist-bench``

Each cell of ``infopick bench`` stores the M/N (``fraction``) of every measure for its selection
and the test accuracy of the game played on it. ``auto`` is left out (it repeats the strategy it
delegates to). Interval: 95 % bootstrap over cells (2000 resamples, seed 0).
"""

from __future__ import annotations

import sys

import numpy as np
from scipy.stats import spearmanr

from infopick.bench.store import read_rows


def main(directory: str) -> None:
    rows = [r for r in read_rows(f"{directory}/results.jsonl") if r["strategy"] != "auto" and r["accuracy_test"] is not None]
    rng = np.random.default_rng(0)
    print("| K | measure | cells | rho | 95 % interval |\n|---|---|---|---|---|")
    for budget in sorted({r["budget"] for r in rows}):
        cells = [r for r in rows if r["budget"] == budget]
        acc = np.array([r["accuracy_test"] for r in cells])
        for name in sorted(cells[0]["fraction"]):
            frac = np.array([r["fraction"][name] for r in cells])
            boots = [spearmanr(frac[i], acc[i]).statistic for i in rng.integers(0, len(cells), (2000, len(cells)))]
            lo, hi = np.nanpercentile(boots, [2.5, 97.5])
            print(f"| {budget} | {name} | {len(cells)} | {spearmanr(frac, acc).statistic:.2f} | [{lo:.2f}, {hi:.2f}] |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/mnist-bench")
