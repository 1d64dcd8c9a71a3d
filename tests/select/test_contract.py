"""One contract over every registered strategy (scikit-learn's common checks, for selection).

Budget respected, indices unique and in range, same seed same indices, labels read only as declared.
"""

from __future__ import annotations

import numpy as np
import pytest

import infopick
from infopick.select import LabelUse, get_strategy, registry, select

STRATEGIES = list(registry())
N, D = 60, 5


class _Untouchable(np.ndarray):
    """A label array that fails on any read: a label-free strategy must never look at it."""

    def __array_finalize__(self, obj: object) -> None:
        pass

    def __getitem__(self, key: object) -> None:
        raise AssertionError("labels were read by a strategy that declares label_use=none")

    def __array__(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("labels were read by a strategy that declares label_use=none")

    def __array_ufunc__(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("labels were read by a strategy that declares label_use=none")

    def __array_function__(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("labels were read by a strategy that declares label_use=none")


def features(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(N, D)).astype(np.float32)


LABELS = np.arange(N) % 3


def data(name: str) -> np.ndarray | infopick.Pool:
    """What the strategy is given: the feature matrix, or, for those that train the game's network on images
    (training dynamics), a pool of 8x8 images whose class (LABELS) is a bright row, column or diagonal."""
    if registry()[name].family != "dynamics":
        return features()
    rng = np.random.default_rng(0)
    base = np.zeros((3, 8, 8))
    base[0, 3, :], base[1, :, 3], base[2][np.eye(8, dtype=bool)] = 200, 200, 200
    return infopick.make_pool(np.clip(base[LABELS] + rng.normal(scale=40, size=(N, 8, 8)), 0, 255).astype(np.uint8), LABELS)


@pytest.fixture(autouse=True, scope="module")
def private_home(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The training-dynamics strategies cache their scores under $INFOPICK_HOME: a private one here."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INFOPICK_HOME", str(tmp_path_factory.mktemp("contract-home")))
        yield


def labels_for(name: str) -> np.ndarray | None:
    return LABELS if registry()[name].label_use is not LabelUse.NONE else None


@pytest.mark.parametrize("name", STRATEGIES)
@pytest.mark.parametrize("budget", [1, 7, N - 1, N])
@pytest.mark.slow
def test_exactly_budget_unique_in_range(name: str, budget: int) -> None:
    sel = select(data(name), budget, name, seed=0, labels=LABELS)
    idx = sel.indices
    assert idx.dtype == np.int64 and idx.shape == (budget,)
    assert len(np.unique(idx)) == budget
    assert idx.min() >= 0 and idx.max() < N
    assert sel.strategy == name and sel.label_use == registry()[name].label_use


@pytest.mark.parametrize("name", STRATEGIES)
@pytest.mark.slow
def test_same_seed_same_indices_other_seed_differs(name: str) -> None:
    a = select(data(name), 20, name, seed=3, labels=LABELS).indices
    b = select(data(name), 20, name, seed=3, labels=LABELS).indices
    c = select(data(name), 20, name, seed=4, labels=LABELS).indices
    assert np.array_equal(a, b)
    if not registry()[name].seed_free:  # a score ranking (training dynamics) picks the same whatever the seed
        assert not np.array_equal(a, c)


@pytest.mark.parametrize("name", STRATEGIES)
@pytest.mark.slow
def test_generator_seed_is_honoured_and_global_rng_untouched(name: str) -> None:
    state = np.random.get_state()[1].copy()
    a = select(data(name), 10, name, seed=np.random.default_rng(5), labels=LABELS).indices
    b = select(data(name), 10, name, seed=np.random.default_rng(5), labels=LABELS).indices
    assert np.array_equal(a, b)
    assert np.array_equal(np.random.get_state()[1], state)


@pytest.mark.parametrize("name", [n for n in STRATEGIES if registry()[n].label_use is LabelUse.NONE])
def test_label_free_strategies_never_read_labels(name: str) -> None:
    trap = np.zeros(N, dtype=np.int64).view(_Untouchable)
    sel = get_strategy(name).select(features(), 10, rng=np.random.default_rng(0), labels=trap)
    assert len(sel.indices) == 10


@pytest.mark.parametrize("name", [n for n in STRATEGIES if registry()[n].label_use is LabelUse.NONE])
@pytest.mark.slow
def test_label_free_strategies_ignore_labels_given_to_select(name: str) -> None:
    a = select(features(), 10, name, seed=1, labels=LABELS).indices
    b = select(features(), 10, name, seed=1, labels=(LABELS + 1) % 3).indices
    assert np.array_equal(a, b)


@pytest.mark.parametrize("name", [n for n in STRATEGIES if registry()[n].label_use is not LabelUse.NONE])
def test_label_using_strategies_refuse_a_pool_without_labels(name: str) -> None:
    with pytest.raises(infopick.InfopickError, match="reads labels"):
        select(features(), 10, name, seed=0)


@pytest.mark.parametrize("budget", [0, -1, N + 1, 2.5, True])
def test_budget_outside_pool_is_refused(budget: object) -> None:
    with pytest.raises(infopick.BudgetError):
        select(features(), budget, "random", seed=0)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [np.full((4, 2), np.nan), np.zeros(4), np.array([["a", "b"]] * 4)])
def test_bad_features_are_refused(bad: np.ndarray) -> None:
    with pytest.raises(infopick.InfopickError):
        select(bad, 2, "random", seed=0)


@pytest.mark.parametrize(("name", "params", "words"), [("facility", {"k": -3}, "k=-3 must be > 0"),
                                                        ("logdet", {"eps": float("nan")}, "eps=nan")])
def test_parameters_are_checked_however_the_strategy_was_built(name: str, params: dict, words: str) -> None:
    built = registry()[name](**params)  # by hand, not by name: the registry's check never ran
    with pytest.raises(infopick.InfopickError, match=words):
        select(np.zeros((30, 2)), 3, built, seed=0)


@pytest.mark.parametrize("name", STRATEGIES)
@pytest.mark.parametrize("budget", [1, 9, N - 20 - 5])
@pytest.mark.slow
def test_given_and_excluded_rows_are_never_picked_or_the_strategy_says_it_cannot(name: str, budget: int) -> None:
    from infopick.errors import InfopickError

    given, excluded = np.arange(0, 40, 2), np.array([1, 3, 5, 7, 9])
    gl = LABELS[given] if registry()[name].label_use is LabelUse.PICKED else None
    if not registry()[name].continues:
        with pytest.raises(InfopickError, match="cannot continue from a given set; these can: .*kcenter"):
            select(data(name), budget, name, seed=0, labels=LABELS, given=given)
        return
    sel = select(data(name), budget, name, seed=0, labels=LABELS, given=given, given_labels=gl, exclude=excluded)
    idx = sel.indices
    assert idx.shape == (budget,) and len(np.unique(idx)) == budget and idx.min() >= 0 and idx.max() < N
    assert not set(idx) & (set(given) | set(excluded))
    again = select(data(name), budget, name, seed=0, labels=LABELS, given=given, given_labels=gl, exclude=excluded)
    assert np.array_equal(again.indices, idx) and sel.meta["given"] == len(given) and sel.meta["excluded"] == len(excluded)
