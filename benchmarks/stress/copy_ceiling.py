"""How much can knowing every near-copy buy? Oracle picks on the suite's copy pools, against random.

    .venv/bin/python -m benchmarks.stress.copy_ceiling --play     # 63 fast plays, ~25 minutes alone on 2 cores
    .venv/bin/python -m benchmarks.stress.copy_ceiling            # the table (results/copy_ceiling.jsonl)

Issue 15 asks the default for "+1 point over random where half the pool or more is near-copies". This
study asks whether any selection can get there, with two oracles that read the pools' ground truth
(``copy_of``), on the suite's three copy pools (``dup-50%-s1``, ``dup-90%-s2``, ``dup-95%-s1``; seed-1
draws, pools.py), fast recipe, selection seed = training seed = 0, 1, 2 (the suite's seeds):

- ``distinct``: K rows drawn at random among the originals only (no copy ever picked): random with
  perfect de-duplication, the most that avoiding near-copies can buy a random-like pick;
- ``whole``: every row of the pool (all originals and all their copies): the game's network on
  everything the pool holds, which no K-subset is expected to beat under a fixed number of steps.

The table sets each against ``random`` (the suite's random picks, same pools and seeds, replayed by this
study so that every arm trains on the same machine: the suite's random rows came from an AVX2 machine,
these from an AVX-512 one, and the same picks train to slightly different networks there) with the Welch
95 % interval of the difference. Reads no accuracy to tune anything; nothing is adopted from it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from benchmarks.common import load_rows, machine
from benchmarks.stress import pools as stress_pools
from benchmarks.stress.run import declared_main, pick
from infopick.bench.stats import welch_bounds

RESULTS = Path(__file__).resolve().parent / "results"
OUT = RESULTS / "copy_ceiling.jsonl"
POOLS = ("dup-50%-s1", "dup-90%-s2", "dup-95%-s1")
ORACLES = ("distinct", "whole", "random")  # random: the suite's own random picks, replayed on this study's machine


def _oracle(name: str, pool, copy_of: np.ndarray, budget: int, seed: int) -> np.ndarray:  # noqa: ANN001
    if name == "random":
        return pick(pool, budget, "random", seed).indices
    if name == "whole":
        return np.arange(len(copy_of), dtype=np.int64)
    originals = np.flatnonzero(copy_of < 0)
    return np.sort(np.random.default_rng(seed).choice(originals, size=min(budget, len(originals)), replace=False))


def play(seeds: int) -> None:
    from infopick import play as play_game

    done = {(r["pool"], r["oracle"], r["budget"], r["seed"]) for r in load_rows(OUT)}
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in POOLS:
        builder, budgets = stress_pools.POOLS[name]
        cells = [(o, k, s) for o in ORACLES for k in ((0,) if o == "whole" else budgets) for s in range(seeds)
                 if (name, o, k, s) not in done]
        if not cells:
            continue
        pool, truth = builder()
        for oracle, budget, seed in cells:
            idx = _oracle(oracle, pool, truth["copy_of"], budget, seed)
            t0 = time.perf_counter()
            res = play_game(pool, idx, seed=seed, recipe="fast")
            row = {"pool": name, "oracle": oracle, "budget": budget, "seed": seed, "picked": len(idx),
                   "accuracy_test": res.accuracy_test, "accuracy_pool": res.accuracy_pool, "seconds": time.perf_counter() - t0,
                   "machine": machine()}
            with OUT.open("a") as fh:
                fh.write(json.dumps(row) + "\n")
            print(f"{name} {oracle} K={len(idx)} seed {seed}: test {res.accuracy_test:.2f}", flush=True)


def verdict() -> str:
    mine = load_rows(OUT)
    lines = ["| pool | K | random test % | distinct (oracle) test % | distinct - random [95 % CI] "
             "| whole pool test % | whole - random [95 % CI] |", "|---|---|---|---|---|---|---|"]
    for name in POOLS:
        def acc(oracle: str, k: int, name: str = name) -> list[float]:
            return [r["accuracy_test"] for r in mine if r["pool"] == name and r["oracle"] == oracle and r["budget"] == k]

        whole = acc("whole", 0)
        for k in stress_pools.POOLS[name][1]:
            rand, dist = acc("random", k), acc("distinct", k)
            if len(rand) < 2 or len(dist) < 2:
                continue
            d, lo, hi = welch_bounds(dist, rand)
            w = "- | -"
            if len(whole) > 1:
                dw, lw, hw = welch_bounds(whole, rand)
                w = f"{np.mean(whole):.2f} ± {np.std(whole, ddof=1):.2f} | {dw:+.2f} [{lw:+.2f}, {hw:+.2f}]"
            lines.append(f"| {name} | {k} | {np.mean(rand):.2f} ± {np.std(rand, ddof=1):.2f} | {np.mean(dist):.2f} ± "
                         f"{np.std(dist, ddof=1):.2f} | {d:+.2f} [{lo:+.2f}, {hi:+.2f}] | {w} |")
    return "\n".join(lines)


if __name__ == "__main__":
    declared_main(__doc__, play, verdict)
