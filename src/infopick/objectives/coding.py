"""The coding rate f(S) = 1/2 log2 det(I + alpha Z_S^T Z_S), bits, and its rank-one update (Ma et al. 2007; Yu et al. 2020).

``logdet`` (a strategy) and ``coding-rate`` (a measure) both grow S one row at a time with
``add_row``: M^-1 kept current by Sherman-Morrison, O(d^2) per pick, no n x n matrix.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from infopick.typing import FloatArray


def add_row(m_inv: FloatArray, z_i: FloatArray, alpha: float) -> tuple[FloatArray, float]:
    """M^-1 <- (M + alpha z z^T)^-1 in place; returns (v = M^-1 z, z^T v) under the M before the update.

    The pick's gain is 1/2 log2(1 + alpha z^T v) bits.
    """
    v = m_inv @ z_i
    zv = float(z_i @ v)
    m_inv -= (alpha / (1 + alpha * zv)) * np.outer(v, v)
    return v, zv


def quad_forms(z: FloatArray, m: npt.NDArray[np.floating]) -> FloatArray:
    """z_i^T m z_i for every row (one matrix product, not an einsum loop)."""
    return ((z @ m) * z).sum(axis=1)
