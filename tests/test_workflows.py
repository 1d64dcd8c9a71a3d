"""The workflows users bring (issue 18): an unlabelled folder, K more given the labelled ones, an active-learning loop."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import infopick
from tests.test_cli import run


@pytest.fixture()
def flat_folder(tmp_path: Path, digits: infopick.Pool) -> tuple[Path, dict[str, str]]:
    """200 digits as PNG files directly in a folder (no class sub-folders) and, apart, their true classes by id."""
    from PIL import Image

    root = tmp_path / "photos"
    (root / "batch2").mkdir(parents=True)
    truth = {}
    assert digits.labels is not None
    for i in range(200):
        name = f"{'batch2/' if i % 2 else ''}img{i:03d}.png"
        Image.fromarray(digits.images[i]).save(root / name)
        truth[name] = digits.classes[digits.labels[i]]
    return root, truth


def _label(path: Path, truth: dict[str, str]) -> None:
    """What the user does between two rounds: fill the label column of a selection CSV."""
    rows = list(csv.DictReader(path.open()))
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["index", "id", "label"])
        w.writerows([r["index"], r["id"], truth[r["id"]]] for r in rows)


def test_unlabelled_folder_select_label_select_more(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   flat_folder: tuple[Path, dict[str, str]]) -> None:
    root, truth = flat_folder
    data = f"folder:{root}"
    first, second, third = tmp_path / "r1.csv", tmp_path / "r2.csv", tmp_path / "r3.csv"
    code, _, err = run(capsys, "select", "--data", data, "--budget", "20", "--strategy", "kcenter", "--embed", "pca",
                       "--out", str(first))
    assert code == 0, err
    ids1 = [r["id"] for r in csv.DictReader(first.open())]
    assert len(ids1) == 20 and all(i in truth for i in ids1) and all(not r["label"] for r in csv.DictReader(first.open()))
    code, _, err = run(capsys, "select", "--data", data, "--budget", "10", "--strategy", "margin", "--embed", "pca",
                       "--out", str(second))
    assert code == 2 and err.startswith("error:") and "--given" in err and not second.exists()
    _label(first, truth)
    code, _, err = run(capsys, "select", "--data", data, "--budget", "10", "--strategy", "margin", "--embed", "pca",
                       "--given", str(first), "--out", str(second))
    assert code == 0, err
    ids2 = [r["id"] for r in csv.DictReader(second.open())]
    assert len(ids2) == 10 and not set(ids2) & set(ids1)
    code, _, err = run(capsys, "select", "--data", data, "--budget", "10", "--strategy", "kcenter", "--embed", "pca",
                       "--given", str(first), "--exclude", str(second), "--out", str(third))
    assert code == 0, err
    ids3 = [r["id"] for r in csv.DictReader(third.open())]
    assert not set(ids3) & (set(ids1) | set(ids2))


def test_given_file_errors_are_one_line_and_nothing_is_overwritten(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    given = tmp_path / "given.csv"
    run(capsys, "select", "--data", "digits", "--budget", "5", "--strategy", "random", "--out", str(given))
    before = given.read_bytes()
    code, _, err = run(capsys, "select", "--data", "digits", "--budget", "5", "--strategy", "kcenter", "--given", str(given),
                       "--out", str(given))
    assert code == 2 and "would overwrite" in err and given.read_bytes() == before
    bad = tmp_path / "bad.csv"
    first = given.read_text().splitlines()[1].split(",")
    bad.write_text(f"index,id,label\n{first[0]},{first[1]},cat\n")
    code, _, err = run(capsys, "select", "--data", "digits", "--budget", "5", "--strategy", "kcenter", "--given", str(bad),
                       "--out", str(tmp_path / "o.csv"))
    assert code == 2 and err.count("\n") == 1 and "not classes of the pool" in err
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("id\n../../etc/passwd\n")
    code, _, err = run(capsys, "select", "--data", "digits", "--budget", "5", "--strategy", "kcenter", "--exclude", str(unknown),
                       "--out", str(tmp_path / "o.csv"))
    assert code == 2 and "is not in the pool" in err and not (tmp_path / "o.csv").exists()
    code, _, err = run(capsys, "select", "--data", "digits", "--budget", "5", "--strategy", "kmeans", "--given", str(given),
                       "--out", str(tmp_path / "o.csv"))
    assert code == 2 and "cannot continue from a given set" in err
