"""The data-efficiency curve of the game: accuracy and bits against K, from 10 images to the whole pool.

Reproduce (from the repository root; resumable, one JSON line per cell in results/curve.jsonl):

    .venv/bin/python -m benchmarks.curve.run --strategies random,auto --seeds 3 --network-seeds 0
    .venv/bin/python -m benchmarks.curve.run --table

Each cell (strategy, K, seed), fast recipe, MNIST: select (UMAP, seed = the cell's seed), play
(training seed = the cell's seed), then the M/N of the ``network`` measure (the fast recipe's network,
2 folds, seed 0: its N is computed once and cached) for the seeds in ``--network-seeds``, and the M/N
of the label-free default ``invariant-coverage`` and of ``coverage power=log-n`` for every cell. A cell
of ``benchmarks/game/results`` with the same recipe content, strategy, parameters, budget and seed
lends its accuracies when the re-picked subset has its class histogram (recorded as ``"from": "game"``).
At K = n every strategy picks the whole pool: only ``random`` is played there. The fast recipe trains a
fixed 1500 steps of 64 images at every K (96000 image presentations: 1.6 passes over the whole pool),
so the curve's top end is what that budget of steps learns, not what more training would.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time
from pathlib import Path
from typing import Any

import infopick
from benchmarks.common import load_rows, mean_sd, recipe_id, results_dir
from infopick.bench.stats import welch_bounds
from infopick.measure import fit_pool

RESULTS = Path(__file__).resolve().parent / "results" / "curve.jsonl"
BUDGETS = (10, 30, 100, 300, 1000, 3000, 10000, 30000, 60000)
LABEL_FREE = {"invariant-coverage": {}, "coverage power=log-n": {"name": "coverage", "power": "log-n"}}
RECIPE = "fast"


def _game_rows() -> dict[tuple[str, int, int], dict[str, Any]]:
    rid = recipe_id(RECIPE)
    rows = load_rows(results_dir("game") / "strategies.jsonl") + load_rows(results_dir("game") / "game_baselines.jsonl")
    return {(r["strategy"], r["budget"], r["seed"]): r for r in rows
            if r["recipe_id"] == rid and r.get("embed") in (None, "umap") and r.get("params", {}) == _params(r["strategy"])}


def _params(strategy: str) -> dict[str, Any]:
    from infopick.select import get_strategy

    return get_strategy(strategy).params()


def run(strategies: list[str], budgets: list[int], seeds: int, network_seeds: set[int], out: Path = RESULTS) -> None:
    pool = infopick.load("mnist")
    n = len(pool)
    done = {(r["strategy"], r["budget"], r["seed"]) for r in load_rows(out)}
    game = _game_rows()
    measures: dict[str, Any] = {}
    out.parent.mkdir(parents=True, exist_ok=True)
    _add_network(pool, strategies, budgets, network_seeds, measures, out)
    for budget in budgets:
        for strategy in (["random"] if budget >= n else strategies):
            for seed in range(seeds):
                if (strategy, budget, seed) in done:
                    continue
                t0 = time.perf_counter()
                sel = infopick.select(pool, min(budget, n), strategy, seed=seed)
                hist = pool.class_histogram(sel.indices)
                stored = game.get((strategy, budget, seed))
                row: dict[str, Any] = {"strategy": strategy, "budget": budget, "seed": seed, "n": n, "recipe": RECIPE,
                                       "recipe_id": recipe_id(RECIPE), "chosen": sel.meta.get("chosen"), "class_histogram": hist,
                                       "select_seconds": float(sel.meta.get("seconds", 0.0))}
                if stored is not None and stored["class_histogram"] == hist:
                    row.update({"accuracy_test": stored["accuracy_test"], "accuracy_pool": stored["accuracy_pool"], "from": "game",
                                "train_seconds": stored["seconds"]["train"]})
                else:
                    res = infopick.play(pool, sel, seed=seed, recipe=RECIPE)
                    row.update({"accuracy_test": res.accuracy_test, "accuracy_pool": res.accuracy_pool, "from": "played",
                                "train_seconds": res.seconds["train"]})
                fractions, seconds = {}, {}
                for label, spec in LABEL_FREE.items():
                    if label not in measures:
                        spec = dict(spec)
                        measures[label] = fit_pool(pool, spec.pop("name", label), seed=0, **spec)
                    t1 = time.perf_counter()
                    fractions[label] = measures[label].fraction(sel)
                    seconds[label] = time.perf_counter() - t1
                if seed in network_seeds:
                    fractions["network"], seconds["network"] = _network_fraction(pool, sel, measures)
                row.update({"fraction": fractions, "measure_seconds": seconds, "seconds_total": time.perf_counter() - t0})
                with out.open("a") as fh:
                    fh.write(json.dumps(row) + "\n")
                print(f"{strategy:8s} K={budget:5d} seed {seed}: test {row['accuracy_test']:.2f} pool {row['accuracy_pool']:.2f} "
                      f"({row['from']}) " + " ".join(f"{k} {v:.4f}" for k, v in fractions.items())
                      + f" ({row['seconds_total']:.0f} s)", flush=True)


def _network_fraction(pool: infopick.Pool, sel: infopick.Selection, measures: dict[str, Any]) -> tuple[float, float]:
    """The ``network`` M/N of ``sel`` and its seconds; the pool's fit (N) is made once and kept in ``measures``."""
    if "network" not in measures:
        t1 = time.perf_counter()
        measures["network"] = fit_pool(pool, "network", seed=0, recipe=RECIPE)
        print(f"network N = {measures['network'].bits_pool:.0f} bits ({time.perf_counter() - t1:.0f} s, "
              f"cached after the first run)", flush=True)
    t1 = time.perf_counter()
    return measures["network"].fraction(sel), time.perf_counter() - t1


