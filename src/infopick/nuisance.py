"""The nuisance model: what counts as "the same image" for infopick, said once.

A nuisance copy of an image is the image after changes a person does not see as a new image:
pixel noise, a small shift / rotation / change of scale, brightness and contrast, a slight
blur, and (optionally) JPEG artefacts. :class:`Nuisance` holds their magnitudes at
``strength=1`` and scales them all by ``strength``; :func:`perturb` draws copies from a seeded
generator; :func:`radius` turns the model into a resolution in an embedding: the distance
within which an image and its nuisance copies lie. Measures use that radius as the distance
below which two images hold the same information (coverage's ``delta``), and ``auto`` uses it
to find near-duplicate groups. The game's training augmentation (rotation 12 degrees, shift
2.5 px, scale 0.1) is the same family at about 2.5 times the geometric magnitudes: the network
is trained to be invariant to more than a person calls "the same".

Plain numpy and scipy (no torch): measures and strategies import it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from infopick.errors import InfopickError
from infopick.typing import UInt8Array


@dataclass(frozen=True)
class Nuisance:
    """Magnitudes of the changes that keep an image "the same" (at ``strength`` 1).

    Each draw is uniform in +-magnitude (noise: Gaussian std); pixel values are in [0, 1].
    Lengths in pixels (``shift_px``, ``blur_px``) are for a 28-pixel image (MNIST) and scale with
    the image's shorter side (``REFERENCE_SIDE``): a one-pixel shift of an 8x8 image is a larger
    change than of a 28x28 one.
    """

    strength: float = 1.0
    noise: float = 0.04  # std of additive Gaussian pixel noise
    shift_px: float = 1.0  # translation along each axis, pixels
    rotate_deg: float = 5.0
    scale: float = 0.05  # zoom in 1 +- scale
    brightness: float = 0.08  # added to every pixel
    contrast: float = 0.1  # pixels scaled about their mean by 1 +- contrast
    blur_px: float = 0.5  # Gaussian blur std drawn in [0, blur_px]
    jpeg: bool = False  # also a JPEG round trip at a quality in 95 - 30 * strength .. 95

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if name != "jpeg" and (not np.isfinite(value) or value < 0):
                raise InfopickError(f"nuisance: {name} must be a finite number >= 0, got {value!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def perturb(images: UInt8Array, model: Nuisance, rng: np.random.Generator) -> UInt8Array:
    """One nuisance copy of each image: uint8 of the same shape (n, h, w[, c]); draws from ``rng``."""
    from scipy import ndimage

    s = model.strength
    px = pixel_scale(images.shape[1:3])
    out = np.empty_like(images)
    for i, img in enumerate(images):
        x = img.astype(np.float64) / 255.0
        chans = x[..., None] if x.ndim == 2 else x
        h, w = chans.shape[:2]
        angle = np.deg2rad(rng.uniform(-1, 1) * model.rotate_deg * s)
        zoom = 1 + rng.uniform(-1, 1) * model.scale * s
        shift = rng.uniform(-1, 1, size=2) * model.shift_px * s * px
        blur = rng.uniform(0, model.blur_px * s * px)
        # output pixel p reads input A p + offset: a rotation and zoom about the centre, then the shift
        a = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]) / zoom
        centre = np.array([(h - 1) / 2, (w - 1) / 2])
        offset = centre - a @ centre - shift
        warped = np.stack([ndimage.affine_transform(chans[..., c], a, offset=offset, order=1, mode="constant")
                           for c in range(chans.shape[2])], axis=-1)
        if blur > 0:
            warped = ndimage.gaussian_filter(warped, sigma=(blur, blur, 0))
        mean = warped.mean()
        warped = (warped - mean) * (1 + rng.uniform(-1, 1) * model.contrast * s) + mean
        warped = warped + rng.uniform(-1, 1) * model.brightness * s + rng.normal(0, model.noise * s, size=warped.shape)
        y = np.clip(np.rint(warped * 255), 0, 255).astype(np.uint8)
        if model.jpeg:
            y = _jpeg(y, int(round(95 - rng.uniform(0, 30 * min(s, 3.0)))))
        out[i] = y[..., 0] if img.ndim == 2 else y
    return out


REFERENCE_SIDE = 28


def pixel_scale(shape: tuple[int, ...]) -> float:
    """Pixel lengths of the model (set for 28-pixel images) for an image of ``shape`` (h, w): side / 28."""
    return min(int(shape[0]), int(shape[1])) / REFERENCE_SIDE


def _jpeg(img: npt.NDArray[np.uint8], quality: int) -> npt.NDArray[np.uint8]:
    from PIL import Image

    buf = io.BytesIO()
    mode_img = Image.fromarray(img[..., 0] if img.shape[2] == 1 else img)
    mode_img.save(buf, format="JPEG", quality=max(5, quality))
    back = np.asarray(Image.open(io.BytesIO(buf.getvalue())))
    return back[..., None] if back.ndim == 2 else back


Mapper = Callable[[UInt8Array], npt.NDArray[np.floating]]
"""Images (m, h, w[, c]) -> their features (m, d) under a map fitted to a pool."""


def radius(images: UInt8Array, mapper: Mapper, model: Nuisance, rng: np.random.Generator, *,
           sample: int = 1000, quantile: float = 0.9) -> float:
    """Distance (feature units) within which ``quantile`` of images lie from one of their nuisance copies.

    ``sample`` pool images drawn from ``rng`` (all when fewer), one copy each; the distances
    ||f(copy) - f(image)|| under ``mapper``; their ``quantile``. 0 for a strength of 0.
    """
    if not 0 < quantile <= 1:
        raise InfopickError(f"nuisance quantile must lie in (0, 1], got {quantile!r}")
    rows = np.sort(rng.choice(len(images), size=min(sample, len(images)), replace=False))
    x = np.asarray(images[rows])
    copies = perturb(x, model, rng)
    dist = np.linalg.norm(np.asarray(mapper(copies), dtype=np.float64) - np.asarray(mapper(x), dtype=np.float64), axis=1)
    return float(np.quantile(dist, quantile))
