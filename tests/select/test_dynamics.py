"""Training-dynamics strategies on digits (tiny recipe): wrong labels score hardest, CCS prunes them, scores are cached."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

import infopick
from infopick.select import select
from infopick.select.dynamics import dynamics_scores
from infopick.torchkit import recipes
from tests.conftest import tiny

FLIPPED = np.arange(0, 1437, 48)[:30]  # 30 images whose label is wrong (shifted by one class)


@pytest.fixture(scope="module")
def noisy(tmp_path_factory: pytest.TempPathFactory) -> object:
    d = infopick.load("digits")
    assert d.labels is not None
    y = d.labels.copy()
    y[FLIPPED] = (y[FLIPPED] + 1) % 10
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INFOPICK_HOME", str(tmp_path_factory.mktemp("dyn-home")))
        mp.setitem(recipes.RECIPES, "fast", tiny())
        yield infopick.make_pool(d.images, y)


def test_wrong_labels_score_hardest_and_ccs_prunes_them(noisy: infopick.Pool) -> None:
    s = dynamics_scores(noisy, seeds=1, epochs=6)
    # the meaningless labels are what "hard" finds first: 60 picks hold 4 % of the pool, and (measured) 90 / 80 / 43 %
    # of the 30 wrong labels under forgetting / el2n / grand
    for name, least in (("forgetting", 0.6), ("el2n", 0.6), ("grand", 0.3)):
        assert np.isin(FLIPPED, np.argsort(-s[name], kind="stable")[:60]).mean() >= least, name
    hard = select(noisy, 60, "el2n", seed=0, seeds=1, epochs=6).indices
    easy = select(noisy, 60, "el2n", seed=0, seeds=1, epochs=6, keep="easiest").indices
    assert np.isin(FLIPPED, hard).mean() >= 0.6 and not np.isin(FLIPPED, easy).any()
    ccs = select(noisy, 200, "ccs", seed=0, seeds=1, epochs=6, prune=0.1)
    hardest_tenth = np.argsort(-s["el2n"])[: len(noisy) // 10]
    assert not np.isin(ccs.indices, hardest_tenth).any() and ccs.meta["pruned"] == len(noisy) // 10
    assert np.isin(FLIPPED, ccs.indices).mean() < np.isin(FLIPPED, hard).mean()


def test_scores_are_cached_across_budgets_and_seeds(noisy: infopick.Pool, tmp_path: Path) -> None:
    dynamics_scores(noisy, seeds=1, epochs=6)
    t0 = time.perf_counter()
    a = select(noisy, 30, "forgetting", seed=3, seeds=1, epochs=6)
    b = select(noisy, 90, "grand", seed=4, seeds=1, epochs=6)
    assert time.perf_counter() - t0 < 5 and len(a.indices) == 30 and len(b.indices) == 90
    cached = list((Path(__import__("os").environ["INFOPICK_HOME"]) / "dynamics").glob("scores-*.npz"))
    assert len(cached) == 1


def test_refusals(noisy: infopick.Pool) -> None:
    with pytest.raises(infopick.InfopickError, match="keep"):
        select(noisy, 5, "el2n", keep="middle", seeds=1, epochs=6)
    with pytest.raises(infopick.InfopickError, match="reads labels"):
        select(infopick.make_pool(noisy.images), 5, "forgetting")


def test_scores_command_writes_every_image_and_reuses_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    import csv

    from infopick.cli import main

    monkeypatch.setenv("INFOPICK_HOME", str(tmp_path / "home"))
    monkeypatch.setitem(recipes.RECIPES, "fast", tiny())
    out = tmp_path / "s" / "scores.csv"
    assert main(["scores", "--data", "digits", "--seeds", "1", "--out", str(out)]) == 0, capsys.readouterr().err
    rows = list(csv.DictReader(out.open()))
    d = infopick.load("digits")
    s = dynamics_scores(d, seeds=1)
    assert len(rows) == len(d) and list(rows[0]) == ["index", "id", "label", "forgetting", "el2n", "grand"]
    assert [float(r["el2n"]) for r in rows] == s["el2n"].tolist() and rows[5]["id"] == d.ids[5]
    t0 = time.perf_counter()
    assert main(["scores", "--data", "digits", "--seeds", "1", "--out", str(out)]) == 0
    assert time.perf_counter() - t0 < 5 and "cached run (seed 0)" in capsys.readouterr().err
    assert main(["scores", "--data", "digits", "--seeds", "0", "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith("error: --seeds 0")
