"""Run folders, written by the library (the CLI and a Python user get the same files).

A play folder holds ``selection.csv``, ``gallery.png`` and ``run.json``; a measure folder
``image_bits.npy``, ``curve.png`` (when a curve was computed), ``informative.png`` and
``measure.json``. The JSON record is written last, so its presence says the folder is whole;
every file is written atomically, and nothing is written outside ``out``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from infopick._util import atomic_write
from infopick.data.pool import Pool
from infopick.provenance import environment
from infopick.selection import Selection


def jsonable(obj: Any) -> Any:
    """``obj`` as plain JSON values (numpy scalars and anything else by their ``str``)."""
    return json.loads(json.dumps(obj, default=str))


def write_play_run(out: Path, pool: Pool, selection: Selection, result: dict[str, Any], *, config: dict[str, Any],
                   title: str) -> list[str]:
    """Write the play folder ``out`` for ``selection`` and its game ``result`` (``GameResult.to_dict()``); returns the names."""
    from infopick.report.gallery import save_gallery
    from infopick.select.io import write_selection

    out = Path(out)
    write_selection(pool, selection, out / "selection.csv")
    save_gallery(pool, selection.indices, out / "gallery.png", title=title)
    run = {"command": "play", "config": jsonable(config), "selection_meta": jsonable(selection.meta), "result": result,
           "environment": environment()}
    with atomic_write(out / "run.json") as fh:
        json.dump(run, fh, indent=1)
    return ["run.json", "selection.csv", "gallery.png"]


def write_measure_run(out: Path, pool: Pool, measurement: Any, *, config: dict[str, Any], data: str,
                      given_selection: bool) -> list[str]:
    """Write the measure folder ``out`` for a ``Measurement`` of ``pool``; returns the names written."""
    from infopick.report.figures import save_curve, save_informative

    out = Path(out)
    m = measurement
    with atomic_write(out / "image_bits.npy", "wb") as fh:
        np.save(fh, m.image_bits, allow_pickle=False)
    written = ["image_bits.npy"]
    if len(m.curve_k):
        save_curve(m, out / "curve.png", title=f"{data}: {m.measure}, N = {m.bits_pool:.4g} bits")
        written.append("curve.png")
    given = "the selection" if given_selection else "every other image"
    save_informative(pool, m.image_bits, out / "informative.png",
                     title=f"{data}, {m.measure}: bits of each image given {given} (most informative on top)")
    written.append("informative.png")
    with atomic_write(out / "measure.json") as fh:  # last: present only when the files above are whole
        json.dump({"command": "measure", "config": jsonable(config), "result": m.to_dict(), "environment": environment()}, fh,
                  indent=1)
    return ["measure.json", *written]


def write_inspect_run(out: Path, pool: Pool, inspection: Any, *, config: dict[str, Any]) -> list[str]:
    """Write ``outliers.csv``, ``near_duplicates.csv``, ``exact_duplicates.csv`` (index,id,... : they feed
    ``select --exclude``), ``families.csv`` (every row's family, leader and size), ``outliers.png``, ``near_duplicates.png`` and ``inspect.json`` (last) under ``out``."""
    import csv

    from infopick.report.gallery import save_gallery

    out = Path(out)
    r = inspection

    def table(name: str, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        with atomic_write(out / name) as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)

    table("outliers.csv", ("index", "id", "score"), [(int(i), pool.ids[i], f"{r.outlier_scores[i]:.3f}") for i in r.outliers])
    # every member but the group's first (its leader): what --exclude should drop to keep one per group
    for name, groups in (("near_duplicates.csv", r.near_duplicates), ("exact_duplicates.csv", r.exact_duplicates)):
        table(name, ("index", "id", "group", "leader_id"),
              [(int(i), pool.ids[i], k, pool.ids[g[0]]) for k, g in enumerate(groups) for i in g[1:]])
    written = ["outliers.csv", "near_duplicates.csv", "exact_duplicates.csv"]
    if r.family is not None:
        size = np.bincount(r.family, minlength=len(r.family))
        _, fid = np.unique(r.family, return_inverse=True)
        table("families.csv", ("index", "id", "family", "leader_id", "size"),
              [(i, pool.ids[i], int(fid[i]), pool.ids[r.family[i]], int(size[r.family[i]])) for i in range(len(r.family))])
        written.append("families.csv")
    if len(r.outliers):
        save_gallery(pool, r.outliers, out / "outliers.png", limit=48, title="outliers, highest score first")
        written.append("outliers.png")
    if r.near_duplicates:
        shown = np.concatenate([g[:6] for g in r.near_duplicates[:8]])
        save_gallery(pool, shown, out / "near_duplicates.png", limit=48, title="near-duplicate groups (leader first), largest first")
        written.append("near_duplicates.png")
    with atomic_write(out / "inspect.json") as fh:
        json.dump({"command": "inspect", "config": jsonable(config), "result": r.to_dict(pool.ids), "environment": environment()},
                  fh, indent=1)
    return [*written, "inspect.json"]
