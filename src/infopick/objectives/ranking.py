"""The best k of a score vector, ties at random.

Two rules, kept apart because stored selections and pinned bits depend on their draws: ``top_k``
(strategies: a lexsort on a full tie vector) and ``take_best`` (measures' batched greedy: only the
available rows, a jitter far below any real gap). Merging them would re-pick every stored cell.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from infopick.typing import FloatArray, IntArray


def top_k(scores: npt.NDArray[np.floating], k: int, rng: np.random.Generator) -> IntArray:
    """Indices of the ``k`` largest scores, best first; ties broken at random by ``rng``."""
    k = min(k, len(scores))
    tie = rng.random(len(scores))
    order = np.lexsort((tie, -np.asarray(scores, dtype=np.float64)))
    return order[:k].astype(np.int64)


def take_best(gains: FloatArray, available: npt.NDArray[np.bool_], b: int, rng: np.random.Generator) -> IntArray:
    """The ``b`` available rows with the largest gains, best first, ties at random."""
    cand = np.flatnonzero(available)
    score = gains[cand] + rng.random(len(cand)) * 1e-12 * max(1.0, float(np.abs(gains[cand]).max(initial=0.0)))
    b = min(b, len(cand))
    top = np.argpartition(-score, b - 1)[:b] if b < len(cand) else np.arange(len(cand))
    return cand[top[np.argsort(-score[top], kind="stable")]].astype(np.int64)
