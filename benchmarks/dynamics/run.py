"""Where the training-dynamics strategies stand on MNIST: accuracy, the network's bits and the cost of scoring.

Reproduce (from the repository root; resumable, one JSON line per cell in results/curve.jsonl):

    .venv/bin/python -m benchmarks.dynamics.run --score      # scores MNIST once (2 training runs), times it
    .venv/bin/python -m benchmarks.dynamics.run --play       # 4 strategies x K 1000..30000 x 3 seeds, fast
    .venv/bin/python -m benchmarks.dynamics.run --table
    .venv/bin/python -m benchmarks.dynamics.run --stress --play   # the stress suite's junk pool, K = 1000 (then without --play)

A cell is exactly a cell of ``benchmarks/curve`` (same code: ``benchmarks.curve.run.run``): select with
the strategy's defaults (scores = the mean of the fast recipe's training runs with seeds 0 and 1, 10
epochs over the whole pool, EL2N/GraNd at 20 % of them), play with the fast recipe at the cell's seed,
then the M/N of the ``network`` measure on seed 0. ``random`` and the label-free default ``auto`` and
the whole pool's accuracy come from ``benchmarks/curve/results/curve.jsonl`` (same recipe content,
budgets and seeds). The dynamics strategies read every label of the pool (``label_use = all``): they
are references, not competitors of the label-free rows, and the table marks them so.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.common import load_rows, mean_sd, results_dir
from benchmarks.curve.run import RESULTS as CURVE
from benchmarks.curve.run import k_for_share
from benchmarks.curve.run import run as run_cells
from infopick.bench.stats import welch_bounds

HERE = Path(__file__).resolve().parent / "results"
CELLS = HERE / "curve.jsonl"
SCORING = HERE / "scoring.json"
STRESS = HERE / "stress.md"
STRESS_CELLS = results_dir("stress") / "results.jsonl"  # the stress suite's own store: random's cells are shared
STRESS_POOL, STRESS_BUDGET = "junk-20%", 1000
STRESS_STRATEGIES = ("forgetting", "el2n", "grand", "ccs", "ccs:prune=0", "auto")
STRATEGIES = ("forgetting", "el2n", "grand", "ccs")
BUDGETS = (1000, 3000, 10000, 30000)
TONEVA_NEVER_FORGOTTEN = 0.917  # Toneva et al. 2019, MNIST: 55012 of 60000 never forgotten


def score() -> dict[str, Any]:
    """Score MNIST (or read the cache), time it, and record what the scores say next to Toneva's anchor."""
    import numpy as np

    import infopick
    from infopick.select.dynamics import describe, dynamics_runs, dynamics_scores

    pool = infopick.load("mnist")
    t0 = time.perf_counter()
    s = dynamics_scores(pool)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    paths = [path for path, _ in dynamics_runs(pool)]  # the cached runs just made (or read): exactly these files
    again = time.perf_counter() - t0
    runs = [describe(p) for p in paths]
    f = s["forgetting"]
    out = {"n": len(pool), "runs": [{k: d[k] for k in ("steps", "seconds")} for d in runs],
           "seconds_scoring_total": sum(d["seconds"] for d in runs), "seconds_this_call": first, "seconds_cached_call": again,
           "never_forgotten_share": float(np.mean(f == 0)), "never_learned": int(np.isinf(f).sum()),
           "toneva_never_forgotten_share": TONEVA_NEVER_FORGOTTEN,
           "el2n_quantiles": [float(q) for q in np.quantile(s["el2n"], [0.5, 0.9, 0.99])]}
    HERE.mkdir(parents=True, exist_ok=True)
    SCORING.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))
    return out


def _cells(rows: list[dict[str, Any]], strategy: str, budget: int) -> list[dict[str, Any]]:
    return [r for r in rows if r["strategy"] == strategy and r["budget"] == budget]


def _diff(a: list[float], b: list[float]) -> str:
    return "-" if len(a) < 2 or len(b) < 2 else "{:+.2f} [{:+.2f}, {:+.2f}]".format(*welch_bounds(a, b))


