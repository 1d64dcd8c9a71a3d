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
    classes = None
    if y is not None:
        top = int(np.max(y)) if np.size(y) else 0
        if yt is not None and np.size(yt) and np.issubdtype(np.asarray(yt).dtype, np.number):
            top = max(top, int(np.max(yt)))
        classes = tuple(str(i) for i in range(max(top, 0) + 1)) if np.issubdtype(np.asarray(y).dtype, np.number) else None
    test = None
    if "X_test" in arrays:
        test = make_pool(arrays["X_test"], yt, classes=classes, name=f"npz:{file}/test", id_prefix="test/", min_images=1)
    return make_pool(arrays["X"], y, classes=classes, test=test, name=f"npz:{file}", id_prefix="train/")
