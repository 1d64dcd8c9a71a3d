"""Stress suite: the default (``auto``) against ``random`` on pools it was not tuned on.

Reproduce (about an hour on 2 cores; resumable, one JSON line per cell):

    .venv/bin/python -m benchmarks.stress.run --out benchmarks/stress/results [--pools NAME,...] [--strategies auto,kcenter]
    .venv/bin/python -m benchmarks.stress.run --out benchmarks/stress/results --table

Each cell: build the pool (seeded, pools.py), select K with the strategy (selection seed = the
cell's seed, UMAP embedding seed 0), play the ``fast`` recipe (training seed = the cell's seed),
and record test / pool accuracy, the share of picks that are nuisance copies (rows whose
original is elsewhere in the pool) and junk, the selection seconds and what ``auto`` measured.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.common import machine
from benchmarks.stress import pools as stress_pools
from infopick.bench.stats import welch_bounds


def pick(pool, budget: int, spec: str, seed: int):
    """``spec`` is a strategy name, ``NAME:KEY=VALUE[:KEY=VALUE]`` (with parameters), or ``auto+NAME``:
    auto's nuisance screen, then NAME on the rows it kept."""
    from infopick import parse_params, select

    spec, *given = spec.split(":")
    name, _, delegate = spec.partition("+")
    params = {"delegate": delegate} if delegate else {}
    return select(pool, budget, name, seed=seed, **params, **parse_params(given, spec))


UNRECORDED = "AMD EPYC Zen 3 (rows before the machine was recorded)"  # RESULTS.md's machine line


def played_on(row: dict) -> str:
    """The machine a row was played on; rows from before rows carried it are the AMD machine's."""
    return row.get("machine") or UNRECORDED


def run(out: Path, names: list[str], strategies: list[str], seeds: int, only: set[int] | None = None,
        pools: dict | None = None, here: bool = False) -> None:
    """Play every missing cell of ``pools`` (default: the suite's) and append one JSON line per cell to out/results.jsonl.
    ``here``: a cell counts as played only if it was played on this machine (to compare arms on one machine)."""
    from infopick import play

    pools = stress_pools.POOLS if pools is None else pools

    out.mkdir(parents=True, exist_ok=True)
    path = out / "results.jsonl"
    done = set()
    if path.is_file():
        done = {(r["pool"], r["strategy"], r["budget"], r["seed"]) for r in map(json.loads, path.read_text().splitlines())
                if not here or played_on(r) == machine()}
    for name in names:
        builder, budgets = pools[name]
        todo = [(s, k, seed) for k in budgets for s in ["random", *strategies] for seed in range(seeds)
                if (name, s, k, seed) not in done and (only is None or k in only)]
        if not todo:
            continue
        t0 = time.perf_counter()
        pool, truth = builder()
        print(f"{name}: {len(pool)} images built in {time.perf_counter() - t0:.0f} s", flush=True)
        for strategy, budget, seed in todo:
            sel = pick(pool, budget, strategy, seed)
            res = play(pool, sel, seed=seed, recipe="fast")
            idx = sel.indices
            row = {
                "pool": name, "strategy": strategy, "budget": budget, "seed": seed, "n": len(pool),
                "accuracy_test": res.accuracy_test, "accuracy_pool": res.accuracy_pool,
                "copy_share": float(np.mean(truth["copy_of"][idx] >= 0)), "junk_share": float(np.mean(truth["junk"][idx])),
                "pool_copy_share": float(np.mean(truth["copy_of"] >= 0)), "pool_junk_share": float(np.mean(truth["junk"])),
                "select_seconds": float(sel.meta.get("seconds", 0.0)), "embed_seconds": float(sel.meta.get("embed_seconds", 0.0)),
                "chosen": sel.meta.get("chosen"), "screen": sel.meta.get("screen"), "seconds": res.seconds,
                "machine": machine(),
            }
            with path.open("a") as fh:
                fh.write(json.dumps(row) + "\n")
            print(f"  {strategy} K={budget} seed {seed}: test {res.accuracy_test:.2f} copies {row['copy_share']:.3f} "
                  f"junk {row['junk_share']:.3f} ({row['select_seconds']:.1f} s select)", flush=True)


def same_machine(a: list[dict], b: list[dict]) -> tuple[list[dict], list[dict], list[str]]:
    """The rows of two arms of a cell played on a machine that played both (the same picks and seed train to
    slightly different networks on different CPUs), and those machines."""
    both = sorted({played_on(r) for r in a} & {played_on(r) for r in b})
    return [r for r in a if played_on(r) in both], [r for r in b if played_on(r) in both], both


