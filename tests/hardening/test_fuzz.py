"""Fuzz over the public API: every strategy and measure, on small and degenerate inputs, either
returns a valid result or raises the library's own error (scikit-learn's common checks, for selection).

Inputs drawn by hypothesis: random shapes and dtypes, constant images, all-duplicate pools, one
class, two images, budgets 0, 1, N-1, N, N+1, NaN/inf in features, labels out of range, repeated
ids. Each example runs under a deadline; a hang fails the test (pytest-timeout) instead of CI.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import infopick
from infopick.errors import BudgetError, DataError, InfopickError
from infopick.measure import registry as measure_registry
from infopick.select import LabelUse, registry, select

STRATEGIES = list(registry())
MEASURES = list(measure_registry())
# Strategies that train a network per call: fewer examples keep the suite inside its budget.
SLOW = {"surprise", "margin", "entropy", "bald", "hybrid", "auto"}
FAST_SETTINGS = settings(max_examples=20, deadline=timedelta(seconds=20), derandomize=True,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SLOW_SETTINGS = settings(FAST_SETTINGS, max_examples=6)

KINDS = ("random", "constant", "duplicates", "two-values", "one-hot")


@st.composite
def feature_matrices(draw: st.DrawFn) -> np.ndarray:
    """(n, d) float32 or int matrices: random, constant, all one row repeated, two distinct rows, axis-aligned."""
    n = draw(st.integers(2, 30))
    d = draw(st.integers(1, 6))
    kind = draw(st.sampled_from(KINDS))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    if kind == "random":
        x = rng.normal(size=(n, d)) * draw(st.sampled_from([1e-6, 1.0, 1e6]))
    elif kind == "constant":
        x = np.full((n, d), draw(st.sampled_from([0.0, 1.0, -3.5])))
    elif kind == "duplicates":
        x = np.repeat(rng.normal(size=(1, d)), n, axis=0)
    elif kind == "two-values":
        x = np.where(np.arange(n)[:, None] % 2 == 0, 0.0, 1.0) * np.ones((1, d))
    else:
        x = np.eye(max(n, d))[:n, :d]
    dtype = draw(st.sampled_from([np.float32, np.float64, np.int64]))
    return x.astype(dtype)


def budgets(n: int) -> st.SearchStrategy[int]:
    return st.sampled_from(sorted({0, 1, max(n - 1, 1), n, n + 1}))


def labels_for(n: int, how: str) -> np.ndarray:
    return {"one-class": np.zeros(n, dtype=np.int64), "two": np.arange(n) % 2, "many": np.arange(n) % 7}[how]


def check_selection(sel: infopick.Selection, budget: int, n: int) -> None:
    idx = sel.indices
    assert idx.shape == (budget,) and idx.dtype == np.int64
    assert len(np.unique(idx)) == budget and idx.min() >= 0 and idx.max() < n


def run_strategy(name: str, x: np.ndarray, budget: int, labels: np.ndarray) -> None:
    n = len(x)
    try:
        sel = select(x, budget, name, seed=0, labels=labels)
    except BudgetError as exc:
        assert not 1 <= budget <= n, exc  # only a budget outside 1..n may be refused as a budget
        assert "1.." in str(exc)
        return
    except InfopickError as exc:  # allowed, if it says what is wrong in one sentence
        assert str(exc) and "\n" not in str(exc)
        return
    check_selection(sel, budget, n)


@pytest.mark.parametrize("name", [s for s in STRATEGIES if s not in SLOW])
@FAST_SETTINGS
@given(data=st.data())
def test_every_strategy_on_degenerate_features(name: str, data: st.DataObject) -> None:
    x = data.draw(feature_matrices())
    run_strategy(name, x, data.draw(budgets(len(x))), labels_for(len(x), data.draw(st.sampled_from(["one-class", "two", "many"]))))


@pytest.mark.parametrize("name", sorted(SLOW & set(STRATEGIES)))
@SLOW_SETTINGS
@given(data=st.data())
@pytest.mark.slow
def test_every_trained_strategy_on_degenerate_features(name: str, data: st.DataObject) -> None:
    x = data.draw(feature_matrices())
    run_strategy(name, x, data.draw(budgets(len(x))), labels_for(len(x), data.draw(st.sampled_from(["one-class", "two", "many"]))))


@pytest.mark.parametrize("name", STRATEGIES)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_features_are_refused_by_every_strategy(name: str, bad: float) -> None:
    x = np.random.default_rng(0).normal(size=(10, 3))
    x[4, 1] = bad
    with pytest.raises(InfopickError, match="NaN or inf"):
        select(x, 3, name, seed=0, labels=np.arange(10) % 2)


@pytest.mark.parametrize("name", [s for s in STRATEGIES if registry()[s].label_use is not LabelUse.NONE])
@pytest.mark.parametrize("labels", [np.arange(10) - 1, np.arange(10) * 10**15, np.arange(10.0), np.arange(9)])
def test_bad_labels_are_refused_by_every_label_reading_strategy(name: str, labels: np.ndarray) -> None:
    x = np.random.default_rng(0).normal(size=(10, 3))
    with pytest.raises(InfopickError, match="labels"):
        select(x, 3, name, seed=0, labels=labels)


@st.composite
def raw_images(draw: st.DrawFn) -> np.ndarray:
    """Image arrays of any rank, dtype and range, valid or not."""
    n = draw(st.integers(0, 12))
    shape = draw(st.sampled_from([(n,), (n, 5), (n, 1, 1), (n, 6, 4), (n, 5, 5, 1), (n, 5, 5, 3), (n, 4, 4, 2), (n, 0, 3)]))
    dtype = draw(st.sampled_from(["uint8", "int16", "float32", "float64", "bool", "complex64", "U1"]))
    fill = draw(st.sampled_from(["random", "constant", "nan", "out-of-range"]))
    rng = np.random.default_rng(draw(st.integers(0, 1000)))
    if dtype == "U1":
        return np.full(shape, "a")
    x = rng.random(shape) if fill != "constant" else np.zeros(shape)
    if fill == "nan" and x.size:
        x.flat[0] = np.nan
    if fill == "out-of-range":
        x = x * 300 - 20
    if dtype in ("uint8", "int16") and fill != "out-of-range":
        x = x * 255
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(x, nan=0).astype(dtype) if dtype in ("uint8", "int16", "bool") else x.astype(dtype)


@FAST_SETTINGS
@given(images=raw_images(), labels=st.sampled_from(["none", "ok", "negative", "huge", "float", "short"]),
       ids=st.sampled_from(["none", "unique", "repeated"]))
def test_make_pool_builds_a_valid_pool_or_raises_data_error(images: np.ndarray, labels: str, ids: str) -> None:
    n = len(images)
    y = {"none": None, "ok": np.arange(n) % 3, "negative": -np.ones(n), "huge": np.full(n, 2**62),
         "float": np.arange(n) + 0.5, "short": np.arange(max(n - 1, 0))}[labels]
    id_arr = {"none": None, "unique": [f"i{i}" for i in range(n)], "repeated": ["same"] * n}[ids]
    try:
        pool = infopick.make_pool(images, y, ids=id_arr)
    except DataError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert pool.images.dtype == np.uint8 and pool.images.ndim in (3, 4) and len(pool) == n >= 2
    assert len(set(pool.ids)) == n
    if pool.labels is not None:
        assert pool.labels.min() >= 0 and pool.labels.max() < len(pool.classes) <= 100_000


@st.composite
def small_pools(draw: st.DrawFn) -> infopick.Pool:
    n = draw(st.integers(2, 16))
    shape = draw(st.sampled_from([(8, 8), (5, 7), (6, 6, 3), (1, 1)]))
    kind = draw(st.sampled_from(KINDS[:4]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    if kind == "random":
        x = rng.integers(0, 256, size=(n, *shape), dtype=np.uint8)
    elif kind == "constant":
        x = np.full((n, *shape), draw(st.sampled_from([0, 255, 17])), dtype=np.uint8)
    elif kind == "duplicates":
        x = np.repeat(rng.integers(0, 256, size=(1, *shape), dtype=np.uint8), n, axis=0)
    else:
        x = (np.arange(n) % 2 * 255).astype(np.uint8).reshape(n, *([1] * len(shape))) * np.ones(shape, dtype=np.uint8)
    labels = draw(st.sampled_from([None, "one-class", "two"]))
    return infopick.make_pool(x, None if labels is None else labels_for(n, labels))


@pytest.fixture(scope="module")
def fuzz_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("fuzz-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INFOPICK_HOME", str(home))
        yield home


@pytest.fixture(scope="module")
def tiny_network() -> None:
    """The ``network`` measure trains the game's recipe: 10 steps here (the edges, not the learning, are under test)."""
    from dataclasses import replace

    from infopick.torchkit import recipes
    from tests.conftest import tiny

    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(recipes.RECIPES, "fast", replace(tiny(), train=replace(tiny().train, steps=10)))
        yield


