"""Strategy interface, the Selection result, and the typed registry of strategies by name."""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

import numpy as np
import numpy.typing as npt

from infopick.errors import InfopickError, UnknownNameError
from infopick.typing import Features, IntArray


class LabelUse(enum.StrEnum):
    """Which labels a strategy reads, so that reports never mix label-free and label-using results."""

    NONE = "none"  # label-free
    PICKED = "picked"  # labels of the images it has already picked (active learning)
    ALL = "all"  # every label in the pool (an oracle; a reference, not a fair competitor)


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


S = TypeVar("S", bound=type[Strategy])
_REGISTRY: dict[str, type[Strategy]] = {}


def register(cls: S) -> S:
    """Class decorator: add a strategy under its ``name``; a duplicate or missing name is an error."""
    for attr in ("name", "family", "label_use", "summary"):
        if not isinstance(getattr(cls, attr, None), (str, LabelUse)):
            raise TypeError(f"{cls.__name__} must define class attribute {attr!r}")
    if cls.name in _REGISTRY:
        raise ValueError(f"strategy {cls.name!r} is already registered by {_REGISTRY[cls.name].__name__}")
    _REGISTRY[cls.name] = cls
    return cls


def registry() -> dict[str, type[Strategy]]:
    """Name -> strategy class, sorted by family then name."""
    return dict(sorted(_REGISTRY.items(), key=lambda kv: (kv[1].family, kv[0])))


def get_strategy(name: str, **params: Any) -> Strategy:
    """Instantiate a registered strategy; an unknown name lists the valid ones."""
    cls = _REGISTRY.get(name)
    if cls is None:
        raise UnknownNameError("strategy", name, _REGISTRY)
    try:
        return cls(**params)
    except TypeError as exc:
        raise InfopickError(f"strategy {name!r}: {exc}") from None


