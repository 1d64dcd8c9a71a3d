"""Planted answers for logdet, compression, surprise and extremes."""

from __future__ import annotations

import numpy as np

from infopick import make_pool
from infopick.objectives.rows import unit_rows
from infopick.select import select
from infopick.select.extremes import shape_coordinates


def test_logdet_gains_add_up_to_the_coding_rate() -> None:
    x = np.random.default_rng(0).normal(size=(80, 6))
    sel = select(x, 12, "logdet", seed=0, eps=0.5)
    z = unit_rows(x)[sel.indices]
    alpha = 6 / (12 * 0.25)
    _, logdet = np.linalg.slogdet(np.eye(6) + alpha * z.T @ z)
    assert np.isclose(sel.gains.sum(), 0.5 * logdet / np.log(2))
    assert np.all(np.diff(sel.gains[1:]) <= 1e-9)  # submodular: greedy gains never grow


def test_logdet_spans_new_directions_before_repeating_one() -> None:
    # Three orthogonal directions, many noisy copies of the first: greedy must take all three early.
    rng = np.random.default_rng(0)
    base = np.eye(3) * 5
    x = np.concatenate([base[[0]] + rng.normal(scale=0.01, size=(50, 3)), base[1:] + rng.normal(scale=0.01, size=(2, 3)), [[0, 0, 0]]])
    idx = select(x, 3, "logdet", seed=0).indices
    assert {int(np.argmax(np.abs(x[i] - x.mean(0)))) for i in idx} == {0, 1, 2}


def two_patterns(copies: int = 15) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 256, size=(2, 16, 16), dtype=np.uint8)
    images = np.concatenate([np.repeat(a[None], copies, 0), np.repeat(b[None], copies, 0)])
    return images, np.repeat([0, 1], copies)


def test_compression_never_picks_a_copy_of_what_it_has_while_something_new_is_left() -> None:
    images, which = two_patterns()
    for seed in range(4):
        sel = select(make_pool(images), 2, "compression", seed=seed, rounds=1)
        assert sorted(which[sel.indices].tolist()) == [0, 1]
        assert sel.gains[1] > 0.5  # the new pattern: most of its bytes are new


def test_surprise_picks_the_outliers_a_vae_of_the_common_pattern_explains_worst() -> None:
    rng = np.random.default_rng(0)
    common = np.zeros((90, 8, 8), dtype=np.uint8)
    common[:, 2:6, 3:5] = 255  # a bar
    odd = rng.integers(0, 256, size=(10, 8, 8), dtype=np.uint8)
    images = np.concatenate([common, odd])
    sel = select(make_pool(images), 20, "surprise", seed=0, rounds=2, steps=200)
    later = sel.indices[10:]
    assert np.sum(later >= 90) >= 8


def test_extremes_takes_the_lightest_and_the_heaviest_ink() -> None:
    images = np.zeros((20, 6, 6), dtype=np.uint8)
    for i in range(20):
        images[i].flat[: i + 1] = 255
    coords = shape_coordinates(images, 0, np.random.default_rng(0))
    assert np.argmin(coords[:, 0]) == 0 and np.argmax(coords[:, 0]) == 19
    sel = select(make_pool(images), 10, "extremes", seed=0, axes=0)
    assert {0, 19} <= set(sel.indices.tolist())


def test_shape_coordinates_see_slant_and_size() -> None:
    img = np.zeros((3, 12, 12), dtype=np.uint8)
    for t in range(10):
        img[0, 1 + t, 1 + t] = 255  # leaning one way
        img[1, 1 + t, 10 - t] = 255  # the other way
    img[2, 4:8, 2:10] = 255  # a wide block
    c = shape_coordinates(img, 0, np.random.default_rng(0))
    assert np.sign(c[0, 2]) == -np.sign(c[1, 2]) != 0
    assert c[2, 3] == 8 and c[2, 4] == 4  # width, height in pixels
