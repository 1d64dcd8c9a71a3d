"""``coverage``: the codebook view: bits to describe every image given its nearest picked image."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from infopick.errors import InfopickError
from infopick.measure.base import Curve, Fitted, FloatArray, Measure, batch_size, register
from infopick.neighbors import isolated, knn_graph, leader_groups
from infopick.objectives.coverage import purity_radius
from infopick.objectives.ranking import take_best
from infopick.selection import Input, LabelUse
from infopick.typing import Features, IntArray

_CHUNK = 8192  # pool rows per distance block: the block is (_CHUNK, batch), never (n, n)


@register
class Coverage(Measure):
    """Bits of the pool explained by a codebook of picked images, at distortion ``delta``.

    Each image i is coded as its nearest codeword (the pool mean, free, or a picked image, at
    distance D_i) plus a Gaussian residual: by the rate-distortion function of a d-dim
    Gaussian at squared error delta^2, that costs r_i = d log2(max(D_i, delta) / delta) bits,
    0 within delta of a codeword. f(S) = sum_i r_i(no picks) - r_i(S): monotone submodular
    (a facility location): n d log2 of the drop in the geometric mean of max(D_i, delta).
    ``power=p > 0`` takes the power mean M_p instead, f(S) = n d log2(M_p(no picks) / M_p(S)):
    p=2 is the mean squared error of the Gaussian rate-distortion function; a large p tends to
    the covering radius max_i D_i that bounds a core-set's loss (Sener & Savarese 2018). There
    D_i is the distance to the nearest pick alone (no picks: the pool's diameter bound
    2 max ||x_i - mean||); the greedy is the facility location of the summed
    (max(D_i, delta) / delta)^p. ``power="log-n"`` sets p = ln n, where n^(1/p) = e: M_p is
    within a factor e of the covering radius. ``delta=None`` is ProbCover's label-free radius (Yehuda et al.
    2022): the largest radius whose balls are ``purity``-pure under a k-means partition.
    Also reported per subset: the fraction of the pool within delta of a pick (ProbCover's
    coverage) and the facility value 1 - mean D_i(S) / mean D_i(no picks).
    """

    name = "coverage"
    label_use = LabelUse.NONE
    summary = "codebook bits: each image given its nearest pick, zero within delta (ProbCover radius)"

    def __init__(self, *, delta: float | None = None, power: float | str = 0.0, k: int = 50, clusters: int = 10,
                 purity: float = 0.95, growth: float = 0.02) -> None:
        self.delta = delta
        self.power = power
        self.k = k
        self.clusters = clusters
        self.purity = purity
        self.growth = growth

    def fit(self, x: Features, *, labels: npt.NDArray[np.int64] | None, rng: np.random.Generator) -> Fitted:
        x = np.ascontiguousarray(x, dtype=np.float32)
        delta = self.delta
        if delta is None:
            rows = np.sort(rng.choice(len(x), min(len(x), 10_000), replace=False))
            delta = purity_radius(x, rows, self.k, self.clusters, self.purity, rng) if len(x) > 2 else 0.0
        # A pool whose images are all within one tiny radius still needs a positive resolution.
        scale = float(np.linalg.norm(x - x.mean(0), axis=1).max()) if len(x) else 0.0
        delta = max(float(delta), 1e-6 * max(scale, 1.0))
        return _FittedCoverage(x, delta, _power(self.power, len(x)), self.k, self.growth)


def _power(power: float | str, n: int) -> float:
    if power == "log-n":
        return float(np.log(max(n, 2)))
    if isinstance(power, str) or not np.isfinite(power) or power < 0:
        raise InfopickError(f"coverage: power must be a number >= 0 or 'log-n', got {power!r}")
    return float(power)


class _FittedCoverage(Fitted):
    def __init__(self, x: npt.NDArray[np.float32], delta: float, power: float, k: int, growth: float) -> None:
        self.x = x
        self.n, self.d = x.shape
        self.delta = delta
        self.p = power
        self.k = k
        self.growth = growth
        self.d0 = np.linalg.norm(x - x.mean(0), axis=1).astype(np.float64)
        if power > 0:
            # No free mean codeword: it would hide the tail a large p is for (MNIST PCA-50, K=100:
            # 29 % of the images lie nearer the mean than any pick). No pick is farther than 2 max d0.
            self.d0 = np.full(self.n, 2 * self.d0.max(initial=0.0))
        self.cost_empty = float(self._cost(self.d0).sum())  # what bits() and the greedy count down from
        mean = "geometric mean" if power == 0 else f"power mean p={power:.3g}"
        self.encoder = f"{self.d}-d embedding, nearest-codeword Gaussian code, delta={delta:.3g}, {mean}"
        self.facts = {"delta": delta, "dim": self.d, "power": power}

    def _r(self, dist: FloatArray) -> FloatArray:
        """Each image's bits at distance ``dist`` from its codeword: its own code length."""
        return self.d * np.log2(np.maximum(dist, self.delta) / self.delta)

    def _cost(self, dist: FloatArray) -> FloatArray:
        """What the greedy sums and lowers: the bits themselves (p=0) or (max(D, delta) / delta)^p."""
        return self._r(dist) if self.p == 0 else (np.maximum(dist, self.delta) / self.delta) ** self.p

    def _held(self, cost_before: float, cost_after: float) -> float:
        """Bits held by going from a summed cost to another (n d log2 of the power means' ratio for p > 0)."""
        if self.p == 0:
            return cost_before - cost_after
        return self.n * self.d / self.p * float(np.log2(cost_before / cost_after))

    def _nearest(self, idx: IntArray) -> FloatArray:
        """min(D_i with no picks, distance to the nearest row of ``idx``) for every row."""
        if len(idx) == 0:
            return self.d0.copy()
        import faiss

        index = faiss.IndexFlatL2(self.d)
        index.add(self.x[idx])
        d2, _ = index.search(self.x, 1)
        return np.minimum(self.d0, np.sqrt(np.maximum(d2[:, 0], 0)).astype(np.float64))

    def bits(self, idx: IntArray) -> float:
        return float(self._held(self.cost_empty, float(self._cost(self._nearest(idx)).sum())))

    def image_bits(self, idx: IntArray) -> FloatArray:
        return self._r(self._nearest(idx))

    def unique_bits(self) -> FloatArray:
        g = knn_graph(self.x, 1)
        return self._r(np.minimum(self.d0, g.distances[:, 0].astype(np.float64)))

    def subset_facts(self, idx: IntArray) -> dict[str, float]:
        near = self._nearest(idx)
        return {"covered": float(np.mean(near <= self.delta)), "facility": float(1 - near.mean() / max(self.d0.mean(), 1e-300))}

    def greedy(self, target_bits: float, rng: np.random.Generator) -> Curve:
        """Batched greedy: gains from each candidate's ``k`` nearest neighbours (the images it would
        serve), refreshed every ``growth`` * |S| picks; values exact, from distances to every image."""
        graph = knn_graph(self.x, min(self.k, self.n - 1)) if self.n > 1 else None
        if graph is not None:
            nbr, valid = np.maximum(graph.indices, 0), graph.indices >= 0
            r_edge = self._cost(graph.distances.astype(np.float64))  # cost left to a neighbour served by the candidate
        near = self.d0.copy()
        available = np.ones(self.n, dtype=bool)
        order: list[int] = []
        values: list[float] = []
        total = 0.0
        while total < target_bits and available.any():
            r_now = self._cost(near)
            gains = r_now - self._cost(np.zeros(1))  # serving itself: all of its own cost but the floor
            if graph is not None:
                gains += np.where(valid, np.maximum(r_now[nbr] - r_edge, 0.0), 0.0).sum(axis=1)
            batch = take_best(gains, available, batch_size(len(order), self.growth), rng)
            near, residual = self._add(near, r_now, batch)
            values.extend(self._held(self.cost_empty, r) for r in residual)
            order.extend(int(i) for i in batch)
            available[batch] = False
            total = values[-1]
        return Curve(np.asarray(order, dtype=np.int64), np.arange(1, len(order) + 1), np.asarray(values))

    def _add(self, near: FloatArray, r_near: FloatArray, batch: IntArray) -> tuple[FloatArray, FloatArray]:
        """New nearest distances after adding ``batch``, and the total residual cost after each of its picks.

        Only images still outside delta can gain, and of those only the ones a pick comes closer
        to: the per-pick bookkeeping runs on those rows alone.
        """
        xb = self.x[batch].astype(np.float64)
        sq_b = (xb * xb).sum(1)
        change = np.zeros(len(batch))
        out = near.copy()
        active = np.flatnonzero(near > self.delta)
        for s in range(0, len(active), _CHUNK):
            rows = active[s : s + _CHUNK]
            xc = self.x[rows].astype(np.float64)
            dist = np.sqrt(np.maximum((xc * xc).sum(1)[:, None] + sq_b[None] - 2 * xc @ xb.T, 0))
            closer = (dist < near[rows, None]).any(axis=1)
            rows, dist = rows[closer], dist[closer]
            run = np.minimum.accumulate(np.minimum(near[rows, None], dist), axis=1)
            change += (self._cost(run) - r_near[rows, None]).sum(axis=0)
            out[rows] = run[:, -1]
        return out, r_near.sum() + change


