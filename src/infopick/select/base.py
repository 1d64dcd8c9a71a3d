"""Strategy interface, the Selection result, and the typed registry of strategies by name."""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

import numpy as np
import numpy.typing as npt

from infopick._registry import Registry
from infopick.typing import Features, IntArray


class LabelUse(enum.StrEnum):
    """Which labels a strategy reads, so that reports never mix label-free and label-using results."""

    NONE = "none"  # label-free
    PICKED = "picked"  # labels of the images it has already picked (active learning)
    ALL = "all"  # every label in the pool (an oracle; a reference, not a fair competitor)


class Input(enum.StrEnum):
    """What ``select`` hands a strategy as ``features``."""

    NONE = "none"  # only the count matters (a flat view of the pixels is passed)
    FEATURES = "features"  # an embedding (n, d), float32, chosen with ``embed=``
    IMAGES = "images"  # the uint8 images (n, h, w[, c]) themselves: pixel statistics, compressors


@dataclass(frozen=True, eq=False)
class Selection:
    """K picked pool indices in pick order.

    Attributes
    ----------
    indices : int64 ndarray of shape (k,), unique, in 0..n-1, in the order picked
    strategy : registry name of the strategy that picked them (or "file" when read from CSV)
    label_use : which labels the strategy read
    gains : per-pick gain of the strategy's objective, shape (k,), or None
    meta : strategy-specific facts (parameters, seed, timings)
    """

    indices: IntArray
    strategy: str
    label_use: LabelUse = LabelUse.NONE
    gains: npt.NDArray[np.float64] | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.indices.shape[0])


class Strategy(ABC):
    """A selection strategy: ``__init__`` stores keyword-only parameters and nothing else."""

    name: ClassVar[str]
    family: ClassVar[str]
    label_use: ClassVar[LabelUse]
    summary: ClassVar[str]
    input: ClassVar[Input] = Input.FEATURES
    # True: ``select`` also passes ``images=`` (the pool's uint8 images) when it has a pool.
    wants_images: ClassVar[bool] = False

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

    def params(self) -> dict[str, Any]:
        return dict(vars(self))

    def reads(self, budget: int, n: int) -> Input:
        """What this strategy needs for ``budget`` of ``n``; only a delegating strategy (``auto``) varies it."""
        return self.input


S = TypeVar("S", bound=type[Strategy])
_REGISTRY: Registry[Strategy] = Registry("strategy", {"name": str, "family": str, "label_use": LabelUse, "summary": str})


def register(cls: S) -> S:
    """Class decorator: add a strategy under its ``name``; a duplicate or missing name is an error."""
    _REGISTRY.register(cls)
    return cls


def top_k(scores: npt.NDArray[np.floating], k: int, rng: np.random.Generator) -> IntArray:
    """Indices of the ``k`` largest scores, best first; ties broken at random by ``rng``."""
    k = min(k, len(scores))
    tie = rng.random(len(scores))
    order = np.lexsort((tie, -np.asarray(scores, dtype=np.float64)))
    return order[:k].astype(np.int64)


FAMILY_ORDER = ("baseline", "geometry", "coverage", "information", "active", "auto")


def registry() -> dict[str, type[Strategy]]:
    """Name -> strategy class, by family (baselines first, as in DESIGN.md) then name."""
    rank = {f: i for i, f in enumerate(FAMILY_ORDER)}
    return dict(sorted(_REGISTRY.classes().items(), key=lambda kv: (rank.get(kv[1].family, len(rank)), kv[1].family, kv[0])))


def get_strategy(name: str, **params: Any) -> Strategy:
    """Instantiate a registered strategy; an unknown name lists the valid ones."""
    return _REGISTRY.create(name, **params)
