"""Selection strategies: one module per family, each strategy a small registered class.

``select(data, budget, strategy=..., seed=...)`` is the public edge: it validates, resolves
the seed, hands labels only to strategies that declare they read them, and checks the result.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from infopick._registry import check_instance
from infopick._util import resolve_rng
from infopick.data.pool import Pool, check_features, check_labels
from infopick.errors import BudgetError, InfopickError
from infopick.families import check_switch
from infopick.select import (  # noqa: F401  (register the strategies; the information family: logdet, novelty, surprise, extremes)
    active,
    baselines,
    coverage,
    dynamics,
    extremes,
    geometry,
    logdet,
    novelty,
    surprise,
)
from infopick.select import auto as _auto  # noqa: F401  (last: it delegates to the others)
from infopick.select.base import Strategy, get_strategy, register, registry
from infopick.selection import Input, LabelUse, Selection, check_indices
from infopick.typing import Features, IntArray, Progress, SeedLike

if TYPE_CHECKING:
    from infopick.embed import Embedder

__all__ = [
    "select", "Selection", "Strategy", "LabelUse", "Input", "register", "registry", "get_strategy", "DEFAULT_STRATEGY",
]

DEFAULT_STRATEGY = "auto"
"""Label-free default: ``auto`` runs what benchmarks/RESULTS.md shows best for the budget."""


def select(
    data: Pool | Features,
    budget: int,
    strategy: str | Strategy = DEFAULT_STRATEGY,
    *,
    seed: SeedLike = 0,
    labels: npt.ArrayLike | None = None,
    embed: str | Embedder | None = None,
    embed_seed: int = 0,
    progress: Progress | None = None,
    engine: str = "local",
    shards: int | None = None,
    address: str | None = None,
    given: npt.ArrayLike | None = None,
    given_labels: npt.ArrayLike | None = None,
    exclude: npt.ArrayLike | None = None,
    families: bool | None = None,
    family_strength: float = 1.0,
    **params: Any,
) -> Selection:
    """Pick ``budget`` examples of a pool (or of a feature matrix of shape (n, d)).

    From a pool, a strategy sees what it declares as ``input``: the embedding ``embed``
    (a name or an ``Embedder``; default ``infopick.embed.DEFAULT_EMBED``, computed once with
    ``embed_seed`` and cached),
    the images themselves, or nothing. A feature matrix is handed over as it is.
    Labels come from the pool (or ``labels``) and reach the strategy only if it declares
    that it reads them. Returns a :class:`Selection` of unique indices in pick order.

    ``shards`` (or ``engine="ray"``, default 4 shards) picks by partition-and-merge (GreeDi,
    ``infopick.select.partition``) for ``facility`` and ``kcenter``: greedy on each
    shard as one task, then greedy on the union. ``engine="ray"`` runs the shard tasks on Ray
    (a local Ray, or the cluster at ``address``), and the embedding of a pool too large to embed
    in memory as Ray tasks over its chunks.

    ``families`` (default None: on for a pool of images at least ``families.MIN_SIDE`` px where the family
    step passes its null test and at least ``families.FAMILY_SHARE`` of the rows sit in families
    (``families.by_default``), for every label-free strategy but the ``random`` baseline; True: also elsewhere
    and on a feature matrix; False: off):
    near-duplicate families (``infopick.families``, copies lighter than the nuisance model at
    ``family_strength``) count as one image, so the strategy picks one representative per family that
    no given row belongs to; a budget beyond the families continues the strategy's greedy from them (or
    draws uniformly where it cannot). ``meta["families"]`` says what was seen and done.

    ``given`` (indices already picked): ``budget`` new picks, none of them given, as the strategy's
    greedy continues from the given set (strategies with ``continues``; ``random`` excludes them;
    the active learners train one round on the given rows' labels: ``given_labels``, aligned with
    ``given``, or the pool's). ``exclude``: indices never to pick.

    >>> import numpy as np
    >>> select(np.zeros((10, 2)), 3, "random", seed=0).indices.shape
    (3,)
    """
    strat = strategy if isinstance(strategy, Strategy) else get_strategy(strategy, **params)
    check_instance("strategy", strat)
    families = check_switch(families, family_strength)
    if given is not None and len(np.atleast_1d(np.asarray(given))) and not strat.continues:
        able = ", ".join(n for n, c in registry().items() if c.continues)
        raise InfopickError(f"strategy {strat.name!r} cannot continue from a given set; these can: {able}")
    eng = None
    if (shards is not None or engine != "local") and given is not None:
        raise InfopickError("partition-and-merge (shards, engine=ray) does not take a given set")
    if shards is not None or engine != "local":  # checked before Ray starts or the embedding runs
        from infopick.engine import get_engine
        from infopick.select.partition import partitionable

        if not strat.shardable:
            raise InfopickError(f"partition-and-merge runs {', '.join(partitionable())}; not {strat.name!r}")
        if shards is not None and (isinstance(shards, bool) or not isinstance(shards, (int, np.integer)) or shards < 1):
            raise InfopickError(f"shards must be a positive integer, got {shards!r}")
        eng = get_engine(engine, address)
    used_embed, embed_seconds = None, 0.0
    features: Features
    if isinstance(data, Pool):
        labels = data.labels if labels is None else labels
        _check_budget(budget, len(data))  # before the embedding: a bad budget must not cost minutes
        reads = strat.reads(int(budget), len(data))
        if reads is Input.FEATURES:
            from infopick.embed import DEFAULT_EMBED
            from infopick.embed import embed as _embed

            method = embed or DEFAULT_EMBED
            used_embed = method if isinstance(method, str) else method.name
            t_embed = time.perf_counter()
            # a pool over the embedder's out-of-core threshold is embedded as the engine's tasks
            features = _embed(data, method, seed=embed_seed, progress=progress, engine=eng)
            embed_seconds = time.perf_counter() - t_embed
        elif reads is Input.IMAGES:
            features = data.images
        else:
            features = data.images.reshape(len(data), -1)  # a view: only the row count matters
    else:
        if embed is not None:
            raise InfopickError("embed= applies to a pool; these are features already")
        features = check_features(data)
        _check_budget(budget, features.shape[0])
    n = features.shape[0]
    g = _indices(given, n, "the given set")
    ex = np.setdiff1d(_indices(exclude, n, "the excluded set"), g)
    if budget > n - len(g) - len(ex):
        raise BudgetError(f"budget {budget} exceeds the {n - len(g) - len(ex)} images neither given nor excluded")
    y = gl = None
    if strat.label_use is LabelUse.PICKED and len(g) and given_labels is not None:
        gl = check_labels(given_labels, len(g))  # the user's labels of the given rows: the pool may have none
        y = check_labels(labels, n) if labels is not None else None
    elif strat.label_use is not LabelUse.NONE:
        if labels is None:
            hint = " (give the labels of a given set: --given FILE with a label column)" if strat.label_use is LabelUse.PICKED else ""
            raise InfopickError(f"strategy {strat.name!r} reads labels ({strat.label_use.value}) but the pool has none{hint}")
        y = check_labels(labels, n)
    rng = resolve_rng(seed)
    t_fam = time.perf_counter()
    reps, sizes, fam_meta = _family_rows(data, features, strat, families, family_strength, g, ex)
    fam_meta["seconds"] = time.perf_counter() - t_fam
    t0 = time.perf_counter()
    images = data.images if strat.wants_images and isinstance(data, Pool) else None
    run: dict[str, Any] = {"eng": eng, "shards": shards, "gl": gl, "rng": rng, "sizes": None}
    if reps is None:
        rows = np.setdiff1d(np.arange(n), ex) if len(ex) else None  # without the excluded rows, mapped back at the end
        sel = _run(strat, features, y, images, int(budget), g, rows, **run)
    else:
        # the strategy sees one representative per family; a budget beyond the families continues among the rest
        first = min(int(budget), len(reps))
        sel = _run(strat, features, y, images, first, g, np.union1d(reps, g), **{**run, "sizes": sizes})
        if first < budget:
            sel = _beyond(strat, features, y, images, int(budget) - first, g, sel, ex, run, fam_meta)
        fam_meta["picked_representatives"] = first
    seconds = time.perf_counter() - t0
    meta = {"params": strat.params(), "seed": seed if not isinstance(seed, np.random.Generator) else "generator",
            "seconds": seconds, "embed": used_embed, "embed_seconds": embed_seconds, "given": len(g), "excluded": len(ex),
            "families": fam_meta}
    return Selection(sel.indices, sel.strategy, sel.label_use, sel.gains, {**meta, **sel.meta})


def _run(strat: Strategy, features: Features, y: npt.NDArray[np.int64] | None, images: Any, budget: int, g: IntArray,
         rows: IntArray | None, *, eng: Any, shards: int | None, gl: npt.NDArray[np.int64] | None,
         rng: np.random.Generator, sizes: IntArray | None) -> Selection:
    """The strategy on ``rows`` of the pool (None: all of them, ``g`` among them), its picks as pool rows;
    ``sizes`` (n,): the pool rows each row stands for, handed to a strategy that ``wants_sizes``."""
    if rows is not None:
        features, g = features[rows], np.searchsorted(rows, g)
        y = None if y is None else y[rows]
        images = None if images is None else images[rows]
        sizes = None if sizes is None else sizes[rows]
    extra: dict[str, Any] = {} if images is None else {"images": images}
    if sizes is not None and strat.wants_sizes:
        extra["sizes"] = sizes
    if eng is not None:
        from infopick.select.partition import greedi

        idx, facts = greedi(np.asarray(features), budget, strat.name, shards=4 if shards is None else int(shards),
                            engine=eng, rng=rng, params=strat.params())
        sel = Selection(idx, strat.name, strat.label_use, None, facts)
    elif len(g):
        sel = strat.continue_from(features, budget, g, rng=rng, given_labels=gl, labels=y, **extra)
    else:
        sel = strat.select(features, budget, rng=rng, labels=y, **extra)
    _check_selection(sel.indices, budget, len(features), strat.name)
    if len(g) and np.isin(sel.indices, g).any():
        raise AssertionError(f"strategy {strat.name!r} picked a given row")  # a bug in the strategy, not in the input
    idx = sel.indices if rows is None else rows[sel.indices]
    return Selection(idx, sel.strategy, sel.label_use, sel.gains, sel.meta)


def _beyond(strat: Strategy, features: Features, y: npt.NDArray[np.int64] | None, images: Any, more: int, g: IntArray,
            sel: Selection, ex: IntArray, run: dict[str, Any], fam_meta: dict[str, Any]) -> Selection:
    """``more`` picks after every family has one: the strategy's greedy continues from all picks so far where it
    can (without shards), else uniform among the rest."""
    done = np.concatenate([g, sel.indices])
    n = len(features)
    rest = np.setdiff1d(np.arange(n), np.union1d(done, ex))
    if strat.continues and run["eng"] is None:
        rows = np.setdiff1d(np.arange(n), ex) if len(ex) else None
        extra = _run(strat, features, y, images, more, done, rows, **run)
        fam_meta["then"] = f"{strat.name} continued from the representatives"
    else:
        extra = Selection(np.sort(run["rng"].choice(rest, size=more, replace=False)), strat.name)
        fam_meta["then"] = "uniform among the remaining rows"
    gains = None if sel.gains is None or extra.gains is None else np.concatenate([sel.gains, extra.gains])
    return Selection(np.concatenate([sel.indices, extra.indices]), sel.strategy, sel.label_use, gains, sel.meta)


def _family_rows(data: Pool | Features, features: Features, strat: Strategy, families: bool | None, strength: float,
                 g: IntArray, ex: IntArray) -> tuple[IntArray | None, IntArray | None, dict[str, Any]]:
    """The rows the strategy may pick under the one-per-family rule (None: the rule is off), each pool row's
    family size (n,) and what to say of it."""
    from infopick.families import FAMILY_SHARE, by_default, find_families, representatives

    if families is False:
        return None, None, {"used": False, "why": "turned off (families=False)"}
    if strat.label_use is not LabelUse.NONE:
        return None, None, {"used": False, "why": f"{strat.name} reads labels: it sees every row"}
    if families is None and not strat.one_per_family:
        return None, None, {"used": False,
                            "why": f"{strat.name} is the baseline: it draws from every row (families=True to apply it)"}
    if isinstance(data, Pool):
        found, why = by_default(data.images, strength, min_share=FAMILY_SHARE) if families is None else (None, "")
        if families is None and found is None:
            return None, None, {"used": False, "why": f"{why} (families=True to apply it)"}
        fam = found or find_families(data.images, strength=strength)
    elif families is None:
        return None, None, {"used": False, "why": "a feature matrix: families=True to group its near-copies"}
    else:
        fam = find_families(features, strength=strength)
    reps = representatives(fam.family, g, ex)
    s = fam.summary()
    sizes = np.bincount(fam.family, minlength=len(fam.family))[fam.family].astype(np.int64)
    return reps, sizes, {"used": True, "rows": s["rows"], "families": s["families"], "rows_in_families": s["rows_in_families"],
                  "families_of_2_or_more": s["families_of_2_or_more"], "largest": s["largest"],
                  "open_families": int(len(reps)), "strength": float(strength), "method": fam.method}


def _indices(values: npt.ArrayLike | None, n: int, what: str) -> IntArray:
    """Unique in-range row indices in the order given (empty for None)."""
    if values is None:
        return np.zeros(0, dtype=np.int64)
    v = np.atleast_1d(np.asarray(values))
    return np.zeros(0, dtype=np.int64) if v.size == 0 else check_indices(v, n, what=what)


def _check_budget(budget: int, n: int) -> None:
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)):
        raise BudgetError(f"budget must be an integer, got {budget!r}")
    if not 1 <= budget <= n:
        raise BudgetError(f"budget must lie in 1..{n} (the pool size), got {budget}")


def _check_selection(idx: np.ndarray, budget: int, n: int, name: str) -> None:
    # A broken strategy must fail loudly here, not hand the game a wrong subset.
    check_indices(idx, n, what=f"strategy {name!r} returned a bad selection", size=budget)
