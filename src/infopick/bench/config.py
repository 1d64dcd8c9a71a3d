"""What a bench directory holds: its config (``bench.json``), its cells, and the checks made before any work."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from infopick._util import atomic_write
from infopick.bench.store import read_rows
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
    device: str = "cpu"  # where the game trains (cpu, cuda, auto); a GPU's accuracies are not the CPU's
    features: str | None = None  # the user's own features file (instead of ``embed``), and its sha256
    features_sha256: str | None = None

    def comparable(self) -> dict[str, Any]:
        """The settings every cell of a directory must share (strategies, budgets and seeds may grow)."""
        out = {"data": self.data, "recipe": self.recipe, "embed": self.embed, **({} if self.device == "cpu" else {"device": self.device})}
        return out if self.features is None else {**out, "features_sha256": self.features_sha256}


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
        strat = get_strategy(s)
        if config.features is not None and strat.input.value == "images":
            raise InfopickError(f"strategy {s!r} reads the images, not features: --features does not apply to it")
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
    before = _stored_config(out).get("comparable")
    if before is not None and before != config.comparable():
        raise InfopickError(f"{out} holds cells made with {before}; this run asks for {config.comparable()}: use another --out")


def _stored_config(out: Path) -> dict[str, Any]:
    """The directory's ``bench.json`` ({} if none); one error line if it is not a JSON object."""
    path = out / CONFIG
    if not path.is_file():
        return {}
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise InfopickError(f"{path} is not readable JSON ({e}); move it away to start a new grid there") from None
    if not isinstance(stored, dict):
        raise InfopickError(f"{path} is not a bench config (a JSON object); move it away to start a new grid there")
    return stored


def write_config(out: Path, config: BenchConfig, command: str, environment: dict[str, Any]) -> None:
    """``bench.json``: this run's config and command, and every earlier run's command and time (``history``):
    a resume with fewer strategies or seeds must not erase how the cells already there were asked for."""
    old = _stored_config(out)
    history: list[dict[str, Any]] = list(old.get("history", []))
    if old and not history:  # a bench.json written before runs were kept: its one run becomes the first
        history = [{"command": old.get("command"), "time": (old.get("environment") or {}).get("time")}]
    history.append({"command": command, "time": environment.get("time")})
    with atomic_write(out / CONFIG) as fh:
        json.dump({"comparable": config.comparable(), "config": asdict(config), "command": command,
                   "environment": environment, "history": history}, fh, indent=1)


def pending(todo: list[Cell], rows: list[dict[str, Any]]) -> list[Cell]:
    """The cells of ``todo`` that no stored record (strategy, budget, seed) has finished."""
    done = {(r["strategy"], r["budget"], r["seed"]) for r in rows}
    return [c for c in todo if (c.strategy, c.budget, c.seed) not in done]


def load_results(out: str | Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the directory's bench.json, its records) for a report; read-only, no lock needed."""
    out = Path(out)
    if not (out / CONFIG).is_file():
        raise InfopickError(f"{out} is not a bench directory (no {CONFIG}); run infopick bench --out {out} first")
    stored = _stored_config(out)
    if not isinstance(stored.get("config"), dict) or not isinstance(stored["config"].get("data"), str):
        raise InfopickError(f"{out / CONFIG} names no data set (config.data); infopick bench writes it, rerun bench there")
    return stored, read_rows(out / "results.jsonl")
