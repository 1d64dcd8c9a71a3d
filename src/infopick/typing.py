"""Type aliases shared across the package."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

SeedLike: TypeAlias = int | np.random.Generator | None
"""A seed, or a Generator to draw from; None means a fresh, unpredictable seed."""

Features: TypeAlias = npt.NDArray[np.floating] | npt.NDArray[np.integer]
"""Feature matrix of shape (n, d), one row per pool image."""

IntArray: TypeAlias = npt.NDArray[np.int64]
FloatArray: TypeAlias = npt.NDArray[np.float64]
UInt8Array: TypeAlias = npt.NDArray[np.uint8]

Progress: TypeAlias = Callable[[str, int, int], None]
"""progress(phase, done, total): how long work reports how far it has got."""
