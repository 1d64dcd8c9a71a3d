"""Bookkeeping the studies share: where each study keeps its results, the recipe's content hash, reading JSON lines."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def results_dir(study: str) -> Path:
    """The results folder of ``study`` (``benchmarks/<study>/results``)."""
    return ROOT / study / "results"


def recipe_id(name: str) -> str:
    """Hash of the recipe's full content: a changed recipe never reuses cells of the old one."""
    from infopick.game import get_recipe

    blob = json.dumps(get_recipe(name).to_dict(), sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


def load_rows(path: Path) -> list[dict]:
    """The JSON lines of ``path`` ([] when it does not exist yet)."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def rho_text(x: object, y: object) -> str:
    """"rho | [lo, hi]": Spearman rho with its 95 % bootstrap interval over cells (2000 resamples, seed 0), as the rho tables print it."""
    from infopick.bench.stats import spearman_interval

    rho, lo, hi = spearman_interval(x, y)  # type: ignore[arg-type]
    return f"{rho:.3f} | [{lo:.2f}, {hi:.2f}]"


def mean_sd(xs: list[float], digits: int = 2) -> str:
    """"mean ± sd" over seeds as the tables print it (one value alone; "-" for none)."""
    import statistics

    if not xs:
        return "-"
    return f"{statistics.mean(xs):.{digits}f} ± {statistics.stdev(xs):.{digits}f}" if len(xs) > 1 else f"{xs[0]:.{digits}f}"


@functools.cache
def machine() -> str:
    """The CPU a row was played on (model name and torch's kernel level): the same picks and seed train to
    slightly different networks on AVX2 and AVX-512 kernels (RESULTS.md, machine line). Read once a process."""
    import os

    model = "unknown CPU"
    if os.path.isfile("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as fh:
            model = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), model)
    try:
        import torch

        level = torch.backends.cpu.get_cpu_capability()
    except (ImportError, AttributeError):
        level = "?"
    return f"{model}, {os.cpu_count()} cores, torch {level}"
