"""``.npz`` files with arrays ``X`` and optionally ``y``, ``X_test``, ``y_test`` (never unpickled)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from infopick.data.pool import Pool, make_pool
from infopick.errors import DataError


def load_npz(file: str) -> Pool:
    path = Path(file)
    if not path.is_file():
        raise DataError(f"npz:{file}: no such file")
    try:
        with np.load(path, allow_pickle=False) as npz:
            keys = set(npz.files)
            if "X" not in keys:
                raise DataError(f"npz:{file}: no array 'X' (found: {', '.join(sorted(keys)) or 'none'})")
            arrays = {k: npz[k] for k in ("X", "y", "X_test", "y_test") if k in keys}
    except ValueError as exc:
        if isinstance(exc, DataError):
            raise
        # numpy says "Object arrays cannot be loaded when allow_pickle=False"
        raise DataError(f"npz:{file}: refused ({exc})") from None
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise DataError(f"npz:{file}: not a readable .npz file ({exc})") from None
    if "y_test" in arrays and "X_test" not in arrays:
        raise DataError(f"npz:{file}: has 'y_test' but no 'X_test'")
    y, yt = arrays.get("y"), arrays.get("y_test")
    # One class list for pool and test when both label arrays are integers; anything else is
    # left to make_pool, which refuses it with a clear message.
    labelled = [a for a in (y, yt) if a is not None and a.size]
    classes = None
    if y is not None and labelled and all(np.issubdtype(a.dtype, np.integer) for a in labelled):
        classes = tuple(str(i) for i in range(max(int(a.max()) for a in labelled) + 1))
    test = None
    if "X_test" in arrays:
        test = make_pool(arrays["X_test"], yt, classes=classes, name=f"npz:{file}/test", id_prefix="test/", min_images=1)
    return make_pool(arrays["X"], y, classes=classes, test=test, name=f"npz:{file}", id_prefix="train/")
