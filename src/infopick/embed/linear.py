"""Linear feature maps: raw ``pixels`` and ``pca``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from infopick._util import fixed_threads, seed_int
from infopick.embed.base import Embedder, flat_unit, register_embedder
from infopick.typing import Progress, UInt8Array

if TYPE_CHECKING:
    from infopick.engine import Engine


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

    def mapper(self, images: UInt8Array, *, rng: np.random.Generator) -> Callable[[UInt8Array], npt.NDArray[np.floating]]:
        return flat_unit


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
        # constant images: sklearn divides by a total variance of 0
        with np.errstate(invalid="ignore", divide="ignore"), fixed_threads():
            return pca.fit_transform(x).astype(np.float32)

    def mapper(self, images: UInt8Array, *, rng: np.random.Generator) -> Callable[[UInt8Array], npt.NDArray[np.floating]]:
        """The PCA fitted as ``embed`` fits it (same seed draw, fixed threads), projecting new images."""
        from sklearn.decomposition import PCA as _PCA

        fit_on = images
        if len(images) > self.out_of_core_above:
            fit_on = images[np.sort(rng.choice(len(images), size=int(self.out_of_core_above), replace=False))]
        x = flat_unit(np.asarray(fit_on))
        dim = max(1, min(self.dim, x.shape[0], x.shape[1]))
        pca = _PCA(n_components=dim, svd_solver="randomized" if dim < min(x.shape) else "full", random_state=seed_int(rng) % 2**32)
        with np.errstate(invalid="ignore", divide="ignore"), fixed_threads():
            pca.fit(x)

        def project(new: UInt8Array) -> npt.NDArray[np.floating]:
            with fixed_threads():
                return (flat_unit(new).astype(np.float64) - pca.mean_) @ pca.components_.T.astype(np.float64)

        return project

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
            from infopick.engine import LocalEngine

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
    # In float64, rounded once, at a fixed BLAS thread count: the same float32 numbers in a Ray worker and here.
    x = flat_unit(block).astype(np.float64)
    with fixed_threads():
        return ((x - pca.mean_) @ pca.components_.T.astype(np.float64)).astype(np.float32)


@register_embedder
class Invariant(Embedder):
    """PCA of low-passed, standardised images: features in which nuisance copies stay close (n, dim).

    Each image is blurred (Gaussian, ``blur_px`` for a 28-pixel image, scaled with the image's
    shorter side as the nuisance model's lengths are: pixel noise and sub-pixel shifts averaged out),
    turned to grey, centred and scaled to unit length (brightness and contrast divided out),
    then projected on the pool's top ``dim`` principal axes. Distances are in units of the unit
    sphere (two opposite images lie 2 apart). The nuisance model's radius is calibrated in it
    (``mapper``): the encoder the measures and ``auto``'s screen read.
    """

    name = "invariant"
    summary = "PCA of blurred, standardised images: nuisance copies stay close (dim 50)"

    def __init__(self, *, dim: int = 50, blur_px: float = 1.5) -> None:
        self.dim = dim
        self.blur_px = blur_px

    def embed(
        self, images: UInt8Array, *, rng: np.random.Generator, progress: Progress | None = None
    ) -> npt.NDArray[np.float32]:
        return self.mapper(images, rng=rng)(images).astype(np.float32)

    def mapper(self, images: UInt8Array, *, rng: np.random.Generator) -> Callable[[UInt8Array], npt.NDArray[np.floating]]:
        from sklearn.decomposition import PCA as _PCA

        from infopick.nuisance import pixel_scale

        blur = self.blur_px * pixel_scale(images.shape[1:3])
        x = standardise(images, blur)
        dim = max(1, min(self.dim, x.shape[0], x.shape[1]))
        pca = _PCA(n_components=dim, svd_solver="randomized" if dim < min(x.shape) else "full", random_state=seed_int(rng) % 2**32)
        with fixed_threads():
            pca.fit(x)

        def project(new: UInt8Array) -> npt.NDArray[np.floating]:
            with fixed_threads():
                return (standardise(new, blur).astype(np.float64) - pca.mean_) @ pca.components_.T.astype(np.float64)

        return project


def invariant_resolution(images: UInt8Array, model: Any, rng: np.random.Generator, *,
                         quantile: float) -> tuple[npt.NDArray[np.float32], float]:
    """(invariant features (n, dim), the nuisance radius in them): what ``auto``'s screen and
    ``invariant-coverage`` read. ``model`` is an ``infopick.nuisance.Nuisance``; draws from ``rng``
    (the PCA fit, then the copies), so the same generator state gives the same pair."""
    from infopick.nuisance import radius

    mapper = Invariant().mapper(images, rng=rng)
    # projected a chunk at a time: the float64 projection of a whole 10^6-image pool would take 6 GB
    z = np.empty((len(images), 0), dtype=np.float32)
    if len(images):
        z = np.concatenate([np.asarray(mapper(images[lo : lo + CHUNK]), dtype=np.float32)
                            for lo in range(0, len(images), CHUNK)])
    return z, (radius(images, mapper, model, rng, quantile=quantile) if len(images) > 1 else 0.0)


def standardise(images: UInt8Array, blur_px: float) -> npt.NDArray[np.float32]:
    """(n, h, w[, c]) uint8 -> (n, h*w) float32: grey, Gaussian blur of ``blur_px``, centred, unit length."""
    from scipy import ndimage

    x = np.asarray(images).astype(np.float32) / np.float32(255)
    if x.ndim == 4:
        x = x.mean(axis=3)
    if blur_px > 0:
        x = ndimage.gaussian_filter(x, sigma=(0, blur_px, blur_px))
    x = x.reshape(len(x), -1)
    x -= x.mean(axis=1, keepdims=True)
    # a constant image has no shape: it stays at 0 instead of being blown up from rounding noise
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), np.float32(1e-3))


CHUNK = 65_536  # images projected at a time: 65536 x 784 float32 = 205 MB
WAVE = 8  # chunks in flight on an engine: 8 x 51 MB of MNIST-sized images, 8 x 13 MB of features
