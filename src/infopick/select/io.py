"""Selection files: CSV with columns ``index,id,label`` in pick order (label empty when unknown)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import numpy.typing as npt

from infopick._util import atomic_write
from infopick.data.pool import Pool
from infopick.errors import InfopickError
from infopick.selection import Selection, check_indices
from infopick.typing import IntArray

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
    idx, _ = _read_rows(pool, path)
    return Selection(idx, "file", meta={"file": str(path)})


def read_given(pool: Pool, path: str | Path) -> tuple[IntArray, npt.NDArray[np.int64] | None, list[str]]:
    """(indices, labels, classes) of a selection CSV whose ``label`` column may carry the user's labels.

    Rows are matched by ``id`` where the file has ids (else by ``index``). Labels: every row labelled
    or none; on a labelled pool they must be its class names, on an unlabelled one the classes are
    the file's own label values, sorted. ``labels`` is None when the file has none.
    """
    idx, rows = _read_rows(pool, path, by_id=True)
    values = [(r.get("label") or "").strip() for r in rows]
    if not any(values):
        return idx, None, list(pool.classes)
    if not all(values):
        raise InfopickError(f"given file {path}: row {values.index('') + 2} has no label; label every row or none")
    classes = list(pool.classes) if pool.labels is not None else sorted(set(values))
    unknown = sorted(set(values) - set(classes))
    if unknown:
        raise InfopickError(f"given file {path}: labels {unknown[:5]} are not classes of the pool (valid: {', '.join(classes)})")
    return idx, np.array([classes.index(v) for v in values], dtype=np.int64), classes


def export_for_labelling(pool: Pool, selection: Selection, out: str | Path) -> list[str]:
    """Write the picks as PNG files under ``out/images/``, a Label Studio task list ``tasks.json`` and ``labels.csv``.

    File names are the pick's position and its id with every character outside [A-Za-z0-9._-] replaced,
    so that an id holding ``../`` or an absolute path still lands inside ``out``. ``tasks.json``
    follows Label Studio's import format (``[{"data": {"image": ..., "infopick_id": ...}}]``, image
    paths relative to ``out``: serve ``out`` as Label Studio's local-files root); its JSON export, or
    ``labels.csv`` with the label column filled, reads back as ``select --given``.
    """
    import json
    import re

    from PIL import Image

    out = Path(out)
    (out / "images").mkdir(parents=True, exist_ok=True)
    tasks = []
    for k, i in enumerate(selection.indices):
        name = f"{k:06d}_{re.sub(r'[^A-Za-z0-9._-]', '_', str(pool.ids[i]))[-80:]}.png"
        with atomic_write(out / "images" / name, "wb") as fh:
            Image.fromarray(np.asarray(pool.images[i])).save(fh, format="PNG")
        tasks.append({"data": {"image": f"images/{name}", "infopick_id": str(pool.ids[i]), "infopick_index": int(i)}})
    with atomic_write(out / "tasks.json") as fh:
        json.dump(tasks, fh, indent=1)
    write_selection(pool, Selection(selection.indices, selection.strategy), out / "labels.csv")
    return ["images/", "tasks.json", "labels.csv"]


def _label_studio_rows(path: Path) -> list[dict[str, str]]:
    """Rows ``{"id", "label"}`` from a Label Studio JSON export of ``export_for_labelling``'s tasks (first choice of the
    first annotation not cancelled; no label where none)."""
    import json

    try:
        tasks = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InfopickError(f"given file {path}: not a readable JSON export ({exc.__class__.__name__})") from None
    if not isinstance(tasks, list):
        raise InfopickError(f"given file {path}: a Label Studio export is a JSON list of tasks")
    rows = []
    for t in tasks:
        data = t.get("data", t) if isinstance(t, dict) else {}
        if "infopick_id" not in data:
            raise InfopickError(f"given file {path}: a task without data.infopick_id (was it exported from infopick's tasks.json?)")
        label = ""
        for ann in t.get("annotations", []) if isinstance(t, dict) else []:
            if ann.get("was_cancelled"):
                continue
            for res in ann.get("result", []):
                choices = res.get("value", {}).get("choices") if isinstance(res, dict) else None
                if choices:
                    label = str(choices[0])
                    break
            if label:
                break
        rows.append({"id": str(data["infopick_id"]), "label": label or str(t.get("choice", "") if isinstance(t, dict) else "")})
    if not rows:
        raise InfopickError(f"given file {path}: no tasks")
    return rows


def _by_id(pool: Pool, rows: list[dict[str, str]], what: str) -> IntArray:
    """The pool rows of ``rows``' ids (unique); an id the pool lacks is one error line."""
    where = {str(v): i for i, v in enumerate(pool.ids)}
    missing = [r["id"] for r in rows if r["id"] not in where]
    if missing:
        raise InfopickError(f"{what}: id {missing[0]!r} is not in the pool ({len(missing)} unknown)")
    return check_indices([where[r["id"]] for r in rows], len(pool), what=what)


def read_excluded(pool: Pool, path: str | Path) -> IntArray:
    """Rows never to pick: a CSV with an ``id`` (or ``index``) column, as ``read_given`` reads one; a file with
    the header and no rows (``inspect`` found no outliers) excludes nothing."""
    return _read_rows(pool, path, by_id=True, empty_ok=True)[0]


def _read_rows(pool: Pool, path: str | Path, *, by_id: bool = False,
               empty_ok: bool = False) -> tuple[IntArray, list[dict[str, str]]]:
    path = Path(path)
    if not path.is_file():
        raise InfopickError(f"selection file {path}: no such file")
    if by_id and path.suffix == ".json":
        rows = _label_studio_rows(path)
        return _by_id(pool, rows, f"given file {path}"), rows
    try:
        with path.open(newline="") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            header = reader.fieldnames or []
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InfopickError(f"selection file {path}: unreadable ({exc})") from None
    if empty_ok and not rows and ("index" in header or "id" in header):
        return np.zeros(0, dtype=np.int64), []
    if by_id and rows and "id" in rows[0] and all(r.get("id") for r in rows):
        return _by_id(pool, rows, f"selection file {path}"), rows
    if not rows or "index" not in rows[0]:
        raise InfopickError(f"selection file {path}: needs a header with an 'index' column (or 'id') and at least one row")
    try:
        raw = [int(r["index"]) for r in rows]
    except (TypeError, ValueError):
        raise InfopickError(f"selection file {path}: 'index' values must be integers") from None
    idx = check_indices(raw, len(pool), what=f"selection file {path}")
    if "id" in rows[0]:
        for i, r in zip(idx, rows, strict=True):
            if r["id"] not in (None, "") and r["id"] != pool.ids[i]:
                raise InfopickError(
                    f"selection file {path}: row index {int(i)} has id {r['id']!r} but the pool's is {str(pool.ids[i])!r}"
                    " (was it made for another pool?)"
                )
    return idx, rows
