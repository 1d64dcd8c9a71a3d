"""Facility location, the set function f(S) = sum_i max_{j in S} sim(j, i) on the shared kNN graph, and its lazy greedy.

The ``facility`` strategy maximises it; the ``compression`` measure reads its curve; the sharded
merge (select/partition.py) runs it on the union of the shards' picks. The greedy is compiled
(``_facility_kernel``, numba). Mirzasoleiman et al. 2015 (lazy greedy), Minoux 1978.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from infopick.neighbors import KnnGraph
from infopick.typing import IntArray


def facility_k(n: int, budget: int) -> int:
    """facility's default graph degree: n / K neighbours, within 20..300 (measured: RESULTS.md, issue 3)."""
    return int(np.clip(n // max(1, budget), 20, 300))


def facility_similarity(graph: KnnGraph, *, own: IntArray | None = None, n_cols: int | None = None) -> object:
    """CSR (n, n): row j holds sim(j, i) for i = j and j's neighbours; sim = dmax - distance.

    ``own`` (m,) and ``n_cols``: the graph's rows are the points ``own`` of a pool of ``n_cols``
    (candidates serving the whole pool, as the partition-and-merge step needs): CSR (m, n_cols).
    """
    from scipy import sparse

    n, k = graph.indices.shape
    dmax = float(graph.distances.max())
    if own is None and np.all(graph.indices >= 0):
        # Every row is itself then its k neighbours: build the CSR arrays directly, ~1/5 of the
        # memory of going through (row, col, value) triples (measured 9.2 GiB at 10^6 images that way).
        cols = np.empty((n, k + 1), dtype=np.int32 if n < 2**31 else np.int64)
        cols[:, 0] = np.arange(n)
        cols[:, 1:] = graph.indices
        vals = np.empty((n, k + 1))
        vals[:, 0] = dmax
        np.subtract(dmax, graph.distances, out=vals[:, 1:], dtype=np.float64)
        order = np.argsort(cols, axis=1, kind="stable")  # canonical CSR: columns ascending within a row
        cols = np.take_along_axis(cols, order, axis=1)
        vals = np.take_along_axis(vals, order, axis=1)
        del order
        indptr = np.arange(0, n * (k + 1) + 1, k + 1, dtype=cols.dtype)
        return sparse.csr_matrix((vals.ravel(), cols.ravel(), indptr), shape=(n, n))
    own = np.arange(n) if own is None else np.asarray(own)
    rows = np.concatenate([np.arange(n), np.repeat(np.arange(n), k)])
    cols = np.concatenate([own, graph.indices.ravel()])
    vals = np.concatenate([np.full(n, dmax), dmax - graph.distances.ravel().astype(np.float64)])
    keep = cols >= 0
    return sparse.csr_matrix((vals[keep], (rows[keep], cols[keep])), shape=(n, n if n_cols is None else n_cols))


def facility_value(sim: object, picks: IntArray) -> float:
    """Facility-location objective sum_i max_{j in picks} sim[j, i] (0 where no pick serves i)."""
    sub = sim[np.asarray(picks)]  # type: ignore[index]
    return float(sub.max(axis=0).toarray().sum())


def lazy_greedy_facility(
    sim: object, budget: int, *, first: int | None = None, stop_value: float | None = None
) -> tuple[IntArray, npt.NDArray[np.float64]]:
    """Greedy facility location with lazy (stale upper-bound) gain evaluations; ``first`` forces the first pick.

    Stops after ``budget`` picks, or as soon as the objective reaches ``stop_value``. Rows of the
    CSR ``sim`` are candidates, columns the points they serve. Compiled (``_facility_kernel``).
    """
    from infopick.objectives._facility_kernel import lazy_greedy

    indptr, indices, data = sim.indptr, sim.indices, np.asarray(sim.data, dtype=np.float64)  # type: ignore[attr-defined]
    n = len(indptr) - 1
    # Each row's total similarity bounds its gain. reduceat refuses a start index equal to
    # len(data) (trailing empty rows): clamp it, then zero every empty row.
    upper = np.add.reduceat(data, np.minimum(indptr[:-1], len(data) - 1)) if len(data) else np.zeros(n)
    upper[np.diff(indptr) == 0] = 0.0
    order, gains = lazy_greedy(
        indptr, indices, data, upper, int(sim.shape[1]), int(budget), -1 if first is None else int(first),  # type: ignore[attr-defined]
        0.0 if stop_value is None else float(stop_value), stop_value is not None,
    )
    return order, gains
