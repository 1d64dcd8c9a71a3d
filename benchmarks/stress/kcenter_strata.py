"""Declared test: should ``auto``'s k-center run inside 32 k-means strata of the pool (``strata=32``)?

Why asked: farthest-first spreads its picks by the space a region spans, not by how many images it
holds. Looked at on the seed-0 ``long-tail`` draw (selection only, class counts of the picks, no
accuracies): at K=1000 plain ``kcenter`` gave the largest class 486 picks (random 421) and the
classes of 518 / 311 / 187 images 22 / 15 / 8 (random 52 / 36 / 21); with the budget shared over
k-means cells of the UMAP features in proportion to their size and farthest-first inside each,
391-401 / 46-52 / 25-27 / 8-16 for 10, 32 or 100 cells. On the seed-0 ``mnist-clean`` draw the
class counts at K=1000 had a spread of 79-133 under k-center, 84-121 under random, 85-114 with
strata. The scored suite's ``long-tail`` loss (-3.57 at K=1000, -7.49 at K=300) was seen before
this, so it is not the test.

Declared here (committed before any cell below exists):

- **Candidate**: ``auto --param strata=32``: where ``auto`` runs k-center, it runs
  ``kcenter --param strata=32`` (32 = sqrt(1000): as many cells as picks per cell at K=1000; not
  tuned on accuracies). Played as ``auto+kcenter:strata=32`` next to ``auto+kcenter`` (the same
  screen and seed, hence today's ``auto`` picks wherever its rule runs k-center, which the table
  checks) and ``random``.
- **Cells**: the ten fresh cells of ``kcenter_bound.py`` (seed-2 pools: two long tails, a 5000-image
  MNIST subset, digits, colour crops; ``auto+kcenter`` and ``random`` already played there, the
  candidate never), and three cells on pools never drawn before (seed 3): ``long-tail-s3`` at
  K=300 / 1000 and ``junk-20%-s3`` at K=1000. 3 seeds, fast recipe, UMAP (seed 0), as run.py.
- **Rule, fixed now**: adopt ``strata=32`` as ``auto``'s default only if (a) on no cell is the
  candidate below ``auto+kcenter`` with the Welch 95 % upper end < 0, (b) on no cell below
  ``random`` with upper end < 0, (c) the mean over cells of (candidate - ``auto+kcenter``) is >= 0,
  and (d) on ``junk-20%-s3`` it picks no more junk than ``auto+kcenter``; then (e) on full MNIST
  (fast, K=1000, 3 seeds) the candidate's upper end against today's ``auto`` is >= 0 before the
  default changes. Otherwise ``strata`` stays an option and the cells are reported.

Reproduce (resumable; the seed-2 cells read kcenter_bound's lines):

    .venv/bin/python -m benchmarks.stress.kcenter_strata --play
    .venv/bin/python -m benchmarks.stress.kcenter_strata          # the table and the verdict
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.common import load_rows
from benchmarks.stress import kcenter_bound
from benchmarks.stress import pools as stress_pools
from benchmarks.stress import run as stress_run

OUT = Path(__file__).resolve().parent / "results" / "kcenter_strata"
SEED = 3  # no pool before this study was drawn with it
FRESH = {
    "long-tail-s3": (lambda: stress_pools.long_tail(SEED), (300, 1000)),  # ~9940 images: 3 / 10 %
    "junk-20%-s3": (lambda: stress_pools.junk(0.2, SEED), (1000,)),  # 20000, 4000 junk: ~5 % of the kept
}
BASE, CANDIDATE = "auto+kcenter", "auto+kcenter:strata=32"


def verdict() -> str:
    rows = load_rows(OUT / "results.jsonl") + load_rows(kcenter_bound.OUT / "results.jsonl")
    cells = [(n, k) for n, (_, ks) in kcenter_bound.FRESH.items() for k in ks] + [(n, k) for n, (_, ks) in FRESH.items() for k in ks]
    return stress_run.declared_verdict(rows, cells, CANDIDATE, BASE, "MET: check full MNIST (e) before the default changes",
                                       "NOT MET: strata stays an option")


def _play(seeds: int) -> None:
    stress_run.run(kcenter_bound.OUT, list(kcenter_bound.FRESH), [CANDIDATE], seeds, pools=kcenter_bound.FRESH)
    stress_run.run(OUT, list(FRESH), [BASE, CANDIDATE], seeds, pools=FRESH)


def main() -> None:
    stress_run.declared_main(__doc__, _play, verdict)


if __name__ == "__main__":
    main()
