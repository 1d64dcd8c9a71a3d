"""Which junk does ``auto``'s screen leave in, and would a wider outlier neighbourhood catch it? (selection only)

    .venv/bin/python -m benchmarks.stress.junk_left     # ~4 min on 2 cores; prints the lines quoted in README.md

On the seed-0 ``junk-20%`` draw (the one the screen's thresholds were looked at on; the suite scores
seed 1): how many junk images of each kind the screen keeps, what k-center picks at K=1000 after it
(what ``auto`` runs there), and the same with the outlier rule (modified z > 2.5 of the log k-NN
distance, ``infopick.neighbors.isolated``) at k = 50 and 200 instead of 10. Also the clean images
each k drops on the seed-0 ``mnist-clean`` and ``junk-10%`` draws. No play: a candidate, not a result.
"""

from __future__ import annotations

import numpy as np

import infopick
from benchmarks.stress import pools
from infopick.embed.linear import invariant_resolution
from infopick.neighbors import isolated
from infopick.nuisance import Nuisance
from infopick.select.auto import OUTLIER_Z, SCREEN_SEED

KINDS = ("uniform noise", "smooth noise", "near-blank", "near-saturated", "photo crop")


def junk_kinds(share: float, seed: int) -> np.ndarray:
    """Each row's junk kind (index into KINDS, -1 = an MNIST image) of ``pools.junk(share, seed)``, by replaying its draws."""
    rng = np.random.default_rng(seed)
    n_junk = int(round(pools.N_MNIST * share))
    pools._mnist(rng, pools.N_MNIST - n_junk)
    pools.junk_images(n_junk, (28, 28), rng)
    rng.integers(0, 10, size=n_junk)
    kind = np.concatenate([np.full(pools.N_MNIST - n_junk, -1), np.arange(n_junk) % 5])
    return kind[rng.permutation(pools.N_MNIST)]


def main() -> None:
    from infopick.embed import embed

    for name, build in (("mnist-clean", lambda: pools.clean(0)), ("junk-10%", lambda: pools.junk(0.10, 0))):
        pool, truth = build()
        x, _ = invariant_resolution(pool.images, Nuisance(), np.random.default_rng(SCREEN_SEED), quantile=0.5)
        for k in (10, 50, 200):
            out, _ = isolated(x, OUTLIER_Z, k=k)
            print(f"{name}: k={k}: drops {int((out & truth['junk']).sum())} of {int(truth['junk'].sum())} junk, "
                  f"{int((out & ~truth['junk']).sum())} clean", flush=True)
    pool, truth = pools.junk(0.20, 0)
    kind = junk_kinds(0.20, 0)
    assert np.array_equal(kind >= 0, truth["junk"])
    x, _ = invariant_resolution(pool.images, Nuisance(), np.random.default_rng(SCREEN_SEED), quantile=0.5)
    z = embed(pool, "umap", seed=0)
    for k in (10, 50, 200):
        out, _ = isolated(x, OUTLIER_Z, k=k)
        kept = np.flatnonzero(~out)
        left = ", ".join(f"{KINDS[c]} {int(np.sum(kind[kept] == c))}/{int(np.sum(kind == c))}" for c in range(5))
        picks = kept[infopick.select(z[kept], 1000, "kcenter", seed=0).indices]
        got = kind[picks]
        print(f"junk-20%: k={k}: drops {int(out[kind >= 0].sum())} of 4000 junk, {int(out[kind < 0].sum())} clean; "
              f"kept: {left}; k-center K=1000 on the rest picks {np.mean(got >= 0):.1%} junk "
              f"({', '.join(f'{KINDS[c]} {int(np.sum(got == c))}' for c in range(5))})", flush=True)


if __name__ == "__main__":
    main()