@pytest.mark.parametrize("name", MEASURES)
@FAST_SETTINGS
@given(pool=small_pools(), data=st.data())
def test_every_measure_on_degenerate_pools(name: str, pool: infopick.Pool, data: st.DataObject, fuzz_home: Path,
                                           tiny_network: None) -> None:
    from infopick.measure import measure

    n = len(pool)
    sel = data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
    try:
        m = measure(pool, name, selection=sel)
    except InfopickError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert np.isfinite(m.bits_pool) and m.bits_pool >= 0 and np.all(np.isfinite(m.image_bits))
    assert 0 <= m.fraction <= 1 + 1e-9 and (m.bits_subset <= m.bits_pool + 1e-6 * max(1.0, m.bits_pool))
    if m.n_distinct == 1 or m.bits_pool == 0:  # nothing to learn beyond one image: any non-empty subset holds it all
        assert not sel or m.fraction == pytest.approx(1.0)


@pytest.mark.parametrize("embed", ["pixels", "pca", "umap"])
@pytest.mark.parametrize("name", ["random", "kcenter", "facility", "probcover", "typiclust", "kmeans", "herding", "logdet"])
@SLOW_SETTINGS
@given(pool=small_pools(), data=st.data())
def test_strategies_on_degenerate_pools_through_each_embedding(name: str, embed: str, pool: infopick.Pool,
                                                               data: st.DataObject, fuzz_home: Path) -> None:
    n = len(pool)
    budget = data.draw(budgets(n))
    try:
        sel = select(pool, budget, name, seed=0, embed=embed)
    except InfopickError as exc:
        assert str(exc) and "\n" not in str(exc)
        assert 1 <= budget <= n or isinstance(exc, BudgetError)
        return
    check_selection(sel, budget, n)


