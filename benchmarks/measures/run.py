"""Which information measure means something: rank correlation of each measure's M/N with accuracy.

Reproduce (from the repository root, after `make demo`)::

    .venv/bin/python -m benchmarks.measures.run selections   # re-pick every fast-recipe cell's subset (stored once)
    .venv/bin/python -m benchmarks.measures.run measure      # every measure of every stored subset (resumable)
    .venv/bin/python -m benchmarks.measures.run table        # Spearman rho per measure and budget, bootstrap 95 % CI
    .venv/bin/python -m benchmarks.measures.run pool         # N, M and K at 90 / 99 / 99.9 % on MNIST, with seconds

The subsets are those of the strategy benchmark (benchmarks/game/strategies.py, recipe ``fast``):
every strategy, K=100 and K=1000, with its seeds. Strategies are deterministic for a seed, so
``selections`` picks each subset again and checks it against the class histogram stored with
its accuracy (a mismatch is reported and the cell left out). Subsets go to
results/selections.jsonl, measures to results/measures.jsonl, one line per cell.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

import infopick
import infopick.measure
from benchmarks.common import load_rows, recipe_id, results_dir
from infopick.bench.stats import spearman_interval

HERE = results_dir("measures")
SELECTIONS = HERE / "selections.jsonl"
MEASURES = HERE / "measures.jsonl"
SOURCES = (results_dir("game") / "strategies.jsonl", results_dir("game") / "game_baselines.jsonl")


def _key(r: dict) -> str:
    return json.dumps([r["strategy"], r.get("embed"), r.get("params"), r["budget"], r["seed"]], sort_keys=True)


def accuracy_rows() -> list[dict]:
    """The fast-recipe cells with their accuracies, one per subset (the last stored wins)."""
    rid = recipe_id("fast")
    rows = [r for src in SOURCES for r in load_rows(src) if r["recipe_id"] == rid]
    return list({_key(r): r for r in rows}.values())


def selections() -> None:
    pool = infopick.load("mnist")
    done = {r["key"] for r in load_rows(SELECTIONS)}
    for r in accuracy_rows():
        if _key(r) in done:
            continue
        t0 = time.perf_counter()
        sel = infopick.select(pool, r["budget"], r["strategy"], seed=r["seed"], embed=r.get("embed"), **(r.get("params") or {}))
        hist = np.bincount(pool.labels[sel.indices], minlength=10)
        same = {str(c): int(v) for c, v in enumerate(hist) if v} == {k: v for k, v in r["class_histogram"].items() if v}
        row = {"key": _key(r), "strategy": r["strategy"], "embed": r.get("embed"), "params": r.get("params"),
               "budget": r["budget"], "seed": r["seed"], "same_histogram": same, "indices": sel.indices.tolist()}
        with SELECTIONS.open("a") as fh:
            fh.write(json.dumps(row) + "\n")
        print(f"{r['strategy']:11s} K={r['budget']:5d} seed {r['seed']}: {time.perf_counter() - t0:5.1f} s "
              f"{'same subset' if same else 'HISTOGRAM DIFFERS'}", flush=True)


# (measure, embedding, parameters): each measure at its defaults, then on another embedding.
CONFIGS: list[tuple[str, str | None, dict]] = [
    ("coverage", "umap", {}), ("coverage", "pca", {}), ("coding-rate", "umap", {}), ("coding-rate", "pca", {}),
    ("compression", None, {}), ("label-bits", "umap", {}),
    # Explored after the first table (so these are chosen with the benchmark in view; see RESULTS.md):
    ("coverage", "umap", {"purity": 0.99}), ("coverage", "pca", {"purity": 0.99}),
    ("coding-rate", "pca", {"eps": 0.5}), ("coding-rate", "pca", {"eps": 1.0}),
    ("coding-rate", "autoencoder", {}), ("coding-rate", "contrastive", {}),
    ("coverage", "autoencoder", {}), ("coverage", "contrastive", {}), ("label-bits", "pca", {}),
    # Explored after those (a scratch scan showed the top 10-20 PCA axes doing better at K=1000):
    ("coding-rate", "pca", {"dims": 10}), ("coding-rate", "pca", {"dims": 20}),
]


def _config_key(name: str, embed: str | None, params: dict) -> str:
    return json.dumps([name, embed, params], sort_keys=True)


def measure_all() -> None:
    from infopick.measure import fit_pool

    pool = infopick.load("mnist")
    subsets = [r for r in load_rows(SELECTIONS) if r["same_histogram"]]
    done = {(r["config"], r["key"]) for r in load_rows(MEASURES)}
    for name, embed, params in CONFIGS:
        config = _config_key(name, embed, params)
        todo = [s for s in subsets if (config, s["key"]) not in done]
        if not todo:
            continue
        t0 = time.perf_counter()
        pm = fit_pool(pool, name, embed=embed, seed=0, **params)
        fit = time.perf_counter() - t0
        rows = []
        for s in todo:
            t1 = time.perf_counter()
            picked = pm.subset(s["indices"])
            bits = pm.fitted.bits(picked)
            rows.append({"config": config, "key": s["key"], "measure": name, "embed": embed, "params": params,
                         "strategy": s["strategy"], "budget": s["budget"], "seed": s["seed"], "bits_pool": pm.bits_pool,
                         "bits_subset": bits, "fraction": bits / pm.bits_pool, **pm.fitted.subset_facts(picked),
                         "seconds": time.perf_counter() - t1, "fit_seconds": fit})
        with MEASURES.open("a") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in rows)
        print(f"{name:12s} {embed or '-':6s} fit {fit:5.1f} s, {len(rows)} subsets in {time.perf_counter() - t0 - fit:5.1f} s", flush=True)


def correlations() -> list[dict]:
    """One row per (measure config, quantity, budget): rho of the quantity with test accuracy."""
    acc = {_key(r): r["accuracy_test"] for r in accuracy_rows()}
    rows = [r for r in load_rows(MEASURES) if r["key"] in acc]
    out = []
    for config in dict.fromkeys(r["config"] for r in rows):
        rs = [r for r in rows if r["config"] == config]
        for q in ("fraction", "covered", "facility"):
            if q not in rs[0]:
                continue
            for budget in sorted({r["budget"] for r in rs}):
                b = [r for r in rs if r["budget"] == budget]
                rho, lo, hi = spearman_interval([r[q] for r in b], [acc[r["key"]] for r in b])
                # Split halves by seed: a quantity chosen by looking at this table should hold on both.
                halves = [[r for r in b if (r["seed"] <= 1) == first] for first in (True, False)]
                rho_a, rho_b = (spearman_interval([r[q] for r in h], [acc[r["key"]] for r in h], reps=0)[0] for h in halves)
                out.append({"measure": rs[0]["measure"], "embed": rs[0]["embed"], "params": rs[0]["params"], "quantity": q,
                            "budget": budget, "subsets": len(b), "rho": rho, "lo": lo, "hi": hi, "rho_seeds01": rho_a,
                            "rho_seeds2plus": rho_b,
                            "labels": infopick.measure.registry()[rs[0]["measure"]].label_use.value})
    return out


def table() -> None:
    rows = correlations()
    print("| measure | embedding | parameters | quantity | labels | K | subsets | Spearman rho | 95 % bootstrap CI | rho seeds 0-1 | rho seeds 2-4 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        params = ", ".join(f"{k}={v}" for k, v in r["params"].items()) or "defaults"
        print(f"| {r['measure']} | {r['embed'] or 'pixels'} | {params} | {r['quantity']} | {r['labels']} | {r['budget']} | {r['subsets']} | "
              f"{r['rho']:+.2f} | {r['lo']:+.2f} .. {r['hi']:+.2f} | {r['rho_seeds01']:+.2f} | {r['rho_seeds2plus']:+.2f} |")


POOL = HERE / "measures_pool.jsonl"


def pool_table(run: bool = True) -> None:
    """N (pool), M (random K=100 and K=1000, seed 0), M / N, K at 90 / 99 / 99.9 %, seconds: every measure at its defaults."""
    import platform

    from infopick.measure import DEFAULT_MEASURE_EMBED, fit_pool, registry

    # Every measure at its defaults, then coverage on UMAP (the selection default): same rule, coarser geometry;
    # then coverage with power=log-n, the measure declared in benchmarks/rho/declared.py.
    configs: list[tuple[str, str | None, dict]] = [(name, None, {}) for name in registry()]
    configs += [("coverage", "umap", {}), ("coverage", None, {"power": "log-n"})]
    if run:
        pool = infopick.load("mnist")
        subsets = {k: infopick.select(pool, k, "random", seed=0).indices for k in (100, 1000)}
        done = {_pool_key(r) for r in load_rows(POOL)}
        for name, embed, variant in configs:
            resolved = embed or (DEFAULT_MEASURE_EMBED if registry()[name].input.value == "features" else None)
            if _pool_key({"measure": name, "embed": resolved, "variant": variant}) in done:
                continue
            t0 = time.perf_counter()
            pm = fit_pool(pool, name, embed=embed, seed=0, **variant)
            m = pm.measure(subsets[1000])
            row = {"measure": name, "variant": variant, "encoder": m.encoder, "params": m.params, "embed": m.facts.get("embed"), "n": m.n,
                   "bits_pool": m.bits_pool, "bits_random_1000": m.bits_subset, "fraction_random_1000": m.fraction,
                   "fraction_random_100": pm.fraction(subsets[100]), "k_for": m.k_for, "seconds": m.seconds,
                   "seconds_total": time.perf_counter() - t0, "facts": m.facts, "machine": f"{platform.machine()}, {_threads()} threads"}
            with POOL.open("a") as fh:
                fh.write(json.dumps(row) + "\n")
            print(f"{name}: N {m.bits_pool:.4g} bits, random 1000 holds {m.fraction:.4f}, K {m.k_for}, {row['seconds_total']:.1f} s", flush=True)
    rows = list({_pool_key(r): r for r in load_rows(POOL)}.values())
    print("| measure | embedding | encoder | N = bits of the pool | M/N random K=100 | M/N random K=1000 | K for 90 % | 99 % | 99.9 % | seconds (fit + subset + curve) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        s = r["seconds"]
        k = r["k_for"]
        name = " ".join([r["measure"], *(f"{k}={v}" for k, v in r.get("variant", {}).items())])
        print(f"| {name} | {r['embed'] or 'pixels'} | {r['encoder']} | {r['bits_pool']:.4g} | {r['fraction_random_100']:.4f} | {r['fraction_random_1000']:.4f} | "
              f"{k['0.9']} | {k['0.99']} | {k['0.999']} | {s['fit']:.1f} + {s['subset']:.1f} + {s['curve']:.1f} |")


def _pool_key(row: dict) -> tuple[str, str | None, str]:
    """A pool row's identity: measure, embedding and the parameters set away from the defaults."""
    return row["measure"], row["embed"], json.dumps(row.get("variant", {}), sort_keys=True)


def _threads() -> int:
    import torch

    return torch.get_num_threads()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("stage", choices=["selections", "measure", "table", "pool", "pool-table"])
    a = p.parse_args()
    stages = {"selections": selections, "measure": measure_all, "table": table, "pool": pool_table,
              "pool-table": lambda: pool_table(run=False)}
    stages[a.stage]()


if __name__ == "__main__":
    main()
