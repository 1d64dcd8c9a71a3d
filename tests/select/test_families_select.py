"""One pick per near-duplicate family (issue 33): planted families on 28 px stroke images, through the API,
the measures, inspect and the CLI; the rule's exemptions and its bad values."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

import infopick
from infopick.families import find_families, representatives
from infopick.measure import fit_pool
from infopick.nuisance import Nuisance, perturb
from infopick.select import select
from tests.test_cli import run
from tests.test_families import _blobs

N_BASE, N_FAM, COPIES = 120, 4, 15


@pytest.fixture(scope="module")
def planted() -> tuple[infopick.Pool, np.ndarray]:
    """120 distinct images, then 15 light copies of each of the first 4: truth is each row's original."""
    rng = np.random.default_rng(0)
    base = _blobs(N_BASE, rng)
    src = np.repeat(np.arange(N_FAM), COPIES)
    pool = infopick.make_pool(np.concatenate([base, perturb(base[src], Nuisance(strength=0.5), rng)]))
    return pool, np.concatenate([np.arange(N_BASE), src])


def _found(pool: infopick.Pool) -> np.ndarray:
    return find_families(pool.images, strength=1.0).family


def test_picks_are_one_per_family_and_say_so(planted: tuple[infopick.Pool, np.ndarray]) -> None:
    pool, truth = planted
    fam = _found(pool)
    on = select(pool, 40, "kcenter", embed="pca", seed=0)
    assert len(np.unique(fam[on.indices])) == 40  # never two of one found family
    f = on.meta["families"]
    assert f["used"] and f["open_families"] == len(np.unique(fam)) and f["picked_representatives"] == 40
    # off, the same strategy covers no more of the true families
    off = select(pool, 40, "kcenter", embed="pca", seed=0, families=False)
    assert not off.meta["families"]["used"]
    assert len(np.unique(truth[on.indices])) >= len(np.unique(truth[off.indices]))


def test_budget_beyond_the_families_continues(planted: tuple[infopick.Pool, np.ndarray]) -> None:
    pool, _ = planted
    fam = _found(pool)
    k = len(np.unique(fam)) + 10
    sel = select(pool, k, "kcenter", embed="pca", seed=0)
    assert len(np.unique(sel.indices)) == k
    assert len(np.unique(fam[sel.indices[: k - 10]])) == k - 10  # every family once, first
    assert "continued" in sel.meta["families"]["then"]
    drawn = select(pool, k, "kmeans", embed="pca", seed=0)  # kmeans cannot continue: the rest is drawn
    assert len(np.unique(drawn.indices)) == k and len(np.unique(fam[drawn.indices[: k - 10]])) == k - 10
    assert "uniform" in drawn.meta["families"]["then"]


def test_given_family_is_covered_and_an_excluded_leader_is_replaced(planted: tuple[infopick.Pool, np.ndarray]) -> None:
    pool, truth = planted
    fam = _found(pool)
    big = np.flatnonzero(np.bincount(fam) > 5)
    given_row = int(np.flatnonzero(fam == big[0])[-1])  # a copy, not the leader
    sel = select(pool, 30, "kcenter", embed="pca", seed=0, given=[given_row], exclude=[int(big[1])])
    assert not np.isin(fam[sel.indices], fam[given_row]).any()
    reps = representatives(fam, np.array([given_row]), np.array([int(big[1])]))
    assert big[1] not in reps and (fam[reps] == big[1]).sum() == 1  # another member stands for that family
    assert not np.isin(fam[reps], fam[given_row]).any() and len(np.unique(fam[reps])) == len(reps)


def test_exemptions(planted: tuple[infopick.Pool, np.ndarray]) -> None:
    pool, _ = planted
    assert "baseline" in select(pool, 5, "random", seed=0).meta["families"]["why"]
    assert select(pool, 5, "random", seed=0, families=True).meta["families"]["used"]
    digits = infopick.load("digits")
    assert "16 px" in select(digits, 5, "kcenter", embed="pca", seed=0).meta["families"]["why"]
    x = np.random.default_rng(0).normal(size=(30, 3))
    assert "feature matrix" in select(x, 5, "kcenter", seed=0).meta["families"]["why"]
    x[1] = x[0]
    assert select(x, 5, "kcenter", seed=0, families=True).meta["families"]["used"]


