"""Does k-center with a support rule (``kcenter`` ``support=m``) pick less of the junk a screen leaves in? (selection only)

    .venv/bin/python -m benchmarks.stress.kcenter_support     # a few minutes on 2 cores

On the seed-0 ``junk-20%`` and ``junk-10%`` draws (the development draws; the suite scores seed 1):
the screen's outlier rule (modified z of the log k-NN distance in the invariant features) at
(k, z) = (10, 2.5) (today's), (50, 2.5) and (50, 2.0), then ``kcenter`` on UMAP at K = 300 and 1000
with support m = 0 (plain farthest-first), 5, 10 and 20; prints the share of picks that are junk
against the pool's, and the clean images each screen drops on the seed-0 ``mnist-clean`` draw. The candidate for ``auto`` is declared from this in README.md before any play.
"""

from __future__ import annotations

import numpy as np

import infopick
from benchmarks.stress import pools
from infopick.embed.linear import invariant_resolution
from infopick.neighbors import isolated
from infopick.nuisance import Nuisance
from infopick.select.auto import OUTLIER_Z, SCREEN_SEED

SCREENS = ((10, OUTLIER_Z), (50, OUTLIER_Z), (50, 2.0))


def main() -> None:
    from infopick.embed import embed

    pool, _ = pools.clean(0)
    x, _ = invariant_resolution(pool.images, Nuisance(), np.random.default_rng(SCREEN_SEED), quantile=0.5)
    for k, z_max in SCREENS:
        print(f"mnist-clean seed 0, screen k={k} z={z_max}: drops {int(isolated(x, z_max, k=k)[0].sum())} of {len(pool)}", flush=True)

    for share in (0.20, 0.10):
        pool, truth = pools.junk(share, 0)
        junk = truth["junk"]
        x, _ = invariant_resolution(pool.images, Nuisance(), np.random.default_rng(SCREEN_SEED), quantile=0.5)
        z = embed(pool, "umap", seed=0)
        for k, z_max in SCREENS:
            kept = np.flatnonzero(~isolated(x, z_max, k=k)[0])
            print(f"junk-{share:.0%} seed 0, screen k={k} z={z_max}: kept {len(kept)} of {len(pool)}, "
                  f"{np.mean(junk[kept]):.2%} of them junk (pool {np.mean(junk):.1%})", flush=True)
            for budget in (300, 1000):
                shares = []
                for m in (0, 5, 10, 20):
                    picks = kept[infopick.select(z[kept], budget, "kcenter", seed=0, support=m).indices]
                    shares.append(f"m={m} {np.mean(junk[picks]):.1%}")
                print(f"  K={budget}: junk among picks: {', '.join(shares)}", flush=True)


if __name__ == "__main__":
    main()
