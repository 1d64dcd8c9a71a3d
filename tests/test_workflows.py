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


def test_an_outliers_file_with_no_rows_excludes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The walk-through's ``--exclude look/outliers.csv`` where inspect found no outliers (a header only)."""
    empty = tmp_path / "outliers.csv"
    empty.write_text("index,id,score\n")
    code, _, err = run(capsys, "select", "--data", "digits", "--budget", "5", "--strategy", "kcenter", "--exclude",
                       str(empty), "--out", str(tmp_path / "o.csv"))
    assert code == 0, err
    assert len((tmp_path / "o.csv").read_text().splitlines()) == 6
    headless = tmp_path / "nothing.csv"
    headless.write_text("")
    code, _, err = run(capsys, "select", "--data", "digits", "--budget", "5", "--exclude", str(headless),
                       "--out", str(tmp_path / "p.csv"))
    assert code == 2 and err.startswith("error:") and "header" in err


@pytest.mark.slow
def test_own_features_on_select_measure_play_and_bench(capsys: pytest.CaptureFixture[str], tmp_path: Path, home: Path,
                                                      monkeypatch: pytest.MonkeyPatch, digits: infopick.Pool) -> None:
    import json

    import numpy as np

    from infopick.game import recipes
    from tests.conftest import tiny

    monkeypatch.setitem(recipes.RECIPES, "fast", tiny())
    z = np.random.default_rng(0).normal(size=(len(digits), 6)).astype(np.float32)
    np.save(tmp_path / "z.npy", z)
    perm = np.random.default_rng(1).permutation(len(digits))
    np.savez(tmp_path / "z.npz", features=z[perm], ids=np.asarray(digits.ids)[perm])
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for f, out in (("z.npy", a), ("z.npz", b)):
        code, _, err = run(capsys, "select", "--data", "digits", "--budget", "15", "--strategy", "kcenter", "--features",
                           str(tmp_path / f), "--out", str(out))
        assert code == 0, err
    assert a.read_bytes() == b.read_bytes()  # the .npz rows were shuffled; aligned by id they are the same features
    expected = infopick.select(z, 15, "kcenter", seed=0).indices
    assert [int(r.split(",")[0]) for r in a.read_text().splitlines()[1:]] == expected.tolist()
    code, out, err = run(capsys, "measure", "--data", "digits", "--measure", "coverage", "--features", str(tmp_path / "z.npy"),
                         "--selection", str(a), "--json", "--no-curve")
    assert code == 0 and json.loads(out)["encoder"].startswith("6-d"), err
    code, out, err = run(capsys, "play", "--data", "digits", "--budget", "20", "--strategy", "facility", "--features",
                         str(tmp_path / "z.npy"), "--recipe", "fast", "--out", str(tmp_path / "run"))
    assert code == 0, err
    record = json.loads((tmp_path / "run" / "run.json").read_text())["config"]["features"]
    import hashlib

    assert record["sha256"] == hashlib.sha256((tmp_path / "z.npy").read_bytes()).hexdigest() and record["shape"] == [len(digits), 6]
    code, _, err = run(capsys, "bench", "--data", "digits", "--strategies", "kcenter", "--budgets", "20", "--seeds", "1",
                       "--features", str(tmp_path / "z.npy"), "--measures", "coverage", "--out", str(tmp_path / "grid"))
    assert code == 0, err
    rows = [json.loads(x) for x in (tmp_path / "grid" / "results.jsonl").read_text().splitlines()]
    assert {r["strategy"] for r in rows} == {"random", "kcenter"}
    assert json.loads((tmp_path / "grid" / "bench.json").read_text())["comparable"]["features_sha256"] == record["sha256"]


