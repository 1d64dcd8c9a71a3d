"""Today's default at K=100 (where ``auto`` runs facility) on fresh junk draws: is `junk-20%`'s 1/4.8 the draw?

    .venv/bin/python -m benchmarks.stress.junk_fresh --play     # 24 plays, ~10 minutes alone on 2 cores
    .venv/bin/python -m benchmarks.stress.junk_fresh            # the table

The suite's `junk-20%` (seed 1) at K=100 is the one cell where the default picks junk at more than 1/5 of
random's rate (0.040 against 0.193). A measurement, not a candidate: nothing in ``auto`` changes whatever
it says. Pools never drawn before (seeds 6 and 7) of `junk-10%` and `junk-20%`, K=100, today's ``auto``
and ``random``, fast recipe, 3 seeds, as run.py.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.stress import pools as stress_pools
from benchmarks.stress import run as stress_run

OUT = Path(__file__).resolve().parent / "results" / "junk_fresh"
FRESH = {f"junk-{int(share * 100)}%-s{seed}": (lambda share=share, seed=seed: stress_pools.junk(share, seed), (100,))
         for seed in (6, 7) for share in (0.1, 0.2)}


def table() -> str:
    return stress_run.table(OUT, "auto", FRESH)


def _play(seeds: int) -> None:
    stress_run.run(OUT, list(FRESH), ["auto"], seeds, pools=FRESH)


def main() -> None:
    stress_run.declared_main(__doc__, _play, table)


if __name__ == "__main__":
    main()
