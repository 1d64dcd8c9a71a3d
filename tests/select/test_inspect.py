"""``inspect``: planted exact copies, light near-copies and junk are found; the CLI's CSVs feed --exclude."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

import infopick
from infopick.select.inspect import inspect
from tests.test_cli import run


@pytest.fixture(scope="module")
def planted() -> tuple[infopick.Pool, int]:
    d = infopick.load("digits")
    rng = np.random.default_rng(0)
    exact = d.images[:5]  # 5 exact copies of rows 0-4
    light = np.clip(d.images[10:30].astype(int) + rng.integers(-6, 7, size=(20, 8, 8)), 0, 255).astype(np.uint8)  # 20 noisy copies
    noise = rng.integers(0, 256, size=(8, 8, 8), dtype=np.uint8)  # 8 noise images
    return infopick.make_pool(np.concatenate([d.images, exact, light, noise])), len(d)


def test_planted_duplicates_and_junk_are_found(planted: tuple[infopick.Pool, int]) -> None:
    pool, n = planted
    r = inspect(pool)
    exact = {tuple(sorted(g)) for g in r.exact_duplicates}
    assert {(i, n + i) for i in range(5)} <= exact
    grouped = {int(i): int(g[0]) for g in r.near_duplicates for i in g}
    light = [n + 5 + j for j in range(20)]
    assert all(grouped.get(c) is not None and grouped.get(c) == grouped.get(10 + j) for j, c in enumerate(light))
    junk = set(range(n + 25, n + 33))
    assert junk <= set(r.outliers.tolist())
    assert np.all(np.diff(r.outlier_scores[r.outliers]) <= 0)  # highest score first
    assert r.to_dict(pool.ids)["outliers"][0]["id"] in {str(pool.ids[j]) for j in r.outliers}


def test_features_only_and_refusals() -> None:
    x = np.random.default_rng(0).normal(size=(50, 4))
    x[10] = x[3]
    r = inspect(x)
    assert [3, 10] in [sorted(g.tolist()) for g in r.exact_duplicates] and "given features" in r.encoder
    with pytest.raises(infopick.InfopickError, match="strength"):
        inspect(x, strength=0.0)


def test_cli_writes_csvs_that_feed_exclude(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "inspect"
    code, stdout, err = run(capsys, "inspect", "--data", "digits", "--json", "--out", str(out))
    assert code == 0, err
    report = json.loads(stdout)
    assert set(report) >= {"exact_duplicates", "near_duplicates", "outliers", "n", "seconds"} and report["n"] == 1437
    assert json.loads((out / "inspect.json").read_text())["result"]["outliers"] == report["outliers"]
    outliers = [r["id"] for r in csv.DictReader((out / "outliers.csv").open())]
    assert outliers == [o["id"] for o in report["outliers"]] and len(outliers) > 0
    picks = tmp_path / "picks.csv"
    code, _, err = run(capsys, "select", "--data", "digits", "--budget", "200", "--strategy", "kcenter", "--embed", "pca",
                       "--exclude", str(out / "outliers.csv"), "--out", str(picks))
    assert code == 0, err
    assert not {r["id"] for r in csv.DictReader(picks.open())} & set(outliers)
