"""The curve study's cells as a bench directory, and the HTML report of it (issue 17, item 5).

    .venv/bin/python -m benchmarks.curve.report     # -> benchmarks/curve/bench/report.html

The report (``infopick report``) draws accuracy against K with 95 % bands and the whole pool's level,
and each measure's M/N against K with the 90 / 99 / 99.9 % levels. Here its cells are those of
``results/curve.jsonl`` (fast recipe, K = 10 to 60000, 3 seeds), written in the format
``infopick bench`` writes, with the ``network`` measure (seeds that have it) and the label-free
default ``invariant-coverage``. Only what the report reads is re-made: the selection of each
strategy's smallest-budget, seed-0 cell (re-picked; it must have the stored class histogram; the
other cells' ``selection`` is null, since no file was kept) and each measure's pool-level record
(``measures/NAME.json``, ``NAME.image_bits.npy``; the network's N is read from its cache).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

import infopick
from benchmarks.common import load_rows
from benchmarks.curve.run import RECIPE, RESULTS
from infopick.provenance import environment

OUT = Path(__file__).resolve().parent / "bench"
MEASURES = ("network", "invariant-coverage")


def _row(r: dict[str, Any], label_use: str, selection: str | None) -> dict[str, Any]:
    """A curve cell in the bench's record format (benchmarks/grid/mnist-bench/results.jsonl)."""
    return {"strategy": r["strategy"], "budget": r["budget"], "seed": r["seed"], "accuracy_pool": r["accuracy_pool"],
            "accuracy_test": r["accuracy_test"], "chosen": r.get("chosen"), "class_histogram": r["class_histogram"],
            "embed": None, "fraction": {m: r["fraction"][m] for m in MEASURES if m in r["fraction"]}, "label_use": label_use,
            "recipe": RECIPE, "selection": selection,
            "seconds": {"select": r["select_seconds"], "train": r["train_seconds"], "total": r["seconds_total"]}}


def build(out: Path = OUT) -> Path:
    from infopick.measure import measure
    from infopick.select import get_strategy
    from infopick.select.io import write_selection

    rows = load_rows(RESULTS)
    pool = infopick.load("mnist")
    if out.exists():
        shutil.rmtree(out)
    (out / "selections").mkdir(parents=True)
    (out / "measures").mkdir()
    strategies = list(dict.fromkeys(r["strategy"] for r in rows))
    first = {s: min((r for r in rows if r["strategy"] == s), key=lambda r: (r["budget"], r["seed"])) for s in strategies}
    records = []
    for r in rows:
        name = None
        if r is first[r["strategy"]]:
            sel = infopick.select(pool, min(r["budget"], len(pool)), r["strategy"], seed=r["seed"])
            if pool.class_histogram(sel.indices) != r["class_histogram"]:
                raise SystemExit(f"{r['strategy']} K={r['budget']} seed {r['seed']}: the re-pick is not the stored subset")
            name = f"selections/{r['strategy']}-K{r['budget']}-s{r['seed']}.csv"
            write_selection(pool, sel, out / name)
        records.append(_row(r, get_strategy(r["strategy"]).label_use.value, name))
    (out / "results.jsonl").write_text("".join(json.dumps(x) + "\n" for x in records))
    for m in MEASURES:
        res = measure(pool, m, seed=0, **({"recipe": RECIPE} if m == "network" else {}))
        np.save(out / "measures" / f"{m}.image_bits.npy", res.image_bits.astype(np.float32), allow_pickle=False)
        (out / "measures" / f"{m}.json").write_text(json.dumps(res.to_dict()))
        print(f"{m}: N = {res.bits_pool:.6g} bits", flush=True)
    config = {"data": "mnist", "strategies": strategies, "budgets": sorted({r["budget"] for r in rows}), "seeds": 3,
              "recipe": RECIPE, "embed": None, "measures": list(MEASURES), "workers": 1, "engine": "local", "address": None}
    bench = {"comparable": {"data": "mnist", "recipe": RECIPE, "embed": None}, "config": config,
             "command": "python -m benchmarks.curve.report  (the cells of benchmarks/curve/results/curve.jsonl, written by "
                        "python -m benchmarks.curve.run)", "environment": environment()}
    (out / "bench.json").write_text(json.dumps(bench, indent=1))
    return out


def main() -> None:
    from infopick.report.html import write_report

    print(f"wrote {write_report(build())}")


if __name__ == "__main__":
    main()
