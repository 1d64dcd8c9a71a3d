"""Augmentation in plain torch: random affine (rotation, scale, shift) plus a smooth elastic warp.

One ``grid_sample`` per batch; every draw comes from the passed-in ``torch.Generator``, on its device
(the batch lives there too).
Shifts and the elastic amplitude are in pixels of the image, so any size works.
:func:`nuisance_view` draws the project's nuisance model (``infopick.nuisance``) the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

    from infopick.nuisance import Nuisance


@dataclass(frozen=True)
class AugmentConfig:
    rotate_deg: float = 12.0  # uniform in +-rotate_deg
    scale: float = 0.1  # zoom uniform in 1 +- scale
    shift_px: float = 2.5  # uniform in +-shift_px along each axis
    elastic_px: float = 0.0  # std of a random displacement field at 1/4 resolution (Simard et al. 2003)


def augment(x: torch.Tensor, cfg: AugmentConfig, gen: torch.Generator) -> torch.Tensor:
    """Warp a batch ``x`` of shape (b, c, h, w), values unchanged in range; returns the same shape."""
    import torch
    import torch.nn.functional as F

    b, _, h, w = x.shape

    def uniform(scale: float) -> torch.Tensor:
        return (torch.rand(b, generator=gen, device=gen.device) * 2 - 1) * scale

    angle = uniform(cfg.rotate_deg * math.pi / 180)
    zoom = 1 + uniform(cfg.scale)
    # affine_grid works in [-1, 1] coordinates: a shift of s pixels is 2s/size.
    tx, ty = uniform(cfg.shift_px * 2 / w), uniform(cfg.shift_px * 2 / h)
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    if cfg.elastic_px > 0:
        coarse = (max(2, h // 4), max(2, w // 4))
        field = torch.randn(b, 2, *coarse, generator=gen, device=gen.device)
        field = field * torch.tensor([2 * cfg.elastic_px / w, 2 * cfg.elastic_px / h], device=gen.device).view(1, 2, 1, 1)
        field = F.interpolate(field, size=(h, w), mode="bicubic", align_corners=False)
        grid = grid + field.permute(0, 2, 3, 1)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def nuisance_view(x: torch.Tensor, model: Nuisance, gen: torch.Generator) -> torch.Tensor:
    """A nuisance copy of each image of a batch (b, c, h, w) in [0, 1], as ``infopick.nuisance.perturb``
    draws it (rotation, zoom, shift, blur, contrast, brightness, noise; no JPEG, no rounding to 8 bits). Mean pixel
    change of each component within 11 % of ``perturb``'s on MNIST (all together within 1 % on digits given a
    4-pixel margin, tests/test_nuisance.py); ink at the border differs (scipy cuts at the last pixel centre,
    ``grid_sample`` fades over half a pixel), so on 8x8 digits, whose ink fills the frame, geometry moves less."""
    import torch
    import torch.nn.functional as F

    from infopick.nuisance import pixel_scale

    b, c, h, w = x.shape
    s, px = model.strength, pixel_scale((h, w))
    y = augment(x, AugmentConfig(rotate_deg=model.rotate_deg * s, scale=model.scale * s, shift_px=model.shift_px * s * px), gen)
    sigma = torch.rand(b, generator=gen, device=gen.device) * model.blur_px * s * px
    radius = max(1, math.ceil(3 * model.blur_px * s * px))
    taps = torch.arange(-radius, radius + 1, device=gen.device, dtype=x.dtype)
    kernel = torch.exp(-0.5 * (taps[None] / sigma.clamp_min(1e-3)[:, None]) ** 2)  # a 0 sigma is the identity
    kernel = (kernel / kernel.sum(1, keepdim=True)).repeat_interleave(c, 0)
    y = y.reshape(1, b * c, h, w)  # one group per image and channel: each image its own blur
    y = F.conv2d(y, kernel[:, None, :, None], padding=(radius, 0), groups=b * c)
    y = F.conv2d(y, kernel[:, None, None, :], padding=(0, radius), groups=b * c).reshape(b, c, h, w)

    def uniform() -> torch.Tensor:
        return torch.rand(b, 1, 1, 1, generator=gen, device=gen.device) * 2 - 1

    mean = y.mean(dim=(1, 2, 3), keepdim=True)
    y = (y - mean) * (1 + uniform() * model.contrast * s) + mean
    y = y + uniform() * model.brightness * s + torch.randn(y.shape, generator=gen, device=gen.device) * model.noise * s
    return y.clamp(0, 1)