def _add_network(pool: infopick.Pool, strategies: list[str], budgets: list[int], network_seeds: set[int],
                 measures: dict[str, Any], out: Path) -> None:
    """Cells already in ``out`` whose seed is in ``network_seeds`` but that lack the ``network`` M/N get it:
    the subset is re-picked (it must have the stored class histogram) and the file rewritten whole after
    each cell (a temporary file renamed over it, so a killed run loses at most the cell in progress)."""
    rows = load_rows(out)
    for r in rows:  # updated in place, the whole list rewritten
        if (r["seed"] not in network_seeds or "network" in r["fraction"] or r["budget"] not in budgets
                or r["strategy"] not in strategies or r["budget"] >= r["n"]):  # K = n: the same subset for every seed
            continue
        sel = infopick.select(pool, r["budget"], r["strategy"], seed=r["seed"])
        if pool.class_histogram(sel.indices) != r["class_histogram"]:
            raise SystemExit(f"{r['strategy']} K={r['budget']} seed {r['seed']}: the re-picked subset is not the stored one")
        r["fraction"]["network"], r["measure_seconds"]["network"] = _network_fraction(pool, sel, measures)
        tmp = out.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(x) + "\n" for x in rows))
        os.replace(tmp, out)
        print(f"{r['strategy']:8s} K={r['budget']:5d} seed {r['seed']}: network {r['fraction']['network']:.4f} (added)", flush=True)


def _cells(rows: list[dict[str, Any]], strategy: str, budget: int) -> list[dict[str, Any]]:
    n = rows[0]["n"] if rows else 60000
    name = "random" if budget >= n else strategy  # at K = n every strategy is the whole pool
    return [r for r in rows if r["strategy"] == name and r["budget"] == budget]


def k_for_share(ks: list[int], shares: list[float], target: float) -> float | None:
    """Smallest K whose share reaches ``target``, interpolated linearly on log K between measured budgets."""
    pts = list(zip(ks, shares, strict=True))
    if not pts:
        return None
    if pts[0][1] >= target:
        return float(pts[0][0])
    for (k0, s0), (k1, s1) in zip(pts, pts[1:], strict=False):
        if s1 >= target:
            t = (target - s0) / (s1 - s0)
            return float(math.exp(math.log(k0) + t * (math.log(k1) - math.log(k0))))
    return None


