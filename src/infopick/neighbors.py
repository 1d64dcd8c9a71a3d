"""The k-nearest-neighbour graph (FAISS), shared by every strategy and measure that needs neighbours.

Memory is O(n k): nothing here builds an n x n matrix. Up to ``EXACT_UP_TO`` points the
search is exact (``IndexFlatL2``); above, an inverted file (``IndexIVFFlat``) whose coarse
quantiser is trained with a fixed seed, so the graph is still deterministic. The environment
variable ``INFOPICK_KNN=exact|ivf`` overrides the choice (``auto`` by default).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from infopick.errors import InfopickError

EXACT_UP_TO = 20_000


@dataclass(frozen=True)
class KnnGraph:
    """Each point's ``k`` nearest other points, nearest first.

    Attributes
    ----------
    indices : int64 (n, k), neighbour indices, never the point itself (-1 where fewer than k exist)
    distances : float32 (n, k), Euclidean distances (not squared), ascending along each row
    """

    indices: npt.NDArray[np.int64]
    distances: npt.NDArray[np.float32]

    @property
    def k(self) -> int:
        return int(self.indices.shape[1])


def knn_graph(features: npt.ArrayLike, k: int, *, exact: bool | None = None, seed: int = 0) -> KnnGraph:
    """The ``k`` nearest neighbours (Euclidean) of every row of ``features`` (n, d) among the others.

    ``exact=None`` chooses exact search up to ``EXACT_UP_TO`` points. The approximate index
    probes enough lists to find ~99 % of true neighbours on MNIST-like data (see tests).
    """
    x = np.ascontiguousarray(features, dtype=np.float32)
    if x.ndim != 2 or len(x) < 2:
        raise InfopickError(f"a kNN graph needs features of shape (n >= 2, d), got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise InfopickError("features contain NaN or inf")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise InfopickError(f"k must be a positive integer, got {k!r}")
    k = min(int(k), len(x) - 1)
    exact = _exact(len(x)) if exact is None else exact
    # Several strategies (and a benchmark running many) ask for the same graph: keep the last few.
    key = (_digest(x), k, exact, seed)
    if key not in _RECENT:
        if len(_RECENT) >= 2:
            _RECENT.pop(next(iter(_RECENT)))
        _RECENT[key] = KnnGraph(*knn_of(x, np.arange(len(x)), k, exact=exact, seed=seed))
    return _RECENT[key]


def knn_of(
    features: npt.NDArray[np.float32], rows: npt.NDArray[np.int64], k: int, *, exact: bool | None = None, seed: int = 0
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """The ``k`` nearest other points of the points ``rows`` only: (indices, distances), each (len(rows), k).

    For statistics over a sample of the pool, at len(rows) / n of the cost of the whole graph.
    """
    x = np.ascontiguousarray(features, dtype=np.float32)
    exact = _exact(len(x)) if exact is None else exact
    dist2, idx = _cached_index(x, exact=exact, seed=seed).search(x[rows], k + 1)  # type: ignore[attr-defined]
    idx, dist2 = _drop_self(idx.astype(np.int64), dist2, np.asarray(rows, dtype=np.int64))
    return idx, np.sqrt(np.maximum(dist2, 0)).astype(np.float32)


def _exact(n: int) -> bool:
    """Exact search up to ``EXACT_UP_TO`` points, IVF above; ``INFOPICK_KNN=exact|ivf`` overrides the choice."""
    import os

    choice = os.environ.get("INFOPICK_KNN", "auto")
    if choice not in ("auto", "exact", "ivf"):
        raise InfopickError(f"INFOPICK_KNN must be auto, exact or ivf, got {choice!r}")
    return n <= EXACT_UP_TO if choice == "auto" else choice == "exact"


_RECENT: dict[tuple[object, ...], KnnGraph] = {}
_INDEX: dict[tuple[object, ...], object] = {}


def _digest(x: npt.NDArray[np.float32]) -> tuple[str, tuple[int, ...]]:
    return hashlib.sha1(x.data).hexdigest(), x.shape


def _cached_index(x: npt.NDArray[np.float32], *, exact: bool, seed: int) -> object:
    """The FAISS index of ``x``; the last one is kept, so a kNN search and a range search share it."""
    key = (_digest(x), exact, seed)
    if key not in _INDEX:
        _INDEX.clear()
        _INDEX[key] = _index(x, exact=exact, seed=seed)
    return _INDEX[key]


def clear_cache() -> None:
    """Forget the graphs and the index kept in memory (benchmarks time strategies cold)."""
    _RECENT.clear()
    _INDEX.clear()


def _index(x: npt.NDArray[np.float32], *, exact: bool, seed: int) -> object:
    import faiss

    n, d = x.shape
    index: Any
    if exact:
        index = faiss.IndexFlatL2(d)
    else:
        nlist = int(min(4096, max(16, 4 * np.sqrt(n))))
        index = faiss.IndexIVFFlat(faiss.IndexFlatL2(d), d, nlist)
        index.cp.seed = seed  # k-means of the coarse quantiser: seeded, so the graph is reproducible
        index.cp.min_points_per_centroid = 5  # FAISS otherwise warns on stderr below 39 points per list
        index.train(x)
        index.nprobe = max(16, nlist // 32)  # recall@50 0.99 on MNIST PCA-50 (benchmarks/RESULTS.md)
    index.add(x)
    return index


def radius_graph(
    features: npt.ArrayLike, radius: float, *, queries: npt.NDArray[np.int64] | None = None,
    max_edges: int = 50_000_000, exact: bool | None = None, seed: int = 0,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For each query row (default: every row), every point closer than ``radius`` (Euclidean),
    itself included, as CSR ``(indptr (m+1,), indices)`` into ``features``.

    Memory is O(edges): a radius whose balls would hold more than ``max_edges`` pairs in all
    (estimated on a sample first) is refused with an error naming the estimate.
    """
    x = np.ascontiguousarray(features, dtype=np.float32)
    q = x if queries is None else x[queries]
    exact = _exact(len(x)) if exact is None else exact
    index = _cached_index(x, exact=exact, seed=seed)
    sample = q[np.linspace(0, len(q) - 1, min(len(q), 500)).astype(np.int64)]
    lims, _, _ = index.range_search(sample, float(radius) ** 2)  # type: ignore[attr-defined]
    estimate = lims[-1] / len(sample) * len(q)
    if estimate > max_edges:
        raise InfopickError(f"radius {radius:.4g} gives ~{estimate:.3g} neighbour pairs, over the limit of {max_edges:.3g}")
    lims, _, idx = index.range_search(q, float(radius) ** 2)  # type: ignore[attr-defined]
    lims, idx = lims.astype(np.int64), idx.astype(np.int64)
    own = np.arange(len(x)) if queries is None else np.asarray(queries, dtype=np.int64)
    rows = np.repeat(np.arange(len(q)), np.diff(lims))
    has_self = np.zeros(len(q), dtype=bool)
    has_self[rows[idx == own[rows]]] = True
    if not has_self.all():  # a zero radius, or an approximate search that skipped a point's own list
        return _with_self(lims, idx, ~has_self, own)
    return lims, idx


