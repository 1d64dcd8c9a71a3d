"""Every selection strategy against random on MNIST at K=100 and K=1000, one trainer per table.

Reproduce (from the repository root, after `make demo`)::

    .venv/bin/python -m benchmarks.game.strategies --recipe fast --seeds 3            # every strategy, 3 seeds
    .venv/bin/python -m benchmarks.game.strategies --recipe fast --embed pca --strategies kmeans,probcover,typiclust
    .venv/bin/python -m benchmarks.game.strategies --recipe standard --strategies probcover --seeds 3
    .venv/bin/python -m benchmarks.game.strategies --table                            # the RESULTS.md tables

Selection seed = training seed = the cell's seed; embeddings are computed once (seed 0) and
cached. Cells go to benchmarks/game/results/strategies.jsonl (resumable, keyed by recipe content,
strategy, embedding, budget, seed); random's cells come from game_baselines.jsonl (5 seeds,
same trainer and seeds) when present there.
"""

from __future__ import annotations

import argparse
import json
import statistics

import infopick
from benchmarks.common import load_rows, mean_sd, recipe_id, results_dir
from benchmarks.game.baselines import run
from infopick.select.base import get_strategy

RESULTS = results_dir("game") / "strategies.jsonl"
BASELINES = results_dir("game") / "game_baselines.jsonl"


def table(recipe: str) -> str:
    rid = recipe_id(recipe)
    rows = [r for r in load_rows(RESULTS) + load_rows(BASELINES) if r["recipe_id"] == rid]
    groups: dict[tuple[int, str, str | None, str], list[dict]] = {}
    for r in rows:
        groups.setdefault((r["budget"], r["strategy"], r.get("embed"), _changed(r)), []).append(r)
    out = ["| K | strategy | embed | labels | seeds | test % mean ± sd | pool % mean ± sd | pool vs random | select s (median, warm kNN cache) | min-max per class |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for budget in sorted({k[0] for k in groups}):
        base = groups.get((budget, "random", None, ""))
        base_pool = statistics.mean(r["accuracy_pool"] for r in base) if base else None
        cells = sorted(((k, v) for k, v in groups.items() if k[0] == budget),
                       key=lambda kv: (kv[0][1] != "random", -statistics.mean(r["accuracy_pool"] for r in kv[1])))
        for (_, strategy, emb, changed), rs in cells:
            seeds = {r["seed"]: r for r in rs}  # a cell stored twice counts once
            rs = [seeds[s] for s in sorted(seeds)]
            test = [r["accuracy_test"] for r in rs]
            pool = [r["accuracy_pool"] for r in rs]
            diff = f"{statistics.mean(pool) - base_pool:+.2f}" if base_pool is not None and strategy != "random" else ""
            hist = [min(r["class_histogram"].values()) for r in rs], [max(r["class_histogram"].values()) for r in rs]
            label = infopick.registry()[strategy].label_use.value
            out.append(f"| {budget} | {strategy}{f' ({changed})' if changed else ''} | {emb or '-'} | {label} | {len(rs)} | {mean_sd(test)} | {mean_sd(pool)} | {diff} | "
                       f"{statistics.median(r['seconds']['select'] for r in rs):.1f} | {min(hist[0])}-{max(hist[1])} |")
    return "\n".join(out)


def _changed(r: dict) -> str:
    """The parameters a cell ran with that differ from the strategy's current defaults, as 'k=20'."""
    default = get_strategy(r["strategy"]).params()
    return ", ".join(f"{k}={v}" for k, v in sorted(r.get("params", default).items()) if default.get(k) != v)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recipe", default="fast")
    p.add_argument("--strategies", default=",".join(n for n in infopick.registry() if n not in ("random", "balanced", "auto")))
    p.add_argument("--budgets", default="100,1000")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--embed", default=None, help="embedding for the strategies that read one (default: the package default)")
    p.add_argument("--params", default="{}", help='strategy parameters as JSON, e.g. \'{"k": 20}\'')
    p.add_argument("--table", action="store_true", help="print the markdown tables of the stored results and exit")
    a = p.parse_args()
    if a.table:
        for recipe in ("fast", "standard"):
            print(f"\n### recipe {recipe}\n\n{table(recipe)}")
        return
    run([a.recipe], a.strategies.split(","), [int(b) for b in a.budgets.split(",")], a.seeds, embed=a.embed, results=RESULTS,
        overrides=json.loads(a.params))


if __name__ == "__main__":
    main()
