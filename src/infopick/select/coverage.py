"""Density and coverage on the shared kNN graph: ``probcover``, ``typiclust``, ``facility``."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from infopick.errors import InfopickError
from infopick.neighbors import KnnGraph, knn_graph, knn_of, radius_graph
from infopick.objectives.coverage import max_coverage, purity_radius
from infopick.objectives.facility import facility_k, facility_similarity, lazy_greedy_facility
from infopick.objectives.geometry import farthest_first, kmeans
from infopick.select.base import LabelUse, Selection, Strategy, register
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

    continues = True

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        return self._cover(features, budget, rng, None)

    def continue_from(self, features: Features, budget: int, given: IntArray, *, rng: np.random.Generator,
                      given_labels: npt.NDArray[np.int64] | None = None, labels: npt.NDArray[np.int64] | None = None,
                      images: Any = None) -> Selection:
        return self._cover(features, budget, rng, given)

    def _cover(self, features: Features, budget: int, rng: np.random.Generator, given: IntArray | None) -> Selection:
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
        idx, gains = max_coverage(indptr, indices, len(x), budget, rng, start=given)
        return Selection(idx, self.name, self.label_use, gains, {"delta": float(delta)})


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
    shardable = True
    shard_offer = 4  # each shard offers 4 x the budget, so the merge has real choices (GreeDi's kappa > k)

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

    continues = True

    def continue_from(self, features: Features, budget: int, given: IntArray, *, rng: np.random.Generator,
                      given_labels: npt.NDArray[np.int64] | None = None, labels: npt.NDArray[np.int64] | None = None,
                      images: Any = None) -> Selection:
        """Greedy on f(G + T) - f(G) = facility location of T under (sim - what G already serves)+, G's rows no candidates."""
        from scipy import sparse

        x = np.ascontiguousarray(features, dtype=np.float32)
        k = self.k if self.k is not None else facility_k(len(x), len(given) + budget)
        sim = sparse.csr_matrix(facility_similarity(knn_graph(x, k)), copy=True)
        served = np.asarray(sim[given].max(axis=0).toarray()).ravel()
        sim.data = np.maximum(sim.data - served[sim.indices], 0).astype(sim.data.dtype)
        keep = np.ones(len(x))
        keep[given] = 0.0
        sim = (sparse.diags(keep) @ sim).tocsr()
        sim.eliminate_zeros()
        idx, _ = lazy_greedy_facility(sim, budget)
        out = np.asarray([i for i in idx if keep[i]], dtype=np.int64)[:budget]
        if len(out) < budget:  # nothing left to serve: spread the rest out from everything picked so far
            more, _ = farthest_first(x, len(given) + budget, np.concatenate([given, out]))
            out = np.concatenate([out, more[len(given) + len(out):]])
        return Selection(out, self.name, self.label_use, None, {"k": k})

    def merge(self, features: Features, union: IntArray, budget: int, seed: int) -> IntArray:
        """Lazy greedy over the candidates ``union``, each serving its neighbours in the whole pool (not only the union)."""
        x = np.ascontiguousarray(features, dtype=np.float32)
        k = self.k if self.k is not None else facility_k(len(x), budget)
        # The strategy's similarity (dmax - distance, a candidate serves itself with dmax), rows = candidates.
        sim = facility_similarity(KnnGraph(*knn_of(x, union, min(k, len(x) - 1))), own=union, n_cols=len(x))
        order, _ = lazy_greedy_facility(sim, budget)
        return union[order]


