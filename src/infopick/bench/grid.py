"""A grid of (strategy, budget, seed) cells: select, play, measure; resumable, one record per cell.

``run_grid`` opens the results store under a lock, skips the cells it already holds, and
appends one record per finished cell. The pool's own information curves are computed once
per directory (``DIR/measures/``) for the report. With ``workers > 1`` cells run in separate
processes (spawned; torch threads split between them) and only the parent writes.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from infopick._util import atomic_write
from infopick.bench.store import ResultStore, read_rows
from infopick.errors import InfopickError

CONFIG = "bench.json"


@dataclass(frozen=True)
class BenchConfig:
    """What a bench directory holds; cells of one directory share data, recipe and embedding."""

    data: str
    strategies: tuple[str, ...]
    budgets: tuple[int, ...]
    seeds: int
    recipe: str = "fast"
    embed: str | None = None
    measures: tuple[str, ...] = ("coding-rate", "coverage")
    workers: int = 1
    engine: str = "local"  # "ray": cells as Ray tasks (a local Ray, or the cluster at `address`)
    address: str | None = None

    def comparable(self) -> dict[str, Any]:
        """The settings every cell of a directory must share (strategies, budgets and seeds may grow)."""
        return {"data": self.data, "recipe": self.recipe, "embed": self.embed}


@dataclass(frozen=True)
class Cell:
    strategy: str
    budget: int
    seed: int

    @property
    def name(self) -> str:
        return f"{self.strategy}-K{self.budget}-s{self.seed}"


def cells(config: BenchConfig) -> list[Cell]:
    """Every cell, random first in each budget (the reference every report compares with, always run), then the rest."""
    names = list(dict.fromkeys(("random", *config.strategies)))
    return [Cell(s, b, seed) for b in config.budgets for s in names for seed in range(config.seeds)]


def validate(config: BenchConfig, n: int) -> None:
    """Names and numbers checked before any work: unknown strategies or measures, budgets out of range."""
    from infopick.game import get_recipe
    from infopick.measure import get_measure
    from infopick.select import get_strategy

    for s in config.strategies:
        get_strategy(s)
    for m in config.measures:
        get_measure(m)
    get_recipe(config.recipe)
    if config.seeds < 1 or config.workers < 1:
        raise InfopickError("--seeds and --workers must be at least 1")
    bad = [b for b in config.budgets if not 1 <= b <= n]
    if bad or not config.budgets:
        raise InfopickError(f"budgets must lie in 1..{n} (the pool size), got {list(config.budgets)}")


def check_directory(out: Path, config: BenchConfig) -> None:
    """Refuse to mix cells made under other data, recipe or embedding; record this run's config."""
    path = out / CONFIG
    if path.is_file():
        before = json.loads(path.read_text()).get("comparable")
        if before is not None and before != config.comparable():
            raise InfopickError(f"{out} holds cells made with {before}; this run asks for {config.comparable()}: use another --out")


def write_config(out: Path, config: BenchConfig, command: str, environment: dict[str, Any]) -> None:
    with atomic_write(out / CONFIG) as fh:
        json.dump({"comparable": config.comparable(), "config": asdict(config), "command": command,
                   "environment": environment}, fh, indent=1)


def pending(todo: list[Cell], rows: list[dict[str, Any]]) -> list[Cell]:
    """The cells of ``todo`` that no stored record (strategy, budget, seed) has finished."""
    done = {(r["strategy"], r["budget"], r["seed"]) for r in rows}
    return [c for c in todo if (c.strategy, c.budget, c.seed) not in done]


