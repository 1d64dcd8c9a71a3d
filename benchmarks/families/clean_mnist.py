"""Clean MNIST under the family rule (issue 33 item 6): ``auto``'s picks with the rule forced (``families=True``) and
without it, and the standard recipe played on the forced picks. The default leaves clean MNIST without the rule
(under ``families.FAMILY_SHARE`` of its rows are in families), so its picks are the rule-off ones.

    .venv/bin/python -m benchmarks.families.clean_mnist --out benchmarks/families/results/clean_mnist.md [--play] [--recipe fast] [--budgets 100]

The full 60000-image pool, ``auto`` at K = 100 and 1000, selection seed = training seed = 0, 1, 2. Without
``--play``: how many picks the family rule changes (the families it finds in clean MNIST are natural
lookalikes: the same digit written the same way). ``--play``: the standard recipe on the picks with
families on, next to the issue's bar (K=100 >= 97.0 %, K=1000 >= 99.0 % test).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import infopick
from benchmarks.common import machine
from infopick.families import FAMILY_SHARE, by_default, find_families


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--play", action="store_true")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--budgets", default="100,1000", help="comma-separated K (default 100,1000)")
    ap.add_argument("--recipe", default="standard", help="the game's recipe for --play (default standard, the issue's)")
    a = ap.parse_args()
    pool = infopick.load("mnist")
    s = find_families(pool.images).summary()
    lines = [f"Families found in clean MNIST (60000 images, strength 1): {s['families']} families, "
             f"{s['rows_in_families']} images in {s['families_of_2_or_more']} families of 2 or more, the largest "
             f"{s['largest']}; the default uses them: {by_default(pool.images, min_share=FAMILY_SHARE)[0] is not None}.", "",
             f"| K | seed | picks changed by the rule | {a.recipe} test % (families forced on) |",
             "|---|---|---|---|"]
    accs: dict[int, list[float]] = {}
    for k in map(int, a.budgets.split(",")):
        for seed in range(a.seeds):
            on = infopick.select(pool, k, "auto", seed=seed, families=True)
            off = infopick.select(pool, k, "auto", seed=seed, families=False)
            changed = k - len(np.intersect1d(on.indices, off.indices))
            acc = "-"
            if a.play:
                r = infopick.play(pool, on, seed=seed, recipe=a.recipe)
                accs.setdefault(k, []).append(r.accuracy_test)
                acc = f"{r.accuracy_test:.2f}"
            lines.append(f"| {k} | {seed} | {changed} of {k} | {acc} |")
            print(lines[-1], flush=True)
    for k, v in accs.items():
        lines.append(f"\nK={k}: {np.mean(v):.2f} ± {np.std(v, ddof=1) if len(v) > 1 else 0:.2f} % test over {len(v)} seeds")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("\n".join([*lines, "", f"machine: {machine()}", ""]))


if __name__ == "__main__":
    main()
