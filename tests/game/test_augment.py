"""Augmentation: identity at zero strength, shape kept for any size and channels, seeded."""

from __future__ import annotations

import pytest
import torch

from infopick.torchkit.augment import AugmentConfig, augment


def test_zero_strength_is_identity() -> None:
    x = torch.rand(4, 1, 9, 7)
    y = augment(x, AugmentConfig(rotate_deg=0, scale=0, shift_px=0, elastic_px=0), torch.Generator().manual_seed(0))
    assert torch.allclose(x, y, atol=1e-5)


@pytest.mark.parametrize("shape", [(3, 1, 8, 8), (2, 3, 28, 28), (2, 4, 5, 11)])
def test_shape_and_range_kept(shape: tuple[int, ...]) -> None:
    x = torch.rand(*shape)
    y = augment(x, AugmentConfig(elastic_px=1.0), torch.Generator().manual_seed(0))
    assert y.shape == x.shape and float(y.min()) >= 0 and float(y.max()) <= 1 + 1e-6


def test_same_generator_seed_same_warp_and_shift_moves_mass() -> None:
    x = torch.zeros(1, 1, 16, 16)
    x[..., 8, 8] = 1
    cfg = AugmentConfig(rotate_deg=0, scale=0, shift_px=3, elastic_px=0.5)
    a = augment(x, cfg, torch.Generator().manual_seed(7))
    b = augment(x, cfg, torch.Generator().manual_seed(7))
    assert torch.equal(a, b)
    assert not torch.allclose(a, x)
