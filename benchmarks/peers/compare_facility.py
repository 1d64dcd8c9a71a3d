"""infopick's ``facility`` against apricot's FacilityLocationSelection: seconds and objective, side by side.

Reproduce (from the repository root; the peers environment once, then the comparison)::

    python3 -m venv benchmarks/peers/.venv
    benchmarks/peers/.venv/bin/pip install apricot-select==0.6.1 scikit-learn
    .venv/bin/python -m benchmarks.peers.compare_facility --budget 1000 --neighbours 20

Same features (PCA-50 of the 60000 MNIST training images, infopick's ``pca`` embedding, seed 0),
same similarity (apricot's sparse euclidean convention: sim = largest kNN distance - distance,
each point serving itself and its k nearest neighbours) and the same k. Both selections are
scored with one objective on the exact kNN graph. infopick is timed twice: with its default
(approximate, FAISS IVF) graph and with the exact graph; apricot's time includes its own
(exact, scikit-learn) kNN graph, as infopick's does.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

import infopick
from infopick import neighbors
from infopick.embed import embed
from infopick.neighbors import knn_graph
from infopick.objectives.facility import facility_similarity, facility_value, lazy_greedy_facility

PEERS = Path(__file__).parent
RESULTS = PEERS / "results" / "peers_facility.jsonl"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--budget", type=int, default=1000)
    p.add_argument("--neighbours", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    pool = infopick.load("mnist")
    z = embed(pool, "pca")
    sim = facility_similarity(knn_graph(z, a.neighbours, exact=True))

    runs = {}
    neighbors.clear_cache()  # the graph cache would hide the graph's cost: time each run cold
    t0 = time.perf_counter()
    picks = infopick.select(z, a.budget, "facility", seed=a.seed, k=a.neighbours).indices
    runs["infopick facility (default: IVF graph)"] = {"seconds": time.perf_counter() - t0, "picks": picks}
    neighbors.clear_cache()
    t0 = time.perf_counter()
    graph = knn_graph(z, a.neighbours, exact=True)
    t1 = time.perf_counter()
    first = int(np.random.default_rng(a.seed).integers(len(z)))  # the strategy's own first pick for this seed
    picks, _ = lazy_greedy_facility(facility_similarity(graph), a.budget, first=first)
    t2 = time.perf_counter()
    runs["infopick facility (exact graph)"] = {"seconds": t2 - t0, "graph_seconds": t1 - t0, "picks": picks}

    with tempfile.TemporaryDirectory() as tmp:
        feats, out = Path(tmp) / "z.npy", Path(tmp) / "apricot.json"
        np.save(feats, z, allow_pickle=False)
        subprocess.run([str(PEERS / ".venv" / "bin" / "python"), str(PEERS / "apricot_facility.py"), str(feats),
                        str(a.budget), str(a.neighbours), str(out)], check=True)
        ap = json.loads(out.read_text())
    runs[f"apricot {ap['apricot']} FacilityLocationSelection (lazy)"] = {
        "seconds": ap["seconds"], "graph_seconds": ap["graph_seconds"], "picks": np.asarray(ap["picks"])}

    ref = facility_value(sim, runs[next(k for k in runs if k.startswith("apricot"))]["picks"])
    print(f"| K={a.budget}, k={a.neighbours} | seconds | of which kNN graph | greedy (+ similarity) | objective (exact graph) | % of apricot's |")
    print("|---|---|---|---|---|---|")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    for label, r in runs.items():
        value = facility_value(sim, r["picks"])
        graph_s = r.get("graph_seconds")
        split = f"{graph_s:.2f} | {r['seconds'] - graph_s:.2f}" if graph_s is not None else "- | -"
        print(f"| {label} | {r['seconds']:.2f} | {split} | {value:.1f} | {100 * value / ref:.3f} |")
        with RESULTS.open("a") as fh:
            fh.write(json.dumps({"run": label, "budget": a.budget, "neighbours": a.neighbours, "seed": a.seed,
                                 "seconds": r["seconds"], "graph_seconds": graph_s, "objective": value,
                                 "percent_of_apricot": 100 * value / ref}) + "\n")


if __name__ == "__main__":
    main()
