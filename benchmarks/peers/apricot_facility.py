"""apricot's facility location on given features; run with the peers environment's Python.

    benchmarks/peers/.venv/bin/python benchmarks/peers/apricot_facility.py FEATURES.npy K NEIGHBOURS OUT.json

Writes the picks (in order), the seconds of kNN graph + lazy greedy and of the graph alone to OUT.json.
apricot is never a dependency of infopick: it lives in benchmarks/peers/.venv only (see README.md here).
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np


def main() -> None:
    features, k, neighbours, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    from apricot import FacilityLocationSelection

    x = np.load(features, allow_pickle=False).astype(np.float64)
    # One warm-up on a small slice so numba's compile time is not charged to the measured run.
    FacilityLocationSelection(5, metric="precomputed", optimizer="lazy").fit(knn_similarity(x[:500], neighbours))
    t0 = time.perf_counter()
    sim = knn_similarity(x, neighbours)
    t1 = time.perf_counter()
    sel = FacilityLocationSelection(k, metric="precomputed", optimizer="lazy").fit(sim)
    seconds, graph_seconds = time.perf_counter() - t0, t1 - t0
    import apricot

    with open(out, "w") as fh:
        json.dump({"picks": [int(i) for i in sel.ranking], "seconds": seconds, "graph_seconds": graph_seconds,
                   "apricot": apricot.__version__}, fh)


def knn_similarity(x: np.ndarray, neighbours: int) -> object:
    """apricot 0.6.1's own sparse euclidean similarity (utils._calculate_pairwise_distances with
    n_neighbors): scikit-learn's KNeighborsTransformer graph, then max distance - distance.

    Built here rather than inside apricot because scikit-learn now returns int64 sparse indices,
    which apricot 0.6.1's numba kernels refuse (TypeError: No matching definition ... int64);
    cast to int32, the same graph goes through apricot's own 'precomputed' path.
    """
    from sklearn.neighbors import KNeighborsTransformer

    g = KNeighborsTransformer(n_neighbors=neighbours, metric="euclidean").fit_transform(x).tocsr()
    g.data = g.data.max() - g.data
    g.indices, g.indptr = g.indices.astype(np.int32), g.indptr.astype(np.int32)
    return g


if __name__ == "__main__":
    main()
