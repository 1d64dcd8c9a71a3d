"""The Pool type: the images one may pick from, with optional labels and a test pool."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from infopick.errors import DataError, InfopickError
from infopick.typing import Features

MAX_CLASSES = 100_000
"""Labels are class indices; a larger value is a mistake (an id column read as labels), and
building that many class names would exhaust memory before anything else could fail."""


@dataclass(frozen=True, eq=False)
class Pool:
    """A pool of images to pick from.

    Attributes
    ----------
    images : uint8 ndarray of shape (n, h, w) or (n, h, w, c)
    labels : int64 ndarray of shape (n,) with values in 0..len(classes)-1, or None
    ids : str ndarray of shape (n,), unique and stable across loads (e.g. ``train/00042``)
    classes : class names, index = label value
    test : a held-out Pool of the same image shape and classes, or None
    name : the data spec it came from
    """

    images: npt.NDArray[np.uint8]
    labels: npt.NDArray[np.int64] | None
    ids: npt.NDArray[np.str_]
    classes: tuple[str, ...]
    test: Pool | None = None
    name: str = "pool"

    def __len__(self) -> int:
        return int(self.images.shape[0])

    @property
    def image_shape(self) -> tuple[int, ...]:
        """(h, w) or (h, w, c)."""
        return tuple(int(s) for s in self.images.shape[1:])

    @property
    def channels(self) -> int:
        return 1 if self.images.ndim == 3 else int(self.images.shape[3])

    def fingerprint(self) -> str:
        """sha256 (hex, 16 chars) of images and labels: a cache key that changes with the data."""
        h = hashlib.sha256()
        h.update(str(self.images.shape).encode())
        h.update(np.ascontiguousarray(self.images).data)
        if self.labels is not None:
            h.update(np.ascontiguousarray(self.labels).data)
        return h.hexdigest()[:16]

    def class_histogram(self, indices: npt.ArrayLike | None = None) -> dict[str, int]:
        """Number of images per class name, over ``indices`` (default: all)."""
        if self.labels is None:
            return {}
        labels = self.labels if indices is None else self.labels[np.asarray(indices)]
        counts = np.bincount(labels, minlength=len(self.classes))
        return {c: int(k) for c, k in zip(self.classes, counts, strict=True)}


def make_pool(
    images: npt.ArrayLike,
    labels: npt.ArrayLike | None = None,
    *,
    ids: npt.ArrayLike | None = None,
    classes: tuple[str, ...] | list[str] | None = None,
    test: Pool | None = None,
    name: str = "pool",
    id_prefix: str = "",
    min_images: int = 2,
) -> Pool:
    """Validate raw arrays and build a :class:`Pool` (the public edge for in-memory data).

    ``images`` may be uint8 in 0..255 or floats in [0, 1] (scaled by 255 and rounded).
    A pool needs ``min_images`` (2) images to pick from; a test pool may pass 1.
    Raises :class:`DataError` with one clear sentence for anything malformed.
    """
    x = np.asarray(images)
    if x.ndim not in (3, 4):
        raise DataError(f"{name}: images must have shape (n, h, w) or (n, h, w, c), got {x.shape}")
    if x.ndim == 4 and x.shape[3] not in (1, 3, 4):
        raise DataError(f"{name}: images have {x.shape[3]} channels; expected 1, 3 or 4 (channels last)")
    if x.ndim == 4 and x.shape[3] == 1:
        x = x[..., 0]
    if x.shape[0] < min_images:
        raise DataError(f"{name}: needs at least {min_images} images, got {x.shape[0]}")
    if min(x.shape[1:3]) < 1:
        raise DataError(f"{name}: empty image size {x.shape[1:3]}")
    x = _to_uint8(x, name)

    y: npt.NDArray[np.int64] | None = None
    if labels is not None:
        y_raw = np.asarray(labels)
        if y_raw.ndim != 1:
            raise DataError(f"{name}: labels must be one-dimensional, got shape {y_raw.shape}")
        if y_raw.shape[0] != x.shape[0]:
            raise DataError(f"{name}: {y_raw.shape[0]} labels for {x.shape[0]} images")
        if not np.issubdtype(y_raw.dtype, np.integer):
            if not np.issubdtype(y_raw.dtype, np.floating) or not np.all(np.isfinite(y_raw)) or np.any(y_raw != np.round(y_raw)):
                raise DataError(f"{name}: labels must be integers, got dtype {y_raw.dtype}")
        y = y_raw.astype(np.int64)
        if y.min() < 0:
            raise DataError(f"{name}: labels must be >= 0, found {int(y.min())}")
        classes = tuple(str(c) for c in classes) if classes is not None else index_classes(int(y.max()), name)
        if y.max() >= len(classes):
            raise DataError(f"{name}: label {int(y.max())} out of range for {len(classes)} classes")
    else:
        classes = tuple(str(c) for c in classes) if classes is not None else ()

    if ids is None:
        width = len(str(x.shape[0] - 1))
        id_arr = np.array([f"{id_prefix}{i:0{width}d}" for i in range(x.shape[0])])
    else:
        id_arr = np.asarray(ids).astype(str)
        if id_arr.shape != (x.shape[0],):
            raise DataError(f"{name}: {id_arr.shape[0] if id_arr.ndim else 0} ids for {x.shape[0]} images")
        uniq, counts = np.unique(id_arr, return_counts=True)
        if len(uniq) != len(id_arr):
            raise DataError(f"{name}: duplicate id {str(uniq[counts > 1][0])!r}")

    if test is not None:
        if test.image_shape != x.shape[1:]:
            raise DataError(f"{name}: test images {test.image_shape} differ from pool images {x.shape[1:]}")
        if (test.labels is None) != (y is None):
            raise DataError(f"{name}: pool and test pool must both have labels or both lack them")
        if y is not None and test.classes != classes:
            if len(test.classes) > len(classes):
                raise DataError(f"{name}: test pool has classes the pool lacks")
            test = Pool(test.images, test.labels, test.ids, classes, None, test.name)
    return Pool(x, y, id_arr, classes, test, name)


def check_labels(labels: npt.ArrayLike, n: int) -> npt.NDArray[np.int64]:
    """Class indices (n,) in 0..MAX_CLASSES-1, as int64; anything else is refused at the public edge
    (``select``, ``measure``), not deep in a strategy or measure."""
    y = np.asarray(labels)
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
        raise InfopickError(f"labels must be integers of shape ({n},), got {y.dtype} {y.shape}")
    if n and (y.min() < 0 or y.max() >= MAX_CLASSES):
        raise InfopickError(f"labels must be class indices in 0..{MAX_CLASSES - 1}, found {int(y.min())}..{int(y.max())}")
    return y.astype(np.int64)


def index_classes(top: int, name: str) -> tuple[str, ...]:
    """Class names "0".."top" for labels that are class indices; refused at ``MAX_CLASSES``."""
    if top >= MAX_CLASSES:
        raise DataError(f"{name}: labels are class indices below {MAX_CLASSES}, found {top}")
    return tuple(str(i) for i in range(top + 1))


def _to_uint8(x: np.ndarray, name: str) -> npt.NDArray[np.uint8]:
    if x.dtype == np.uint8:
        return x
    if np.issubdtype(x.dtype, np.integer):
        if x.min() < 0 or x.max() > 255:
            raise DataError(f"{name}: integer pixel values must lie in 0..255, found {int(x.min())}..{int(x.max())}")
        return x.astype(np.uint8)
    if np.issubdtype(x.dtype, np.floating):
        if not np.all(np.isfinite(x)):
            raise DataError(f"{name}: images contain NaN or inf")
        if x.min() < 0 or x.max() > 1:
            raise DataError(
                f"{name}: float pixel values must lie in [0, 1], found {float(x.min()):.3g}..{float(x.max()):.3g}"
            )
        return np.rint(x * 255).astype(np.uint8)
    if x.dtype == np.bool_:
        return x.astype(np.uint8) * 255
    raise DataError(f"{name}: unsupported image dtype {x.dtype}")


def check_features(x: Features) -> np.ndarray:
    """A feature matrix (n, d) as an array: 2-d, numeric, finite; else one ``InfopickError``."""
    arr = np.asarray(x)
    if arr.ndim != 2:
        raise InfopickError(f"features must have shape (n, d), got {arr.shape}")
    if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise InfopickError(f"features must be numeric, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        raise InfopickError("features contain NaN or inf")
    return arr
