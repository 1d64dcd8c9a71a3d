"""``auto``: screens the pool (outliers out, near-copies counted), then runs what its table names for the budget."""

from __future__ import annotations

import json

import numpy as np
import pytest

import infopick
from infopick.select import Input, get_strategy, registry, select
from infopick.select.auto import CHOICES, STRATA, choose, screen


def test_every_choice_is_a_registered_label_free_strategy() -> None:
    for _, name in CHOICES:
        assert name in registry() and registry()[name].label_use.value == "none" and name != "auto"
    assert CHOICES[-1][0] >= 1.0  # every budget up to the whole pool has a row


@pytest.mark.parametrize("budget", [1, 9, 50, 300, 1000])
def test_auto_runs_its_choice_on_the_rows_it_kept(budget: int) -> None:
    x = np.random.default_rng(0).normal(size=(1000, 4)).astype(np.float32)
    sc = screen(x)
    rows = sc.kept if len(sc.kept) >= budget else np.arange(len(x))
    chosen = choose(budget, len(rows))
    sel = select(x, budget, "auto", seed=2)
    assert sel.meta["chosen"] == chosen and sel.meta["screen"]["outliers"] == sc.outliers
    params = {"strata": STRATA} if chosen == "kcenter" else {}
    assert np.array_equal(sel.indices, rows[select(x[rows], budget, chosen, seed=2, **params).indices])
    json.dumps(sel.meta)  # what run.json and --json print


def test_strata_reach_k_center_where_auto_runs_it_and_nothing_else() -> None:
    x = np.random.default_rng(0).normal(size=(1000, 4)).astype(np.float32)
    rows = screen(x).kept
    sel = select(x, 50, "auto", seed=2, strata=6)
    assert sel.meta["chosen"] == "kcenter" and sel.meta["strata"] == 6
    assert np.array_equal(sel.indices, rows[select(x[rows], 50, "kcenter", seed=2, strata=6).indices])
    assert np.array_equal(select(x, 5, "auto", seed=2, strata=6).indices, select(x, 5, "auto", seed=2).indices)  # facility's budget
    plain = select(x, 50, "auto", seed=2, strata=0)
    assert "strata" not in plain.meta and np.array_equal(plain.indices, rows[select(x[rows], 50, "kcenter", seed=2).indices])


def test_planted_outliers_are_dropped_and_never_picked() -> None:
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(size=(2000, 3)), rng.normal(size=(20, 3)) * 0.1 + 40 * rng.normal(size=(20, 3))])
    sc = screen(x)
    assert set(range(2000, 2020)).isdisjoint(sc.kept.tolist()) and sc.outliers >= 20
    for budget in (10, 100):  # facility, then k-center: farthest-first alone would take the far ones first
        assert select(x, budget, "kcenter", seed=0).indices.max() >= 2000
        assert select(x, budget, "auto", seed=0).indices.max() < 2000


def test_on_a_pool_auto_screens_the_images_and_leaves_junk_out(digits: infopick.Pool) -> None:
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, size=(72, 8, 8), dtype=np.uint8)  # 5 % junk with meaningless labels
    assert digits.labels is not None
    pool = infopick.make_pool(np.concatenate([digits.images, noise]), np.concatenate([digits.labels, rng.integers(0, 10, 72)]))
    sel = select(pool, 60, "auto", seed=0, embed="pca")
    assert sel.meta["screen"]["encoder"].startswith("invariant")
    share = np.mean(sel.indices >= len(digits))
    assert share <= 0.5 * 72 / len(pool)  # under half of random's rate (8x8 images: the 1.5 px blur is coarse)
    assert np.mean(select(pool, 60, "kcenter", seed=0, embed="pca").indices >= len(digits)) > 2 * share
    assert sel.meta["screen"]["outliers"] >= 60


def test_a_budget_above_what_the_screen_keeps_uses_every_row() -> None:
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(size=(50, 2)), 50 + rng.normal(size=(5, 2))])
    sel = select(x, 54, "auto", seed=0)
    assert "none dropped" in sel.meta["why"] and len(np.unique(sel.indices)) == 54


def test_auto_reads_an_embedding() -> None:
    assert get_strategy("auto").reads(1, 10_000) is Input.FEATURES


def test_a_named_strategy_runs_on_the_screened_rows_with_the_input_it_reads(digits: infopick.Pool) -> None:
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(size=(500, 3)), 40 * rng.normal(size=(10, 3))])
    sel = select(x, 20, "auto", seed=3, delegate="kcenter")
    sc = screen(x)
    assert sel.meta["chosen"] == "kcenter" and "asked for" in sel.meta["why"]
    assert np.array_equal(sel.indices, sc.kept[select(x[sc.kept], 20, "kcenter", seed=3).indices])
    assert get_strategy("auto", delegate="compression").reads(20, 1000) is Input.IMAGES
    picked = select(digits, 20, "auto", seed=0, delegate="compression")  # zstd reads the screened images
    assert picked.meta["chosen"] == "compression" and len(np.unique(picked.indices)) == 20


@pytest.mark.parametrize(("name", "words"), [("auto", "itself"), ("margin", "reads labels"), ("nope", "kcenter")])
def test_a_bad_delegate_is_one_error_naming_why(name: str, words: str) -> None:
    with pytest.raises(infopick.InfopickError, match=words):
        select(np.zeros((30, 2)), 3, "auto", seed=0, delegate=name)
