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

    def __init__(self, *, dim: int = 50) -> None:
        self.dim = dim

    def embed(
        self, images: UInt8Array, *, rng: np.random.Generator, progress: Progress | None = None
    ) -> npt.NDArray[np.float32]:
        from sklearn.decomposition import PCA as _PCA

        x = flat_unit(images)
        dim = max(1, min(self.dim, x.shape[0], x.shape[1]))
        pca = _PCA(n_components=dim, svd_solver="randomized" if dim < min(x.shape) else "full", random_state=seed_int(rng) % 2**32)
        return pca.fit_transform(x).astype(np.float32)
