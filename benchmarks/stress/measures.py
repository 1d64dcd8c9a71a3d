"""Near-copies and junk under each measure: what a copy of a picked image, or a junk image, adds.

Reproduce (about 25 minutes on 2 cores):

    .venv/bin/python -m benchmarks.stress.measures [--seeds 2] [--out benchmarks/stress/results/measures.jsonl]
    .venv/bin/python -m benchmarks.stress.measures --table

The pool: MNIST's 60000 training images, plus 100 nuisance copies (at strength s) of 100 picked
images S, plus 20 junk images (4 of each kind: uniform noise, smooth noise, near-blank,
near-saturated, photo crops; pools.junk_images). For each measure, fitted once per pool:

- copies: (M(S + copies) - M(S)) / (M(S + R) - M(S)), R = 100 other random MNIST images: the
  share of what as many new images add that their near-copies add (target < 10 %);
- junk: (M(S + j) - M(S)) / mean over 100 random MNIST images t of (M(S + t) - M(S)), per kind,
  the mean over the 4 images of a kind (target <= 1: no more than one typical image).
S, R and the typical images are drawn from the seed; seeds 0..seeds-1. The measures other than
invariant-coverage run at strength 1 only (plus whatever rows an earlier run left).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from benchmarks.stress import pools as stress_pools

MEASURES: list[tuple[str, dict]] = [
    ("invariant-coverage", {}),
    ("invariant-coverage", {"power": 1.0}),
    ("coverage", {"power": "log-n"}),
    ("coding-rate", {}),
    ("coverage", {}),
    ("compression", {}),
]
KINDS = ("uniform noise", "smooth noise", "near-blank", "near-saturated", "photo crop")
STRENGTHS = (0.5, 1.0, 2.0)


def run(out: Path, seeds: int) -> None:
    import infopick
    from infopick.measure import fit_pool
    from infopick.nuisance import Nuisance, perturb

    mnist = infopick.load("mnist")
    n = len(mnist)
    junk = stress_pools.junk_images(20, (28, 28), np.random.default_rng(123))
    out.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    if out.is_file():  # resumable: rows already written are kept
        done = {(r["measure"], json.dumps(r["params"], sort_keys=True), r["strength"], r["seed"])
                for r in map(json.loads, out.read_text().splitlines())}
    for strength in STRENGTHS:
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            perm = rng.permutation(n)
            s, r, typical = perm[:100], perm[100:200], perm[200:300]
            copies = perturb(mnist.images[s], Nuisance(strength=strength), rng)
            images = np.concatenate([mnist.images, copies, junk])
            pool = infopick.make_pool(images)
            c_rows = np.arange(n, n + 100)
            j_rows = np.arange(n + 100, n + 120)
            for name, params in MEASURES:
                if not name.startswith("invariant") and strength != 1.0:
                    continue  # the earlier measures at the strength only (a coverage fit takes ~1 min here)
                if (name, json.dumps(params, sort_keys=True), strength, seed) in done:
                    continue
                t0 = time.perf_counter()
                pm = fit_pool(pool, name, seed=0, **params)
                base = pm.fitted.bits(pm.subset(s))

                def gain(extra: np.ndarray, pm=pm, base=base, s=s) -> float:
                    return pm.fitted.bits(pm.subset(np.concatenate([s, extra]))) - base

                g_copy, g_new = gain(c_rows), gain(r)
                g_typ = float(np.mean([gain(np.array([t])) for t in typical]))
                g_junk = [gain(np.array([j])) for j in j_rows]
                row = {"measure": name, "params": params, "strength": strength, "seed": seed,
                       "copies_over_new": g_copy / g_new, "gain_new": g_new, "gain_typical": g_typ,
                       "junk_over_typical": {k: float(np.mean(g_junk[i::5]) / g_typ) for i, k in enumerate(KINDS)},
                       "encoder": pm.fitted.encoder, "seconds": time.perf_counter() - t0}
                with out.open("a") as fh:
                    fh.write(json.dumps(row) + "\n")
                print(f"s={strength} seed {seed} {name} {params}: copies/new {row['copies_over_new']:.3f}, "
                      f"junk/typical {[round(v, 2) for v in row['junk_over_typical'].values()]} ({row['seconds']:.0f} s)", flush=True)


def table(out: Path) -> str:
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    head = "| measure | copies / new, strength " + " / ".join(f"{s:g}" for s in STRENGTHS) + " | " + " | ".join(
        f"{k} / typical" for k in KINDS) + " |"
    lines = [head, "|---|---|" + "---|" * len(KINDS)]
    for name, params in MEASURES:
        mine = [r for r in rows if r["measure"] == name and r["params"] == params]
        if not mine:
            continue
        label = name + "".join(f" {k}={v}" for k, v in params.items())
        cells = []
        for s in STRENGTHS:
            v = [r["copies_over_new"] for r in mine if r["strength"] == s]
            cells.append(f"{np.mean(v):.3f} ± {np.std(v):.3f}" if v else "-")
        junk = [f"{np.mean([r['junk_over_typical'][k] for r in mine]):.2f}" for k in KINDS]
        lines.append(f"| {label} | " + " / ".join(cells) + " | " + " | ".join(junk) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results" / "measures.jsonl")
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--table", action="store_true")
    args = ap.parse_args()
    if args.table:
        print(table(args.out))
        return
    run(args.out, args.seeds)


if __name__ == "__main__":
    main()
