"""Selection CSV files: round trip in pick order, and every bad file refused with a clear error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import infopick
from infopick.select import select
from infopick.select.io import read_selection, write_selection


def test_round_trip_keeps_pick_order(digits: infopick.Pool, tmp_path: Path) -> None:
    sel = select(digits, 12, "random", seed=2)
    path = write_selection(digits, sel, tmp_path / "s.csv")
    lines = path.read_text().splitlines()
    assert lines[0] == "index,id,label"
    first = int(sel.indices[0])
    assert lines[1] == f"{first},{digits.ids[first]},{digits.classes[digits.labels[first]]}"
    assert np.array_equal(read_selection(digits, path).indices, sel.indices)


def test_unlabelled_pool_writes_empty_label(tmp_path: Path) -> None:
    pool = infopick.make_pool(np.zeros((3, 2, 2), np.uint8))
    path = write_selection(pool, select(pool, 2, "random", seed=0), tmp_path / "s.csv")
    assert all(line.endswith(",") for line in path.read_text().splitlines()[1:])


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("index,id,label\n5000,x,1\n", "outside the pool"),
        ("index,id,label\n-1,x,1\n", "outside the pool"),
        ("index\n3\n4\n3\n", "more than once"),
        ("index\nthree\n", "integers"),
        ("idx\n3\n", "'index' column"),
        ("", "'index' column"),
        ("index,id\n0,digits/9999\n", "another pool"),
    ],
)
def test_bad_selection_files(digits: infopick.Pool, tmp_path: Path, body: str, match: str) -> None:
    (tmp_path / "s.csv").write_text(body)
    with pytest.raises(infopick.InfopickError, match=match):
        read_selection(digits, tmp_path / "s.csv")


def test_missing_selection_file(digits: infopick.Pool, tmp_path: Path) -> None:
    with pytest.raises(infopick.InfopickError, match="no such file"):
        read_selection(digits, tmp_path / "none.csv")
