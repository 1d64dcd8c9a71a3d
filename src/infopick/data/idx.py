"""Canonical IDX files (LeCun's MNIST format), plain or gzipped.

Layout: two zero bytes, a type code (0x08 = uint8), the number of dimensions, then each
dimension as a big-endian uint32, then the data. We read the header first and refuse a
declared size that the file cannot hold before allocating anything.
"""

from __future__ import annotations

import gzip
import io
import math
import struct
from pathlib import Path

import numpy as np

from infopick.data.arrays import memory_bytes
from infopick.data.pool import Pool, index_classes, make_pool
from infopick.errors import DataError

_UINT8 = 0x08
_MAX_BYTES = 1 << 36  # 64 GiB: larger declared sizes are refused outright


def read_idx(path: Path, expect_ndim: int) -> np.ndarray:
    """Read one uint8 IDX file into an array of ``expect_ndim`` dimensions."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as fh:
            return _read(fh, path, expect_ndim)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(f"{path}: cannot read IDX file ({exc})") from None


def _read(fh: io.BufferedIOBase, path: Path, expect_ndim: int) -> np.ndarray:
    head = fh.read(4)
    if len(head) < 4 or head[0] != 0 or head[1] != 0:
        raise DataError(f"{path}: not an IDX file (wrong magic number)")
    if head[2] != _UINT8:
        raise DataError(f"{path}: IDX type code 0x{head[2]:02x} unsupported; only uint8 (0x08)")
    ndim = head[3]
    if ndim != expect_ndim:
        raise DataError(f"{path}: IDX file has {ndim} dimensions, expected {expect_ndim}")
    raw = fh.read(4 * ndim)
    if len(raw) < 4 * ndim:
        raise DataError(f"{path}: truncated IDX header")
    dims = struct.unpack(f">{ndim}I", raw)
    size = math.prod(dims)  # Python ints: a forged header cannot overflow
    if size > _MAX_BYTES:
        raise DataError(f"{path}: IDX header declares {size} bytes, over the {_MAX_BYTES} limit")
    if not isinstance(fh, gzip.GzipFile):
        left = path.stat().st_size - 4 - 4 * ndim
        if left < size:
            raise DataError(f"{path}: truncated IDX file: header declares {size} bytes of data, file holds {left}")
        if left > size:
            raise DataError(f"{path}: IDX file is longer than its header declares")
        # A plain file is memory-mapped: pages are read as they are touched, never all at once.
        return np.memmap(path, dtype=np.uint8, mode="r", offset=4 + 4 * ndim, shape=tuple(dims))
    # A gzipped header can declare far more than its few compressed bytes hold (a zip bomb):
    # refuse what could not fit in memory, and read in chunks so a short stream allocates only what it holds.
    if size > memory_bytes() // 2:
        raise DataError(f"{path}: gzipped IDX header declares {size} bytes, over half this machine's memory "
                        "(gunzip it: plain IDX files are memory-mapped)")
    chunks, got = [], 0
    while got < size:
        chunk = fh.read(min(1 << 26, size - got))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    data = b"".join(chunks)
    if len(data) < size:
        raise DataError(f"{path}: truncated IDX file: header declares {size} bytes of data, file holds {len(data)}")
    if fh.read(1):
        raise DataError(f"{path}: IDX file is longer than its header declares")
    return np.frombuffer(data, dtype=np.uint8).reshape(dims)


def _find(directory: Path, stem: str) -> Path | None:
    for name in (stem, f"{stem}.gz"):
        if (directory / name).is_file():
            return directory / name
    return None


def load_idx(directory: str) -> Pool:
    """``train-images-idx3-ubyte[.gz]`` + ``train-labels-idx1-ubyte[.gz]``; ``t10k-*`` as the test pool."""
    root = Path(directory)
    if not root.is_dir():
        raise DataError(f"idx:{directory}: no such directory")
    images = _find(root, "train-images-idx3-ubyte")
    if images is None:
        raise DataError(f"idx:{directory}: no train-images-idx3-ubyte[.gz] in it")
    labels = _find(root, "train-labels-idx1-ubyte")
    x = read_idx(images, 3)
    y = read_idx(labels, 1) if labels is not None else None
    test = None
    t_images = _find(root, "t10k-images-idx3-ubyte")
    if t_images is not None:
        t_labels = _find(root, "t10k-labels-idx1-ubyte")
        xt = read_idx(t_images, 3)
        yt = read_idx(t_labels, 1) if t_labels is not None else None
        test = make_pool(xt, yt, name=f"idx:{directory}/test", id_prefix="test/", min_images=1)
    classes = None
    if y is not None:
        top = max(int(y.max()), int(test.labels.max()) if test is not None and test.labels is not None else 0)
        classes = index_classes(top, f"idx:{directory}")
        if test is not None and test.labels is not None:
            test = make_pool(test.images, test.labels, classes=classes, name=test.name, id_prefix="test/", min_images=1)
    return make_pool(x, y, classes=classes, test=test, name=f"idx:{directory}", id_prefix="train/")

