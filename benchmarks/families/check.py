"""The families self-check's declared fresh test (README, "Declared before scoring: the self-check").

    .venv/bin/python -m benchmarks.families.check --out benchmarks/families/results/check.md

Seed-2 draws of the planted family pools (never looked at): for each, the pair precision / recall of
``find_families`` at strength 1, its null rate and whether the default trusts it. The check passes where
every pool with precision >= 0.9 is trusted and every pool with precision < 0.8 is not.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.common import machine
from benchmarks.families.detect import pair_scores
from benchmarks.families.pools import family_pool
from infopick.families import NULL_LIMIT, find_families

SEED = 2
POOLS = [  # (base, family size, share, kind): the play study's pools, then the two new photo bases
    ("mnist", 100, 0.75, "all"), ("mnist", 10, 0.50, "noise+shift"), ("mnist", 200, 0.90, "blur+jpeg"),
    ("mnist", 30, 0.25, "rotate+scale"), ("mnist", 50, 0.50, "brightness"), ("colour", 20, 0.50, "all"),
    ("photos", 20, 0.50, "all"), ("photos-grey", 20, 0.50, "all"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    lines = [f"| pool (seed {SEED}) | precision | recall | null rate | trusted (null <= {NULL_LIMIT}) | as declared |",
             "|---|---|---|---|---|---|"]
    passed = True
    for base, size, share, kind in POOLS:
        pool, truth = family_pool(base, size, share, kind, 1.0, SEED)
        fam = find_families(pool.images)
        p, r = pair_scores(fam.family, truth["family"])
        want = True if p >= 0.9 else False if p < 0.8 else None
        ok = want is None or want == fam.trusted
        passed &= ok
        lines.append(f"| {base}-f{size}-{share:.0%}-{kind} | {p:.3f} | {r:.3f} | {fam.facts['null_rate']:.3f} "
                     f"| {'yes' if fam.trusted else 'no'} | {'yes' if ok else 'NO'} |")
        print(lines[-1], flush=True)
    lines += ["", f"The check {'passes' if passed else 'FAILS'} on these pools.", "", f"machine: {machine()}", ""]
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
