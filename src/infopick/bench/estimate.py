"""``bench --dry-run``: the seconds and peak memory a grid's remaining cells should need on this machine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from infopick.bench.config import BenchConfig, Cell


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
    # ``network`` trains the recipe 3 times per cell (the subset's network and 2 folds) and twice once for N
    trainings = 3 if "network" in config.measures else 0
    per_cell = [train * (1 + trainings) + evaluate * (1 + (trainings > 0)) + _SELECT_SECONDS.get(registry()[c.strategy].family, 5.0) * scale
                for c in todo]
    once = sum(_MEASURE_SECONDS.get(m, 30.0) * scale for m in config.measures if m != "network")
    once += 2 * (train + evaluate) if trainings else 0.0
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