def run_grid(
    pool: Any, config: BenchConfig, out: Path, *, command: str, environment: dict[str, Any],
    report: Callable[[str], None] = print,
) -> list[dict[str, Any]]:
    """Run every cell not yet in ``out/results.jsonl``; return all records of the grid."""
    out = Path(out)
    todo_all = cells(config)
    with ResultStore(out) as store:
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
        rows = store.rows()
    wanted = {(c.strategy, c.budget, c.seed) for c in todo_all}
    return [r for r in rows if (r["strategy"], r["budget"], r["seed"]) in wanted]


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def _execute(pool: Any, config: BenchConfig, out: Path, todo: list[Cell]):  # type: ignore[no-untyped-def]
    from infopick.engine import LocalEngine, ProcessEngine, RayEngine
    from infopick.game import get_recipe

    recipe = get_recipe(config.recipe)  # resolved here: workers get the parent's recipe, not their own lookup
    if config.engine == "ray":
        import torch

        # Each cell a Ray task at this process's torch thread count (so results equal the local engine's).
        threads = torch.get_num_threads()
        yield from RayEngine(config.address).as_completed(_ray_cell, [(config, str(out), c, recipe, threads) for c in todo])
    elif config.workers == 1 or len(todo) <= 1:
        state: dict[str, Any] = {}
        yield from LocalEngine().as_completed(lambda c: run_cell(pool, c, config, out, state, recipe), [(c,) for c in todo])
    else:
        engine = ProcessEngine(config.workers, _init_worker, (max(1, (os.cpu_count() or 1) // config.workers),))
        yield from engine.as_completed(_worker_cell, [(config, str(out), c, recipe) for c in todo])


def _ray_cell(config: BenchConfig, out: str, cell: Cell, recipe: Any, threads: int) -> dict[str, Any]:
    _init_worker(threads)
    return _worker_cell(config, out, cell, recipe)


_WORKER: dict[str, Any] = {}


def _init_worker(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def _worker_cell(config: BenchConfig, out: str, cell: Cell, recipe: Any) -> dict[str, Any]:
    if "pool" not in _WORKER:
        from infopick.data import load

        _WORKER["pool"] = load(config.data)
    return run_cell(_WORKER["pool"], cell, config, Path(out), _WORKER, recipe)


def run_cell(pool: Any, cell: Cell, config: BenchConfig, out: Path, state: dict[str, Any], recipe: Any) -> dict[str, Any]:
    """Select, play and measure one cell; ``state`` keeps fitted measures between cells of one process."""
    import resource

    import torch

    from infopick.game import play
    from infopick.measure import fit_pool
    from infopick.select import select
    from infopick.select.io import write_selection

    t0 = time.perf_counter()
    sel = select(pool, cell.budget, cell.strategy, seed=cell.seed, embed=config.embed)
    path = out / "selections" / f"{cell.name}.csv"
    write_selection(pool, sel, path)
    res = play(pool, sel, seed=cell.seed, recipe=recipe)
    t1 = time.perf_counter()
    fractions = {}
    for m in config.measures:
        if m not in state:
            state[m] = fit_pool(pool, m, seed=0)
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


def load_results(out: str | Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the directory's bench.json, its records) for a report; read-only, no lock needed."""
    out = Path(out)
    if not (out / CONFIG).is_file():
        raise InfopickError(f"{out} is not a bench directory (no {CONFIG}); run infopick bench --out {out} first")
    return json.loads((out / CONFIG).read_text()), read_rows(out / "results.jsonl")


@dataclass
class Estimate:
    """Seconds and peak memory the remaining cells should need on this machine (an estimate)."""

    cells: int
    seconds: float
    peak_mib: float
    detail: dict[str, float] = field(default_factory=dict)


# Rough selection seconds per cell on 60000 images with a cached embedding (benchmarks/RESULTS.md),
# scaled linearly with n: not calibrated here, since a selection can take minutes.
_SELECT_SECONDS = {"baseline": 0.1, "geometry": 2.0, "coverage": 3.0, "information": 20.0, "active": 30.0, "auto": 3.0}
_EMBED_SECONDS = {"pixels": 0.5, "pca": 5.0, "umap": 95.0, "autoencoder": 45.0, "contrastive": 65.0}
_MEASURE_SECONDS = {"coding-rate": 8.0, "coverage": 30.0, "compression": 26.0, "label-bits": 40.0}


def estimate(pool: Any, config: BenchConfig, todo: list[Cell], calibrate_steps: int = 80) -> Estimate:
    """Time from a short calibration of the recipe on this machine, plus tabled selection costs; memory from sizes."""
    from dataclasses import replace

    from infopick.data import make_pool
    from infopick.game import get_recipe, play
    from infopick.select import registry

    rec = get_recipe(config.recipe)
    n = len(pool)
    n_eval = n + (len(pool.test) if pool.test is not None else 0)
    probe = make_pool(pool.images[: min(n, 1024)], pool.labels[: min(n, 1024)] if pool.labels is not None else None)
    picks = np.arange(min(len(probe), 64))
    # Two short trainings: their difference is the cost of a step without the start-up (model build, first calls).
    runs = [play(probe, picks, seed=0, recipe=replace(rec, train=replace(rec.train, steps=s)))
            for s in (2, calibrate_steps // 4, calibrate_steps)][1:]  # the first warms torch up and is dropped
    per_step = max(runs[1].seconds["train"] - runs[0].seconds["train"], 0.0) / (calibrate_steps - calibrate_steps // 4)
    start = max(runs[0].seconds["train"] - per_step * (calibrate_steps // 4), 0.0)
    train = start + per_step * rec.train.steps
    evaluate = runs[1].seconds["eval"] * n_eval / len(probe)
    scale = n / 60000
    per_cell = [train + evaluate + _SELECT_SECONDS.get(registry()[c.strategy].family, 5.0) * scale for c in todo]
    once = sum(_MEASURE_SECONDS.get(m, 30.0) * scale for m in config.measures)
    from infopick.embed import DEFAULT_EMBED

    once += _EMBED_SECONDS.get(config.embed or DEFAULT_EMBED, 60.0) * scale  # 0 in truth when already cached
    seconds = sum(per_cell) / config.workers + once
    image_mib = pool.images.nbytes / 2**20 * (1 + (pool.test is not None))
    # Python, torch, faiss, umap/numba and the fitted measures (~1000 MiB: the MNIST grid of
    # RESULTS.md peaked at 2057 MiB where the first version of this sum said 1.4 GiB), the pool as
    # uint8 and one float32 copy in evaluation chunks, a k-NN graph with its sparse similarity
    # (~40 bytes per edge; k as facility picks it for the smallest budget), the network and
    # optimiser: per worker. Linear in n.
    from infopick.objectives.facility import facility_k

    k = facility_k(n, min(config.budgets))
    graph_mib = n * k * 40 / 2**20
    per_worker = 1000 + image_mib * 2 + graph_mib + 150
    return Estimate(len(todo), seconds, per_worker * config.workers,
                    {"train_s_per_cell": train, "eval_s_per_cell": evaluate, "once_s": once, "calibration_s": sum(sum(x.seconds.values()) for x in runs)})
