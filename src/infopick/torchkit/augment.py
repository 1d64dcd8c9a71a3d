"""Augmentation in plain torch: random affine (rotation, scale, shift) plus a smooth elastic warp.

One ``grid_sample`` per batch; every draw comes from the passed-in ``torch.Generator``, on its device
(the batch lives there too).
Shifts and the elastic amplitude are in pixels of the image, so any size works.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


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
