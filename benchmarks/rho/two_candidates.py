"""Issue 4: two label-free measures declared before being scored, Spearman rho of M/N with test accuracy.

Reproduce::

    .venv/bin/python -m benchmarks.rho.two_candidates

Declared in this order, each before its numbers were seen (the earlier variant scan on these cells
had found ``coding-rate dims=10``, which failed out of sample; see RESULTS.md):

1. ``clustered coding rate``: the coding rate of ``coding-rate`` (PCA-50, centred unit rows,
   eps^2 = 0.5) summed over 10 k-means clusters of the pool (seed 0), as MCR^2 sums it over
   classes (Yu et al. 2020), here with label-free clusters: class skew should cost bits.
2. ``coverage at the budget's resolution``: ``coverage`` bits with delta_K = the median distance
   (PCA-50) from a pool image to its nearest pick in a random K-subset (seed 0), instead of
   ProbCover's fixed purity radius: a K-image codebook is judged at the resolution K images reach.

Cells: benchmarks/grid/mnist-bench (K=100 and 1000, 78 each) and benchmarks/grid/mnist-bench-k300 (K=300,
20 cells, not used to declare either). 95 % interval: percentile bootstrap over cells (2000, seed 0).
"""

from __future__ import annotations

from collections.abc import Callable

import faiss
import numpy as np

import infopick
from benchmarks.common import ROOT, rho_text
from infopick.bench.store import read_rows
from infopick.embed import embed
from infopick.measure import fit_pool
from infopick.objectives.geometry import kmeans
from infopick.objectives.rows import unit_rows
from infopick.select.io import read_selection

BENCHES = (ROOT / "grid" / "mnist-bench", ROOT / "grid" / "mnist-bench-k300")


def budget_delta(pool: infopick.Pool, x: np.ndarray, budget: int) -> float:
    """Candidate 2's resolution: median distance (rows of ``x``, the PCA-50) from a pool image to its
    nearest pick in a random ``budget``-subset, seed 0."""
    index = faiss.IndexFlatL2(x.shape[1])
    index.add(x[infopick.select(pool, budget, "random", seed=0).indices])
    d2, _ = index.search(x, 1)
    return float(np.median(np.sqrt(np.maximum(d2[:, 0], 0))))


def main() -> None:
    pool = infopick.load("mnist")
    x = np.ascontiguousarray(embed(pool, "pca"), dtype=np.float32)
    z = unit_rows(x.astype(np.float64))
    _, cluster = kmeans(z.astype(np.float32), 10, np.random.default_rng(0))
    alpha = z.shape[1] / 0.5

    def clustered_bits(idx: np.ndarray) -> float:
        total = 0.0
        for c in range(10):
            zs = z[idx[cluster[idx] == c]]
            total += 0.5 * np.linalg.slogdet(np.eye(z.shape[1]) + alpha * zs.T @ zs)[1] / np.log(2)
        return total

    pool_bits = clustered_bits(np.arange(len(z)))

    print("| candidate | cells | K | parameter | Spearman rho | 95 % interval |\n|---|---|---|---|---|---|")
    for bench in BENCHES:
        rows = [r for r in read_rows(bench / "results.jsonl") if r["strategy"] != "auto" and r["accuracy_test"] is not None]
        for budget in sorted({r["budget"] for r in rows}):
            cells = [r for r in rows if r["budget"] == budget]
            picks = [read_selection(pool, bench / r["selection"]).indices for r in cells]
            acc = np.array([r["accuracy_test"] for r in cells])
            delta = budget_delta(pool, x, budget)
            cov = fit_pool(pool, "coverage", delta=delta)
            candidates: dict[str, tuple[str, Callable[[np.ndarray], float]]] = {
                "clustered coding rate": ("10 clusters", lambda idx: clustered_bits(idx) / pool_bits),
                "coverage at the budget's resolution": (f"delta {delta:.3f}", cov.fraction),
            }
            for name, (param, fraction) in candidates.items():
                f = np.array([fraction(idx) for idx in picks])
                print(f"| {name} | {bench.name} | {budget} | {param} | {rho_text(f, acc)} |", flush=True)


if __name__ == "__main__":
    main()
