"""``select(..., given=...)``: each greedy continues exactly where a longer run of it would have gone."""

from __future__ import annotations

import numpy as np
import pytest

import infopick
from infopick.errors import BudgetError, InfopickError
from infopick.select import select


def blobs(n: int = 120, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, 3)) + 6 * (np.arange(n) % 4)[:, None]).astype(np.float32)


@pytest.mark.parametrize(("name", "params"), [("kcenter", {}), ("facility", {"k": 15}), ("probcover", {"sample": None})])
def test_continuation_is_the_rest_of_the_longer_greedy(name: str, params: dict) -> None:
    x = blobs()
    full = select(x, 30, name, seed=2, **params).indices
    more = select(x, 15, name, seed=2, given=full[:15], **params).indices
    assert np.array_equal(more, full[15:])


def test_random_excludes_the_given_and_the_excluded() -> None:
    more = select(blobs(), 100, "random", seed=0, given=np.arange(10), exclude=np.arange(10, 20))
    assert set(more.indices) == set(range(20, 120))


def test_active_learning_loop_on_a_pool_without_labels(digits: infopick.Pool) -> None:
    pool = infopick.make_pool(digits.images)  # the user's unlabelled pool; digits' labels play the user's labelling
    assert digits.labels is not None
    have = select(pool, 30, "kcenter", seed=0, embed="pca").indices
    for _ in range(2):
        new = select(pool, 20, "margin", seed=0, embed="pca", given=have, given_labels=digits.labels[have]).indices
        assert not set(new) & set(have)
        have = np.concatenate([have, new])
    assert len(have) == 70


def test_refusals_are_one_line(digits: infopick.Pool) -> None:
    with pytest.raises(InfopickError, match="'kmeans' cannot continue"):
        select(digits, 5, "kmeans", given=[0, 1])
    with pytest.raises(BudgetError, match="neither given nor excluded"):
        select(digits, len(digits) - 1, "random", given=[0, 1])
    with pytest.raises(InfopickError, match="appears more than once"):
        select(digits, 5, "random", given=[0, 0])
    with pytest.raises(InfopickError, match="outside the pool"):
        select(digits, 5, "random", exclude=[10**6])
    with pytest.raises(InfopickError, match="the pool has none .*--given"):
        select(infopick.make_pool(digits.images), 5, "margin", embed="pca")
