"""Family detection on pools with known families (issue 33 item 4): pair precision / recall of
``infopick.families`` at nuisance strengths 0.5 / 1 / 2 and per copy kind, next to a perceptual hash.

    .venv/bin/python -m benchmarks.families.detection --out benchmarks/families/results/detection.md

Pools: ``pools.family_pool`` (seed 1, never looked at while the thresholds were chosen; seed 7 of
detect.py was), 20000 MNIST-derived rows or 6000 colour crops. Each row of the table is one pool.
The peer: PHash (64-bit DCT hash, the ``imagehash`` package, the hash imagededup's PHash computes),
two images one family when their hashes differ in at most 10 bits (imagededup's default threshold),
families = connected components of those pairs. It runs when ``imagehash`` imports (it is not an
infopick dependency: ``pip install --no-deps imagehash==4.3.2``); otherwise its columns say so.
``infopick.families`` runs at the strength the copies were made with (what a user who knows their
copy process would set) and at the default 1.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from benchmarks.families.detect import pair_scores
from benchmarks.families.pools import family_pool
from infopick.families import find_families

HAMMING = 10
ROWS = [  # (base, family size, share, kind, strength)
    ("mnist", 100, 0.75, "all", 0.5), ("mnist", 100, 0.75, "all", 1.0), ("mnist", 100, 0.75, "all", 2.0),
    ("mnist", 10, 0.50, "all", 0.5), ("mnist", 10, 0.50, "all", 1.0), ("mnist", 10, 0.50, "all", 2.0),
    ("mnist", 50, 0.50, "noise+shift", 1.0), ("mnist", 50, 0.50, "blur+jpeg", 1.0),
    ("mnist", 50, 0.50, "rotate+scale", 1.0), ("mnist", 50, 0.50, "brightness", 1.0),
    ("colour", 20, 0.50, "all", 1.0),
]


def phash_families(images: np.ndarray) -> np.ndarray | None:
    """Each row's PHash family (component of pairs within ``HAMMING`` bits), or None without imagehash."""
    try:
        import imagehash
        from PIL import Image
    except ImportError:
        return None
    bits = np.array([imagehash.phash(Image.fromarray(im)).hash.ravel() for im in images])
    h = np.packbits(bits, axis=1).view(">u8").ravel().astype(np.uint64)
    ii, jj = [], []
    for lo in range(0, len(h), 2048):
        d = np.bitwise_count(h[lo : lo + 2048, None] ^ h[None, :])
        a, b = np.nonzero(d <= HAMMING)
        keep = a + lo < b
        ii.append(a[keep] + lo)
        jj.append(b[keep])
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    i, j = np.concatenate(ii), np.concatenate(jj)
    return connected_components(coo_matrix((np.ones(len(i)), (i, j)), shape=(len(h), len(h))), directed=False)[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    lines = ["| pool | copies at | infopick P / R (at the copies' strength) | s | infopick P / R (default strength 1) "
             "| PHash P / R | s |", "|---|---|---|---|---|---|---|"]
    for base, size, share, kind, strength in ROWS:
        pool, truth = family_pool(base, size, share, kind, strength)
        t0 = time.perf_counter()
        fam = find_families(pool.images, strength=strength).family
        ours_s = time.perf_counter() - t0
        p, r = pair_scores(fam, truth["family"])
        dp, dr = (p, r) if strength == 1.0 else pair_scores(find_families(pool.images).family, truth["family"])
        t0 = time.perf_counter()
        ph = phash_families(pool.images)
        ph_s = time.perf_counter() - t0
        peer = "imagehash not installed | -" if ph is None else "{:.3f} / {:.3f} | {:.1f}".format(
            *pair_scores(ph, truth["family"]), ph_s)
        line = (f"| {base} {len(pool)} rows, families of {size + 1}, {share:.0%} copies, {kind} | strength {strength:g} "
                f"| {p:.3f} / {r:.3f} | {ours_s:.1f} | {dp:.3f} / {dr:.3f} | {peer} |")
        print(line, flush=True)
        lines.append(line)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("\n".join([*lines, "", "Reproduce: " + __doc__.splitlines()[3].strip(), ""]))


if __name__ == "__main__":
    main()
