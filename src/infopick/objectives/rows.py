"""Row normalisers that strategies and measures both read: unit length, the unit interval, raw bytes."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from infopick.typing import Features


def unit_rows(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Centre the columns, then scale every row to unit length (zero rows stay zero)."""
    x = x - x.mean(axis=0)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def unit_interval(features: Features) -> npt.NDArray[np.float32]:
    """Rows as float32 in [0, 1]: uint8 images / 255, other numbers scaled per column."""
    x = np.asarray(features).reshape(len(features), -1)
    if x.dtype == np.uint8:
        return x.astype(np.float32) / np.float32(255)
    lo, hi = x.min(axis=0), x.max(axis=0)
    return ((x - lo) / np.where(hi > lo, hi - lo, 1)).astype(np.float32)


def as_bytes(features: Features) -> list[bytes]:
    """One bytes object per row: uint8 images as they are; other numbers scaled per column to 0..255."""
    x = np.asarray(features).reshape(len(features), -1)
    if x.dtype != np.uint8:
        lo, hi = x.min(axis=0), x.max(axis=0)
        x = np.round((x - lo) / np.where(hi > lo, hi - lo, 1) * 255).astype(np.uint8)
    return [r.tobytes() for r in x]
