"""``logdet``: the greedy coding rate of the picked features (the information family)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from infopick.objectives.coding import add_row
from infopick.objectives.rows import unit_rows
from infopick.select.base import LabelUse, Selection, Strategy, register
from infopick.typing import Features

if TYPE_CHECKING:
    pass


@register
class LogDet(Strategy):
    """Greedy coding rate: maximise 1/2 log2 det(I + alpha Z_S^T Z_S), alpha = d / (budget eps^2).

    The coding rate of Ma et al. 2007 / Yu et al. 2020 (MCR^2) on centred, unit-norm rows;
    monotone submodular, so greedy is within 1 - 1/e. The gain of x is 1/2 log2(1 + alpha
    x^T M^-1 x), kept current for every x by a rank-one update per pick (O(n d) each).
    The first pick is drawn from ``rng``. ``gains`` are in bits.
    """

    name = "logdet"
    family = "information"
    label_use = LabelUse.NONE
    summary = "greedy coding rate (log-det) of the picked features, in bits"

    def __init__(self, *, eps: float = 0.5) -> None:
        self.eps = eps

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        z = unit_rows(np.asarray(features, dtype=np.float64))
        n, d = z.shape
        alpha = d / (budget * self.eps**2)
        m_inv = np.eye(d)
        q = np.einsum("ij,ij->i", z, z)  # x^T M^-1 x for every x, M = I at the start
        available = np.ones(n, dtype=bool)
        picked: list[int] = []
        gains: list[float] = []
        for t in range(budget):
            i = int(rng.integers(n)) if t == 0 else int(np.argmax(np.where(available, q, -np.inf)))
            picked.append(i)
            gains.append(0.5 * float(np.log2(1 + alpha * q[i])))
            available[i] = False
            v, zv = add_row(m_inv, z[i], alpha)
            q -= (alpha / (1 + alpha * zv)) * (z @ v) ** 2  # every x's gain under the new M
        return Selection(np.asarray(picked, dtype=np.int64), self.name, self.label_use, np.asarray(gains))
