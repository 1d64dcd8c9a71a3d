"""A grid of (strategy, budget, seed) cells: select, play, measure; resumable, one record per cell.

``run_grid`` opens the results store under a lock, skips the cells it already holds, and
appends one record per finished cell. The pool's own information curves are computed once
per directory (``DIR/measures/``) for the report. With ``workers > 1`` cells run in separate
processes (spawned; torch threads split between them) and only the parent writes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from infopick.bench.cell import init_worker, pool_measures, ray_cell, run_cell, worker_cell
from infopick.bench.config import BenchConfig, Cell, cells, check_directory, pending, write_config
from infopick.bench.store import ResultStore


def run_grid(
    pool: Any, config: BenchConfig, store: ResultStore, *, command: str, environment: dict[str, Any],
    report: Callable[[str], None] = print,
) -> list[dict[str, Any]]:
    """Run every cell not yet in the open ``store`` (``DIR/results.jsonl``, its lock held by the caller);
    return all records of the grid."""
    out = store.dir
    todo_all = cells(config)
    check_directory(out, config)
    write_config(out, config, command, environment)
    pool_measures(pool, config, out, report)
    todo = pending(todo_all, store.rows())
    report(f"{len(todo_all) - len(todo)} of {len(todo_all)} cells already done; {len(todo)} to run")
    t0 = time.perf_counter()
    for finished, row in enumerate(_execute(pool, config, out, todo), start=1):
        store.append(row)
        elapsed = time.perf_counter() - t0
        left = elapsed / finished * (len(todo) - finished)
        report(f"[{len(todo_all) - len(todo) + finished}/{len(todo_all)}] {row['strategy']} K={row['budget']} seed {row['seed']}: "
               f"test {_pct(row['accuracy_test'])} pool {row['accuracy_pool']:.2f} %  ({row['seconds']['total']:.0f} s; "
               f"elapsed {elapsed:.0f} s, about {left:.0f} s left)")
    wanted = {(c.strategy, c.budget, c.seed) for c in todo_all}
    return [r for r in store.rows() if (r["strategy"], r["budget"], r["seed"]) in wanted]


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def _execute(pool: Any, config: BenchConfig, out: Path, todo: list[Cell]):  # type: ignore[no-untyped-def]
    from infopick.engine import LocalEngine, ProcessEngine, RayEngine
    from infopick.game import get_recipe

    recipe = get_recipe(config.recipe)  # resolved here: workers get the parent's recipe, not their own lookup
    if config.engine == "ray":
        import torch

        # Each cell a Ray task at this process's torch thread count (so results equal the local engine's),
        # asking Ray for as many CPUs; capped at the largest node (OMP_NUM_THREADS=1 here: one cell per CPU).
        ray = RayEngine(config.address)
        threads = max(1, min(torch.get_num_threads(), ray.largest_node_cpus()))
        yield from ray.as_completed(ray_cell, [(config, str(out), c, recipe, threads) for c in todo], cpus=threads)
    elif config.workers == 1 or len(todo) <= 1:
        state: dict[str, Any] = {}
        yield from LocalEngine().as_completed(lambda c: run_cell(pool, c, config, out, state, recipe), [(c,) for c in todo])
    else:
        engine = ProcessEngine(config.workers, init_worker, (max(1, (os.cpu_count() or 1) // config.workers),))
        yield from engine.as_completed(worker_cell, [(config, str(out), c, recipe) for c in todo])
