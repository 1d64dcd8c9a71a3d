"""Geometry: ``kcenter`` (farthest-first), ``kmeans`` (nearest to each centroid), ``herding``."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from infopick._util import seed_int
from infopick.select.base import LabelUse, Selection, Strategy, register
from infopick.typing import Features, IntArray


@register
class KCenter(Strategy):
    """Farthest-first traversal: each pick is the point farthest from all picks so far.

    Greedy 2-approximation of the k-center problem (Gonzalez 1985); the core-set of Sener &
    Savarese 2018. The first pick is drawn from ``rng``. ``gains`` are the covering radius
    (feature units) at each pick. O(n d) per pick, no n x n matrix.
    """

    name = "kcenter"
    family = "geometry"
    label_use = LabelUse.NONE
    summary = "farthest-first traversal (k-center greedy, core-set)"

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        x = np.asarray(features, dtype=np.float32)
        idx, radius = farthest_first(x, budget, np.array([rng.integers(len(x))]))
        return Selection(idx, self.name, self.label_use, radius)


def farthest_first(x: npt.NDArray[np.float32], budget: int, start: IntArray) -> tuple[IntArray, npt.NDArray[np.float64]]:
    """Extend the picks ``start`` farthest-first to ``budget``; returns (indices, distance of each pick when taken)."""
    sq = np.einsum("ij,ij->i", x, x)
    d2 = np.full(len(x), np.inf)
    picked = list(start[:budget])
    gains = [np.inf] * len(picked)
    for i in picked:
        np.minimum(d2, sq - 2 * (x @ x[i]) + sq[i], out=d2)
    d2[picked] = -1.0
    while len(picked) < budget:
        i = int(np.argmax(d2))
        gains.append(float(np.sqrt(max(d2[i], 0.0))))
        picked.append(i)
        np.minimum(d2, sq - 2 * (x @ x[i]) + sq[i], out=d2)
        # Rounding can leave the new pick at a tiny positive distance; earlier picks stay at -1 (a
        # minimum never rises). Marking only the new one keeps each step O(n), not O(n + picks).
        d2[i] = -1.0
    return np.asarray(picked, dtype=np.int64), np.asarray(gains)


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


def kmeans(
    x: npt.NDArray[np.float32], k: int, rng: np.random.Generator, *, n_iter: int = 20, n_init: int = 1
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    """Lloyd's k-means on ``x`` (n, d): centroids (k, d) and each point's cluster (n,).

    FAISS, seeded; the best of ``n_init`` random starts (lowest within-cluster squared error).
    """
    import faiss

    n, d = x.shape
    k = min(k, n)
    km = faiss.Kmeans(d, k, niter=n_iter, nredo=n_init, seed=seed_int(rng) % 2**31, verbose=False,
                      min_points_per_centroid=1, max_points_per_centroid=max(256, -(-n // k)))
    km.train(x)
    _, assign = km.index.search(x, 1)
    assert km.centroids is not None  # set by train()
    return km.centroids.astype(np.float32), assign[:, 0].astype(np.int64)


def nearest_unique(x: npt.NDArray[np.float32], targets: npt.NDArray[np.float32], budget: int, rng: np.random.Generator) -> IntArray:
    """For each target in order, the nearest pool point not yet taken; random points fill any shortfall."""
    import faiss

    index = faiss.IndexFlatL2(x.shape[1])
    index.add(x)
    _, near = index.search(np.ascontiguousarray(targets, dtype=np.float32), min(16, len(x)))
    taken = np.zeros(len(x), dtype=bool)
    picked: list[int] = []
    for row in near:
        free = row[(row >= 0) & ~taken[np.maximum(row, 0)]]
        if len(free):
            picked.append(int(free[0]))
            taken[free[0]] = True
    if len(picked) < budget:  # centroids that collapsed onto the same points
        rest = rng.permutation(np.flatnonzero(~taken))[: budget - len(picked)]
        picked.extend(int(i) for i in rest)
    return np.asarray(picked[:budget], dtype=np.int64)


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
