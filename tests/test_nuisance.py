"""The nuisance model: copies are drawn from the seed, strength 0 is the identity, the radius grows with strength."""

from __future__ import annotations

import numpy as np
import pytest

import infopick
from infopick.embed import get_embedder
from infopick.errors import InfopickError
from infopick.nuisance import Nuisance, perturb, radius


def test_copies_keep_shape_and_dtype_and_follow_the_seed(digits: infopick.Pool) -> None:
    x = digits.images[:50]
    a = perturb(x, Nuisance(), np.random.default_rng(3))
    assert a.shape == x.shape and a.dtype == np.uint8
    assert np.array_equal(a, perturb(x, Nuisance(), np.random.default_rng(3)))
    assert not np.array_equal(a, x)


def test_colour_images_and_jpeg_artefacts() -> None:
    x = np.random.default_rng(0).integers(0, 256, size=(4, 16, 16, 3), dtype=np.uint8)
    y = perturb(x, Nuisance(jpeg=True), np.random.default_rng(0))
    assert y.shape == x.shape and y.dtype == np.uint8


def test_strength_zero_is_the_identity(digits: infopick.Pool) -> None:
    x = digits.images[:50]
    assert np.array_equal(perturb(x, Nuisance(strength=0.0), np.random.default_rng(0)), x)


def test_the_radius_grows_with_strength_and_is_zero_at_zero(digits: infopick.Pool) -> None:
    mapper = get_embedder("invariant").mapper(digits.images, rng=np.random.default_rng(0))
    r = [radius(digits.images, mapper, Nuisance(strength=s), np.random.default_rng(1), sample=300) for s in (0.0, 0.5, 1.0, 2.0)]
    assert r[0] == pytest.approx(0.0, abs=1e-6)
    assert r[1] < r[2] < r[3]


def test_invariant_features_divide_out_brightness_and_contrast(digits: infopick.Pool) -> None:
    # Blur is linear and each image is centred and scaled to unit length, so an affine change of
    # intensity (contrast 0.8, brightness +20) moves an image only by uint8 rounding in the invariant
    # features, while in pixels it moves it as far as a typical neighbour is.
    x = digits.images
    shifted = np.clip(np.rint(x * 0.8 + 20), 0, 255).astype(np.uint8)
    moved = {}
    for name in ("pixels", "invariant"):
        mapper = get_embedder(name).mapper(x, rng=np.random.default_rng(0))
        z = np.asarray(mapper(x), dtype=np.float64)
        spread = np.median(np.linalg.norm(z[np.random.default_rng(0).permutation(len(z))] - z, axis=1))
        moved[name] = np.median(np.linalg.norm(np.asarray(mapper(shifted)) - z, axis=1)) / spread
    assert moved["invariant"] < 0.05 < 0.2 < moved["pixels"]


@pytest.mark.parametrize("bad", [{"noise": -0.1}, {"strength": float("nan")}, {"shift_px": float("inf")}])
def test_bad_magnitudes_are_refused(bad: dict) -> None:
    with pytest.raises(InfopickError, match="nuisance"):
        Nuisance(**bad)


def test_the_torch_view_draws_the_same_model(digits: infopick.Pool) -> None:
    import torch

    from infopick.torchkit.augment import nuisance_view
    from infopick.torchkit.tensors import to_tensor

    # a 4-pixel margin: ink that touches the border is cut by scipy and faded by grid_sample (nuisance_view's docstring)
    x = np.pad(digits.images[:200], ((0, 0), (4, 4), (4, 4)))
    t = to_tensor(x)

    def view(s: float, seed: int) -> torch.Tensor:
        return nuisance_view(t, Nuisance(strength=s), torch.Generator().manual_seed(seed))

    assert torch.allclose(view(0.0, 0), t, atol=1e-5)  # strength 0: the image itself
    assert torch.equal(view(1.0, 3), view(1.0, 3)) and not torch.equal(view(1.0, 3), view(1.0, 4))
    # the same magnitudes as ``perturb``: mean absolute pixel change within 10 % (measured: 0.4 %), growing with strength
    for s in (0.5, 1.0, 2.0):
        torch_change = float((view(s, 1) - t).abs().mean())
        numpy_change = float(np.abs(perturb(x, Nuisance(strength=s), np.random.default_rng(1)) / 255.0 - x / 255.0).mean())
        assert abs(torch_change / numpy_change - 1) < 0.1, (s, torch_change, numpy_change)
    assert float((view(0.5, 1) - t).abs().mean()) < float((view(2.0, 1) - t).abs().mean())
