"""Baselines every other strategy is measured against: ``random`` and ``balanced``."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from infopick.select.base import Input, LabelUse, Selection, Strategy, register
from infopick.typing import Features, IntArray


@register
class Random(Strategy):
    """Uniform random sample without replacement: the bar every strategy must clear."""

    name = "random"
    family = "baseline"
    label_use = LabelUse.NONE
    summary = "uniform random sample without replacement"
    input = Input.NONE
    one_per_family = False  # the bar is what a user gets without infopick: every row, copies included

    def select(
        self,
        features: Features,
        budget: int,
        *,
        rng: np.random.Generator,
        labels: npt.NDArray[np.int64] | None = None,
    ) -> Selection:
        idx = rng.choice(features.shape[0], size=budget, replace=False).astype(np.int64)
        return Selection(idx, self.name, self.label_use)

    continues = True

    def continue_from(self, features: Features, budget: int, given: IntArray, *, rng: np.random.Generator,
                      given_labels: npt.NDArray[np.int64] | None = None, labels: npt.NDArray[np.int64] | None = None,
                      images: Any = None) -> Selection:
        rest = np.setdiff1d(np.arange(features.shape[0]), given)
        return Selection(rng.choice(rest, size=budget, replace=False).astype(np.int64), self.name, self.label_use)


@register
class Balanced(Strategy):
    """Class-balanced random sample: ``budget // C`` per class, the remainder to random classes.

    Reads every label in the pool, so it is an oracle reference, not a label-free competitor
    (the "class-balanced random" baseline of Zhao et al. 2021). A class with too few images
    gives all it has and the rest goes to the other classes.
    """

    name = "balanced"
    family = "baseline"
    label_use = LabelUse.ALL
    summary = "class-balanced random sample (reads all labels)"
    input = Input.NONE

    def select(
        self,
        features: Features,
        budget: int,
        *,
        rng: np.random.Generator,
        labels: npt.NDArray[np.int64] | None = None,
    ) -> Selection:
        if labels is None:
            raise ValueError("balanced needs labels")  # select() guarantees them; a direct caller may not
        classes, counts = np.unique(labels, return_counts=True)
        quota = _balanced_quota(counts, budget, rng)
        picked = []
        for c, q in zip(classes, quota, strict=True):
            members = np.flatnonzero(labels == c)
            picked.append(rng.choice(members, size=q, replace=False))
        idx = np.concatenate(picked).astype(np.int64)
        # Shuffle so that pick order does not encode the class (a prefix is then also balanced-ish).
        return Selection(idx[rng.permutation(len(idx))], self.name, self.label_use)


def _balanced_quota(counts: np.ndarray, budget: int, rng: np.random.Generator) -> np.ndarray:
    """Per-class quotas summing to ``budget``, each <= its class count, as equal as possible.

    Water-filling: the highest level L with sum(min(counts, L)) <= budget, then one more
    image for a random few of the classes that still have room.
    """
    lo, hi = 0, int(counts.max())
    while lo < hi:  # largest L with sum(min(counts, L)) <= budget
        mid = (lo + hi + 1) // 2
        if np.minimum(counts, mid).sum() <= budget:
            lo = mid
        else:
            hi = mid - 1
    quota = np.minimum(counts, lo)
    extra = budget - int(quota.sum())
    if extra:
        lucky = rng.choice(np.flatnonzero(counts > lo), size=extra, replace=False)
        quota[lucky] += 1
    return quota