@register
class InvariantCoverage(Measure):
    """Coverage bits in an encoder that respects the nuisance model, at its resolution.

    The images are read through the ``invariant`` features (PCA of blurred, standardised images,
    ``infopick.embed.linear.Invariant``); ``delta`` is the nuisance radius there
    (``infopick.nuisance.radius``: ``quantile`` of the distance from an image to one of its
    nuisance copies at ``strength``), so a near-copy of a picked image lies within delta of it
    and is described at no cost; the bits are the power-mean codebook bits of ``coverage`` with
    ``power`` (default ln n: within a factor e of the covering radius, the measure that tracked
    accuracy). Junk is not information: images whose log distance to their 10th neighbour has a
    modified z-score above ``outlier_z`` (``auto``'s screen) are left out of N and of every M
    (their ``image_bits`` are 0). Given a feature matrix instead of images, the rows are the
    features and delta is their median nearest-neighbour distance.
    """

    name = "invariant-coverage"
    label_use = LabelUse.NONE
    summary = "coverage at the nuisance model's resolution in invariant features, junk left out (the default)"
    input = Input.IMAGES

    def __init__(self, *, strength: float = 1.0, quantile: float = 0.9, power: float | str = "log-n",
                 outlier_z: float = 2.5, k: int = 50, growth: float = 0.02) -> None:
        self.strength = strength
        self.quantile = quantile
        self.power = power
        self.outlier_z = outlier_z
        self.k = k
        self.growth = growth

    def fit(self, x: Features, *, labels: npt.NDArray[np.int64] | None, rng: np.random.Generator) -> Fitted:
        from infopick.embed.linear import invariant_resolution
        from infopick.nuisance import Nuisance

        arr: npt.NDArray[Any] = np.asarray(x)
        if arr.ndim == 2 and not np.issubdtype(arr.dtype, np.uint8):  # features given: no images to perturb
            z = np.ascontiguousarray(arr, dtype=np.float32)
            delta = float(np.median(knn_graph(z, 1).distances[:, 0])) if len(z) > 1 else 0.0
            how = "median nearest-neighbour distance (features given, no nuisance calibration)"
        else:
            images = arr if arr.ndim >= 3 else arr.reshape(len(arr), 1, -1)
            model = Nuisance(strength=self.strength)
            z, delta = invariant_resolution(images, model, rng, quantile=self.quantile)
            how = f"nuisance radius (strength {model.strength:g}, quantile {self.quantile:g}) in invariant features"
        inlier = ~isolated(z, self.outlier_z)[0]
        scale = float(np.linalg.norm(z - z.mean(0), axis=1).max()) if len(z) else 0.0
        delta = max(float(delta), 1e-6 * max(scale, 1.0))
        # How many distinct images the pool holds under the nuisance model: reported, not used in the bits.
        # Identifying a pick with its group's leader was tried: a copy and its original fall into different
        # groups about as often as not (the copy lies as far from its original as the nearest other image),
        # and copies then added 0.44 of what new images add instead of 0.31 (seed 0, strength 1; benchmarks/stress/README.md).
        distinct = int(np.sum(_nuisance_groups(z, inlier, delta) == np.arange(len(z))))
        rows = np.flatnonzero(inlier)
        inner = _FittedCoverage(z[rows], delta, _power(self.power, len(rows)), self.k, self.growth)
        fitted = _FittedKept(inner, inlier, f"{inner.encoder}; delta = {how}; {int((~inlier).sum())} outliers left out")
        fitted.facts["distinct"] = distinct  # nuisance groups (leaders within delta), outliers excluded
        return fitted