def table() -> str:
    rows, ref = load_rows(CELLS), load_rows(CURVE)
    full = [r["accuracy_test"] for r in ref if r["budget"] >= r["n"]]
    whole = statistics.mean(full) if full else None
    lines = ["| strategy (labels read) | K | test % | pool % | - random test [95 % CI] | - auto test [95 % CI] | network M/N (seed 0) |",
             "|---|---|---|---|---|---|---|"]
    hits, curves = [], []
    for s in ("random", "auto", *STRATEGIES):
        src = ref if s in ("random", "auto") else rows
        ks, shares, within = [], [], {0.1: None, 0.5: None}
        for k in BUDGETS:
            c = _cells(src, s, k)
            if not c:
                continue
            test = [r["accuracy_test"] for r in c]
            net = [r["fraction"]["network"] for r in c if "network" in r["fraction"]]
            rnd, auto = ([r["accuracy_test"] for r in _cells(ref, x, k)] for x in ("random", "auto"))
            use = "all" if s in STRATEGIES else "none"
            lines.append(f"| {s} ({use}) | {k} | {mean_sd(test)} | {mean_sd([r['accuracy_pool'] for r in c])} | "
                         f"{'' if s == 'random' else _diff(test, rnd)} | {'' if s == 'auto' else _diff(test, auto)} | "
                         f"{mean_sd(net, 4) if net else '-'} |")
            if net:
                ks.append(k)
                shares.append(statistics.mean(net))
            for gap in within:
                if whole is not None and within[gap] is None and statistics.mean(test) >= whole - gap:
                    within[gap] = k
        hits.append(f"{s}: smallest measured K within 0.1 / 0.5 points of the whole pool's test accuracy: "
                    f"{within[0.1]} / {within[0.5]}")
        kq = [k_for_share(ks, shares, q) for q in (0.99, 0.999)]
        curves.append(f"{s}: K holding 99 % / 99.9 % of N under the network: "
                      + " / ".join("not reached" if x is None else f"{x:.0f}" for x in kq))
    notes = [f"whole pool (K = 60000, fast, {len(full)} seeds, benchmarks/curve): {whole:.2f} % test" if whole else "no whole-pool cells",
             *hits, "Toneva et al. 2019 (their network, full training): ~12000 kept by forgetting with no loss of test accuracy",
             *curves]
    if SCORING.is_file():
        sc = json.loads(SCORING.read_text())
        notes.append(f"scoring cost: {len(sc['runs'])} training runs of {sc['runs'][0]['steps']} steps, "
                     f"{sc['seconds_scoring_total']:.0f} s in all on 2 cores (then cached: a second call {sc['seconds_cached_call']:.1f} s); "
                     f"never forgotten {sc['never_forgotten_share']:.1%} of the pool (Toneva: {sc['toneva_never_forgotten_share']:.1%}), "
                     f"never learned {sc['never_learned']}")
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {x}" for x in notes)


def stress(play: bool) -> str:
    """The junk pool (labels of the junk drawn at random): what each score picks first, and CCS with and without pruning."""
    from benchmarks.stress.run import run as run_stress

    if play:
        run_stress(STRESS_CELLS.parent, [STRESS_POOL], list(STRESS_STRATEGIES), 3, {STRESS_BUDGET})
    rows = [r for r in load_rows(STRESS_CELLS) if r["pool"] == STRESS_POOL and r["budget"] == STRESS_BUDGET]
    rnd = [r["accuracy_test"] for r in rows if r["strategy"] == "random"]
    lines = [f"{STRESS_POOL}: {rows[0]['n']} images, {rows[0]['pool_junk_share']:.1%} of them junk with random labels; "
             f"K = {STRESS_BUDGET}, fast recipe, seeds 0-2" if rows else "no cells",
             "", "| strategy (labels read) | seeds | test % | - random [95 % CI] | junk share of the picks |", "|---|---|---|---|---|"]
    for s in ("random", *STRESS_STRATEGIES):
        c = [r for r in rows if r["strategy"] == s]
        if not c:
            continue
        test = [r["accuracy_test"] for r in c]
        use = "all" if s.split(":")[0] in STRATEGIES else "none"
        lines.append(f"| {s} ({use}) | {len(c)} | {mean_sd(test)} | {'' if s == 'random' else _diff(test, rnd)} | "
                     f"{statistics.mean(r['junk_share'] for r in c):.3f} |")
    text = "\n".join(lines)
    STRESS.write_text(text + "\n")
    return text


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--score", action="store_true", help="score MNIST (cached after the first run) and record the cost")
    p.add_argument("--play", action="store_true", help="play the cells (resumable)")
    p.add_argument("--strategies", default=",".join(STRATEGIES))
    p.add_argument("--budgets", default=",".join(map(str, BUDGETS)))
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--stress", action="store_true", help="the junk pool of the stress suite (with --play: play its cells)")
    p.add_argument("--table", action="store_true")
    a = p.parse_args()
    if a.stress:
        print(stress(a.play))
        return
    if a.score:
        score()
    if a.play:
        run_cells(a.strategies.split(","), [int(b) for b in a.budgets.split(",")], a.seeds, {0}, out=CELLS)
    if a.table or not (a.score or a.play):
        text = table()
        (results_dir("dynamics") / "table.md").parent.mkdir(parents=True, exist_ok=True)
        (results_dir("dynamics") / "table.md").write_text(text + "\n")
        print(text)


if __name__ == "__main__":
    main()
