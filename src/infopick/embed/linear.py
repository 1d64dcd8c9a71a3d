"""Linear feature maps: raw ``pixels`` and ``pca``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from infopick._util import fixed_threads, seed_int
from infopick.embed.base import Embedder, flat_unit, register_embedder
from infopick.typing import Progress, UInt8Array

if TYPE_CHECKING:
    from infopick.distributed import Engine


@register_embedder
class Pixels(Embedder):
    """Pixel values in [0, 1], flattened: (n, h*w*c). The encoder-free reference."""

    name = "pixels"
    summary = "raw pixel values in [0, 1], flattened"
    cached = False

    def embed(
        self, images: UInt8Array, *, rng: np.random.Generator, progress: Progress | None = None
    ) -> npt.NDArray[np.float32]:
        return flat_unit(images)


@register_embedder
class PCA(Embedder):
    """Principal components of the pixels (randomised SVD, Halko et al. 2011): (n, dim), centred, not whitened."""

    name = "pca"
    summary = "principal components of the pixels (dim 50)"
    out_of_core_above = 200_000  # fitted on a seeded sample of this many images, applied in chunks
    cache_version = 2  # 2: fitted and projected at one BLAS thread (the same floats at any thread count)

    def __init__(self, *, dim: int = 50) -> None:
        self.dim = dim

    def embed(
        self, images: UInt8Array, *, rng: np.random.Generator, progress: Progress | None = None
    ) -> npt.NDArray[np.float32]:
        if len(images) > self.out_of_core_above:  # uncached callers: the same result, in memory
            out = np.empty((len(images), self.out_dim(images)), dtype=np.float32)
            self.embed_into(images, out, rng=rng, progress=progress)
            return out
        from sklearn.decomposition import PCA as _PCA

        x = flat_unit(images)
        dim = max(1, min(self.dim, x.shape[0], x.shape[1]))
        pca = _PCA(n_components=dim, svd_solver="randomized" if dim < min(x.shape) else "full", random_state=seed_int(rng) % 2**32)
        # constant images: sklearn divides by a total variance of 0
        with np.errstate(invalid="ignore", divide="ignore"), fixed_threads():
            return pca.fit_transform(x).astype(np.float32)

    def out_dim(self, images: UInt8Array) -> int:
        return max(1, min(self.dim, len(images), int(np.prod(images.shape[1:]))))

    def embed_into(
        self, images: UInt8Array, out: npt.NDArray[np.float32], *, rng: np.random.Generator,
        progress: Progress | None = None, engine: Engine | None = None,
    ) -> None:
        """Large pools: fit on a seeded sample of ``out_of_core_above`` images, then project
        ``CHUNK`` images at a time into ``out`` (n, dim), which may be a memory map. The chunks
        are tasks of ``engine`` (default: this process, one after another; Ray: one task per
        chunk), in waves of ``WAVE`` so that only a wave's images and features are in flight."""
        from sklearn.decomposition import PCA as _PCA

        rows = np.sort(rng.choice(len(images), size=int(min(len(images), self.out_of_core_above)), replace=False))
        pca = _PCA(n_components=out.shape[1], svd_solver="randomized", random_state=seed_int(rng) % 2**32)
        with np.errstate(invalid="ignore", divide="ignore"), fixed_threads():
            pca.fit(flat_unit(images[rows]))
        if engine is None:
            from infopick.distributed import LocalEngine

            engine = LocalEngine()
        ref = engine.put(pca)
        starts = list(range(0, len(images), CHUNK))
        for w in range(0, len(starts), WAVE):
            wave = starts[w : w + WAVE]
            blocks = engine.map(_project, [(ref, np.asarray(images[s : s + CHUNK])) for s in wave])
            for start, block in zip(wave, blocks, strict=True):
                out[start : start + len(block)] = block
                if progress is not None:
                    progress("embed", start + len(block), len(images))


def _project(pca: Any, block: UInt8Array) -> npt.NDArray[np.float32]:
    """One chunk of images (m, h, w[, c]) through a fitted PCA: float32 (m, dim). A task on any engine."""
    # In float64, rounded once, at one BLAS thread: the same float32 numbers in a Ray worker and here.
    x = flat_unit(block).astype(np.float64)
    with fixed_threads():
        return ((x - pca.mean_) @ pca.components_.T.astype(np.float64)).astype(np.float32)


CHUNK = 65_536  # images projected at a time: 65536 x 784 float32 = 205 MB
WAVE = 8  # chunks in flight on an engine: 8 x 51 MB of MNIST-sized images, 8 x 13 MB of features
