"""``umap``: a neighbour-preserving low-dimensional map (McInnes et al. 2018) of the PCA-50 pixels."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from infopick._util import seed_int
from infopick.embed.base import Embedder, register_embedder
from infopick.embed.linear import PCA
from infopick.errors import InfopickError
from infopick.typing import Progress, UInt8Array


@register_embedder
class UMAP(Embedder):
    """UMAP of the PCA-50 pixels to ``dim`` dimensions: (n, dim).

    ``min_dist=0`` packs neighbours tightly, which is what clustering and coverage strategies
    want (the umap-learn docs' advice for clustering). A fixed ``random_state`` makes it
    deterministic and single-threaded: ~2 minutes for MNIST's 60000 images on 2 cores.
    """

    name = "umap"
    summary = "UMAP of the PCA-50 pixels (dim 10)"

    def __init__(self, *, dim: int = 10, n_neighbors: int = 15, min_dist: float = 0.0) -> None:
        self.dim = dim
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist

    def embed(
        self, images: UInt8Array, *, rng: np.random.Generator, progress: Progress | None = None
    ) -> npt.NDArray[np.float32]:
        try:
            import umap
        except ImportError:
            raise InfopickError("the umap embedding needs umap-learn (a dependency of infopick): pip install umap-learn") from None
        x = PCA(dim=50).embed(images, rng=rng)  # UMAP on raw pixels is ~5x slower for the same map
        n = len(x)
        if n <= self.dim + 2:
            raise InfopickError(f"umap needs more than {self.dim + 2} images, got {n}")
        import warnings

        reducer = umap.UMAP(
            n_components=self.dim, n_neighbors=min(self.n_neighbors, n - 1), min_dist=self.min_dist,
            random_state=seed_int(rng) % 2**31, init="spectral" if n > 4 * self.dim else "random",
        )
        if progress is not None:
            progress("embed", 0, 1)  # UMAP reports no steps; a bar with its clock beats silence
        with warnings.catch_warnings():  # "n_jobs overridden by random_state": determinism is the point
            warnings.filterwarnings("ignore", message=".*n_jobs.*", category=UserWarning)
            z = np.asarray(reducer.fit_transform(x), dtype=np.float32)
        if progress is not None:
            progress("embed", 1, 1)
        return z
