"""Partition-and-merge selection (GreeDi) on a local or a Ray engine.

GreeDi (Mirzasoleiman, Karbasi, Sarkar & Krause 2013): split the pool at random into ``shards``
parts, run the greedy strategy on each part (in parallel, one task per shard), then run it once
more on the union of the parts' picks. For ``facility`` (monotone submodular) the second round
serves the whole pool: each union candidate's neighbours come from the whole pool, so the merge
maximises the same objective as central greedy, within a constant factor of it; for ``kcenter``
the two rounds keep a constant-factor covering radius (Malkomes et al. 2015). Ray is an optional
extra, imported only when ``engine="ray"`` is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from infopick.errors import InfopickError
from infopick.typing import IntArray

ENGINES = ("local", "ray")
PARTITIONABLE = ("facility", "kcenter")


class LocalEngine:
    """Runs tasks one after another in this process."""

    name = "local"

    def map(self, fn: Callable[..., Any], args: Sequence[tuple[Any, ...]]) -> list[Any]:
        return [fn(*a) for a in args]

    def put(self, value: Any) -> Any:
        return value


class RayEngine:
    """Runs tasks on Ray: a local Ray started here (``address=None``) or an existing cluster's ``address``."""

    name = "ray"

    def __init__(self, address: str | None = None, num_cpus: int | None = None) -> None:
        ray = require_ray()
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
            if address:
                ray.init(address=address, **kwargs)
            else:
                ray.init(num_cpus=num_cpus, **kwargs)
        self.ray = ray

    def map(self, fn: Callable[..., Any], args: Sequence[tuple[Any, ...]]) -> list[Any]:
        remote = self.ray.remote(fn)
        return list(self.ray.get([remote.remote(*a) for a in args]))

    def put(self, value: Any) -> Any:
        return self.ray.put(value)  # once into the object store; tasks read it without another copy


Engine = LocalEngine | RayEngine


def require_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise InfopickError("--engine ray needs Ray: pip install 'infopick[ray]' (or pip install ray)") from None
    return ray


def get_engine(name: str, address: str | None = None) -> Engine:
    if name == "local":
        if address:
            raise InfopickError("--address applies to --engine ray")
        return LocalEngine()
    if name == "ray":
        return RayEngine(address)
    raise InfopickError(f"unknown engine {name!r}; valid: {', '.join(ENGINES)}")


def greedi(
    features: npt.NDArray[np.floating], budget: int, strategy: str, *, shards: int, engine: Engine,
    rng: np.random.Generator, params: dict[str, Any] | None = None, oversample: int = 4,
) -> tuple[IntArray, dict[str, Any]]:
    """``budget`` indices of ``features`` (n, d) by partition-and-merge; inputs already validated."""
    if strategy not in PARTITIONABLE:
        raise InfopickError(f"partition-and-merge runs {', '.join(PARTITIONABLE)}; not {strategy!r}")
    n = len(features)
    shards = max(1, min(int(shards), n // max(budget, 1)))  # each shard must hold at least `budget` images
    parts = np.array_split(rng.permutation(n), shards)
    seeds = rng.integers(0, 2**63 - 1, size=shards + 1)
    ref = engine.put(features)
    # For facility each shard offers `oversample` times the budget, so the merge has real choices
    # (GreeDi's kappa > k); for kcenter that would multiply the shards' work (O(n K) each) for little.
    offer = (oversample if strategy == "facility" else 1) * budget
    picked = engine.map(_shard_select, [(ref, part, offer, strategy, params or {}, int(s)) for part, s in zip(parts, seeds, strict=False)])
    union = np.unique(np.concatenate(picked))
    if strategy == "facility":
        final = _merge_facility(np.ascontiguousarray(features, dtype=np.float32), union, budget, (params or {}).get("k"))
    else:
        final = _shard_select(features, union, budget, strategy, params or {}, int(seeds[-1]))
    return final, {"engine": engine.name, "shards": shards, "union": len(union)}


def _merge_facility(x: npt.NDArray[np.float32], union: IntArray, budget: int, k: int | None) -> IntArray:
    """Lazy greedy facility location over the candidates ``union``, serving every point of ``x``."""
    from infopick.neighbors import KnnGraph, knn_of
    from infopick.select.coverage import facility_k, facility_similarity, lazy_greedy_facility

    k = k if k is not None else facility_k(len(x), budget)
    # The strategy's similarity (dmax - distance, a candidate serves itself with dmax), rows = candidates.
    sim = facility_similarity(KnnGraph(*knn_of(x, union, min(k, len(x) - 1))), own=union, n_cols=len(x))
    order, _ = lazy_greedy_facility(sim, budget)
    return union[order]


def _shard_select(features: Any, rows: IntArray, budget: int, strategy: str, params: dict[str, Any], seed: int) -> IntArray:
    """Greedy on the rows ``rows`` only; returns indices into the whole pool."""
    from infopick.select.base import get_strategy

    x = np.ascontiguousarray(np.asarray(features)[rows], dtype=np.float32)
    k = min(budget, len(rows))
    sel = get_strategy(strategy, **params).select(x, k, rng=np.random.default_rng(seed))
    return np.asarray(rows)[sel.indices]
