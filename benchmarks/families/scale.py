"""Seconds and peak memory of the family step (``infopick.families.find_families``) as the pool grows.

    .venv/bin/python -m benchmarks.families.scale --n 20000,60000,200000,1000000 --out benchmarks/families/results/scale.md

The pool: benchmarks/scale's MNIST cycled to n images, each shifted by a seeded -2..2 px (so from
120000 images on, every original has shifted copies), a memory-mapped uint8 ``.npy`` under $SCALE_DIR.
Each n runs in a fresh process, alone on the machine; peak = that process's maximum resident memory
(the images, read from the map, included).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def one(n: int) -> dict:
    import numpy as np

    from benchmarks.scale.run import pool_file
    from infopick.families import find_families

    images = np.load(pool_file(n), mmap_mode="r")
    t0 = time.perf_counter()
    fam = find_families(images)
    seconds = time.perf_counter() - t0
    s = fam.summary()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    return {"n": n, "seconds": seconds, "peak_gib": peak, "families": s["families"], "largest": s["largest"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", default="20000,60000,200000,1000000")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one(a.one)))
        return
    from benchmarks.common import machine

    lines = ["| n | seconds | peak GiB | families found | largest |", "|---|---|---|---|---|"]
    for n in map(int, a.n.split(",")):
        done = subprocess.run([sys.executable, "-m", "benchmarks.families.scale", "--one", str(n)], capture_output=True,
                              text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        lines.append(f"| {r['n']} | {r['seconds']:.1f} | {r['peak_gib']:.2f} | {r['families']} | {r['largest']} |")
        print(lines[-1], flush=True)
    text = "\n".join([*lines, "", f"machine: {machine()}", "", "Reproduce: " + __doc__.splitlines()[2].strip(), ""])
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(text)


if __name__ == "__main__":
    main()
