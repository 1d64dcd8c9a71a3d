"""Selection files: CSV with columns ``index,id,label`` in pick order (label empty when unknown)."""

from __future__ import annotations

import csv
from pathlib import Path

from infopick._util import atomic_write
from infopick.data.pool import Pool
from infopick.errors import InfopickError
from infopick.selection import Selection, check_indices

COLUMNS = ("index", "id", "label")


def write_selection(pool: Pool, selection: Selection, path: str | Path) -> Path:
    """Write ``selection`` as CSV, atomically."""
    path = Path(path)
    with atomic_write(path, "w") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        for i in selection.indices:
            label = pool.classes[pool.labels[i]] if pool.labels is not None else ""
            w.writerow((int(i), pool.ids[i], label))
    return path


def read_selection(pool: Pool, path: str | Path) -> Selection:
    """Read a selection CSV against ``pool``; indices must be unique and in range, ids must match."""
    path = Path(path)
    if not path.is_file():
        raise InfopickError(f"selection file {path}: no such file")
    try:
        with path.open(newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InfopickError(f"selection file {path}: unreadable ({exc})") from None
    if not rows or "index" not in rows[0]:
        raise InfopickError(f"selection file {path}: needs a header with an 'index' column and at least one row")
    try:
        raw = [int(r["index"]) for r in rows]
    except (TypeError, ValueError):
        raise InfopickError(f"selection file {path}: 'index' values must be integers") from None
    idx = check_indices(raw, len(pool), what=f"selection file {path}")
    if "id" in rows[0]:
        for i, r in zip(idx, rows, strict=True):
            if r["id"] not in (None, "") and r["id"] != pool.ids[i]:
                raise InfopickError(
                    f"selection file {path}: row index {int(i)} has id {r['id']!r} but the pool's is {pool.ids[i]!r}"
                    " (was it made for another pool?)"
                )
    return Selection(idx, "file", meta={"file": str(path)})
