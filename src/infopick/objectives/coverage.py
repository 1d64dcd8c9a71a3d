"""Max coverage of balls of radius delta and the purity radius that sets delta (Yehuda et al. 2022, ProbCover).

``probcover`` maximises coverage greedily; ``coverage``-family measures read the purity radius.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from infopick.neighbors import knn_of
from infopick.objectives.geometry import kmeans
from infopick.typing import IntArray


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


def max_coverage(
    indptr: IntArray, indices: IntArray, n: int, budget: int, rng: np.random.Generator, start: IntArray | None = None
) -> tuple[IntArray, npt.NDArray[np.float64]]:
    """Greedy max coverage of m targets by n candidates; target t is covered by ``indices[indptr[t]:indptr[t+1]]``.

    Each pick takes the candidate covering the most uncovered targets (ties at random), then
    takes one off the count of every candidate that also covered each newly covered target:
    O(edges) in all. ``start``: candidates already picked (their targets count as covered; not returned).
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

    def take(i: int) -> None:
        nonlocal degree
        picked[i] = True
        new = covers.indices[covers.indptr[i] : covers.indptr[i + 1]]
        new = new[~covered[new]]
        if len(new):
            covered[new] = True
            hit = indptr[new], indptr[new + 1]
            degree -= np.bincount(indices[_ranges(*hit)], minlength=n)

    for i in [] if start is None else start:
        take(int(i))
    while len(order) < budget:
        i = int(np.argmax(np.where(picked, -1.0, degree + jitter)))
        order.append(i)
        gains.append(float(degree[i]))
        take(i)
    return np.asarray(order, dtype=np.int64), np.asarray(gains)


def _ranges(starts: IntArray, ends: IntArray) -> IntArray:
    """Concatenation of arange(s, e) for each pair, without a Python loop."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return np.arange(total) + offsets
