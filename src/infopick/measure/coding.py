"""``coding-rate``: Gaussian lossy coding length (log-det) of the embedded images, in bits."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from infopick.measure.base import Curve, Fitted, FloatArray, Measure, batch_size, register
from infopick.objectives.coding import add_row, quad_forms
from infopick.objectives.ranking import take_best
from infopick.objectives.rows import unit_rows
from infopick.selection import LabelUse
from infopick.typing import Features, IntArray


@register
class CodingRate(Measure):
    """f(S) = 1/2 log2 det(I + (d / eps^2) Z_S^T Z_S), bits, Z the centred unit-length rows (n, d).

    The coding rate of Ma et al. 2007 / Yu et al. 2020 (MCR^2) with its scale fixed per
    vector (their 1/|S| taken out), so that f is a set function: monotone submodular, 0 for
    the empty set, and greedy is within 1 - 1/e. ``eps`` is the distortion allowed per
    vector; the default eps^2 = 0.5 is MCR^2's for unit-length features. ``dims`` keeps only
    the first columns (for PCA: the top principal axes). Under a Gaussian code every new
    sample refines the estimate: f grows like (d / 2) log2 |S|.
    """

    name = "coding-rate"
    label_use = LabelUse.NONE
    summary = "Gaussian coding length 1/2 log2 det(I + d/eps^2 Z^T Z) of the embedding"

    def __init__(self, *, eps: float = 0.5**0.5, dims: int | None = None, growth: float = 0.02) -> None:
        self.eps = eps
        self.dims = dims
        self.growth = growth

    def fit(self, x: Features, *, labels: npt.NDArray[np.int64] | None, rng: np.random.Generator) -> Fitted:
        x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
        return _FittedCodingRate(unit_rows(x[:, : self.dims]), self.eps, self.growth)


class _FittedCodingRate(Fitted):
    def __init__(self, z: FloatArray, eps: float, growth: float) -> None:
        self.z: FloatArray = np.asarray(z, dtype=np.float64)  # float64 already: the same array, typed
        self.n, self.d = z.shape
        self.alpha = self.d / eps**2
        self.growth = growth
        self.encoder = f"centred unit rows ({self.d}-d), Gaussian log-det code, eps={eps:.3g}"
        self.facts = {"eps": eps, "alpha": self.alpha, "dim": self.d}

    def _gram(self, idx: IntArray) -> FloatArray:
        zs = self.z[idx]
        return np.eye(self.d) + self.alpha * zs.T @ zs

    def bits(self, idx: IntArray) -> float:
        return 0.5 * float(np.linalg.slogdet(self._gram(idx))[1]) / np.log(2)

    def image_bits(self, idx: IntArray) -> FloatArray:
        m_inv = np.linalg.inv(self._gram(idx))
        q = quad_forms(self.z, m_inv)
        out = 0.5 * np.log2(1 + self.alpha * q)
        out[idx] = 0.0  # a picked image adds nothing to a set that holds it
        return out

    def unique_bits(self) -> FloatArray:
        # Gain of z_i on top of all the others: -1/2 log2(1 - alpha z^T M^-1 z), M over the whole pool.
        m_inv = np.linalg.inv(self._gram(np.arange(self.n)))
        lev = self.alpha * quad_forms(self.z, m_inv)
        return -0.5 * np.log2(np.clip(1 - lev, 1e-300, None))

    def greedy(self, target_bits: float, rng: np.random.Generator) -> Curve:
        """Batched greedy: gains refreshed every ``growth`` * |S| picks; each pick's value is exact (Sherman-Morrison)."""
        z, alpha = self.z, self.alpha
        m_inv = np.eye(self.d)
        available = np.ones(self.n, dtype=bool)
        order: list[int] = []
        values: list[float] = []
        total = 0.0
        while total < target_bits and available.any():
            q = quad_forms(z, m_inv)
            for i in take_best(q, available, batch_size(len(order), self.growth), rng):
                _, zv = add_row(m_inv, z[i], alpha)
                total += 0.5 * np.log2(1 + alpha * zv)
                available[i] = False
                order.append(int(i))
                values.append(total)
        return Curve(np.asarray(order, dtype=np.int64), np.arange(1, len(order) + 1), np.asarray(values))
