"""A user's own features for a pool (``--features FILE``): ``.npy`` (n, d) in the pool's order, or ``.npz`` with ids.

Read without unpickling, checked at the edge (shape, row count, NaN / inf, unknown or missing ids)
and fingerprinted (sha256 of the file) for ``run.json``. Never cached: the file is the source.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from infopick.data.pool import Pool, check_features
from infopick.errors import DataError, InfopickError


@dataclass(frozen=True)
class UserFeatures:
    """Rows aligned with the pool's images; ``sha256`` of the file they came from."""

    x: npt.NDArray[np.float32]
    path: str
    sha256: str

    def record(self) -> dict[str, str | list[int]]:
        return {"path": self.path, "sha256": self.sha256, "shape": list(self.x.shape)}


def load_features(path: str | Path, pool: Pool) -> UserFeatures:
    """``path`` as features of ``pool``: (n, d) numeric and finite, one row per pool image (by id for ``.npz``)."""
    p = Path(path)
    what = f"features file {path}"
    if not p.is_file():
        raise DataError(f"{what}: no such file")
    digest = hashlib.sha256(p.read_bytes()).hexdigest()
    try:
        if p.suffix == ".npz":
            with np.load(p, allow_pickle=False) as z:
                if "features" not in z.files:
                    raise DataError(f"{what}: an .npz needs a 'features' array (and 'ids'); it has {sorted(z.files)}")
                x = z["features"]
                ids = z["ids"] if "ids" in z.files else None
        else:
            x, ids = np.load(p, allow_pickle=False), None
    except (ValueError, OSError, zipfile.BadZipFile) as exc:
        raise DataError(f"{what}: not a readable .npy / .npz without pickles ({exc.__class__.__name__})") from None
    try:
        x = check_features(x)
    except InfopickError as exc:
        raise DataError(f"{what}: {exc}") from None
    if ids is not None:
        x = _align(x, ids, pool, what)
    elif len(x) != len(pool):
        raise DataError(f"{what}: {len(x)} rows for a pool of {len(pool)} images (rows must follow the pool's order, "
                        "or give an .npz with 'ids')")
    return UserFeatures(np.ascontiguousarray(x, dtype=np.float32), str(path), digest)


def _align(x: np.ndarray, ids: np.ndarray, pool: Pool, what: str) -> np.ndarray:
    if ids.ndim != 1 or len(ids) != len(x):
        raise DataError(f"{what}: 'ids' must be one id per row ({len(x)}), got shape {ids.shape}")
    names = [str(i) for i in ids]
    if len(set(names)) != len(names):
        raise DataError(f"{what}: an id appears more than once in 'ids'")
    row = {n: i for i, n in enumerate(names)}
    missing = [str(i) for i in pool.ids if str(i) not in row]
    if missing:
        raise DataError(f"{what}: {len(missing)} pool images have no row, e.g. id {missing[0]!r}")
    unknown = sorted(set(names) - {str(i) for i in pool.ids})
    if unknown:
        raise DataError(f"{what}: {len(unknown)} ids are not in the pool, e.g. {unknown[0]!r}")
    return x[[row[str(i)] for i in pool.ids]]
