"""The ``photos`` data spec in the game (issue 35 item 2): the default against random at two budgets.

    .venv/bin/python -m benchmarks.photos.run --out benchmarks/photos/results/photos.md

6000 colour 32x32 crops of scikit-image's eight sample photos (class = photo), 2000 test crops from the
bottom quarter of each photo. Budgets 60 and 600 (1 % and 10 %), seeds 0-2 (selection seed = training
seed), the ``fast`` recipe, the default embedding (UMAP, fitted on the pool's own pixels): no pretrained
features here. Each line: test accuracy (%), what ``auto`` ran and whether the family rule was used.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import infopick
from benchmarks.common import machine
from infopick.bench.stats import welch_bounds

BUDGETS = (60, 600)
ARMS = ("random", "auto")
SEEDS = 3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    pool = infopick.load("photos")
    lines = ["| K | random % | default (auto) % | default - random [95 % CI] | auto ran | families |", "|---|---|---|---|---|---|"]
    for k in BUDGETS:
        acc: dict[str, list[float]] = {arm: [] for arm in ARMS}
        chosen, fam = set(), set()
        for arm in ARMS:
            for seed in range(SEEDS):
                sel = infopick.select(pool, k, arm, seed=seed)
                acc[arm].append(infopick.play(pool, sel, seed=seed, recipe="fast").accuracy_test)
                print(f"K={k} {arm} seed {seed}: {acc[arm][-1]:.2f}", flush=True)
                if arm == "auto":
                    chosen.add(str(sel.meta.get("chosen")))
                    fam.add("used" if sel.meta["families"]["used"] else "off")
        d, lo, hi = welch_bounds(acc["auto"], acc["random"])
        cell = " | ".join(f"{np.mean(acc[arm]):.2f} ± {np.std(acc[arm], ddof=1):.2f}" for arm in ARMS)
        lines.append(f"| {k} | {cell} | {d:+.2f} [{lo:+.2f}, {hi:+.2f}] | {', '.join(sorted(chosen))} | {', '.join(sorted(fam))} |")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("\n".join([*lines, "", f"machine: {machine()}", ""]))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
