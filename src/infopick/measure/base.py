"""Measure interface: a set function in bits over the distinct images of a pool, and its greedy curve.

A :class:`Measure` stores parameters; ``fit`` sees the pool once (embedding, labels) and
returns a :class:`Fitted` that answers, for any subset S of the pool's rows:
``bits(S)`` (information S holds, bits), ``image_bits(S)`` (bits of each image that S does
not explain: its new information given S), ``unique_bits()`` (bits of each image given all
the others) and ``greedy(...)`` (an order that adds the most bits first, with exact values).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import numpy as np
import numpy.typing as npt

from infopick._registry import Registry
from infopick.selection import Input, LabelUse
from infopick.typing import Features, FloatArray, IntArray  # FloatArray re-exported: the measures import it from here

THRESHOLDS = (0.9, 0.99, 0.999)


@dataclass(frozen=True)
class Curve:
    """Greedy information curve: ``values[t]`` bits held by the first ``ks[t]`` images of ``order``."""

    order: IntArray  # (K_end,) rows in the order greedy added them
    ks: IntArray  # (m,) ascending prefix lengths at which ``values`` is exact
    values: FloatArray  # (m,) bits held by order[:ks[t]]

    def k_for(self, target_bits: float) -> int | None:
        """Smallest listed K whose prefix holds at least ``target_bits`` (None: never reached; 0 for no bits)."""
        if target_bits <= 0:
            return 0
        hit = np.flatnonzero(self.values >= target_bits - 1e-9 * max(1.0, abs(target_bits)))
        return int(self.ks[hit[0]]) if len(hit) else None


class Fitted(ABC):
    """A measure fitted to one pool of ``n`` distinct rows."""

    n: int
    encoder: str  # the resolved encoder, e.g. "umap (10-d), Gaussian codebook, delta=0.41"
    facts: dict[str, Any]  # resolved parameters and extra numbers worth reporting

    @abstractmethod
    def bits(self, idx: IntArray) -> float:
        """Bits held by the rows ``idx`` (unique, in range)."""

    @abstractmethod
    def image_bits(self, idx: IntArray) -> FloatArray:
        """(n,) bits of each row not explained by the rows ``idx``: its new information given them."""

    @abstractmethod
    def unique_bits(self) -> FloatArray:
        """(n,) bits of each row given every other row of the pool: near-duplicates ~0, unusual rows high."""

    @abstractmethod
    def greedy(self, target_bits: float, rng: np.random.Generator) -> Curve:
        """Add rows, most new bits first, until ``target_bits`` are held (or the pool is exhausted)."""

    def subset_facts(self, idx: IntArray) -> dict[str, float]:
        """Extra per-subset numbers (e.g. the covered fraction); none by default."""
        return {}


class Measure(ABC):
    """An information measure: ``__init__`` stores keyword-only parameters and nothing else."""

    name: ClassVar[str]
    label_use: ClassVar[LabelUse]
    summary: ClassVar[str]
    input: ClassVar[Input] = Input.FEATURES
    curve_by_default: ClassVar[bool] = True  # False where each point of the greedy curve costs minutes (``network``)

    @abstractmethod
    def fit(self, x: Features, *, labels: npt.NDArray[np.int64] | None, rng: np.random.Generator) -> Fitted:
        """Fit to ``x`` (n, ...) distinct rows, already validated; ``labels`` only if ``label_use`` says so."""

    def params(self) -> dict[str, Any]:
        return dict(vars(self))


M = TypeVar("M", bound=type[Measure])
_REGISTRY: Registry[Measure] = Registry("measure", {"name": str, "label_use": LabelUse, "summary": str})


def register(cls: M) -> M:
    """Class decorator: add a measure under its ``name``; a duplicate name is an error."""
    _REGISTRY.register(cls)
    return cls


def registry() -> dict[str, type[Measure]]:
    """Name -> measure class, in registration order (label-free first)."""
    return _REGISTRY.classes()


def get_measure(name: str, **params: Any) -> Measure:
    """Instantiate a registered measure; an unknown name lists the valid ones."""
    return _REGISTRY.create(name, **params)


def batch_size(picked: int, growth: float) -> int:
    """Rows to add before the gains are refreshed: a fixed fraction of those already picked (at least 1)."""
    return max(1, int(np.ceil(growth * picked)))


def hardest_first(n: int, target_bits: float, growth: float, rng: np.random.Generator,
                  code: Callable[[IntArray], FloatArray], held: Callable[[FloatArray], float]) -> Curve:
    """The greedy curve of the label-reading measures: add the rows whose labels the current model codes worst,
    in batches of ``growth`` x |S| (at least 1), until ``target_bits`` are held. ``code(S)`` is each row's code
    length given S (n,), ``held(code)`` the bits that code saves; values are exact at batch ends."""
    from infopick.objectives.ranking import take_best

    available = np.ones(n, dtype=bool)
    order: list[int] = []
    ks: list[int] = []
    values: list[float] = []
    cost = code(np.zeros(0, dtype=np.int64))
    while available.any() and (not values or values[-1] < target_bits):
        batch = take_best(cost, available, batch_size(len(order), growth), rng)
        order.extend(int(i) for i in batch)
        available[batch] = False
        cost = code(np.asarray(order))
        ks.append(len(order))
        values.append(held(cost))
    return Curve(np.asarray(order, dtype=np.int64), np.asarray(ks), np.asarray(values))
