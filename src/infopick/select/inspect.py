"""``infopick inspect``: exact duplicates, near-duplicate groups and outliers of a pool, with scores.

What FiftyOne Brain (``compute_uniqueness`` / near duplicates) and cleanlab's Datalab (outlier and
near-duplicate issues) list, here under the project's own definitions:

- **exact duplicates**: images with identical bytes (the measures treat them as one image);
- **near-duplicate families** (images of ``families.MIN_SIDE`` px or more, where the family step passes
  its null test, ``families.by_default``): ``infopick.families`` at
  ``family_strength`` (default 1, as ``select`` uses them): candidates verified on the pair by tangent
  distance, one family per original however many copies it has, most central image first; every row's
  family (leader, size) is in ``family``;
- **near-duplicates** of smaller images, of pools that fail the null test and of feature matrices: in the
  ``invariant`` features, images linked to their nearest neighbour when it lies within the nuisance radius at ``strength``
  (calibrated by perturbing pool images, ``infopick.nuisance``); a group is a connected set of such
  links. At ``strength`` 1 a nuisance copy of an 8 px digit is as far from it as its nearest natural
  neighbour, so the default is lighter (0.5);
- **outliers**: the modified z-score of each image's log 10-NN distance in the same features (what
  ``auto`` drops), listed above ``z`` with the score.

Given only a feature matrix, the same runs on it with the near-copy radius of ``auto`` (a share of
the median nearest-neighbour distance). Precision and recall on pools with known copies and junk:
benchmarks/stress/inspect_truth.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from infopick.families import by_default, exact_groups, modified_z
from infopick.typing import IntArray

K_NN = 10


@dataclass
class Inspection:
    """Index groups and scores over the pool's rows; ``to_dict`` names them by id when ids are given."""

    n: int
    exact_duplicates: list[IntArray]  # groups of identical images (2 or more rows each), first row first
    near_duplicates: list[IntArray]  # families (or linked groups) of 2 or more rows, leader first, exact copies included
    outliers: IntArray  # rows above the z threshold, highest score first
    outlier_scores: npt.NDArray[np.float64]  # (n,) modified z-score of every row
    radius: float
    encoder: str
    seconds: float
    facts: dict[str, Any] = field(default_factory=dict)
    family: IntArray | None = None  # (n,) the leader row of each row's family (None: fewer than 3 rows)

    def to_dict(self, ids: Any = None) -> dict[str, Any]:
        name = (lambda i: str(ids[i])) if ids is not None else (lambda i: int(i))  # noqa: E731
        return {
            "n": self.n, "seconds": self.seconds, "encoder": self.encoder, "radius": self.radius, **self.facts,
            "exact_duplicates": [[name(i) for i in g] for g in self.exact_duplicates],
            "near_duplicates": [[name(i) for i in g] for g in self.near_duplicates],
            "outliers": [{"id": name(i), "score": float(self.outlier_scores[i])} for i in self.outliers],
        }


def inspect(data: Any, *, strength: float = 0.5, z: float = 2.5, seed: int = 0, family_strength: float = 1.0) -> Inspection:
    """Duplicates, near-duplicate families and outliers of a pool (or of a feature matrix (n, d))."""
    from infopick.data.pool import Pool, check_features
    from infopick.errors import InfopickError
    from infopick.neighbors import knn_graph
    from infopick.nuisance import Nuisance

    if not strength > 0 or not z > 0 or not family_strength > 0:
        raise InfopickError(f"inspect: strength, z and family_strength must be > 0, got strength={strength!r}, z={z!r}, "
                            f"family_strength={family_strength!r}")
    t0 = time.perf_counter()
    if isinstance(data, Pool):
        from infopick.embed.linear import Invariant, invariant_resolution

        rows = np.asarray(data.images)
        x, r = invariant_resolution(rows, Nuisance(strength=strength), np.random.default_rng(seed), quantile=0.5)
        encoder = f"invariant (blur {Invariant().blur_px} px, {x.shape[1]}-d), nuisance radius at strength {strength:g}"
    else:
        from infopick.select.auto import DUP_RATIO

        rows = check_features(data)
        x, r = np.asarray(rows, dtype=np.float32), -1.0
        encoder = f"the given features ({x.shape[1]}-d), radius {DUP_RATIO} x median nearest-neighbour distance"
    n = len(x)
    exact = exact_groups(rows)
    if n < 3:
        return Inspection(n, exact, [], np.zeros(0, dtype=np.int64), np.zeros(n), max(r, 0.0), encoder, time.perf_counter() - t0)
    g = knn_graph(x, min(K_NN, n - 1))
    dist = g.distances.astype(np.float64)
    if r < 0:
        from infopick.select.auto import DUP_RATIO

        r = DUP_RATIO * float(np.median(dist[:, 0]))
    fam, why = by_default(rows, family_strength, seed) if isinstance(data, Pool) else (None, "features")
    if fam is not None:
        near, family, how = fam.groups(), fam.family, fam.method
    else:
        comp = _nearest_components(g.indices[:, 0], dist[:, 0], r)
        near = _groups(comp, dist[:, -1])
        family, how = comp.copy(), f"nearest-neighbour links within the radius ({why})"
        for grp in near:
            family[grp] = grp[0]
    score = modified_z(dist[:, -1])
    out = np.flatnonzero(score > z)
    out = out[np.argsort(-score[out], kind="stable")]
    return Inspection(n, exact, near, out.astype(np.int64), score, float(r), encoder, time.perf_counter() - t0,
                      {"strength": strength, "z": z, "near_duplicate_rows": int(sum(len(v) - 1 for v in near)),
                       "families": int(len(np.unique(family))), "family_method": how}, family.astype(np.int64))


def _nearest_components(nearest: npt.NDArray[np.int64], d: npt.NDArray[np.float64], radius: float) -> npt.NDArray[np.int64]:
    """Each row's component root under the edges (row, its nearest neighbour) no longer than ``radius`` (union-find).

    One edge per row keeps chains short (a forest of nearest-neighbour links), where linking every
    pair within the radius would join whole dense regions: a copy's nearest neighbour is its original.
    """
    parent = np.arange(len(nearest))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    for i in np.flatnonzero((d <= radius) & (nearest >= 0)):
        a, b = root(int(i)), root(int(nearest[i]))
        if a != b:
            parent[max(a, b)] = min(a, b)
    return np.array([root(i) for i in range(len(nearest))], dtype=np.int64)


def _groups(component: npt.NDArray[np.int64], reach: npt.NDArray[np.float64]) -> list[IntArray]:
    """Components of two or more rows, most central row (smallest ``reach``) first, largest groups first."""
    by: dict[int, list[int]] = {}
    for i, c in enumerate(component):
        by.setdefault(int(c), []).append(i)
    out = [np.asarray(sorted(m, key=lambda i: (reach[i], i)), dtype=np.int64) for m in by.values() if len(m) > 1]
    return sorted(out, key=lambda a: (-len(a), int(a[0])))