def _with_self(
    lims: npt.NDArray[np.int64], idx: npt.NDArray[np.int64], missing: npt.NDArray[np.bool_], own: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Insert row i's own point ``own[i]`` at the front of each row ``missing`` it."""
    add = missing.astype(np.int64)
    new_lims = lims + np.concatenate([[0], np.cumsum(add)])
    out = np.empty(new_lims[-1], dtype=np.int64)
    rows = np.repeat(np.arange(len(lims) - 1), np.diff(lims))
    out[np.arange(len(idx)) + np.cumsum(add)[rows]] = idx
    out[new_lims[:-1][missing]] = own[missing]
    return new_lims, out


def _drop_self(
    idx: npt.NDArray[np.int64], dist2: npt.NDArray[np.float32], own: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Remove each row's own point ``own[i]`` (or, where exact duplicates hid it, the last column)."""
    m, k1 = idx.shape
    is_self = idx == own[:, None]
    # A row where self was not returned (ties among duplicates) drops its farthest column instead.
    missing = ~is_self.any(axis=1)
    is_self[missing, k1 - 1] = True
    first = is_self & (np.cumsum(is_self, axis=1) == 1)  # exactly one column per row goes
    keep = ~first
    return idx[keep].reshape(m, k1 - 1), dist2[keep].reshape(m, k1 - 1)


def isolated(features: npt.ArrayLike, z: float, *, k: int = 10) -> tuple[npt.NDArray[np.bool_], float]:
    """Rows whose distance to their ``k``-th neighbour is an outlier of the pool's: (mask (n,), radius).

    The modified z-score (Iglewicz & Hoaglin 1993) of the log k-NN distance, from the median and
    the MAD over every row; a row is isolated above ``z`` (radius = the k-NN distance there, feature
    units; inf, and nothing isolated, when the MAD is 0 or fewer than k + 2 rows). What ``auto``
    drops and ``invariant-coverage`` leaves out as junk.
    """
    x = np.asarray(features)
    n = len(x)
    if n < k + 2:
        return np.zeros(n, dtype=bool), float("inf")
    log_reach = np.log(np.maximum(knn_graph(x, k).distances[:, -1].astype(np.float64), 1e-12))
    med = float(np.median(log_reach))
    mad = 1.4826 * float(np.median(np.abs(log_reach - med)))
    if mad == 0:
        return np.zeros(n, dtype=bool), float("inf")
    return log_reach > med + z * mad, float(np.exp(med + z * mad))


def leader_groups(graph: KnnGraph, reach: npt.NDArray[np.floating], radius: float,
                  eligible: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.int64]:
    """Each row's group leader (-1 where not ``eligible``): rows in order of ``reach`` (most central
    first), each ungrouped one leads its ungrouped eligible graph neighbours within ``radius``.
    No chaining: every member lies within ``radius`` of its leader (SemDeDup's one-per-ball)."""
    n = len(graph.indices)
    ok = np.ones(n, dtype=bool) if eligible is None else eligible
    group = np.full(n, -1, dtype=np.int64)
    close = (graph.distances <= radius) & (graph.indices >= 0)
    for i in np.lexsort((np.arange(n), reach)):
        if group[i] >= 0 or not ok[i]:
            continue
        group[i] = i
        js = graph.indices[i][close[i]]
        group[js[(group[js] < 0) & ok[js]]] = i
    return group
