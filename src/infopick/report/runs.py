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
