"""Feature maps of a pool, cached on disk keyed by (pool images, method, parameters, seed).

>>> import infopick
>>> z = embed(infopick.load("digits"), "pca", dim=5)
>>> z.shape, z.dtype
((1437, 5), dtype('float32'))
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from infopick._registry import check_instance
from infopick._util import atomic_write, check_seed, content_digest, resolve_rng
from infopick.data.pool import Pool
from infopick.embed import linear, manifold, nets  # noqa: F401  (register the embedders)
from infopick.embed.base import Embedder, embedders, get_embedder, register_embedder
from infopick.typing import Progress

if TYPE_CHECKING:
    from infopick.engine import Engine

__all__ = ["embed", "Embedder", "embedders", "get_embedder", "register_embedder", "cache_dir", "on_device", "trained", "DEFAULT_EMBED"]

DEFAULT_EMBED = "umap"
"""What label-free strategies see unless told otherwise; set from benchmarks/RESULTS.md."""

CACHE_VERSION = 1  # bump when an embedder's output changes for the same parameters


def embed(
    pool: Pool, method: str | Embedder = DEFAULT_EMBED, *, seed: int = 0, cache: bool = True,
    progress: Progress | None = None, engine: Engine | None = None, **params: Any,
) -> npt.NDArray[np.float32]:
    """Features of every pool image: float32 of shape (n, d), d fixed by the method.

    A second call with the same pool, method, parameters and seed reads the cached array
    (``$INFOPICK_HOME/embed``) instead of recomputing it. Pools above the embedder's
    ``out_of_core_above`` are embedded chunk by chunk into a memory-mapped cache file; with an
    ``engine`` (``infopick.engine.get_engine("ray")``) those chunks run as its tasks.
    """
    emb = method if isinstance(method, Embedder) else get_embedder(method, **params)
    check_instance("embedding", emb)
    check_seed(seed)
    path = cache_path(pool, emb, int(seed)) if cache and emb.cached else None
    if path is not None and path.exists():
        z = _read(path, len(pool))
        if z is not None:
            return z
    if path is not None and len(pool) > emb.out_of_core_above:
        return _embed_to_file(pool, emb, path, int(seed), progress, engine)
    z = emb.embed(pool.images, rng=resolve_rng(int(seed)), progress=progress)
    if z.shape[0] != len(pool) or z.ndim != 2 or not np.all(np.isfinite(z)):
        raise AssertionError(f"embedding {emb.name!r} returned {z.shape} with non-finite values or wrong rows")
    z = np.ascontiguousarray(z, dtype=np.float32)
    if path is not None:
        with atomic_write(path, "wb") as fh:
            np.save(fh, z, allow_pickle=False)
    return z


def _embed_to_file(
    pool: Pool, emb: Any, path: Path, seed: int, progress: Progress | None, engine: Engine | None,
) -> npt.NDArray[np.float32]:
    """Large pools: write the embedding chunk by chunk into a memory-mapped .npy, then rename it into place."""
    import os

    from infopick._util import temp_beside

    fd, tmp = temp_beside(path)
    os.close(fd)
    try:
        out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32, shape=(len(pool), emb.out_dim(pool.images)))
        emb.embed_into(pool.images, out, rng=resolve_rng(seed), progress=progress, engine=engine)
        out.flush()
        del out
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return np.load(path, mmap_mode="r", allow_pickle=False)


def on_device(method: str, device: str) -> str | Embedder:
    """``method`` as it is, or, when it trains a network (``Embedder.trains``: autoencoder, contrastive)
    and ``device`` is not ``cpu``, its embedder training on ``device``; an unknown name stays for
    ``embed`` to refuse with the valid ones."""
    cls = embedders().get(method)
    if cls is None or not cls.trains or device == "cpu":
        return method
    return get_embedder(method, device=device)


def trained() -> list[str]:
    """The embeddings that train a network (and take a device)."""
    return [n for n, c in embedders().items() if c.trains]


def cache_dir() -> Path:
    from infopick.data.mnist import home

    return home() / "embed"


def cache_path(pool: Pool, emb: Embedder, seed: int) -> Path:
    """One file per (images, method, params, seed, version): a changed pool never hits an old file."""
    key = {"method": emb.name, "params": emb.cache_params(), "seed": seed, "v": CACHE_VERSION}
    return cache_dir() / f"{emb.name}-{content_digest((pool.images,), key)}.npy"


def _read(path: Path, n: int) -> npt.NDArray[np.float32] | None:
    """The cached array, or None when the file is damaged or of another shape (then it is recomputed)."""
    try:
        z = np.load(path, allow_pickle=False, mmap_mode="r")  # a large embedding stays on disk until touched
    except (OSError, ValueError):
        return None
    if z.dtype != np.float32 or z.ndim != 2 or z.shape[0] != n or not np.all(np.isfinite(z)):
        return None
    return z