def _nuisance_groups(z: npt.NDArray[np.float32], inlier: npt.NDArray[np.bool_], delta: float, k: int = 30) -> IntArray:
    """Each row's group leader under the nuisance model (-1 for outliers): leaders by centrality
    (distance to the 10th neighbour), members within ``delta`` of their leader."""
    if len(z) < 2:
        return np.where(inlier, np.arange(len(z)), -1)
    g = knn_graph(z, min(k, len(z) - 1))
    return leader_groups(g, g.distances[:, min(9, g.k - 1)].astype(np.float64), delta, inlier)


class _FittedKept(Fitted):
    """A measure fitted to the ``keep`` rows of a pool; the other rows (outliers) hold and explain nothing."""

    def __init__(self, inner: _FittedCoverage, keep: npt.NDArray[np.bool_], encoder: str) -> None:
        self.inner = inner
        self.rows = np.flatnonzero(keep)
        self.row = np.where(keep, np.cumsum(keep) - 1, -1)  # pool row -> inner row, -1 for an outlier
        self.n = len(keep)
        self.encoder = encoder
        self.facts = {**inner.facts, "outliers": int((~keep).sum())}

    def _inner(self, idx: IntArray) -> IntArray:
        r = self.row[np.asarray(idx, dtype=np.int64)]
        return r[r >= 0]

    def _spread(self, values: FloatArray) -> FloatArray:
        return np.where(self.row >= 0, values[np.maximum(self.row, 0)], 0.0)

    def bits(self, idx: IntArray) -> float:
        return self.inner.bits(self._inner(idx))

    def image_bits(self, idx: IntArray) -> FloatArray:
        return self._spread(self.inner.image_bits(self._inner(idx)))

    def unique_bits(self) -> FloatArray:
        return self._spread(self.inner.unique_bits()) if len(self.rows) > 1 else np.zeros(self.n)

    def subset_facts(self, idx: IntArray) -> dict[str, float]:
        return self.inner.subset_facts(self._inner(idx))

    def greedy(self, target_bits: float, rng: np.random.Generator) -> Curve:
        c = self.inner.greedy(target_bits, rng)
        return Curve(self.rows[c.order], c.ks, c.values)
