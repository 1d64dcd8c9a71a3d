"""Active learning reads the labels of its own picks only, and looks where the classes meet."""

from __future__ import annotations

import numpy as np
import pytest

from infopick.select import LabelUse, get_strategy, registry, select

ACTIVE = [n for n, c in registry().items() if c.label_use is LabelUse.PICKED]


class Recording(np.ndarray):
    """A label array that remembers which indices were read, and refuses any other kind of read."""

    def __array_finalize__(self, obj: object) -> None:
        self.seen = getattr(obj, "seen", set())

    def __getitem__(self, key: object) -> np.ndarray:
        idx = np.asarray(key)
        if idx.dtype.kind not in "iu":
            raise AssertionError(f"labels read with {key!r}, not with indices of picks")
        self.seen.update(int(i) for i in np.atleast_1d(idx))
        return np.asarray(self.view(np.ndarray)[idx])

    def __array_function__(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("labels were read whole by an active strategy")

    def __array_ufunc__(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("labels were read whole by an active strategy")


def two_moons(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.int64)


@pytest.mark.parametrize("name", ACTIVE)
def test_only_labels_of_picked_images_are_read(name: str) -> None:
    x, y = two_moons()
    rec = y.view(Recording)
    rec.seen = set()
    sel = get_strategy(name, rounds=3, steps=50).select(x, 30, rng=np.random.default_rng(0), labels=rec)
    assert rec.seen, "an active strategy should ask for some labels"
    assert rec.seen <= set(sel.indices.tolist())


@pytest.mark.parametrize("name", ["margin", "entropy", "bald"])
def test_uncertainty_rounds_look_near_the_boundary(name: str) -> None:
    x, y = two_moons(600)
    sel = select(x, 60, name, labels=y, seed=0, rounds=3, steps=200, start="kmeans")
    later = sel.indices[20:]  # after the label-free start
    near = np.abs(x[later, 0]) < np.quantile(np.abs(x[:, 0]), 0.3)
    assert near.mean() > 0.6  # a random pick would be near 30 % of the time


def test_the_start_must_be_label_free() -> None:
    x, y = two_moons()
    with pytest.raises(ValueError, match="reads labels"):
        get_strategy("margin", start="balanced").select(x, 10, rng=np.random.default_rng(0), labels=y)