@pytest.mark.parametrize(("kw", "match"), [({"families": "yes"}, "families must be"),
                                           ({"family_strength": 0}, "family_strength"),
                                           ({"family_strength": float("nan")}, "family_strength")])
def test_bad_values_are_one_error(planted: tuple[infopick.Pool, np.ndarray], kw: dict, match: str) -> None:
    with pytest.raises(infopick.InfopickError, match=match):
        select(planted[0], 5, "kcenter", **kw)


def test_a_found_copy_adds_no_bits(planted: tuple[infopick.Pool, np.ndarray]) -> None:
    pool, _ = planted
    fam = _found(pool)
    big = int(np.flatnonzero(np.bincount(fam) > 5)[0])
    copy = int(np.flatnonzero((fam == big) & (np.arange(len(fam)) != big))[0])
    pm = fit_pool(pool, "invariant-coverage")
    picks = [big, 5, 50]
    assert pm.fraction([*picks, copy]) == pytest.approx(pm.fraction(picks))
    assert pm.measure(curve=False).n_distinct == len(np.unique(fam))
    plain = fit_pool(pool, "invariant-coverage", families=False)
    assert plain.measure(curve=False).n_distinct == len(pool)  # no exact copies here: every row its own image


def test_inspect_writes_each_images_family(planted: tuple[infopick.Pool, np.ndarray], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    pool, truth = planted
    data = tmp_path / "pool.npz"
    np.savez(data, X=pool.images)
    out = tmp_path / "inspect"
    code, _, err = run(capsys, "inspect", "--data", f"npz:{data}", "--out", str(out))
    assert code == 0, err
    rows = list(csv.DictReader((out / "families.csv").open()))
    assert len(rows) == len(pool) and {"index", "id", "family", "leader_id", "size"} <= set(rows[0])
    fam = np.array([int(r["family"]) for r in rows])
    for f in range(N_FAM):  # most of each planted family shares one family id
        members = np.flatnonzero(truth == f)
        assert np.mean(fam[members] == np.bincount(fam[members]).argmax()) >= 0.8
    code, _, err = run(capsys, "select", "--data", f"npz:{data}", "--budget", "10", "--strategy", "kcenter", "--embed",
                       "pca", "--out", str(tmp_path / "s.csv"))
    assert code == 0 and "families: " in err and "one pick each" in err


@pytest.mark.parametrize("argv", [["--families", "maybe"], ["--family-strength", "-1"], ["--family-strength", "nan"]])
def test_cli_bad_family_flags(capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]) -> None:
    code, _, err = run(capsys, "select", "--data", "digits", "--budget", "5", "--out", str(tmp_path / "s.csv"), *argv)
    assert code == 2 and err.startswith("error:") and err.count("\n") == 1 and "famil" in err, err
    assert not (tmp_path / "s.csv").exists()


def test_a_pool_that_fails_the_null_test_is_picked_without_the_rule() -> None:
    from tests.test_families import _smooth

    pool = infopick.make_pool(_smooth(200, np.random.default_rng(2)))
    sel = select(pool, 10, "kcenter", embed="pca", seed=0)
    f = sel.meta["families"]
    assert not f["used"] and "cannot tell copies from lookalikes" in f["why"] and "families=True" in f["why"]
    forced = select(pool, 10, "kcenter", embed="pca", seed=0, families=True)
    assert forced.meta["families"]["used"]
    # inspect says it linked neighbours instead, and why
    from infopick.select.inspect import inspect

    assert "cannot tell copies" in inspect(pool).facts["family_method"]


@pytest.mark.slow
def test_a_pool_with_few_families_is_picked_without_the_rule() -> None:
    rng = np.random.default_rng(3)
    base = _blobs(300, rng)
    pool = infopick.make_pool(np.concatenate([base, perturb(base[:1].repeat(5, 0), Nuisance(strength=0.5), rng)]))
    sel = select(pool, 10, "kcenter", embed="pca", seed=0)
    f = sel.meta["families"]
    assert not f["used"] and "of the rows are in families" in f["why"]
    assert select(pool, 10, "kcenter", embed="pca", seed=0, families=True).meta["families"]["used"]
    # inspect still shows the family it found
    from infopick.select.inspect import inspect

    assert any(len(g) >= 5 for g in inspect(pool).near_duplicates)
