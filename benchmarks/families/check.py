"""The families self-check's declared fresh test (README, "Declared before scoring: the self-check").

    .venv/bin/python -m benchmarks.families.check --out benchmarks/families/results/check.md
    .venv/bin/python -m benchmarks.families.check --share --out benchmarks/families/results/share.md

Seed-2 draws of the planted family pools (never looked at): for each, the pair precision / recall of
``find_families`` at strength 1, its null rate and whether the default trusts it. The check passes where
every pool with precision >= 0.9 is trusted and every pool with precision < 0.8 is not.
``--share``: the second declared test, the share of rows in found families against ``FAMILY_SHARE`` on
those pools and on clean and copy pools, each with its prediction.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import infopick
from benchmarks.common import machine
from benchmarks.families.detect import pair_scores
from benchmarks.families.pools import family_pool
from benchmarks.stress import pools as stress
from infopick.families import FAMILY_SHARE, NULL_LIMIT, find_families

SEED = 2
POOLS = [  # (base, family size, share, kind): the play study's pools, then the two new photo bases
    ("mnist", 100, 0.75, "all"), ("mnist", 10, 0.50, "noise+shift"), ("mnist", 200, 0.90, "blur+jpeg"),
    ("mnist", 30, 0.25, "rotate+scale"), ("mnist", 50, 0.50, "brightness"), ("colour", 20, 0.50, "all"),
    ("photos", 20, 0.50, "all"), ("photos-grey", 20, 0.50, "all"),
]


def share_test() -> list[str]:
    """Rows in found families as a share of the pool, against the declared prediction (at or above FAMILY_SHARE?)."""
    cases = [(f"{b}-f{k}-{sh:.0%}-{kind} (seed {SEED})", lambda b=b, k=k, sh=sh, kind=kind:
              family_pool(b, k, sh, kind, 1.0, SEED)[0].images, True if b == "mnist" else None)
             for b, k, sh, kind in POOLS]
    cases += [("mnist-clean 20000 (seed 2)", lambda: stress.clean(2)[0].images, False),
              ("mnist-clean 20000 (seed 3)", lambda: stress.clean(3)[0].images, False),
              ("mnist test set 10000", lambda: infopick.load("mnist").test.images, False),  # type: ignore[union-attr]
              ("dup-50%-s1", lambda: stress.duplicated(0.5, 1.0, stress.SUITE_SEED)[0].images, True),
              ("dup-90%-s2", lambda: stress.duplicated(0.9, 2.0, stress.SUITE_SEED)[0].images, True)]
    lines = [f"| pool | rows in families | share | predicted >= {FAMILY_SHARE} | as declared |", "|---|---|---|---|---|"]
    passed = True
    for name, build, want in cases:
        s = find_families(build()).summary()
        share = s["rows_in_families"] / s["rows"]
        ok = want is None or (share >= FAMILY_SHARE) == want
        passed &= ok
        lines.append(f"| {name} | {s['rows_in_families']} of {s['rows']} | {share:.3f} "
                     f"| {'-' if want is None else 'yes' if want else 'no'} | {'yes' if ok else 'NO'} |")
        print(lines[-1], flush=True)
    return [*lines, "", f"The share test {'passes' if passed else 'FAILS'} on these pools."]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--share", action="store_true", help="the share test instead of the null test")
    a = ap.parse_args()
    if a.share:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text("\n".join([*share_test(), "", f"machine: {machine()}", ""]))
        return
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