def _k_for_share_per_seed(rows: list[dict[str, Any]], strategy: str, q: float) -> dict[int, float | None]:
    """Seed -> the K holding ``q`` of N on that seed's own network curve, for the seeds measured at every
    budget below n; the whole pool's M/N (K = n, one subset whatever the seed) is shared by all seeds."""
    n = rows[0]["n"]
    whole = [r["fraction"]["network"] for r in rows if r["budget"] >= n and "network" in r["fraction"]]
    budgets = sorted({r["budget"] for r in rows if r["strategy"] == strategy and r["budget"] < n})
    out: dict[int, float | None] = {}
    for seed in sorted({r["seed"] for r in rows if r["strategy"] == strategy}):
        by_k = {r["budget"]: r["fraction"]["network"] for r in rows
                if r["strategy"] == strategy and r["seed"] == seed and "network" in r["fraction"]}
        if any(k not in by_k for k in budgets):
            continue
        ks, shares = budgets + ([n] if whole else []), [by_k[k] for k in budgets] + whole[:1]
        out[seed] = k_for_share(ks, shares, q)
    return out


def table(out: Path = RESULTS, strategies: tuple[str, ...] = ("random", "auto")) -> str:
    rows = load_rows(out)
    if not rows:
        return "no cells yet"
    budgets = sorted({r["budget"] for r in rows})
    head = ["| K | " + " | ".join(f"{s} test % | {s} pool % | {s} network M/N | {s} invariant-coverage M/N" for s in strategies)
            + " | auto - random test [95 % CI] |", "|---" * (1 + 4 * len(strategies) + 1) + "|"]
    lines = head
    curves: dict[str, tuple[list[int], list[float]]] = {}
    for k in budgets:
        cells = []
        for s in strategies:
            c = _cells(rows, s, k)
            test, pool = [r["accuracy_test"] for r in c], [r["accuracy_pool"] for r in c]
            net = [r["fraction"]["network"] for r in c if "network" in r["fraction"]]
            inv = [r["fraction"]["invariant-coverage"] for r in c]
            if net:
                curves.setdefault(s, ([], []))[0].append(k)
                curves[s][1].append(statistics.mean(net))
            cells.append(f"{mean_sd(test)} | {mean_sd(pool)} | {mean_sd(net, 4)} | {mean_sd(inv, 4)}")
        a, b = [r["accuracy_test"] for r in _cells(rows, "auto", k)], [r["accuracy_test"] for r in _cells(rows, "random", k)]
        diff = "" if len(a) < 2 or len(b) < 2 or k >= rows[0]["n"] else "{:+.2f} [{:+.2f}, {:+.2f}]".format(*welch_bounds(a, b))
        lines.append(f"| {k} | " + " | ".join(cells) + f" | {diff} |")
    full = [r for r in rows if r["budget"] >= r["n"]]
    notes = []
    if full:
        whole = statistics.mean(r["accuracy_test"] for r in full)
        notes.append(f"whole pool (K = {full[0]['n']}, {len(full)} seeds): {whole:.2f} % test")
        for s in strategies:
            for gap in (0.1, 0.5):
                hit = next((k for k in budgets if _cells(rows, s, k)
                            and statistics.mean(r["accuracy_test"] for r in _cells(rows, s, k)) >= whole - gap), None)
                notes.append(f"{s}: smallest measured K within {gap} points of the whole pool's test accuracy: {hit}")
    for s, (ks, shares) in curves.items():
        for q in (0.9, 0.99, 0.999):
            kq = k_for_share(ks, shares, q)
            per_seed = _k_for_share_per_seed(rows, s, q)
            spread = ""
            if len(per_seed) > 1:
                vals = [v for v in per_seed.values() if v is not None]
                spread = (f"; per seed {', '.join('not reached' if v is None else f'{v:.0f}' for v in per_seed.values())}"
                          + (f" (mean {statistics.mean(vals):.0f} ± sd {statistics.stdev(vals):.0f})" if len(vals) > 1 else ""))
            notes.append(f"{s}: K holding {q:.1%} of N under the network (log-K interpolation of the seed means): "
                         f"{'not reached' if kq is None else f'{kq:.0f}'}{spread}")
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {x}" for x in notes)


