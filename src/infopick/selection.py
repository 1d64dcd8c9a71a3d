"""What a pick is, on the ground floor: every stage above (select, measure, game, bench) imports it from here.

``Selection`` (K pool indices in pick order), ``LabelUse`` (which labels the picker read),
``Input`` (what a strategy or measure reads from a pool) and ``check_indices``, the one check
that indices are integers, unique and inside the pool.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from infopick.errors import InfopickError
from infopick.typing import IntArray


class LabelUse(enum.StrEnum):
    """Which labels a strategy reads, so that reports never mix label-free and label-using results."""

    NONE = "none"  # label-free
    PICKED = "picked"  # labels of the images it has already picked (active learning)
    ALL = "all"  # every label in the pool (an oracle; a reference, not a fair competitor)


class Input(enum.StrEnum):
    """What ``select`` (or ``measure``) hands a strategy (or measure) as ``features``."""

    NONE = "none"  # only the count matters (a flat view of the pixels is passed)
    FEATURES = "features"  # an embedding (n, d), float32, chosen with ``embed=``
    IMAGES = "images"  # the uint8 images (n, h, w[, c]) themselves: pixel statistics, compressors


@dataclass(frozen=True, eq=False)
class Selection:
    """K picked pool indices in pick order.

    Attributes
    ----------
    indices : int64 ndarray of shape (k,), unique, in 0..n-1, in the order picked
    strategy : registry name of the strategy that picked them (or "file" when read from CSV)
    label_use : which labels the strategy read
    gains : per-pick gain of the strategy's objective, shape (k,), or None
    meta : strategy-specific facts (parameters, seed, timings)
    """

    indices: IntArray
    strategy: str
    label_use: LabelUse = LabelUse.NONE
    gains: npt.NDArray[np.float64] | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.indices.shape[0])


def check_indices(idx: Selection | Sequence[int] | npt.ArrayLike, n: int, *, what: str = "selection",
                  size: int | None = None) -> IntArray:
    """``idx`` as int64 (k,): integers, unique, in 0..n-1 (and exactly ``size`` of them if given).

    Anything else is one ``InfopickError`` that starts with ``what`` and names the first bad index.
    Python ints are compared before any conversion, so 10**30 is outside the pool, not an overflow.
    """
    raw = idx.indices if isinstance(idx, Selection) else idx
    if isinstance(raw, (list, tuple)) and all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in raw):
        bad = [int(i) for i in raw if not 0 <= int(i) < n]
        if bad:
            raise InfopickError(f"{what}: index {bad[0]} outside the pool (0..{n - 1})")
    arr = np.asarray(raw)
    if arr.ndim != 1 or (len(arr) and not np.issubdtype(arr.dtype, np.integer)):
        raise InfopickError(f"{what}: must be a 1-d array of integer indices, got {arr.dtype} {arr.shape}")
    out = arr.astype(np.int64)
    if len(out) and (out.min() < 0 or out.max() >= n):
        first = int(out[(out < 0) | (out >= n)][0])
        raise InfopickError(f"{what}: index {first} outside the pool (0..{n - 1})")
    uniq, counts = np.unique(out, return_counts=True)
    if len(uniq) != len(out):
        raise InfopickError(f"{what}: index {int(uniq[counts > 1][0])} appears more than once")
    if size is not None and len(out) != size:
        raise InfopickError(f"{what}: {len(out)} indices, {size} asked for")
    return out