@pytest.mark.slow
def test_the_same_seed_and_input_give_the_same_picks_under_fuzzing() -> None:
    x = np.random.default_rng(5).normal(size=(25, 4)).astype(np.float32)
    for name in STRATEGIES:
        if registry()[name].family == "dynamics":  # they train on a pool's images (their own determinism: test_contract)
            continue
        y = labels_for(25, "many")
        a, b = (select(x, 6, name, seed=11, labels=y).indices for _ in range(2))
        assert np.array_equal(a, b), name


@pytest.mark.parametrize("seed", [-1, 2**63, True, 1.5, "3"])
def test_bad_seeds_are_refused_at_every_entry_point(seed: object, digits: infopick.Pool, home: Path) -> None:
    from infopick.embed import embed
    from infopick.game import play
    from infopick.measure import measure

    x = np.random.default_rng(0).normal(size=(20, 3))
    calls = {"select": lambda: select(x, 3, "random", seed=seed), "embed": lambda: embed(digits, "pca", seed=seed),
             "measure": lambda: measure(x, "coding-rate", seed=seed), "play": lambda: play(digits, [0, 1, 2], seed=seed)}
    for where, call in calls.items():
        with pytest.raises(InfopickError, match="seed must be an integer in 0..2"):
            call()
            pytest.fail(f"{where} took seed={seed!r}")


@pytest.mark.parametrize(("kind", "name", "params", "match"), [
    ("measure", "coding-rate", {"eps": float("nan")}, "eps=nan must be a finite number"),
    ("measure", "coding-rate", {"eps": "0.5"}, "must be a finite number"),
    ("measure", "coding-rate", {"dims": 0}, "dims=0 must be > 0"),
    ("measure", "label-bits", {"alpha": -1.0}, "must be > 0"),
    ("strategy", "hybrid", {"start": 3}, "must be a string"),
    ("strategy", "facility", {"k": "x"}, "must be an integer or None"),
    ("strategy", "herding", {"nope": 1}, "takes no arguments"),
    ("strategy", "kcenter", {"support": -1}, "support=-1 must be >= 0"),
    ("strategy", "kcenter", {"typical": 1.5}, r"typical=1.5 must lie in \[0, 1\]"),
    ("strategy", "auto", {"typical": 2}, r"typical=2 must lie in \[0, 1\]"),
    ("strategy", "facility", {"nope": 1}, "unexpected keyword argument .nope."),
    ("embedding", "umap", {"min_dist": -0.5}, "must be >= 0"),
    ("embedding", "pca", {"dim": True}, "must be an integer"),
])
def test_parameters_of_the_wrong_type_or_range_are_refused_by_name(kind: str, name: str, params: dict, match: str) -> None:
    from infopick.embed import get_embedder
    from infopick.measure import get_measure
    from infopick.select import get_strategy

    make = {"measure": get_measure, "strategy": get_strategy, "embedding": get_embedder}[kind]
    with pytest.raises(InfopickError, match=match):
        make(name, **params)
