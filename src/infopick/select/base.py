"""Strategy interface and the typed registry of strategies by name (``Selection``, ``LabelUse``, ``Input``: infopick.selection)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, TypeVar

import numpy as np
import numpy.typing as npt

from infopick._registry import Registry
from infopick.selection import Input, LabelUse, Selection
from infopick.typing import Features, IntArray

__all__ = ["Input", "LabelUse", "Selection", "Strategy", "get_strategy", "register", "registry"]


class Strategy(ABC):
    """A selection strategy: ``__init__`` stores keyword-only parameters and nothing else."""

    name: ClassVar[str]
    family: ClassVar[str]
    label_use: ClassVar[LabelUse]
    summary: ClassVar[str]
    input: ClassVar[Input] = Input.FEATURES
    # True: ``select`` also passes ``images=`` (the pool's uint8 images) when it has a pool.
    wants_images: ClassVar[bool] = False
    # True: under the one-per-family rule ``select`` also passes ``sizes=`` (how many pool rows each row it
    # sees stands for: its family's size), so a budget rule can count the pool, not the representatives.
    wants_sizes: ClassVar[bool] = False
    # Partition-and-merge (select/partition.py): may it run on shards, and how many times the
    # budget each shard offers the merge.
    shardable: ClassVar[bool] = False
    shard_offer: ClassVar[int] = 1
    # True: ``continue_from`` picks K more given rows already picked (``select(..., given=...)``).
    continues: ClassVar[bool] = False
    # True: the picks need not depend on the selection seed (a ranking by scores that ties rarely).
    seed_free: ClassVar[bool] = False
    # True: ``select`` hands a label-free strategy one row per near-duplicate family by default (infopick.families).
    one_per_family: ClassVar[bool] = True

    @abstractmethod
    def select(
        self,
        features: Features,
        budget: int,
        *,
        rng: np.random.Generator,
        labels: npt.NDArray[np.int64] | None = None,
    ) -> Selection:
        """Pick ``budget`` indices of ``features`` (n, d). Inputs are already validated."""

    def continue_from(
        self, features: Features, budget: int, given: IntArray, *, rng: np.random.Generator,
        given_labels: npt.NDArray[np.int64] | None = None, labels: npt.NDArray[np.int64] | None = None,
        images: Any = None,
    ) -> Selection:
        """``budget`` new rows, none of ``given`` (rows already picked), as this strategy's greedy would go on
        from them; ``given_labels`` are the given rows' labels where the user has them. Inputs are validated."""
        raise NotImplementedError(f"{self.name} does not continue from a given set")

    def params(self) -> dict[str, Any]:
        return dict(vars(self))

    def merge(self, features: Features, union: IntArray, budget: int, seed: int) -> IntArray:
        """Partition-and-merge's second round over the shards' picks ``union``: by default, this strategy on them."""
        from infopick.select.partition import shard_select

        return shard_select(features, union, budget, self.name, self.params(), seed)

    def reads(self, budget: int, n: int) -> Input:
        """What this strategy needs for ``budget`` of ``n``; only a delegating strategy (``auto``) varies it."""
        return self.input


S = TypeVar("S", bound=type[Strategy])
_REGISTRY: Registry[Strategy] = Registry("strategy", {"name": str, "family": str, "label_use": LabelUse, "summary": str})


def register(cls: S) -> S:
    """Class decorator: add a strategy under its ``name``; a duplicate or missing name is an error."""
    _REGISTRY.register(cls)
    return cls


FAMILY_ORDER = ("baseline", "geometry", "coverage", "information", "active", "dynamics", "auto")


def registry() -> dict[str, type[Strategy]]:
    """Name -> strategy class, by family (baselines first, as in DESIGN.md) then name."""
    rank = {f: i for i, f in enumerate(FAMILY_ORDER)}
    return dict(sorted(_REGISTRY.classes().items(), key=lambda kv: (rank.get(kv[1].family, len(rank)), kv[1].family, kv[0])))


def get_strategy(name: str, **params: Any) -> Strategy:
    """Instantiate a registered strategy; an unknown name lists the valid ones."""
    return _REGISTRY.create(name, **params)
