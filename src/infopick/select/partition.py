"""Partition-and-merge selection (GreeDi) on any engine (infopick.engine).

GreeDi (Mirzasoleiman, Karbasi, Sarkar & Krause 2013): split the pool at random into ``shards``
parts, run the greedy strategy on each part (one engine task per shard), then merge: the
strategy's own ``merge`` over the union of the parts' picks. Which strategies may be sharded
is their ``shardable`` attribute; how many candidates a shard offers, ``shard_offer``. For
``facility`` (monotone submodular) the merge serves the whole pool, so it maximises the same
objective as central greedy, within a constant factor of it; for ``kcenter`` the two rounds keep
a constant-factor covering radius (Malkomes et al. 2015).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from infopick.engine import Engine
from infopick.errors import InfopickError
from infopick.select.base import get_strategy, registry
from infopick.typing import IntArray


def partitionable() -> tuple[str, ...]:
    """Names of the registered strategies that declare ``shardable``, sorted."""
    return tuple(sorted(name for name, cls in registry().items() if cls.shardable))


def greedi(
    features: npt.NDArray[np.floating], budget: int, strategy: str, *, shards: int, engine: Engine,
    rng: np.random.Generator, params: dict[str, Any] | None = None,
) -> tuple[IntArray, dict[str, Any]]:
    """``budget`` indices of ``features`` (n, d) by partition-and-merge; inputs already validated."""
    if strategy not in partitionable():
        raise InfopickError(f"partition-and-merge runs {', '.join(partitionable())}; not {strategy!r}")
    strat = get_strategy(strategy, **(params or {}))
    n = len(features)
    shards = max(1, min(int(shards), n // max(budget, 1)))  # each shard must hold at least `budget` images
    parts = np.array_split(rng.permutation(n), shards)
    seeds = rng.integers(0, 2**63 - 1, size=shards + 1)
    ref = engine.put(features)
    offer = strat.shard_offer * budget
    picked = engine.map(shard_select, [(ref, part, offer, strategy, params or {}, int(s)) for part, s in zip(parts, seeds, strict=False)])
    union = np.unique(np.concatenate(picked))
    final = strat.merge(features, union, budget, int(seeds[-1]))
    return final, {"engine": engine.name, "shards": shards, "union": len(union)}


def shard_select(features: Any, rows: IntArray, budget: int, strategy: str, params: dict[str, Any], seed: int) -> IntArray:
    """One shard's task: the strategy on the rows ``rows`` only; returns indices into the whole pool."""
    x = np.ascontiguousarray(np.asarray(features)[rows], dtype=np.float32)
    k = min(budget, len(rows))
    sel = get_strategy(strategy, **params).select(x, k, rng=np.random.default_rng(seed))
    return np.asarray(rows)[sel.indices]
