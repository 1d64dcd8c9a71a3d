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

import numpy as np

from benchmarks.common import load_rows
from benchmarks.stress import pools as stress_pools
from benchmarks.stress import run as stress_run
from infopick.bench.stats import welch_bounds

OUT = Path(__file__).resolve().parent / "results" / "junk_fresh"
FRESH = {f"junk-{int(share * 100)}%-s{seed}": (lambda share=share, seed=seed: stress_pools.junk(share, seed), (100,))
         for seed in (6, 7) for share in (0.1, 0.2)}


def table() -> str:
    rows = load_rows(OUT / "results.jsonl")
    lines = ["| pool | K | auto test % | random test % | auto - random [95 % CI] | junk picked auto / random | rate | auto ran |",
             "|---|---|---|---|---|---|---|---|"]
    for name in FRESH:
        a = [r for r in rows if r["pool"] == name and r["strategy"] == "auto"]
        b = [r for r in rows if r["pool"] == name and r["strategy"] == "random"]
        if len(a) < 2 or len(b) < 2:
            continue
        d, lo, hi = welch_bounds([r["accuracy_test"] for r in a], [r["accuracy_test"] for r in b])
        ja, jb = (float(np.mean([r["junk_share"] for r in g])) for g in (a, b))
        rate = f"1/{jb / ja:.1f}" if ja > 0 else "0"
        lines.append(f"| {name} | 100 | {np.mean([r['accuracy_test'] for r in a]):.2f} | {np.mean([r['accuracy_test'] for r in b]):.2f} "
                     f"| {d:+.2f} [{lo:+.2f}, {hi:+.2f}] | {ja:.3f} / {jb:.3f} | {rate} | {','.join(sorted({str(r['chosen']) for r in a}))} |")
    return "\n".join(lines)


def _play(seeds: int) -> None:
    stress_run.run(OUT, list(FRESH), ["auto"], seeds, pools=FRESH)


def main() -> None:
    stress_run.declared_main(__doc__, _play, table)


if __name__ == "__main__":
    main()
