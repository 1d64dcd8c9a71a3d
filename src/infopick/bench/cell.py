"""One bench cell: select, play, measure, and the worker entry points (process pool, Ray task) that run it.

Workers load the pool once per process (``_WORKER``) and keep the fitted measures between the cells
they run; only the parent writes records.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from infopick._util import atomic_write
from infopick.bench.config import BenchConfig, Cell
from infopick.errors import InfopickError


def ray_cell(config: BenchConfig, out: str, cell: Cell, recipe: Any, threads: int) -> dict[str, Any]:
    init_worker(threads)
    return worker_cell(config, out, cell, recipe)


_WORKER: dict[str, Any] = {}


def init_worker(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def worker_cell(config: BenchConfig, out: str, cell: Cell, recipe: Any) -> dict[str, Any]:
    if "pool" not in _WORKER:
        from infopick.data import load

        _WORKER["pool"] = load(config.data)
    return run_cell(_WORKER["pool"], cell, config, Path(out), _WORKER, recipe)


def run_cell(pool: Any, cell: Cell, config: BenchConfig, out: Path, state: dict[str, Any], recipe: Any) -> dict[str, Any]:
    """Select, play and measure one cell; ``state`` keeps fitted measures between cells of one process."""
    import resource

    import torch

    from infopick.game import play
    from infopick.measure import fit_pool, get_measure
    from infopick.select import select
    from infopick.select.io import write_selection
    from infopick.selection import Input

    t0 = time.perf_counter()
    own = None
    if config.features is not None:
        from infopick.data.features import load_features

        if "features" not in state:  # once per process; the file, not a cache, is the source
            state["features"] = load_features(config.features, pool)
        if state["features"].sha256 != config.features_sha256:
            raise InfopickError(f"{config.features} changed since the grid started (sha256); use another --out")
        own = state["features"].x
    from infopick.embed import on_device

    embed = config.embed if own is not None or config.embed is None else on_device(config.embed, config.device)
    sel = select(pool if own is None else own, cell.budget, cell.strategy, seed=cell.seed, embed=embed,
                 labels=None if own is None else pool.labels)
    path = out / "selections" / f"{cell.name}.csv"
    write_selection(pool, sel, path)
    res = play(pool, sel, seed=cell.seed, recipe=recipe, device=config.device)
    t1 = time.perf_counter()
    fractions = {}
    for m in config.measures:
        if m not in state:  # own features feed the measures that read features too
            reads_images = get_measure(m).input is Input.IMAGES
            state[m] = fit_pool(pool if own is None or reads_images else own, m, seed=0,
                                labels=None if own is None or reads_images else pool.labels)
        fractions[m] = state[m].fraction(sel)
    return {
        "strategy": cell.strategy, "budget": cell.budget, "seed": cell.seed, "label_use": res.label_use,
        "chosen": sel.meta.get("chosen"), "embed": sel.meta.get("embed"), "recipe": config.recipe,
        "accuracy_pool": res.accuracy_pool, "accuracy_test": res.accuracy_test, "fraction": fractions,
        "class_histogram": res.class_histogram, "selection": str(path.relative_to(out)),
        "seconds": {**res.seconds, "measure": time.perf_counter() - t1, "total": time.perf_counter() - t0},
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "threads": torch.get_num_threads(),
    }


def pool_measures(pool: Any, config: BenchConfig, out: Path, report: Callable[[str], None]) -> None:
    """Each measure's pool-level numbers, curve and per-image bits, once per directory (for the report)."""
    from infopick.measure import measure

    d = out / "measures"
    for m in config.measures:
        if (d / f"{m}.json").is_file():
            continue
        t0 = time.perf_counter()
        r = measure(pool, m, seed=0)
        with atomic_write(d / f"{m}.image_bits.npy", "wb") as fh:
            np.save(fh, r.image_bits.astype(np.float32), allow_pickle=False)
        with atomic_write(d / f"{m}.json") as fh:
            json.dump(r.to_dict(), fh)
        report(f"measure {m} of the pool: N = {r.bits_pool:.4g} bits, K for 99.9 % = {r.k_for['0.999']} ({time.perf_counter() - t0:.0f} s)")
