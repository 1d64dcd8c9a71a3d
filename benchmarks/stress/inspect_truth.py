"""How well does ``infopick inspect`` find the copies and the junk of the stress pools, whose truth is known?

    .venv/bin/python -m benchmarks.stress.inspect_truth        # ~2 min; writes results/inspect_truth.md

Near-duplicates: a flagged row is right when its group holds another row of its family (an
original and its nuisance copies); recall = the share of copies whose group holds another row of their family.
Outliers: precision = the share of flagged rows that are junk; recall = the share of junk flagged.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.stress import pools
from infopick.select.inspect import inspect

OUT = Path(__file__).resolve().parent / "results" / "inspect_truth.md"
POOLS = ("dup-50%-s1", "dup-90%-s2", "dup-95%-s1", "junk-10%", "junk-20%", "mnist-clean")
STRENGTHS = (0.25, 0.5, 1.0)


def score(name: str, strength: float) -> str:
    pool, truth = pools.POOLS[name][0]()
    r = inspect(pool, strength=strength)
    copy_of, junk = truth["copy_of"], truth["junk"]
    fam = np.where(copy_of >= 0, copy_of, np.arange(len(pool)))
    group = np.full(len(pool), -1)
    for g in r.near_duplicates:
        group[g] = g[0]
    right = [any(fam[j] == fam[i] for j in g if j != i) for g in r.near_duplicates for i in g]
    copies = np.flatnonzero(copy_of >= 0)
    # a copy is found when its group holds another row of its family (its original or another copy of it)
    key = group.astype(np.int64) * len(pool) + fam
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    found = (group[copies] >= 0) & (counts[inverse[copies]] > 1)
    recall = f"{np.mean(found):.3f}" if len(copies) else "-"
    out = r.outliers
    jp = f"{junk[out].mean():.3f}" if len(out) else "-"
    jr = f"{np.isin(np.flatnonzero(junk), out).mean():.3f}" if junk.any() else "-"
    return (f"| {name} | {strength:g} | {len(pool)} | {int(np.sum(copy_of >= 0))} | {int(junk.sum())} | {len(r.near_duplicates)} | "
            f"{int((group >= 0).sum())} | {np.mean(right) if right else float('nan'):.3f} | {recall} | {len(out)} | {jp} | {jr} | {r.seconds:.1f} |")


def main() -> None:
    lines = ["| pool | strength | n | copies | junk | near-dup groups | rows in groups | near-dup precision | copy recall "
             "| outliers | outlier precision (junk) | junk recall | seconds |", "|---" * 13 + "|"]
    for name in POOLS:
        for strength in STRENGTHS if not name.startswith("junk") else (0.5,):
            lines.append(score(name, strength))
            print(lines[-1], flush=True)
    OUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
