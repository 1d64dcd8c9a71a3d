"""Farthest-first traversal (k-center, Gonzalez 1985), k-means (FAISS) and the nearest distinct rows to targets."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from infopick._util import seed_int
from infopick.typing import IntArray


def farthest_first(x: npt.NDArray[np.float32], budget: int, start: IntArray,
                   reach: npt.NDArray[np.float64] | None = None) -> tuple[IntArray, npt.NDArray[np.float64]]:
    """Extend the picks ``start`` farthest-first to ``budget``; returns (indices, distance of each pick when taken).

    With ``reach`` (n,), feature units, a point is eligible only while its distance to the picks is at
    least its reach: the farthest eligible point is taken, the farthest of all only when none is. With
    reach = 2 x the m-th neighbour distance, a pick's ball of half its distance holds m other points,
    so it serves a group, not a lone outlier (the greedy rule of k-center with outliers, Charikar et
    al. 2001, with the ball count read off a k-NN graph).
    """
    sq = np.einsum("ij,ij->i", x, x)
    d2 = np.full(len(x), np.inf)
    picked = list(start[:budget])
    gains = [np.inf] * len(picked)
    for i in picked:
        np.minimum(d2, sq - 2 * (x @ x[i]) + sq[i], out=d2)
    d2[picked] = -1.0
    reach2 = None if reach is None else np.square(reach)
    while len(picked) < budget:
        if reach2 is None:
            i = int(np.argmax(d2))
        else:  # picks sit at -1, so a masked maximum below 0 means no point is eligible
            eligible = np.where(d2 >= reach2, d2, -1.0)
            j = int(np.argmax(eligible))
            i = j if eligible[j] >= 0 else int(np.argmax(d2))
        gains.append(float(np.sqrt(max(d2[i], 0.0))))
        picked.append(i)
        np.minimum(d2, sq - 2 * (x @ x[i]) + sq[i], out=d2)
        # Rounding can leave the new pick at a tiny positive distance; earlier picks stay at -1 (a
        # minimum never rises). Marking only the new one keeps each step O(n), not O(n + picks).
        d2[i] = -1.0
    return np.asarray(picked, dtype=np.int64), np.asarray(gains)


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


def proportional_quota(sizes: npt.NDArray[np.int64], budget: int) -> npt.NDArray[np.int64]:
    """(c,) picks per group: ``budget`` shared in proportion to ``sizes`` (c,) by largest remainder (Hamilton).

    A share never exceeds its group (budget <= sizes.sum()), and a remainder's +1 goes only to a share
    with a fractional part, so no group gets more than it holds; the quotas sum to ``budget``.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    share = budget * sizes / sizes.sum()
    quota = np.floor(share).astype(np.int64)
    quota[np.argsort(-(share - quota), kind="stable")[: budget - int(quota.sum())]] += 1
    return quota


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
