"""Bits of near-copies under the default measure with families (issue 33 item 5).

    .venv/bin/python -m benchmarks.families.bits --out benchmarks/families/results/bits.md

Pool: 20000 MNIST training images (seed 1) plus one nuisance copy (strength s, every kind) of each of
100 picked images P, for s = 0.5 / 1 / 2. Under ``invariant-coverage`` (the default measure) fitted with
families (the default) and without, what each added image holds, in bits per image, when added to P:
the copies the family step put in their original's family (0 by construction: the family is one
image), the copies it missed, all copies, 100 other pool images drawn at random, and each pick's
nearest distinct pool neighbour in the ``invariant`` features (issue 15's suggested yardstick). The
ratios divide a copy's bits by the other images' and by the nearest neighbours'.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

import infopick
from benchmarks.stress.pools import _mnist
from infopick.embed import embed
from infopick.families import find_families
from infopick.measure import fit_pool
from infopick.neighbors import knn_graph
from infopick.nuisance import Nuisance, perturb

N, PICKS = 20_000, 100


def _per_image(pm: Any, picks: np.ndarray, added: np.ndarray) -> float:
    """Bits per image that ``added`` brings to ``picks``."""
    if len(added) == 0:
        return float("nan")
    return (pm.fraction(np.r_[picks, added]) - pm.fraction(picks)) * pm.bits_pool / len(added)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    lines = ["| copies at | families | copies found | bits / image: found copy | missed copy | any copy | other image "
             "| nearest distinct neighbour | copy / other | copy / neighbour | missed / neighbour |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for strength in (0.5, 1.0, 2.0):
        rng = np.random.default_rng(1)
        x, y, test = _mnist(rng, N)
        picks = np.sort(rng.choice(N, PICKS, replace=False))
        copies = np.arange(N, N + PICKS)
        pool = infopick.make_pool(np.concatenate([x, perturb(x[picks], Nuisance(strength=strength), rng)]))
        others = rng.choice(np.setdiff1d(np.arange(N), picks), PICKS, replace=False)
        g = knn_graph(embed(pool, "invariant", cache=False), 4)
        nearest = np.array([next(int(j) for j in g.indices[p] if j != c and j not in picks)
                            for p, c in zip(picks, copies, strict=True)])
        found = find_families(pool.images).family
        hit = found[copies] == found[picks]
        for families in (True, False):
            pm = fit_pool(pool, families=families)

            f, m, c = (_per_image(pm, picks, copies[hit]), _per_image(pm, picks, copies[~hit]),
                       _per_image(pm, picks, copies))
            o, nn = _per_image(pm, picks, others), _per_image(pm, picks, np.unique(nearest))
            lines.append(f"| strength {strength:g} | {'on' if families else 'off'} | {hit.sum()} / {PICKS} | "
                         f"{f:.2f} | {m:.2f} | {c:.2f} | {o:.2f} | {nn:.2f} | {c / o:.3f} | {c / nn:.3f} | {m / nn:.3f} |")
            print(lines[-1], flush=True)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("\n".join([*lines, "", "Reproduce: " + __doc__.splitlines()[2].strip(), ""]))


if __name__ == "__main__":
    main()
