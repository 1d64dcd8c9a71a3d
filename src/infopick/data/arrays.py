"""Reading ``.npy`` files and ``.npz`` members without trusting their headers (never unpickled).

A header declares a dtype and a shape; numpy allocates what it declares before reading. So the
declared size is checked first: against the bytes the file holds (``.npy``; a short file is
refused, not allocated) and against this machine's memory (``.npz`` members, which may be
compressed: a few kilobytes can declare terabytes, the zip-bomb case).
"""

from __future__ import annotations

import math
import os
import zipfile
import zlib
from pathlib import Path
from typing import IO

import numpy as np

from infopick.errors import DataError


def memory_bytes() -> int:
    """Physical memory of this machine in bytes (the most any one array may declare when read whole)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 1 << 36


def _header(fh: IO[bytes], where: str) -> tuple[np.dtype, tuple[int, ...], int]:
    """(dtype, shape, declared data bytes) from a .npy header; refuses object dtypes and bad headers."""
    try:
        version = np.lib.format.read_magic(fh)
        read = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if read is None:
            raise ValueError(f"format version {version} unsupported")
        shape, _fortran, dtype = read(fh, max_header_size=10_000)
    except (ValueError, OSError, SyntaxError, EOFError) as exc:
        raise DataError(f"{where}: not a readable .npy array ({exc})") from None
    if dtype.hasobject:
        raise DataError(f"{where}: holds Python objects (dtype {dtype}); refused, never unpickled")
    return dtype, tuple(int(s) for s in shape), math.prod(shape) * dtype.itemsize


def load_npy_array(path: Path, *, mmap: bool) -> np.ndarray:
    """A ``.npy`` file whose header agrees with its size; memory-mapped when ``mmap``."""
    try:
        with path.open("rb") as fh:
            _dtype, _shape, declared = _header(fh, str(path))
            held = path.stat().st_size - fh.tell()
    except OSError as exc:
        raise DataError(f"{path}: not a readable .npy file ({exc.strerror or exc})") from None
    if held != declared:
        raise DataError(f"{path}: header declares {declared} bytes of data, the file holds {held}")
    try:
        return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except (ValueError, OSError) as exc:
        raise DataError(f"{path}: refused ({exc})") from None


def load_npz_arrays(path: Path, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The members ``keys`` present in an ``.npz``; each header checked before its data is read."""
    limit = memory_bytes() // 2
    try:
        with zipfile.ZipFile(path) as zf:
            names = {n[: -len(".npy")]: n for n in zf.namelist() if n.endswith(".npy")}
            if "X" not in names:
                raise DataError(f"{path}: no array 'X' (found: {', '.join(sorted(names)) or 'none'})")
            out = {}
            for key in (k for k in keys if k in names):
                where = f"{path}[{key}]"
                with zf.open(names[key]) as fh:
                    _dtype, _shape, declared = _header(fh, where)
                    if declared > limit:
                        raise DataError(f"{where}: declares {declared} bytes, over half this machine's memory; refused before reading")
                with zf.open(names[key]) as fh:
                    out[key] = np.lib.format.read_array(fh, allow_pickle=False)
            return out
    except DataError:
        raise
    except (OSError, zipfile.BadZipFile, EOFError, ValueError, RuntimeError, zlib.error) as exc:
        raise DataError(f"{path}: not a readable .npz file ({exc.__class__.__name__}: {exc})") from None

