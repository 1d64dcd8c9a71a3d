"""Issue 4, third stage: play subsets no measure has been scored on (seeds 7 and 8, K=100 and K=1000).

    .venv/bin/python -m benchmarks.rho.fresh_cells     # plays 60 cells (~45 min on 2 cores)

Started before any new measure was declared, and kept apart from the scoring: this script only plays
the cells and stores, per line, the strategy, seed, budget, the picked indices and the accuracies,
in results/rho_fresh_cells.jsonl. Same 15 strategies, UMAP selections, fast recipe and selection
seed = training seed as the bench grid and rho_new_cells.py. What is scored on them, and the rule,
are written down in benchmarks/rho/declared.py before its first run.
"""

from __future__ import annotations

import json
from pathlib import Path

import infopick
from benchmarks.rho.new_cells import STRATEGIES

OUT = Path(__file__).parent / "results" / "rho_fresh_cells.jsonl"
SEEDS = (7, 8)
BUDGETS = (100, 1000)


def play(out: Path, seeds: tuple[int, ...], budgets: tuple[int, ...]) -> None:
    """Play every (strategy, seed, budget) cell not yet in ``out``; one JSON line each, indices kept."""
    pool = infopick.load("mnist")
    out.parent.mkdir(parents=True, exist_ok=True)
    done = {(r["strategy"], r["seed"], r["budget"]) for r in map(json.loads, out.read_text().splitlines())} \
        if out.exists() else set()
    for seed in seeds:
        for budget in budgets:
            for name in STRATEGIES:
                if (name, seed, budget) in done:
                    continue
                sel = infopick.select(pool, budget, name, seed=seed, embed="umap")
                res = infopick.play(pool, sel, seed=seed, recipe="fast")
                line = {"strategy": name, "seed": seed, "budget": budget, "accuracy_test": res.accuracy_test,
                        "accuracy_pool": res.accuracy_pool, "indices": sel.indices.tolist()}
                with out.open("a") as fh:
                    fh.write(json.dumps(line) + "\n")
                print(name, seed, budget, flush=True)  # no accuracy printed: nothing to peek at


def main() -> None:
    play(OUT, SEEDS, BUDGETS)


if __name__ == "__main__":
    main()