def versus_random(out: Path = RESULTS) -> str:
    """Every strategy of the curve against ``random`` per K: test % mean ± sd over seeds, and the difference [95 % CI]."""
    rows = load_rows(out)
    strategies = [s for s in dict.fromkeys(r["strategy"] for r in rows) if s != "random"]
    budgets = sorted({r["budget"] for r in rows if r["budget"] < r["n"]})
    lines = ["| K | random test % | " + " | ".join(f"{s} test % | {s} - random [95 % CI]" for s in strategies) + " |",
             "|---" * (2 + 2 * len(strategies)) + "|"]
    for k in budgets:
        b = [r["accuracy_test"] for r in _cells(rows, "random", k)]
        cells = [mean_sd(b)]
        for s in strategies:
            a = [r["accuracy_test"] for r in _cells(rows, s, k)]
            diff = "{:+.2f} [{:+.2f}, {:+.2f}]".format(*welch_bounds(a, b)) if len(a) > 1 and len(b) > 1 else ""
            cells += [mean_sd(a), diff]
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def k_for_q(out: Path = RESULTS) -> str:
    """Issue 17 item 3 for every strategy whose seeds have the ``network`` M/N at every K: the K holding
    90 / 99 / 99.9 % of N, each seed's curve interpolated on log K, mean ± sd over those seeds."""
    rows = load_rows(out)
    lines = ["| strategy | seeds | K for 90 % | K for 99 % | K for 99.9 % |", "|---|---|---|---|---|"]
    for s in dict.fromkeys(r["strategy"] for r in rows):
        cols, seeds = [], 0
        for q in (0.9, 0.99, 0.999):
            per_seed = _k_for_share_per_seed(rows, s, q)
            seeds = len(per_seed)
            vals = [v for v in per_seed.values() if v is not None]
            text = "" if not vals else f"{statistics.mean(vals):.0f}" + (f" ± {statistics.stdev(vals):.0f}" if len(vals) > 1 else "")
            missing = len(per_seed) - len(vals)
            cols.append(text + (f" ({missing} not reached)" if missing else ""))
        if seeds:
            lines.append(f"| {s} | {seeds} | " + " | ".join(cols) + " |")
    return "\n".join(lines)


def network_agreement(out: Path = RESULTS, also: tuple[Path, ...] = (results_dir("dynamics") / "curve.jsonl",),
                      seeds: tuple[int, ...] = (0,)) -> str:
    """Issue 17 item 4: at one K, across the subsets that have the ``network`` M/N (one per strategy and seed
    in ``seeds``), Spearman rho of each label-free measure's M/N with it, and of each with the test accuracy."""
    from benchmarks.common import rho_text

    rows = [r for path in (out, *also) for r in load_rows(path)
            if "network" in r["fraction"] and r["budget"] < r["n"] and r["seed"] in seeds]
    measures = list(LABEL_FREE)
    lines = ["| K | subsets | " + " | ".join(f"rho({m}, network) | [95 % CI]" for m in measures)
             + " | rho(network, test %) | [95 % CI] | " + " | ".join(f"rho({m}, test %) | [95 % CI]" for m in measures) + " |",
             "|---" * (2 + 2 * (2 * len(measures) + 1)) + "|"]
    for k in sorted({r["budget"] for r in rows}):
        c = [r for r in rows if r["budget"] == k]
        if len(c) < 4:  # a rank correlation of 3 points says nothing
            continue
        net, test = [r["fraction"]["network"] for r in c], [r["accuracy_test"] for r in c]
        parts = [rho_text([r["fraction"][m] for r in c], net) for m in measures] + [rho_text(net, test)]
        parts += [rho_text([r["fraction"][m] for r in c], test) for m in measures]
        names = ", ".join(dict.fromkeys(r["strategy"] for r in c))
        lines.append(f"| {k} | {len(c)} ({names}) | " + " | ".join(parts) + " |")
    return "\n".join(lines)


