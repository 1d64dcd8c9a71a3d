"""Planted answers and pinned values for the baselines."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import infopick
from infopick.select import select
from infopick.select.baselines import _balanced_quota


def test_balanced_gives_equal_classes_on_digits(digits: infopick.Pool) -> None:
    sel = select(digits, 100, "balanced", seed=0)
    assert set(digits.class_histogram(sel.indices).values()) == {10}


def test_balanced_tops_up_from_other_classes_when_one_is_small() -> None:
    labels = np.array([0] * 2 + [1] * 50 + [2] * 50)
    sel = select(np.zeros((len(labels), 1)), 32, "balanced", seed=0, labels=labels)
    counts = np.bincount(labels[sel.indices], minlength=3)
    assert counts[0] == 2 and counts[1] + counts[2] == 30 and abs(int(counts[1]) - int(counts[2])) <= 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=12), st.integers(0, 2**32 - 1), st.data())
def test_quota_sums_to_budget_within_counts_and_is_fair(counts: list[int], seed: int, data: st.DataObject) -> None:
    c = np.array(counts)
    if c.sum() == 0:
        return
    budget = data.draw(st.integers(1, int(c.sum())))
    q = _balanced_quota(c, budget, np.random.default_rng(seed))
    assert q.sum() == budget and np.all(q <= c) and np.all(q >= 0)
    # Fair: a class below its count never has 2+ fewer than any other class.
    below = q < c
    if below.any():
        assert q[below].min() >= q.max() - 1


def test_random_is_pinned_on_digits(digits: infopick.Pool) -> None:
    assert select(digits, 5, "random", seed=0).indices.tolist() == [913, 733, 387, 442, 1218]


@pytest.mark.slow
def test_random_is_uniform_over_many_seeds() -> None:
    hits = np.zeros(20)
    for seed in range(2000):
        hits[select(np.zeros((20, 1)), 5, "random", seed=seed).indices] += 1
    # Each index is picked with probability 1/4: 500 expected, sd ~19; 6 sd is never crossed by chance.
    assert np.all(np.abs(hits - 500) < 6 * 19.4)
