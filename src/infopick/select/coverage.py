"""Density and coverage on the shared kNN graph: ``probcover``, ``typiclust``, ``facility``."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from infopick.errors import InfopickError
from infopick.neighbors import KnnGraph, knn_graph, knn_of, radius_graph
from infopick.select.base import LabelUse, Selection, Strategy, register
from infopick.select.geometry import kmeans
from infopick.typing import Features, IntArray


@register
class ProbCover(Strategy):
    """Max coverage of delta-balls: each pick covers the most points not yet within ``delta`` of a pick.

    Yehuda et al. 2022 (ProbCover). Balls come from a FAISS range search (memory O(edges),
    capped: a radius too wide shrinks until the balls fit). Coverage is counted on a random
    ``sample`` of the pool (None: all of it). ``delta=None`` takes the largest radius whose
    balls are ``purity``-pure under a seeded k-means partition into ``clusters`` groups (the
    paper's label-free rule), read off the ``k``-NN graph. Once everything is covered, picks
    are random. ``gains`` are the number of newly covered (sampled) points.
    """

    name = "probcover"
    family = "coverage"
    label_use = LabelUse.NONE
    summary = "greedy max coverage of delta-balls, delta from k-means purity"

    def __init__(
        self, *, delta: float | None = None, k: int = 50, clusters: int = 10, purity: float = 0.95, sample: int | None = 10_000
    ) -> None:
        self.delta = delta
        self.k = k
        self.clusters = clusters
        self.purity = purity
        self.sample = sample

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        x = np.ascontiguousarray(features, dtype=np.float32)
        # Coverage is counted on a random sample of the pool (every candidate can still be picked):
        # an unbiased estimate of the covered fraction, at sample/n of the search cost.
        targets = None if self.sample is None or self.sample >= len(x) else np.sort(rng.choice(len(x), self.sample, replace=False))
        rows = np.arange(len(x)) if targets is None else targets
        delta = self.delta if self.delta is not None else purity_radius(x, rows, self.k, self.clusters, self.purity, rng)
        while True:  # a radius too wide for memory shrinks until its balls fit
            try:
                indptr, indices = radius_graph(x, delta, queries=targets)
                break
            except InfopickError:
                delta *= 0.8
        idx, gains = _max_coverage(indptr, indices, len(x), budget, rng)
        return Selection(idx, self.name, self.label_use, gains, {"delta": float(delta)})


def purity_radius(
    x: npt.NDArray[np.float32], rows: IntArray, k: int, clusters: int, purity: float, rng: np.random.Generator
) -> float:
    """Largest delta such that a fraction ``purity`` of the balls around ``rows`` hold a single k-means cluster.

    A ball of radius delta around i is pure iff delta <= the distance to i's nearest
    neighbour in another cluster, so the answer is a quantile of those distances, read off
    each row's ``k`` nearest neighbours (capped at their reach, beyond which purity is not seen).
    """
    _, assign = kmeans(x, min(clusters, len(x)), rng, n_init=5)  # one bad split would shrink delta a lot
    nbr, dist = knn_of(x, rows, min(k, len(x) - 1))
    other = assign[np.maximum(nbr, 0)] != assign[rows][:, None]
    reach = float(dist.max())
    first_other = np.where(other.any(axis=1), dist[np.arange(len(rows)), other.argmax(axis=1)], reach)
    return float(np.quantile(first_other, 1 - purity))


def _max_coverage(
    indptr: IntArray, indices: IntArray, n: int, budget: int, rng: np.random.Generator
) -> tuple[IntArray, npt.NDArray[np.float64]]:
    """Greedy max coverage of m targets by n candidates; target t is covered by ``indices[indptr[t]:indptr[t+1]]``.

    Each pick takes the candidate covering the most uncovered targets (ties at random), then
    takes one off the count of every candidate that also covered each newly covered target:
    O(edges) in all.
    """
    from scipy import sparse

    m = len(indptr) - 1
    covered_by = sparse.csr_matrix((np.ones(len(indices), dtype=np.int8), indices, indptr), shape=(m, n))
    covers = covered_by.T.tocsr()  # row c: the targets candidate c covers
    degree = np.diff(covers.indptr).astype(np.float64)
    jitter = rng.random(n) * 0.5  # below 1, so it only breaks ties between equal counts
    covered = np.zeros(m, dtype=bool)
    picked = np.zeros(n, dtype=bool)
    order: list[int] = []
    gains: list[float] = []
    while len(order) < budget:
        i = int(np.argmax(np.where(picked, -1.0, degree + jitter)))
        order.append(i)
        gains.append(float(degree[i]))
        picked[i] = True
        new = covers.indices[covers.indptr[i] : covers.indptr[i + 1]]
        new = new[~covered[new]]
        if len(new):
            covered[new] = True
            hit = indptr[new], indptr[new + 1]
            degree -= np.bincount(indices[_ranges(*hit)], minlength=n)
    return np.asarray(order, dtype=np.int64), np.asarray(gains)


def _ranges(starts: IntArray, ends: IntArray) -> IntArray:
    """Concatenation of arange(s, e) for each pair, without a Python loop."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return np.arange(total) + offsets


@register
class TypiClust(Strategy):
    """The most typical point of each of ``budget`` k-means clusters, biggest cluster first.

    Hacohen et al. 2022 (TypiClust). Typicality = 1 / mean distance to the ``k`` nearest
    neighbours, read off the shared kNN graph of the whole pool (the paper uses neighbours
    within the cluster; in a cluster they mostly coincide). Picks go in rounds, one per cluster
    per round; in each round clusters smaller than ``min_cluster`` come last. ``gains`` are the
    typicalities.
    """

    name = "typiclust"
    family = "coverage"
    label_use = LabelUse.NONE
    summary = "most typical point of each k-means cluster"

    def __init__(self, *, k: int = 20, min_cluster: int = 5, n_iter: int = 20) -> None:
        self.k = k
        self.min_cluster = min_cluster
        self.n_iter = n_iter

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        x = np.ascontiguousarray(features, dtype=np.float32)
        graph = knn_graph(x, self.k)
        typicality = 1.0 / (graph.distances.mean(axis=1) + 1e-12)
        _, assign = kmeans(x, budget, rng, n_iter=self.n_iter)
        sizes = np.bincount(assign)
        # Rank every point: clusters big enough first, then by size, then by typicality within.
        # A cluster's best point has rank 0 in it; the second-best waits until every cluster gave one.
        within = _rank_within(assign, typicality, rng)
        small = sizes[assign] < self.min_cluster
        order = np.lexsort((-typicality, -sizes[assign], small, within))
        idx = order[:budget].astype(np.int64)
        return Selection(idx, self.name, self.label_use, typicality[idx].astype(np.float64))


def _rank_within(group: IntArray, score: npt.NDArray[np.floating], rng: np.random.Generator) -> IntArray:
    """Rank (0 = best) of each point's ``score`` among the points of its group; ties at random."""
    order = np.lexsort((rng.random(len(group)), -score, group))
    g = group[order]
    starts = np.flatnonzero(np.concatenate([[True], g[1:] != g[:-1]]))
    first = np.repeat(starts, np.diff(np.concatenate([starts, [len(g)]])))
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - first
    return rank


@register
class Facility(Strategy):
    """Facility location, lazy greedy on the sparse kNN graph: maximise sum_i max_{j in S} sim(j, i).

    Point j serves itself and its ``k`` nearest neighbours with sim = dmax - distance, dmax the
    largest distance in the graph (apricot's sparse euclidean convention, so values compare).
    ``k=None`` takes n / budget clipped to 20..300: with a much smaller k a pick can serve only
    a sliver of its share of the pool and greedy drifts into the densest class (measured:
    24 of 100 picks were "1"s with k=20 on MNIST UMAP, 11 with k=300).
    Lazy greedy (Minoux 1978) gives the same picks as naive greedy. The first pick is drawn
    from ``rng``. ``gains`` are the marginal gains in objective units.
    """

    name = "facility"
    family = "coverage"
    label_use = LabelUse.NONE
    summary = "facility location, lazy greedy on the kNN graph"

    def __init__(self, *, k: int | None = None) -> None:
        self.k = k

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        x = np.ascontiguousarray(features, dtype=np.float32)
        k = self.k if self.k is not None else facility_k(len(x), budget)
        sim = facility_similarity(knn_graph(x, k))
        idx, gains = lazy_greedy_facility(sim, budget, first=int(rng.integers(len(x))))
        return Selection(idx, self.name, self.label_use, gains, {"k": k})


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
    from infopick.select._facility_kernel import lazy_greedy

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
