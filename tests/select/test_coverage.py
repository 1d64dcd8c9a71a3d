"""Planted answers for probcover, typiclust and facility; lazy greedy = naive greedy; brute force on a tiny set."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from infopick.neighbors import knn_graph
from infopick.objectives.coverage import purity_radius
from infopick.objectives.facility import facility_similarity, facility_value, lazy_greedy_facility
from infopick.objectives.geometry import kmeans
from infopick.select import select

from .test_geometry import blobs


def test_probcover_takes_the_biggest_ball_first_then_the_next_blob() -> None:
    x, label = blobs((30, 20, 10))
    sel = select(x, 3, "probcover", seed=0, delta=1.0)
    assert label[sel.indices].tolist() == [0, 1, 2]
    assert sel.gains.tolist() == [30, 20, 10]


def test_probcover_picks_at_random_once_everything_is_covered() -> None:
    x, _ = blobs((30, 20, 10))
    sel = select(x, 10, "probcover", seed=0, delta=1.0)
    assert sel.gains[3:].tolist() == [0] * 7


def test_purity_radius_lies_between_the_blob_scale_and_the_gap() -> None:
    x, _ = blobs((30, 30, 30, 30), spread=0.2)
    delta = purity_radius(x, np.arange(len(x)), 40, clusters=4, purity=0.95, rng=np.random.default_rng(0))
    assert 0.2 < delta < 10.0


def test_typiclust_takes_the_densest_point_of_each_blob() -> None:
    x, label = blobs((30, 20, 10), spread=0.3)
    sel = select(x, 3, "typiclust", seed=0, k=5)
    assert sorted(label[sel.indices].tolist()) == [0, 1, 2]
    graph = knn_graph(x, 5)
    density = graph.distances.mean(1)
    for i in sel.indices:
        members = np.flatnonzero(label == label[i])
        assert density[i] == density[members].min()


def naive_greedy(sim: object, budget: int, first: int) -> list[int]:
    picks = [first]
    while len(picks) < budget:
        base = facility_value(sim, np.array(picks))
        gains = [(facility_value(sim, np.array([*picks, j])) - base, -j) for j in range(sim.shape[0]) if j not in picks]  # type: ignore[attr-defined]
        picks.append(-max(gains)[1])
    return picks


@pytest.mark.parametrize("seed", range(3))
def test_lazy_greedy_equals_naive_greedy(seed: int) -> None:
    x = np.random.default_rng(seed).normal(size=(40, 3)).astype(np.float32)
    sim = facility_similarity(knn_graph(x, 6))
    lazy, gains = lazy_greedy_facility(sim, 8, first=seed)
    assert lazy.tolist() == naive_greedy(sim, 8, seed)
    assert np.isclose(gains.sum(), facility_value(sim, lazy))


def test_lazy_greedy_equals_naive_greedy_with_rows_longer_than_numpys_sum_block() -> None:
    # k = 150: each row sums 151 terms, past numpy's 128-term block, so the compiled gain walks
    # numpy's pairwise tree (its explicit stack) to see the same floats as numpy would.
    x = np.random.default_rng(7).normal(size=(180, 4)).astype(np.float32)
    sim = facility_similarity(knn_graph(x, 150))
    lazy, _ = lazy_greedy_facility(sim, 6, first=3)
    assert lazy.tolist() == naive_greedy(sim, 6, 3)


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 127, 128, 129, 300, 1001, 4099])
def test_compiled_gain_sums_exactly_as_numpy(n: int) -> None:
    from infopick.objectives._facility_kernel import _pairwise

    a = np.random.default_rng(n).random(n) * np.random.default_rng(n + 1).choice([1e-3, 1.0, 1e3], n)
    assert _pairwise(a, 0, n) == float(a.sum())  # bit for bit: the picks of the old numpy loop are kept


def test_lazy_greedy_takes_rows_that_serve_nothing_last() -> None:
    from scipy import sparse

    sim = sparse.csr_matrix(np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]))  # trailing empty rows
    picks, gains = lazy_greedy_facility(sim, 3)
    assert picks.tolist() == [0, 1, 2] and gains.tolist() == [3.0, 0.0, 0.0]


def test_facility_greedy_reaches_the_brute_force_optimum_on_a_tiny_set() -> None:
    x, _ = blobs((6, 5, 4), spread=0.5, seed=2)
    sim = facility_similarity(knn_graph(x, 5))
    best = max(facility_value(sim, np.array(s)) for s in itertools.combinations(range(len(x)), 3))
    picks, _ = lazy_greedy_facility(sim, 3)
    assert facility_value(sim, picks) >= (1 - 1 / np.e) * best
    assert facility_value(sim, picks) == pytest.approx(best)  # well-separated blobs: greedy is optimal here


def test_kmeans_helper_is_seeded() -> None:
    x = np.random.default_rng(0).normal(size=(300, 4)).astype(np.float32)
    a = kmeans(x, 7, np.random.default_rng(1))[1]
    b = kmeans(x, 7, np.random.default_rng(1))[1]
    assert np.array_equal(a, b)


def test_probcover_on_a_sample_of_targets_still_covers_every_blob() -> None:
    x, label = blobs((300, 200, 100))
    sel = select(x, 3, "probcover", seed=0, delta=1.0, sample=60)
    assert sorted(label[sel.indices].tolist()) == [0, 1, 2]
    assert sel.gains.sum() == 60  # every sampled target covered, once
