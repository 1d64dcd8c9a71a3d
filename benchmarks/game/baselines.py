"""random and balanced at K=100 and K=1000 over 5 seeds on MNIST, with both recipes.

Reproduce (from the repository root, after `make demo` or `make venv`)::

    .venv/bin/python -m benchmarks.game.baselines --recipes fast,standard --seeds 5
    .venv/bin/python -m benchmarks.game.baselines --table     # prints the RESULTS.md table

Each cell (recipe, strategy, budget, seed) appends one JSON line to
benchmarks/game/results/game_baselines.jsonl, keyed by a hash of the recipe's content; a rerun skips
cells already there, so the run can be stopped and resumed, and a changed recipe is run afresh
(the table shows only cells of the current recipes). Selection seed = training seed = the cell's seed.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import infopick
from benchmarks.common import load_rows, mean_sd, recipe_id, results_dir
from infopick.select.base import get_strategy

RESULTS = results_dir("game") / "game_baselines.jsonl"


def embed_of(strategy: str, embed: str | None) -> str | None:
    """The embedding a strategy actually reads: None for those that read nothing or the pixels."""
    from infopick.embed import DEFAULT_EMBED
    from infopick.select import Input

    return (embed or DEFAULT_EMBED) if infopick.registry()[strategy].input is Input.FEATURES else None


def cell(r: dict) -> tuple[str, str, str | None, str, int, int]:
    return (r["recipe_id"], r["strategy"], r.get("embed"), json.dumps(r.get("params", {}), sort_keys=True), r["budget"], r["seed"])


def run(recipes: list[str], strategies: list[str], budgets: list[int], seeds: int, *, embed: str | None = None,
        results: Path = RESULTS, overrides: dict | None = None) -> None:
    import torch

    pool = infopick.load("mnist")
    done = {cell(r) for r in load_rows(results)}
    results.parent.mkdir(parents=True, exist_ok=True)
    for recipe in recipes:
        for budget in budgets:
            for strategy in strategies:
                emb = embed_of(strategy, embed)
                params = get_strategy(strategy, **(overrides or {})).params()
                for seed in range(seeds):
                    if (recipe_id(recipe), strategy, emb, json.dumps(params, sort_keys=True), budget, seed) in done:
                        continue
                    t0 = time.perf_counter()
                    sel = infopick.select(pool, budget, strategy, seed=seed, embed=emb, **(overrides or {}))
                    res = infopick.play(pool, sel, seed=seed, recipe=recipe)
                    row = {
                        "recipe": recipe, "recipe_id": recipe_id(recipe), "strategy": strategy, "embed": emb, "params": params,
                        "budget": budget, "seed": seed, "label_use": res.label_use,
                        "accuracy_pool": res.accuracy_pool, "accuracy_test": res.accuracy_test,
                        "seconds": res.seconds, "seconds_total": time.perf_counter() - t0,
                        "class_histogram": res.class_histogram, "selection_meta": {k: v for k, v in sel.meta.items() if k in ("delta", "chosen", "k", "screen", "why")},
                        "machine": f"{platform.machine()}, {torch.get_num_threads()} threads",
                    }
                    with results.open("a") as fh:  # one line per finished cell; a crash loses at most the cell
                        fh.write(json.dumps(row) + "\n")
                    print(f"{recipe:8s} {strategy:11s} {emb or '-':11s} K={budget:5d} seed {seed}: test {res.accuracy_test:.2f} "
                          f"pool {res.accuracy_pool:.2f}  select {res.seconds['select']:.1f} s ({row['seconds_total']:.0f} s)", flush=True)


def table() -> str:
    current = {name: recipe_id(name) for name in ("fast", "standard")}
    rows = [r for r in load_rows(RESULTS) if r["recipe_id"] == current.get(r["recipe"])]  # stale recipes left out
    rows = [r for r in rows if r["strategy"] in ("random", "balanced")]
    groups: dict[tuple[str, int, str], list[dict]] = {}
    for r in rows:
        groups.setdefault((r["recipe"], r["budget"], r["strategy"]), []).append(r)
    out = ["| recipe | K | strategy | labels | seeds | test acc % mean ± sd | pool acc % mean ± sd | test per seed | train s (median) | eval s (median) |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for (recipe, budget, strategy), rs in sorted(groups.items(), key=lambda kv: (kv[0][0] != "standard", kv[0][1], kv[0][2] != "random", kv[0][2])):
        rs.sort(key=lambda r: r["seed"])
        test = [r["accuracy_test"] for r in rs]
        pool = [r["accuracy_pool"] for r in rs]
        label = infopick.registry()[strategy].label_use.value
        out.append(
            f"| {recipe} | {budget} | {strategy} | {label} | {len(rs)} | {mean_sd(test)} | {mean_sd(pool)} | "
            f"{' / '.join(f'{t:.2f}' for t in test)} | {statistics.median(r['seconds']['train'] for r in rs):.0f} | "
            f"{statistics.median(r['seconds']['eval'] for r in rs):.0f} |"
        )
    return "\n".join(out)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recipes", default="fast,standard")
    p.add_argument("--strategies", default="random,balanced")
    p.add_argument("--budgets", default="100,1000")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--table", action="store_true", help="print the markdown table of the stored results and exit")
    a = p.parse_args()
    if a.table:
        print(table())
        return
    run(a.recipes.split(","), a.strategies.split(","), [int(b) for b in a.budgets.split(",")], a.seeds)


if __name__ == "__main__":
    main()
