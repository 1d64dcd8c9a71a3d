"""Linear feature maps: raw ``pixels`` and ``pca``."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from infopick._util import seed_int
from infopick.embed.base import Embedder, flat_unit, register_embedder
from infopick.typing import Progress, UInt8Array


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
        return pca.fit_transform(x).astype(np.float32)

    def out_dim(self, images: UInt8Array) -> int:
        return max(1, min(self.dim, len(images), int(np.prod(images.shape[1:]))))

    def embed_into(
        self, images: UInt8Array, out: npt.NDArray[np.float32], *, rng: np.random.Generator, progress: Progress | None = None
    ) -> None:
        """Large pools: fit on a seeded sample of ``out_of_core_above`` images, then project
        ``CHUNK`` images at a time into ``out`` (n, dim), which may be a memory map."""
        from sklearn.decomposition import PCA as _PCA

        rows = np.sort(rng.choice(len(images), size=int(min(len(images), self.out_of_core_above)), replace=False))
        pca = _PCA(n_components=out.shape[1], svd_solver="randomized", random_state=seed_int(rng) % 2**32)
        pca.fit(flat_unit(images[rows]))
        for start in range(0, len(images), CHUNK):
            out[start : start + CHUNK] = pca.transform(flat_unit(images[start : start + CHUNK]))
            if progress is not None:
                progress("embed", min(start + CHUNK, len(images)), len(images))


CHUNK = 65_536  # images projected at a time: 65536 x 784 float32 = 205 MB
