"""``npy:FILE``: a uint8 image array opened as a memory map (pools larger than memory), labels beside it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from infopick.data.arrays import load_npy_array
from infopick.data.pool import Pool, make_pool
from infopick.errors import DataError


def labels_path(file: Path) -> Path:
    """``x.npy`` -> ``x.labels.npy``: where optional labels live."""
    return file.with_name(file.name[: -len(".npy")] + ".labels.npy" if file.name.endswith(".npy") else file.name + ".labels.npy")


def load_npy(file: str) -> Pool:
    """Open ``file`` with ``mmap_mode="r"``: pages are read when a strategy touches them, never all at once.

    The array must be uint8 of shape (n, h, w) or (n, h, w, c) (no conversion, which would need
    the whole array in memory). ``FILE.labels.npy`` beside it, if present, holds n integer labels.
    """
    path = Path(file)
    if not path.is_file():
        raise DataError(f"npy:{file}: no such file")
    x = load_npy_array(path, mmap=True)
    if x.dtype != np.uint8:
        raise DataError(f"npy:{file}: images must be uint8 for memory mapping, got {x.dtype} (convert once with astype(np.uint8))")
    y = None
    lp = labels_path(path)
    if lp.is_file():
        y = load_npy_array(lp, mmap=False)
    return make_pool(x, y, name=f"npy:{file}", id_prefix="")