def table(out: Path, strategy: str = "auto", pools: dict | None = None) -> str:
    """Each cell of ``pools`` (default: the suite's), ``strategy`` against random, compared on the machines that
    played both (``same_machine``); the machines are listed below."""
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    lines = [f"| pool | K | {strategy} test % | random test % | difference [95 % CI] | copies picked {strategy} / random "
             f"| junk picked {strategy} / random | {strategy} ran | select s | machine |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    machines: list[str] = []
    for name, (_, budgets) in (stress_pools.POOLS if pools is None else pools).items():
        for k in budgets:
            a, b, both = same_machine(
                [r for r in rows if r["pool"] == name and r["budget"] == k and r["strategy"] == strategy],
                [r for r in rows if r["pool"] == name and r["budget"] == k and r["strategy"] == "random"])
            if len(a) < 2 or len(b) < 2:
                continue
            machines += [m for m in both if m not in machines]
            ta, tb = [r["accuracy_test"] for r in a], [r["accuracy_test"] for r in b]
            d, lo, hi = welch_bounds(ta, tb)
            ran = ",".join(sorted({str(r["chosen"] or r["strategy"]) for r in a}))
            lines.append(
                f"| {name} | {k} | {np.mean(ta):.2f} ± {np.std(ta, ddof=1):.2f} | {np.mean(tb):.2f} ± {np.std(tb, ddof=1):.2f} "
                f"| {d:+.2f} [{lo:+.2f}, {hi:+.2f}] | {np.mean([r['copy_share'] for r in a]):.3f} / {np.mean([r['copy_share'] for r in b]):.3f} "
                f"| {np.mean([r['junk_share'] for r in a]):.3f} / {np.mean([r['junk_share'] for r in b]):.3f} | {ran} "
                f"| {np.median([r['select_seconds'] for r in a]):.1f} | {' + '.join(chr(65 + machines.index(m)) for m in both)} |")
    return "\n".join([*lines, "", *(f"{chr(65 + i)}: {m}" for i, m in enumerate(machines))])


def rescue(out: Path, names: list[str]) -> str:
    """Issue 15 item 6: each strategy alone and after the nuisance screen, as test-accuracy differences from random."""
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    lines = ["| pool | K | strategy | seeds | alone - random [95 % CI] | screened - random [95 % CI] | junk / copies picked alone "
             "| junk / copies picked screened | random's junk / copies |", "|---|---|---|---|---|---|---|---|---|"]
    for name, (_, budgets) in stress_pools.POOLS.items():
        for k in budgets:
            cell = [r for r in rows if r["pool"] == name and r["budget"] == k]
            base = [r for r in cell if r["strategy"] == "random"]
            for s in names:
                alone = [r for r in cell if r["strategy"] == s]
                screened = [r for r in cell if r["strategy"] == f"auto+{s}"]
                if len(base) < 2 or len(alone) < 2 or len(screened) < 2:
                    continue
                tb = [r["accuracy_test"] for r in base]
                parts = []
                for group in (alone, screened):
                    d, lo, hi = welch_bounds([r["accuracy_test"] for r in group], tb)
                    parts.append(f"{d:+.2f} [{lo:+.2f}, {hi:+.2f}]")
                share = [f"{np.mean([r['junk_share'] for r in g]):.3f} / {np.mean([r['copy_share'] for r in g]):.3f}"
                         for g in (alone, screened, base)]
                lines.append(f"| {name} | {k} | {s} | {min(len(alone), len(screened))} | {parts[0]} | {parts[1]} | "
                             f"{share[0]} | {share[1]} | {share[2]} |")
    return "\n".join(lines)


def candidate_cells(rows: list[dict], cells: list[tuple[str, int]], candidate: str, base: str) -> tuple[list[str], list[dict]]:
    """A declared study's table of ``candidate`` against ``base`` and ``random`` on ``cells`` (pool, K), and per
    cell its differences: ``d`` / ``hi`` against ``base``, ``hi_random`` against random (Welch 95 % upper
    ends), ``junk`` share per arm. Cells with fewer than 2 seeds in any arm are left out."""
    from infopick.select.auto import choose

    arms = (candidate, base, "random")
    lines = [f"| pool | K | share of kept | auto rule runs | candidate test % | {base} test % | random test % "
             f"| candidate - {base} [95 % CI] | candidate - random [95 % CI] | junk picked: candidate / {base} / random |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    stats = []
    for name, k in cells:
        cell = {s: [r for r in rows if r["pool"] == name and r["budget"] == k and r["strategy"] == s] for s in arms}
        if min(len(v) for v in cell.values()) < 2:
            continue
        kept = cell[base][0]["screen"]["kept"]
        acc = {s: [r["accuracy_test"] for r in v] for s, v in cell.items()}
        junk = {s: float(np.mean([r["junk_share"] for r in v])) for s, v in cell.items()}
        d, lo, hi = welch_bounds(acc[candidate], acc[base])
        d2, lo2, hi2 = welch_bounds(acc[candidate], acc["random"])
        stats.append({"pool": name, "budget": k, "d": d, "hi": hi, "hi_random": hi2, "junk": junk})
        lines.append(f"| {name} | {k} | {k / kept:.1%} | {choose(k, kept)} | " + " | ".join(
            f"{np.mean(acc[s]):.2f} ± {np.std(acc[s], ddof=1):.2f}" for s in arms)
            + f" | {d:+.2f} [{lo:+.2f}, {hi:+.2f}] | {d2:+.2f} [{lo2:+.2f}, {hi2:+.2f}] | "
            + " / ".join(f"{junk[s]:.3f}" for s in arms) + " |")
    return lines, stats


def candidate_rule(stats: list[dict], n_cells: int, candidate: str, base: str) -> tuple[bool, str]:
    """Rules (a)-(d) the declared studies share, over ``candidate_cells``' stats: no cell below ``base`` or
    random with a Welch upper end < 0, mean difference to ``base`` >= 0, no more junk than ``base`` on the
    junk pools. Returns (met, the verdict's opening sentence, without its closing stop)."""
    diffs = [c["d"] for c in stats]
    below_base, below_random = sum(c["hi"] < 0 for c in stats), sum(c["hi_random"] < 0 for c in stats)
    junk_ok = all(c["junk"][candidate] <= c["junk"][base] for c in stats if c["pool"].startswith("junk"))
    met = not below_base and not below_random and float(np.mean(diffs)) >= 0 and junk_ok
    return met, (f"\n{len(diffs)} of {n_cells} cells; mean (candidate - {base}) {np.mean(diffs):+.2f} points; "
                 f"significantly below {base}: {below_base}, below random: {below_random}; "
                 f"junk {'not above' if junk_ok else 'ABOVE'} {base}'s")


def declared_verdict(rows: list[dict], cells: list[tuple[str, int]], candidate: str, base: str, met: str, not_met: str) -> str:
    """``candidate_cells``' table and rules (a)-(d)'s verdict, ending in ``met`` or ``not_met``."""
    lines, stats = candidate_cells(rows, cells, candidate, base)
    if stats:
        ok, opening = candidate_rule(stats, len(cells), candidate, base)
        lines.append(f"{opening}. Rule (a)-(d): {met if ok else not_met}.")
    return "\n".join(lines)


def declared_main(doc: str, play: Callable[[int], None], verdict: Callable[[], str]) -> None:
    """The command line of a declared study: ``--play`` plays its missing cells (``--seeds`` each), then the verdict."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--play", action="store_true", help="play the missing cells first")
    ap.add_argument("--seeds", type=int, default=3)
    args = ap.parse_args()
    if args.play:
        play(args.seeds)
    print(verdict())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    ap.add_argument("--pools", default=",".join(stress_pools.POOLS))
    ap.add_argument("--strategies", default="auto", help="names, NAME:KEY=VALUE, or auto+NAME (the screen, then NAME)")
    ap.add_argument("--budgets", default="", help="only these budgets of each pool, e.g. 300")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--here", action="store_true", help="replay what was played on another machine only (rows carry their machine)")
    ap.add_argument("--table", action="store_true")
    ap.add_argument("--strategy", default="auto", help="with --table: the strategy compared with random")
    ap.add_argument("--rescue", default="", help="with --table: these strategies alone and after auto's screen (auto+NAME)")
    args = ap.parse_args()
    if args.table:
        print(rescue(args.out, args.rescue.split(",")) if args.rescue else table(args.out, args.strategy))
        return
    run(args.out, args.pools.split(","), args.strategies.split(","), args.seeds,
        {int(b) for b in args.budgets.split(",")} if args.budgets else None, here=args.here)


if __name__ == "__main__":
    main()