def figure(out: Path = RESULTS) -> Path:
    """results/curve.png: test accuracy against K (log) with 95 % t-bands over seeds and the whole pool's
    level; the ``network`` M/N against K with the 90 / 99 / 99.9 % levels (mean over the seeds that have it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from infopick.bench.stats import mean_interval

    rows = load_rows(out)
    n = rows[0]["n"]
    strategies = list(dict.fromkeys(r["strategy"] for r in rows))
    fig, (acc, net) = plt.subplots(1, 2, figsize=(12, 4.5))
    for i, s in enumerate(strategies):
        style: dict[str, Any] = {"color": "black", "ls": "--"} if s == "random" else {"color": f"C{i % 10}"}
        ks = sorted({r["budget"] for r in rows if r["strategy"] == s and r["budget"] < n})
        stats = [mean_interval([r["accuracy_test"] for r in _cells(rows, s, k)]) for k in ks]
        mean, half = [m for m, _ in stats], [h if math.isfinite(h) else 0.0 for _, h in stats]
        acc.plot(ks, mean, marker="o", ms=4, label=s, **style)
        acc.fill_between(ks, [m - h for m, h in zip(mean, half, strict=True)], [m + h for m, h in zip(mean, half, strict=True)],
                         alpha=0.15, color=style["color"])
        pts = [(k, statistics.mean(r["fraction"]["network"] for r in c)) for k in ks
               if (c := [r for r in _cells(rows, s, k) if "network" in r["fraction"]])]
        if pts:
            net.plot([k for k, _ in pts], [100 * f for _, f in pts], marker="o", ms=4, label=s, **style)
    whole = [r["accuracy_test"] for r in rows if r["budget"] >= n]
    if whole:
        acc.axhline(statistics.mean(whole), color="grey", lw=1, ls=":", label=f"whole pool (K = {n})")
    acc.set(xscale="log", ylim=(90, 100), xlabel="K (images picked; log scale)", ylabel="test accuracy (%)",
            title="")
    acc.set_title("MNIST, fast recipe: test accuracy, mean over seeds, 95 % band", fontsize=9)
    for q in (90, 99, 99.9):
        net.axhline(q, color="grey", lw=0.6, ls=":")
    net.set(xscale="log", ylim=(80, 100.5), xlabel="K (images picked; log scale)", ylabel="network M/N (%)",
            title="")
    net.set_title("network M/N: share of N the K images hold (mean over seeds measured); 90 / 99 / 99.9 % dotted", fontsize=8)
    for ax in (acc, net):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    path = out.with_suffix(".png")
    fig.savefig(path, dpi=110)
    return path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--strategies", default="random,auto")
    p.add_argument("--budgets", default=",".join(map(str, BUDGETS)))
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--network-seeds", default="0", help="the seeds whose cells also get the network measure (each: 3 trainings)")
    p.add_argument("--table", action="store_true")
    p.add_argument("--figure", action="store_true", help="accuracy and network M/N against K -> results/curve.png")
    a = p.parse_args()
    if a.figure:
        print(f"wrote {figure()}")
        return
    if a.table:
        print(table())
        print("\nEvery strategy against random (test %, fast, seeds as measured):\n")
        print(versus_random())
        print("\nK for 90 / 99 / 99.9 % of N under the network, per strategy (seeds measured at every K):\n")
        print(k_for_q())
        print("\nAt one K, do the label-free measures rank the subsets as the network does (seed-0 cells)?\n")
        print(network_agreement())
        print("\nThe same over every seed's subset that has the network M/N (seeds 0-2):\n")
        print(network_agreement(seeds=(0, 1, 2)))
        return
    run(a.strategies.split(","), [int(b) for b in a.budgets.split(",")], a.seeds,
        {int(s) for s in a.network_seeds.split(",") if s})


if __name__ == "__main__":
    main()
