"""The shared kNN graph: exact against brute force, approximate close to exact, radius balls complete."""

from __future__ import annotations

import numpy as np
import pytest

import infopick
from infopick.neighbors import knn_graph, knn_of, radius_graph


def points(n: int = 300, d: int = 5, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)


def test_exact_graph_equals_brute_force_and_never_holds_self() -> None:
    x = points()
    g = knn_graph(x, 7, exact=True)
    d = np.linalg.norm(x[:, None] - x[None], axis=2)  # brute force: fine for 300 points in a test
    np.fill_diagonal(d, np.inf)
    assert np.array_equal(g.indices, np.argsort(d, axis=1)[:, :7])
    assert np.allclose(g.distances, np.sort(d, axis=1)[:, :7], atol=1e-4)
    assert not np.any(g.indices == np.arange(len(x))[:, None])


def test_approximate_graph_finds_most_true_neighbours(digits: infopick.Pool) -> None:
    x = digits.images.reshape(len(digits), -1).astype(np.float32)
    exact = knn_graph(x, 10, exact=True)
    approx = knn_graph(x, 10, exact=False)
    recall = np.mean([len(np.intersect1d(a, b)) / 10 for a, b in zip(exact.indices, approx.indices, strict=True)])
    assert recall > 0.95


def test_k_is_capped_by_the_pool_and_duplicates_are_handled() -> None:
    x = np.zeros((4, 2), dtype=np.float32)  # all identical: self may not come first
    g = knn_graph(x, 10)
    assert g.indices.shape == (4, 3)
    assert all(set(row) == set(range(4)) - {i} for i, row in enumerate(g.indices.tolist()))


def test_radius_graph_holds_every_pair_within_the_radius() -> None:
    x = points(200, 3)
    indptr, idx = radius_graph(x, 0.8)
    d = np.linalg.norm(x[:, None] - x[None], axis=2)
    for i in range(len(x)):
        assert set(idx[indptr[i] : indptr[i + 1]].tolist()) == set(np.flatnonzero(d[i] < 0.8).tolist())


def test_radius_graph_refuses_a_radius_that_would_not_fit() -> None:
    with pytest.raises(infopick.InfopickError, match="over the limit"):
        radius_graph(points(200, 3), 100.0, max_edges=1000)


@pytest.mark.parametrize("bad", [np.zeros((1, 3)), np.full((5, 2), np.nan), np.zeros(5)])
def test_bad_input_is_refused(bad: np.ndarray) -> None:
    with pytest.raises(infopick.InfopickError):
        knn_graph(bad, 3)


def test_knn_of_rows_matches_the_whole_graph() -> None:
    x = points(400, 4)
    rows = np.array([3, 50, 399])
    idx, dist = knn_of(x, rows, 6)
    g = knn_graph(x, 6)
    assert np.array_equal(idx, g.indices[rows]) and np.allclose(dist, g.distances[rows])


def test_radius_graph_of_query_rows_holds_each_querys_own_ball() -> None:
    x = points(200, 3)
    rows = np.array([0, 7, 150])
    indptr, idx = radius_graph(x, 0.8, queries=rows)
    d = np.linalg.norm(x[rows][:, None] - x[None], axis=2)
    for r in range(len(rows)):
        assert set(idx[indptr[r] : indptr[r + 1]].tolist()) == set(np.flatnonzero(d[r] < 0.8).tolist())


def test_the_index_kind_can_be_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    from infopick import neighbors

    monkeypatch.setenv("INFOPICK_KNN", "ivf")
    assert neighbors._exact(100) is False
    monkeypatch.setenv("INFOPICK_KNN", "exact")
    assert neighbors._exact(10**7) is True
    monkeypatch.setenv("INFOPICK_KNN", "hnsw")
    with pytest.raises(infopick.InfopickError, match="auto, exact or ivf"):
        neighbors._exact(10)