@pytest.mark.parametrize(("content", "message"), [
    ("short", "rows for a pool of"), ("nan", "NaN"), ("1d", "shape"), ("npz-missing", "have no row"), ("npz-unknown", "not in the pool"),
    ("pickle", "without pickles"),
])
def test_bad_features_files_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path, digits: infopick.Pool,
                                          content: str, message: str) -> None:
    import numpy as np

    n = len(digits)
    f = tmp_path / ("f.npz" if content.startswith("npz") else "f.npy")
    z = np.zeros((n, 3), np.float32)
    if content == "short":
        np.save(f, z[:-1])
    elif content == "nan":
        z[4, 1] = np.nan
        np.save(f, z)
    elif content == "1d":
        np.save(f, z[:, 0])
    elif content == "npz-missing":
        np.savez(f, features=z[1:], ids=np.asarray(digits.ids)[1:])
    elif content == "npz-unknown":
        np.savez(f, features=np.zeros((n + 1, 3), np.float32), ids=np.array([*map(str, digits.ids), "../../x"]))
    else:
        np.save(f, np.array([{"a": 1}] * n, dtype=object), allow_pickle=True)
    code, _, err = run(capsys, "select", "--data", "digits", "--budget", "5", "--strategy", "kcenter", "--features", str(f),
                       "--out", str(tmp_path / "o.csv"))
    assert code == 2 and err.startswith("error:") and err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "o.csv").exists()


def test_device_flag(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import torch

    from infopick.game import recipes
    from tests.conftest import tiny

    monkeypatch.setitem(recipes.RECIPES, "fast", tiny())
    args = ("play", "--data", "digits", "--budget", "30", "--strategy", "random", "--recipe", "fast", "--json")
    code, out, err = run(capsys, *args, "--device", "auto", "--out", str(tmp_path / "run"))
    assert code == 0, err
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert json.loads((tmp_path / "run" / "run.json").read_text())["result"]["device"] == expected
    if not torch.cuda.is_available():
        code, cpu_out, _ = run(capsys, *args, "--device", "cpu")
        assert json.loads(cpu_out)["accuracy_pool"] == json.loads(out)["accuracy_pool"]  # auto is the CPU here
        code, _, err = run(capsys, *args, "--device", "cuda")
        assert code == 2 and err.count("\n") == 1 and "no GPU" in err
    code, _, err = run(capsys, "measure", "--data", "digits", "--measure", "coverage", "--device", "cuda")
    assert code == 2 and "trains nothing" in err


def test_export_for_labelling_and_read_the_labels_back(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                       digits: infopick.Pool) -> None:
    import json

    from PIL import Image

    assert digits.labels is not None
    (tmp_path / "elsewhere").mkdir()
    lines = []
    for i in range(40):  # a list whose ids climb out of its folder: exported files must stay inside --export
        Image.fromarray(digits.images[i]).save(tmp_path / "elsewhere" / f"{i}.png")
        lines.append(f"../elsewhere/{i}.png")
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "l.txt").write_text("\n".join(lines) + "\n")
    data = f"list:{tmp_path / 'lists' / 'l.txt'}"
    export = tmp_path / "export"
    code, _, err = run(capsys, "select", "--data", data, "--budget", "8", "--strategy", "kcenter", "--embed", "pixels",
                       "--out", str(tmp_path / "r1.csv"), "--export", str(export))
    assert code == 0, err
    files = sorted((export / "images").iterdir())
    assert len(files) == 8 and all(f.resolve().parent == (export / "images").resolve() for f in files)
    tasks = json.loads((export / "tasks.json").read_text())
    truth = {f"../elsewhere/{i}.png": digits.classes[digits.labels[i]] for i in range(40)}
    for t in tasks:  # what Label Studio's JSON export of the labelled tasks looks like (image classification: choices)
        t["annotations"] = [{"was_cancelled": False, "result": [{"type": "choices", "value": {"choices": [truth[t["data"]["infopick_id"]]]}}]}]
    (tmp_path / "labelled.json").write_text(json.dumps(tasks))
    code, _, err = run(capsys, "select", "--data", data, "--budget", "5", "--strategy", "margin", "--embed", "pixels",
                       "--given", str(tmp_path / "labelled.json"), "--out", str(tmp_path / "r2.csv"))
    assert code == 0, err
    first = {t["data"]["infopick_id"] for t in tasks}
    assert not first & {r["id"] for r in csv.DictReader((tmp_path / "r2.csv").open())}
    (tmp_path / "broken.json").write_text("[{\"data\": {}}]")
    code, _, err = run(capsys, "select", "--data", data, "--budget", "5", "--strategy", "kcenter", "--embed", "pixels",
                       "--given", str(tmp_path / "broken.json"), "--out", str(tmp_path / "r3.csv"))
    assert code == 2 and "infopick_id" in err
