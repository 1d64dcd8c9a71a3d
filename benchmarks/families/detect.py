"""Family detection on a development pool (NOT a scored, declared study): pair precision and recall.

    .venv/bin/python -m benchmarks.families.detect [--strength 1] [--family-size 100] [--seed 7]

40000 images: 10000 MNIST training images drawn with ``seed``, the first 30000 / size of them
originals of families of ``size`` nuisance copies at ``strength`` (all of the model's kinds).
Seed 7 is the draw the thresholds in ``infopick.families`` were chosen on: a score on it is a
development figure; fresh seeds are the test.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import infopick
from infopick.families import find_families
from infopick.nuisance import Nuisance, perturb


def pair_scores(pred: np.ndarray, true: np.ndarray) -> tuple[float, float]:
    """(precision, recall) over pairs of rows put in one family."""
    def c2(v: np.ndarray) -> float:
        v = v.astype(np.float64)
        return float((v * (v - 1) / 2).sum())

    _, p = np.unique(pred, return_inverse=True)
    _, t = np.unique(true, return_inverse=True)
    tp = c2(np.unique(p.astype(np.int64) * (t.max() + 1) + t, return_counts=True)[1])
    return tp / max(c2(np.bincount(p)), 1.0), tp / max(c2(np.bincount(t)), 1.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--strength", type=float, default=1.0)
    ap.add_argument("--family-size", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    full = infopick.load("mnist")
    x = full.images[rng.choice(len(full), 10_000, replace=False)]
    src = np.repeat(np.arange(30_000 // a.family_size), a.family_size)
    pool = np.concatenate([x, perturb(x[src], Nuisance(strength=a.strength), rng)])
    truth = np.concatenate([np.arange(len(x)), src])
    t0 = time.perf_counter()
    fam = find_families(pool, strength=a.strength)
    seconds = time.perf_counter() - t0
    p, r = pair_scores(fam.family, truth)
    s = fam.summary()
    print(f"strength {a.strength:g} size {a.family_size} seed {a.seed}: precision {p:.3f} recall {r:.3f} "
          f"families>=2 {s['families_of_2_or_more']} (true {len(src) // a.family_size}) largest {s['largest']} {seconds:.1f} s")


if __name__ == "__main__":
    main()
