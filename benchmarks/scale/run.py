"""Pools of 10^4 to 10^6 images: seconds and peak memory of embedding + selection, K = n / 100.

Reproduce (from the repository root, after `make demo`)::

    .venv/bin/python -m benchmarks.scale.run --n 10000,100000,1000000      # one process per run
    .venv/bin/python -m benchmarks.scale.run --n 100000 --engine ray --shards 4
    .venv/bin/python -m benchmarks.scale.run --table
    .venv/bin/python -m benchmarks.scale.run --figure                      # results/scale.png

The pool: MNIST's 60000 training images cycled and shifted by -2..2 pixels in each direction
(seeded), written once as a uint8 `.npy` under $SCALE_DIR (default /tmp/infopick-scale) and read
as `npy:FILE` (memory-mapped). Each (n, strategy, engine) runs in a fresh process with its own,
emptied embedding cache, so the seconds include the PCA-50 embedding (out of core above 200000
images; with --engine ray its chunks run as Ray tasks)
and the peak resident memory is that process's (with Ray: the driver's only, not the workers'). Objective: facility = sum of greedy gains on the
sparse kNN graph (for a sharded run: the same graph, built after the timed and measured part);
kcenter = covering radius in PCA units,
from an exact search of every image against the picks. Rows go to results/scale.jsonl.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from infopick.neighbors import KnnGraph

RESULTS = Path(__file__).parent / "results" / "scale.jsonl"
SCALE_DIR = Path(os.environ.get("SCALE_DIR", "/tmp/infopick-scale"))


def pool_file(n: int) -> Path:
    """MNIST cycled to n images, each shifted by a seeded (dy, dx) in -2..2; uint8 .npy + labels."""
    path = SCALE_DIR / f"mnist-shifted-{n}.npy"
    if path.is_file():
        return path
    import infopick

    base = infopick.load("mnist")
    SCALE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint8, shape=(n, 28, 28))
    rng = np.random.default_rng(0)
    shifts = rng.integers(-2, 3, size=(n, 2))
    for start in range(0, n, 60000):
        idx = np.arange(start, min(n, start + 60000))
        src = base.images[idx % len(base)]
        for (dy, dx) in {tuple(s) for s in shifts[idx]}:
            m = np.all(shifts[idx] == (dy, dx), axis=1)
            out[idx[m]] = np.roll(src[m], (dy, dx), axis=(1, 2))  # MNIST borders are blank: a roll is a shift
    out.flush()
    del out
    np.save(path.with_name(path.name[:-4] + ".labels.npy"), base.labels[np.arange(n) % len(base)])
    os.replace(tmp, path)
    return path


def objective_graph(z: np.ndarray, n: int, k: int) -> KnnGraph:
    """The central greedy's kNN graph of the pool's embedding, kept under $SCALE_DIR: at 10^6 it takes
    ~470 s, and every sharded run of that pool is scored on the same one (the embedding is seeded)."""
    from infopick.neighbors import KnnGraph, knn_graph

    path = SCALE_DIR / f"graph-{n}-k{k}.npz"
    x = np.ascontiguousarray(z, dtype=np.float32)
    stamp = np.frombuffer(hashlib.sha256(x.tobytes()).digest(), dtype=np.uint8)
    if path.is_file():
        with np.load(path, allow_pickle=False) as f:
            if np.array_equal(f["stamp"], stamp):
                return KnnGraph(f["indices"], f["distances"])
    graph = knn_graph(x, k)
    np.savez(path, indices=graph.indices, distances=graph.distances, stamp=stamp)
    return graph


def one(n: int, strategy: str, engine: str, shards: int | None, objective_of_shards: bool = True) -> dict:
    """Runs in its own process: load (mmap), embed, select; seconds and peak RSS of this process."""
    import resource

    import infopick
    from infopick.embed import embed

    t0 = time.perf_counter()
    pool = infopick.load(f"npy:{pool_file(n)}")
    t_load = time.perf_counter() - t0
    eng = None
    if engine == "ray":  # the embedding's chunks as Ray tasks too (out of core above 200000 images)
        from infopick.engine import get_engine

        eng = get_engine("ray")
    t0 = time.perf_counter()
    z = embed(pool, "pca", seed=0, engine=eng)
    t_embed = time.perf_counter() - t0
    budget = n // 100
    t0 = time.perf_counter()
    sel = infopick.select(z, budget, strategy, seed=0, engine=engine, shards=shards)
    t_select = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # before the objective's own work
    objective = None
    if strategy == "facility" and sel.gains is not None:
        objective = float(np.sum(sel.gains))
    elif strategy == "facility" and objective_of_shards:  # the same graph central greedy uses, built after timing
        from infopick.objectives.facility import facility_similarity, facility_value

        k = int(np.clip(n // budget, 20, 300))
        objective = facility_value(facility_similarity(objective_graph(z, n, k)), sel.indices)
    if strategy == "kcenter":
        import faiss

        x = np.ascontiguousarray(z, dtype=np.float32)
        index = faiss.IndexFlatL2(x.shape[1])
        index.add(x[sel.indices])
        d2 = np.concatenate([index.search(x[s : s + 100_000], 1)[0][:, 0] for s in range(0, len(x), 100_000)])
        objective = float(np.sqrt(d2.max()))
    return {"n": n, "budget": budget, "strategy": strategy, "engine": engine, "shards": shards, "seconds_load": t_load,
            "seconds_embed": t_embed, "seconds_select": t_select, "seconds_total": t_load + t_embed + t_select,
            "objective": objective, "peak_rss_gib": peak,
            "threads": os.cpu_count()}


def table() -> None:
    rows = [json.loads(line) for line in RESULTS.read_text().splitlines()] if RESULTS.is_file() else []
    print("| n | K | strategy | engine | embed s | select s | total s | peak GiB | objective | commit |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        eng = r["engine"] + (f" ({r['shards']} shards)" if r["shards"] else "")
        obj = "" if r["objective"] is None else f"{r['objective']:.6g}"
        print(f"| {r['n']} | {r['budget']} | {r['strategy']} | {eng} | {r['seconds_embed']:.1f} | {r['seconds_select']:.1f} | "
              f"{r['seconds_total']:.1f} | {r['peak_rss_gib']:.2f} | {obj} | {r.get('commit', 'before 2901dbd')} |")


def figure() -> None:
    """Seconds and peak GiB against n (log-log) for the single-machine runs of the newest commit that has each n."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = RESULTS.with_suffix(".png")
    rows = [json.loads(line) for line in RESULTS.read_text().splitlines()]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for strategy, marker in (("facility", "o"), ("kcenter", "s")):
        latest: dict[int, dict] = {}
        for r in rows:  # later lines win: the newest measurement of each n
            if r["strategy"] == strategy and r["engine"] == "local" and not r["shards"]:
                latest[r["n"]] = r
        ns = np.array(sorted(latest))
        secs = np.array([latest[n]["seconds_embed"] + latest[n]["seconds_select"] for n in ns])
        gib = np.array([latest[n]["peak_rss_gib"] for n in ns])
        for ax, ys in ((axes[0], secs), (axes[1], gib)):
            slope = np.polyfit(np.log10(ns[1:]), np.log10(ys[1:]), 1)[0] if len(ns) > 2 else float("nan")
            ax.loglog(ns, ys, marker=marker, label=f"{strategy} (K = n/100): ~n^{slope:.2f} from 10^5 to 10^6")
    axes[0].set(xlabel="pool size n (images)", ylabel="seconds, embedding + selection", title="Time (2 cores)")
    axes[0].axhline(600, color="grey", ls="--", lw=1, label="target: 10 min")
    axes[1].set(xlabel="pool size n (images)", ylabel="peak resident memory (GiB)", title="Memory")
    axes[1].axhline(8, color="grey", ls="--", lw=1, label="target: 8 GiB")
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", default="10000,100000")
    p.add_argument("--strategies", default="facility,kcenter")
    p.add_argument("--engine", default="local")
    p.add_argument("--shards", type=int)
    p.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--table", action="store_true")
    p.add_argument("--figure", action="store_true", help="time and memory against n -> results/scale.png")
    a = p.parse_args()
    if a.table:
        table()
        return
    if a.figure:
        figure()
        return
    if a.one:
        print(json.dumps(one(int(a.n), a.strategies, a.engine, a.shards)))
        return
    for n in (int(v) for v in a.n.split(",")):
        pool_file(n)
        for strategy in a.strategies.split(","):
            home = SCALE_DIR / f"home-{n}-{strategy}-{a.engine}"
            shutil.rmtree(home / "embed", ignore_errors=True)  # a cold embedding, also on a rerun
            env = {**os.environ, "INFOPICK_HOME": str(home)}
            cmd = [sys.executable, __file__, "--one", "--n", str(n), "--strategies", strategy, "--engine", a.engine]
            cmd += ["--shards", str(a.shards)] if a.shards else []
            out = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if out.returncode != 0:
                print(f"n={n} {strategy}: failed\n{out.stderr[-3000:]}", file=sys.stderr)
                continue
            row = json.loads(out.stdout.strip().splitlines()[-1])
            row["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
            RESULTS.parent.mkdir(parents=True, exist_ok=True)
            with RESULTS.open("a") as fh:
                fh.write(json.dumps(row) + "\n")
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
