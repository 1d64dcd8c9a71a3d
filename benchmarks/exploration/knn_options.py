"""Which FAISS index builds MNIST's kNN graph (PCA-50, 60000 points, k=20) fastest, at what recall?

    .venv/bin/python -m benchmarks.exploration.knn_options

The question behind it: issue 3's 20x over apricot is timed end to end, kNN graph included. Recall
is measured against the exact graph on the first 5000 points. One run each, 2 cores; the first row
is the setting ``infopick.neighbors`` uses above 20000 points.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import faiss
import numpy as np

import infopick
from infopick.embed import embed
from infopick.neighbors import knn_graph

K = 20


def main() -> None:
    x = np.ascontiguousarray(embed(infopick.load("mnist"), "pca"), dtype=np.float32)
    d = x.shape[1]
    exact = knn_graph(x, K, exact=True).indices[:5000]

    def run(name: str, make: Callable[[], object]) -> None:
        t0 = time.perf_counter()
        index = make()
        t1 = time.perf_counter()
        _, found = index.search(x, K + 1)  # type: ignore[attr-defined]
        t2 = time.perf_counter()
        rows = [r[r != i][:K] for i, r in enumerate(found[:5000])]
        recall = np.mean([len(np.intersect1d(a, b)) for a, b in zip(rows, exact, strict=True)]) / K
        print(f"| {name} | {t1 - t0:.2f} | {t2 - t1:.2f} | {t2 - t0:.2f} | {recall:.4f} |", flush=True)

    def ivf(nlist: int, nprobe: int, per: int = 256, niter: int = 10) -> Callable[[], object]:
        def make() -> object:
            index = faiss.IndexIVFFlat(faiss.IndexFlatL2(d), d, nlist)
            index.cp.seed, index.cp.niter = 0, niter
            index.cp.max_points_per_centroid, index.cp.min_points_per_centroid = per, 5
            index.train(x)
            index.add(x)
            index.nprobe = nprobe
            return index
        return make

    def hnsw(m: int, ef_construction: int, ef_search: int) -> Callable[[], object]:
        def make() -> object:
            index = faiss.IndexHNSWFlat(d, m)
            index.hnsw.efConstruction = ef_construction
            index.add(x)
            index.hnsw.efSearch = ef_search
            return index
        return make

    def fast_scan(nlist: int, nprobe: int, k_factor: int) -> Callable[[], object]:
        def make() -> object:
            index = faiss.index_factory(d, f"IVF{nlist},PQ25x4fs,RFlat")
            index.train(x)
            index.add(x)
            faiss.extract_index_ivf(index).nprobe = nprobe
            index.k_factor = k_factor
            return index
        return make

    print("| index | build s | search s | total s | recall@20 |\n|---|---|---|---|---|")
    run("IVFFlat nlist 979, nprobe 30, 256 training points per list (infopick's)", ivf(979, 30))
    run("IVFFlat 979 / 16", ivf(979, 16))
    run("IVFFlat 979 / 16, 64 per list", ivf(979, 16, 64))
    run("IVFFlat 490 / 10, 64 per list", ivf(490, 10, 64))
    run("IVFFlat 490 / 8, 64 per list", ivf(490, 8, 64))
    run("IVFFlat 245 / 6, 64 per list", ivf(245, 6, 64))
    run("IVFFlat 979 / 12, 39 per list, 5 k-means rounds", ivf(979, 12, 39, 5))
    run("HNSWFlat M 16, efConstruction 40, efSearch 32", hnsw(16, 40, 32))
    run("IVF490 PQ25x4 fast-scan + exact re-rank x4, nprobe 10", fast_scan(490, 10, 4))
    run("IVF979 PQ25x4 fast-scan + exact re-rank x4, nprobe 16", fast_scan(979, 16, 4))


if __name__ == "__main__":
    main()
