"""The ``photos`` source: crops cut as documented, every fetched byte checked (the real fetch is not run here)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

import infopick
from infopick.data import photos, wheel


def test_crops_stay_in_their_band_and_keep_their_photo() -> None:
    tall = [np.tile(np.arange(200, dtype=np.uint8)[:, None, None], (1, 120, 3)),
            np.full((150, 100, 3), 255, np.uint8)]
    x, y = photos.crops(tall, 200, np.random.default_rng(0), rows=(0.75, 1.0))
    assert x.shape == (200, photos.SIDE, photos.SIDE, 3) and set(y.tolist()) == {0, 1}
    assert x[y == 0].min() >= 150 - 1  # the first photo's row value is its row index: the bottom quarter only
    assert (x[y == 1] == 255).all()


def test_load_builds_a_pool_and_a_disjoint_test(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(1)
    fake = {n: rng.integers(0, 256, size=(160, 140, 3), dtype=np.uint8) for n in photos.COLOUR}
    monkeypatch.setattr(photos, "photo_arrays", lambda kind="colour": fake)
    pool = infopick.load("photos")
    assert len(pool) == photos.N_POOL and pool.test is not None and len(pool.test) == photos.N_TEST
    assert pool.classes[0] == "astronaut" and len(pool.classes) == len(photos.COLOUR)
    assert pool.images.shape[1:] == (photos.SIDE, photos.SIDE, 3)


def test_a_member_or_wheel_with_another_checksum_is_refused(tmp_path: Path) -> None:
    path = tmp_path / photos.WHEEL
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("skimage/data/astronaut.png", b"not the astronaut")
    with pytest.raises(infopick.DataError, match="sha256 mismatch"):
        photos.members(path, {"astronaut.png": photos.COLOUR["astronaut.png"]})
    with pytest.raises(infopick.DataError, match="sha256 mismatch"):
        wheel.check(path.read_bytes(), photos.WHEEL_SHA256, path.name)


def test_a_damaged_cache_file_is_fetched_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFOPICK_HOME", str(tmp_path))
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "astronaut.png").write_bytes(b"damaged")
    asked: list[dict[str, str]] = []

    def fake_download(*args: object, **kw: object) -> Path:
        raise infopick.DataError("offline")

    monkeypatch.setattr(wheel, "download", fake_download)
    monkeypatch.setattr(photos, "members", lambda path, files: asked.append(files) or {})
    with pytest.raises(infopick.DataError, match="offline"):
        photos.photo_arrays("colour")
    with pytest.raises(infopick.DataError, match="kind"):
        photos.photo_arrays("sepia")
