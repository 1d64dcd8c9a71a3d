"""``.npz`` files with arrays ``X`` and optionally ``y``, ``X_test``, ``y_test`` (never unpickled)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from infopick.data.arrays import load_npz_arrays
from infopick.data.pool import Pool, index_classes, make_pool
from infopick.errors import DataError


def load_npz(file: str) -> Pool:
    path = Path(file)
    if not path.is_file():
        raise DataError(f"npz:{file}: no such file")
    arrays = load_npz_arrays(path, ("X", "y", "X_test", "y_test"))
    if "y_test" in arrays and "X_test" not in arrays:
        raise DataError(f"npz:{file}: has 'y_test' but no 'X_test'")
    y, yt = arrays.get("y"), arrays.get("y_test")
    # One class list for pool and test when both label arrays are integers; anything else is
    # left to make_pool, which refuses it with a clear message.
    labelled = [a for a in (y, yt) if a is not None and a.size]
    classes = None
    if y is not None and labelled and all(np.issubdtype(a.dtype, np.integer) for a in labelled):
        classes = index_classes(max(int(a.max()) for a in labelled), f"npz:{file}")
    test = None
    if "X_test" in arrays:
        test = make_pool(arrays["X_test"], yt, classes=classes, name=f"npz:{file}/test", id_prefix="test/", min_images=1)
    return make_pool(arrays["X"], y, classes=classes, test=test, name=f"npz:{file}", id_prefix="train/")
