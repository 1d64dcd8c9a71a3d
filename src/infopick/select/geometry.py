"""Geometry: ``kcenter`` (farthest-first), ``kmeans`` (nearest to each centroid), ``herding``."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from infopick.objectives.geometry import farthest_first, kmeans, nearest_unique, proportional_quota
from infopick.select.base import LabelUse, Selection, Strategy, register
from infopick.typing import Features, IntArray


@register
class KCenter(Strategy):
    """Farthest-first traversal: each pick is the point farthest from all picks so far.

    Greedy 2-approximation of the k-center problem (Gonzalez 1985); the core-set of Sener &
    Savarese 2018. The first pick is drawn from ``rng``. ``gains`` are the covering radius
    (feature units) at each pick. O(n d) per pick, no n x n matrix.

    ``strata=c`` (0 or 1: off): split the pool into c k-means cells, give each cell the budget's share of
    its size (largest remainder), run farthest-first inside each and interleave the cells' picks in
    proportion. Farthest-first alone spreads picks by the space a region spans, not by how many images
    it holds (on a long-tailed pool it gave the big, spread-out class more than its share and the
    compact middle classes half of theirs); the strata keep the counts near random's and the spread
    within each cell. Continued (``given``), each cell is topped up toward its share of the larger
    budget: not the exact rest of a longer run, whose quotas would differ.

    ``typical=t`` (0: off, up to 1): farthest-first starts from typical images instead of one random
    one: the pool point nearest each of ceil(t x q) k-means centroids of a cell with quota q (of the
    pool, without strata), then farthest-first takes the rest. A small cell's few picks are then its
    commonest shapes, not its most unusual ones (TypiClust's point, Hacohen et al. 2022); t = 1 is
    stratified k-means. Cells the ``given`` rows already reach keep starting from those.
    """

    name = "kcenter"
    shardable = True  # two rounds of farthest-first keep a constant-factor radius (Malkomes et al. 2015)
    family = "geometry"
    label_use = LabelUse.NONE
    summary = "farthest-first traversal (k-center greedy, core-set)"
    ranges = {"typical": (0.0, 1.0)}  # a share of each cell's quota

    def __init__(self, *, support: int = 0, strata: int = 0, typical: float = 0.0) -> None:
        self.support = support  # 0: plain; m > 0: a pick must have m neighbours within half its distance
        self.strata = strata
        self.typical = typical

    def _start(self, x: npt.NDArray[np.float32], quota: int, rng: np.random.Generator) -> IntArray:
        """Where farthest-first starts in ``x`` for ``quota`` picks: one random row, or ``typical``'s medoids."""
        if not self.typical:
            return np.array([rng.integers(len(x))])
        m = min(len(x), max(1, int(np.ceil(self.typical * quota))))
        xc = np.ascontiguousarray(x)
        centroids, _ = kmeans(xc, m, rng)
        return nearest_unique(xc, centroids, m, rng)

    def _reach(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float64] | None:
        """Twice each point's distance to its ``support``-th neighbour (``farthest_first``'s eligibility), or None."""
        if not self.support or len(x) <= self.support:
            return None
        from infopick.neighbors import knn_graph

        return 2.0 * knn_graph(x, self.support).distances[:, -1].astype(np.float64)

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        x = np.asarray(features, dtype=np.float32)
        if self.strata > 1:
            return self._stratified(x, budget, rng)
        idx, radius = farthest_first(x, budget, self._start(x, budget, rng), self._reach(x))
        return Selection(idx, self.name, self.label_use, radius)

    def _stratified(self, x: npt.NDArray[np.float32], budget: int, rng: np.random.Generator,
                    given: IntArray | None = None) -> Selection:
        """Farthest-first inside k-means cells, ``budget`` shared by cell size; with ``given``, each cell is
        topped up from its given rows toward its share of the given and the new picks together."""
        _, cell = kmeans(np.ascontiguousarray(x), self.strata, rng)
        sizes = np.bincount(cell)
        given = np.zeros(0, dtype=np.int64) if given is None else given
        have = np.bincount(cell[given], minlength=len(sizes))
        want = np.maximum(proportional_quota(sizes, budget + int(have.sum())) - have, 0)
        quota = proportional_quota(want, budget)  # cells the given rows over-served get none
        picks, when, radius = [], [], []
        for c in np.flatnonzero(quota):
            rows = np.flatnonzero(cell == c)
            xs = x[rows]
            start = np.flatnonzero(np.isin(rows, given)) if have[c] else self._start(xs, int(quota[c]), rng)
            idx, r = farthest_first(xs, int(have[c] + quota[c]), start, self._reach(xs))
            idx, r = idx[int(have[c]):], r[int(have[c]):]
            picks.append(rows[idx])
            radius.append(r)
            when.append((np.arange(len(idx)) + 0.5) / quota[c])  # a cell's j-th pick comes at j / its quota
        order = np.argsort(np.concatenate(when), kind="stable")
        return Selection(np.concatenate(picks)[order], self.name, self.label_use, np.concatenate(radius)[order],
                         meta={"strata": int(len(sizes)), "cells_picked": int(np.count_nonzero(quota))})

    continues = True

    def continue_from(self, features: Features, budget: int, given: IntArray, *, rng: np.random.Generator,
                      given_labels: npt.NDArray[np.int64] | None = None, labels: npt.NDArray[np.int64] | None = None,
                      images: Any = None) -> Selection:
        x = np.asarray(features, dtype=np.float32)
        if self.strata > 1:
            return self._stratified(x, budget, rng, given)
        idx, radius = farthest_first(x, len(given) + budget, given, self._reach(x))
        return Selection(idx[len(given):], self.name, self.label_use, radius[len(given):])


@register
class KMeans(Strategy):
    """The pool point nearest to each of ``budget`` k-means centroids, biggest cluster first.

    Lloyd's k-means (FAISS, ``n_iter`` iterations, seeded). ``gains`` are the cluster sizes.
    """

    name = "kmeans"
    family = "geometry"
    label_use = LabelUse.NONE
    summary = "point nearest to each k-means centroid"

    def __init__(self, *, n_iter: int = 20) -> None:
        self.n_iter = n_iter

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        x = np.ascontiguousarray(features, dtype=np.float32)
        centroids, assign = kmeans(x, budget, rng, n_iter=self.n_iter)
        sizes = np.bincount(assign, minlength=len(centroids))
        order = np.argsort(-sizes, kind="stable")
        idx = nearest_unique(x, centroids[order], budget, rng)
        gains = np.concatenate([sizes[order], np.zeros(budget - len(order))])[: len(idx)].astype(np.float64)
        return Selection(idx, self.name, self.label_use, gains)


@register
class Herding(Strategy):
    """Kernel herding with the linear kernel: keep the mean of the picks close to the pool mean.

    Pick t+1 minimises ||mu - (sum of picks + x) / (t + 1)|| (Welling 2009; Chen et al. 2010; the
    DeepCore variant). The first pick is drawn from ``rng``. ``gains`` are the drop in that distance.
    """

    name = "herding"
    family = "geometry"
    label_use = LabelUse.NONE
    summary = "kernel herding: match the pool mean in feature space"

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        x = np.asarray(features, dtype=np.float64)
        mu = x.mean(axis=0)
        sq = np.einsum("ij,ij->i", x, x)
        first = int(rng.integers(len(x)))
        picked, total = [first], x[first].copy()
        available = np.ones(len(x), dtype=bool)
        available[first] = False
        dist = [float(np.linalg.norm(mu - total))]
        for t in range(1, budget):
            w = mu * (t + 1) - total
            # ||w - x||^2 = ||w||^2 - 2 w.x + ||x||^2; the first term is the same for every x.
            score = np.where(available, 2 * (x @ w) - sq, -np.inf)
            i = int(np.argmax(score))
            picked.append(i)
            available[i] = False
            total += x[i]
            dist.append(float(np.linalg.norm(mu - total / (t + 1))))
        gains = -np.diff(np.concatenate([[np.linalg.norm(mu)], dist]))
        return Selection(np.asarray(picked, dtype=np.int64), self.name, self.label_use, gains)
