"""Families on toy images: planted copies are found as one family each, distinct images stay alone."""

from __future__ import annotations

import numpy as np
import pytest

from infopick.errors import InfopickError
from infopick.families import distinct_rows, exact_groups, find_families, modified_z
from infopick.nuisance import Nuisance, perturb


def _blobs(n: int, rng: np.random.Generator) -> np.ndarray:
    """n distinct 28x28 images: a few random strokes each."""
    out = np.zeros((n, 28, 28), dtype=np.uint8)
    for i in range(n):
        for _ in range(3):
            r, c = rng.integers(6, 22, size=2)
            dr, dc = rng.integers(-5, 6, size=2)
            for t in np.linspace(0, 1, 20):
                out[i, int(r + t * dr) - 1 : int(r + t * dr) + 1, int(c + t * dc) - 1 : int(c + t * dc) + 1] = 255
    return out


def test_planted_families_are_found() -> None:
    rng = np.random.default_rng(0)
    base = _blobs(120, rng)
    src = np.repeat(np.arange(4), 15)
    copies = perturb(base[src], Nuisance(strength=0.5), rng)
    pool = np.concatenate([base, copies])
    fam = find_families(pool, strength=0.5).family
    for f in range(4):
        members = np.concatenate([[f], 120 + np.flatnonzero(src == f)])
        assert np.mean(fam[members] == np.bincount(fam[members]).argmax()) >= 0.8
    # distinct images outside the planted families mostly stay alone
    alone = np.bincount(fam, minlength=len(pool))[fam[4:120]] == 1
    assert alone.mean() >= 0.9


def test_exact_duplicates_and_z() -> None:
    rows = np.array([[1, 2], [3, 4], [1, 2], [5, 6], [3, 4]], dtype=np.uint8)
    first, inverse, counts = distinct_rows(rows)
    assert first.tolist() == [0, 1, 3] and inverse.tolist() == [0, 1, 0, 2, 1] and counts.tolist() == [2, 2, 1]
    assert [g.tolist() for g in exact_groups(rows)] == [[0, 2], [1, 4]]
    z = modified_z([1.0, 1.0, 1.1, 0.9, 100.0])
    assert z[-1] > 10 and abs(z[0]) < 1
    f = find_families(np.concatenate([rows, rows]).astype(np.float32))
    assert f.family[0] == f.family[2] == f.family[5]


def test_bad_strength_is_one_error() -> None:
    with pytest.raises(InfopickError, match="strength"):
        find_families(np.zeros((4, 8, 8), np.uint8), strength=0.0)


def _smooth(n: int, rng: np.random.Generator) -> np.ndarray:
    """n 28x28 smooth gradients (a sky or a wall crop): every turned one looks like some other one."""
    yy, xx = np.mgrid[0:28, 0:28] / 27.0
    a = rng.uniform(-1, 1, size=(n, 3))
    im = a[:, 0, None, None] * xx + a[:, 1, None, None] * yy + a[:, 2, None, None] * xx * yy
    im -= im.min(axis=(1, 2), keepdims=True)
    return (255 * im / np.maximum(im.max(axis=(1, 2), keepdims=True), 1e-9)).astype(np.uint8)


@pytest.mark.slow
def test_null_test_trusts_strokes_and_refuses_lookalikes() -> None:
    from infopick.families import NULL_LIMIT, by_default

    rng = np.random.default_rng(1)
    strokes = find_families(_blobs(300, rng))
    assert strokes.trusted and strokes.facts["null_rate"] <= NULL_LIMIT
    smooth = _smooth(300, rng)
    fam = find_families(smooth)
    assert not fam.trusted and fam.facts["null_rate"] > 0.5
    found, why = by_default(smooth)
    assert found is None and "cannot tell copies from lookalikes" in why
    assert by_default(np.zeros((5, 8, 8), np.uint8))[0] is None  # under MIN_SIDE: not even looked at
