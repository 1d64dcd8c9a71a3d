"""Does a measure's M/N track accuracy? Spearman rho over the cells of a bench directory, per budget.

Reproduce::

    .venv/bin/python -m benchmarks.rho.bench_cells benchmarks/grid/mnist-bench
    .venv/bin/python -m benchmarks.rho.bench_cells benchmarks/grid/mnist-bench --seeds 3,4 --measure coding-rate --param dims=10

Each cell of ``infopick bench`` stores the M/N (``fraction``) of every measure for its selection
and the test accuracy of the game played on it. ``auto`` is left out (it repeats the strategy it
delegates to). Interval: 95 % bootstrap over cells (2000 resamples, seed 0). ``--measure`` with
``--param`` recomputes M/N for a variant from the cells' selection files (PCA-50, as the bench).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from infopick.bench.stats import spearman_interval
from infopick.bench.store import read_rows


def variant_fractions(directory: Path, rows: list[dict], name: str, params: dict) -> list[float]:
    import infopick
    from infopick.measure import fit_pool
    from infopick.select.io import read_selection

    cfg = json.loads((directory / "bench.json").read_text())
    pool = infopick.load(cfg["config"]["data"] if "config" in cfg else cfg["data"])
    pm = fit_pool(pool, name, **params)
    return [pm.fraction(read_selection(pool, directory / r["selection"])) for r in rows]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("directory", nargs="?", default="benchmarks/grid/mnist-bench")
    p.add_argument("--seeds", help="only these seeds, e.g. 3,4")
    p.add_argument("--measure", help="recompute this measure's M/N from the selection files")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    a = p.parse_args()
    d = Path(a.directory)
    rows = [r for r in read_rows(d / "results.jsonl") if r["strategy"] != "auto" and r["accuracy_test"] is not None]
    if a.seeds:
        rows = [r for r in rows if r["seed"] in {int(s) for s in a.seeds.split(",")}]
    fractions = {m: [r["fraction"][m] for r in rows] for m in sorted(rows[0]["fraction"])}
    if a.measure:
        params = {k: json.loads(v) for k, v in (kv.split("=", 1) for kv in a.param)}
        label = a.measure + "".join(f" {k}={v}" for k, v in params.items())
        fractions[label] = variant_fractions(d, rows, a.measure, params)
    rng = np.random.default_rng(0)
    print("| K | measure | cells | rho | 95 % interval |\n|---|---|---|---|---|")
    for budget in sorted({r["budget"] for r in rows}):
        keep = np.array([r["budget"] == budget for r in rows])
        acc = np.array([r["accuracy_test"] for r in rows])[keep]
        draws = rng.integers(0, len(acc), (2000, len(acc)))
        for name, values in fractions.items():
            frac = np.asarray(values)[keep]
            rho, lo, hi = spearman_interval(frac, acc, draws=draws)  # the same resamples for every measure: paired
            print(f"| {budget} | {name} | {len(acc)} | {rho:.2f} | [{lo:.2f}, {hi:.2f}] |")


if __name__ == "__main__":
    main()
