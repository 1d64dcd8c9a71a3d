"""The family pools played: the default (``auto``, families on) against ``random`` and the oracle (issue 33 item 4).

    .venv/bin/python -m benchmarks.families.play --out benchmarks/families/results [--pools NAME,...]
    .venv/bin/python -m benchmarks.families.play --out benchmarks/families/results --table

Each cell: build the pool (seed 1, pools.py; `-s2`: seed 2), pick K with the arm (selection seed = the cell's seed),
play the ``fast`` recipe (training seed = the cell's seed) and record test accuracy, the share of
picks that are copies and how many true families the K picks cover. Resumable: one JSON line per
cell in results.jsonl. The oracle knows the truth: one image per family, uniformly, then the copies.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.common import machine
from benchmarks.families.pools import family_pool, oracle
from infopick.bench.stats import welch_bounds

MNIST_K, COLOUR_K = (100, 1000), (30, 300)
POOLS: dict[str, tuple[Callable, tuple[int, ...]]] = {
    "mnist-f100-75%-all": (lambda: family_pool("mnist", 100, 0.75, "all"), MNIST_K),
    "mnist-f10-50%-noise+shift": (lambda: family_pool("mnist", 10, 0.50, "noise+shift"), MNIST_K),
    "mnist-f200-90%-blur+jpeg": (lambda: family_pool("mnist", 200, 0.90, "blur+jpeg"), MNIST_K),
    "mnist-f30-25%-rotate+scale": (lambda: family_pool("mnist", 30, 0.25, "rotate+scale"), MNIST_K),
    "mnist-f50-50%-brightness": (lambda: family_pool("mnist", 50, 0.50, "brightness"), MNIST_K),
    "colour-f20-50%-all": (lambda: family_pool("colour", 20, 0.50, "all"), COLOUR_K),
    # the self-check's declared play cells (README): a fresh draw, where the default now leaves the rule off
    "colour-f20-50%-all-s2": (lambda: family_pool("colour", 20, 0.50, "all", seed=2), COLOUR_K),
}
ARMS = ("random", "auto", "oracle")
EXTRA_ARMS = ("auto-off",)  # auto with families=False: played after the declared study, to tell the rule from auto
SEEDS = 3


def run(out: Path, names: list[str], arms: tuple[str, ...] = ARMS) -> None:
    from infopick import play, select

    out.mkdir(parents=True, exist_ok=True)
    path = out / "results.jsonl"
    done = {(r["pool"], r["arm"], r["budget"], r["seed"]) for r in map(json.loads, path.read_text().splitlines())} \
        if path.is_file() else set()
    for name in names:
        builder, budgets = POOLS[name]
        todo = [(a, k, s) for k in budgets for a in arms for s in range(SEEDS) if (name, a, k, s) not in done]
        if not todo:
            continue
        pool, truth = builder()
        for arm, budget, seed in todo:
            t0 = time.perf_counter()
            if arm == "oracle":
                sel = oracle(truth, budget, seed)
            elif arm == "auto-off":
                sel = select(pool, budget, "auto", seed=seed, families=False)
            else:
                sel = select(pool, budget, arm, seed=seed)
            seconds = time.perf_counter() - t0
            res = play(pool, sel, seed=seed, recipe="fast")
            idx = sel.indices
            row = {"pool": name, "arm": arm, "budget": budget, "seed": seed, "n": len(pool),
                   "accuracy_test": res.accuracy_test, "copy_share": float(np.mean(truth["copy_of"][idx] >= 0)),
                   "families_covered": int(len(np.unique(truth["family"][idx]))),
                   "true_families": int(len(np.unique(truth["family"]))), "select_seconds": seconds,
                   "families_meta": sel.meta.get("families"), "chosen": sel.meta.get("chosen"), "machine": machine()}
            with path.open("a") as fh:
                fh.write(json.dumps(row) + "\n")
            print(f"{name} {arm} K={budget} seed {seed}: test {res.accuracy_test:.2f} copies {row['copy_share']:.3f} "
                  f"families {row['families_covered']}", flush=True)


def table(out: Path) -> str:
    """Per cell: each arm's mean ± sd, the differences from random with 95 % Welch intervals, and the share of
    the oracle's gain the default reaches (where the oracle's interval is clear of 0)."""
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    lines = ["| pool | K | random % | auto % | oracle % | auto - random [95 % CI] | oracle - random [95 % CI] | share of "
             "oracle's gain | copies picked auto / random / oracle | families covered auto / random / oracle |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, (_, budgets) in POOLS.items():
        for k in budgets:
            arm = {a: [r for r in rows if r["pool"] == name and r["budget"] == k and r["arm"] == a] for a in ARMS}
            if min(len(v) for v in arm.values()) < 2:
                continue
            acc = {a: [r["accuracy_test"] for r in v] for a, v in arm.items()}
            d, lo, hi = welch_bounds(acc["auto"], acc["random"])
            od, olo, ohi = welch_bounds(acc["oracle"], acc["random"])
            share = f"{d / od:.2f}" if olo > 0 else "(oracle's gain not clear of 0)"
            off = [r["accuracy_test"] for r in rows if r["pool"] == name and r["budget"] == k and r["arm"] == "auto-off"]
            if len(off) >= 2:
                share += " (auto families off: {:+.2f} [{:+.2f}, {:+.2f}])".format(*welch_bounds(off, acc["random"]))
            cell = " | ".join(f"{np.mean(acc[a]):.2f} ± {np.std(acc[a], ddof=1):.2f}" for a in ARMS)
            cop = " / ".join(f"{np.mean([r['copy_share'] for r in arm[a]]):.3f}" for a in ("auto", "random", "oracle"))
            cov = " / ".join(f"{np.mean([r['families_covered'] for r in arm[a]]):.0f}" for a in ("auto", "random", "oracle"))
            lines.append(f"| {name} | {k} | {cell} | {d:+.2f} [{lo:+.2f}, {hi:+.2f}] | {od:+.2f} [{olo:+.2f}, {ohi:+.2f}] "
                         f"| {share} | {cop} | {cov} |")
    machines = sorted({r["machine"] for r in rows})
    return "\n".join([*lines, "", "machine: " + "; ".join(machines)])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--pools", help="comma-separated names (default: all): " + ", ".join(POOLS))
    ap.add_argument("--arms", default=",".join(ARMS), help=f"comma-separated arms (default: the declared {', '.join(ARMS)}; "
                    f"also {', '.join(EXTRA_ARMS)})")
    ap.add_argument("--table", action="store_true", help="print the table of what is recorded")
    a = ap.parse_args()
    if a.table:
        print(table(a.out))
        return
    run(a.out, a.pools.split(",") if a.pools else list(POOLS), tuple(a.arms.split(",")))


if __name__ == "__main__":
    main()
