"""The last encoder family for issue 15's near-copy target: SimCLR taught the nuisance model itself.

    .venv/bin/python -m benchmarks.stress.copy_views            # ~25 minutes on 2 cores -> results/copy_views.md
    .venv/bin/python -m benchmarks.stress.copy_views --radius   # ~1 minute -> results/copy_views_radius.md

A development study after copy_orbit.py, on its pool, draws and ratio (20000 MNIST training images,
seed-0 permutation; per seed 100 picks, 100 other images, 500 calibration images; what 100 near-copies
of the picks add over what the 100 other images add, under power-mean coverage p = ln n with distances
floored at the encoder's nuisance radius, the 90 % quantile of the calibration copies at strength 1).
No accuracies; nothing adopted. The encoder is the ``contrastive`` embedder (SimCLR, NT-Xent), trained
on the pool with every copy in it (what a measure would see), with ``nuisance=s``: its two views of an
image are two nuisance copies at strength s (``infopick.torchkit.augment.nuisance_view``), so it is
taught exactly what counts as "the same image" and to tell every other image apart. Today's SimCLR
views (wider geometry, elastic warp, ink scale) are the reference row.

``--radius``: today's ``invariant`` encoder with the radius calibrated at a larger strength (the game's
augmentation is about 2.5x the model's geometry), and where the pool lies from the nearest of 100 picks
in units of the strength-1 radius (seed 0).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import infopick
from benchmarks.stress.copy_orbit import STRENGTHS, copies_at, draw
from benchmarks.stress.copy_residual import _copies_over_new, _distances
from infopick.embed.nets import Contrastive
from infopick.neighbors import knn_graph
from infopick.nuisance import Nuisance, perturb

OUT = Path(__file__).resolve().parent / "results" / "copy_views.md"
OUT_RADIUS = OUT.with_name("copy_views_radius.md")
CONFIGS: list[tuple[str, dict]] = [  # (label, Contrastive's parameters)
    ("SimCLR's views (today's `contrastive`)", {}),
    ("nuisance views, strength 1", {"nuisance": 1.0}),
    ("nuisance views, strength 2", {"nuisance": 2.0}),
    ("nuisance views, strength 3", {"nuisance": 3.0}),
    ("nuisance views, strength 1, 1500 steps", {"nuisance": 1.0, "steps": 1500}),
    ("nuisance views, strength 2, 1500 steps", {"nuisance": 2.0, "steps": 1500}),
    ("nuisance views, strength 1, 1500 steps, temperature 0.1", {"nuisance": 1.0, "steps": 1500, "temperature": 0.1}),
]


def _seed(x: np.ndarray, params: dict, seed: int) -> tuple[list[float], float]:
    """(the ratio at each copy strength, median copy / median NN distance) for one seed's draw."""
    s, r, cal = draw(len(x), seed)
    copies = [copies_at(x, s, seed, cs) for cs in STRENGTHS]
    cal_copies = perturb(x[cal], Nuisance(), np.random.default_rng(99))
    n, m = len(x), len(STRENGTHS) * 100
    z_all = Contrastive(**params).embed(np.concatenate([x, *copies, cal_copies]), rng=np.random.default_rng(0))
    z_all = z_all.astype(np.float64)
    cd = np.linalg.norm(z_all[n + m :] - z_all[cal], axis=1)
    delta = float(np.quantile(cd, 0.9))
    ratios = []
    for i in range(len(STRENGTHS)):
        z = np.concatenate([z_all[:n], z_all[n + 100 * i : n + 100 * (i + 1)]])
        ratios.append(_copies_over_new(z, (z[s], None), (z[n:], None), (z[r], None), delta))
    nn = knn_graph(np.ascontiguousarray(z_all[:n], dtype=np.float32), 1).distances[:, 0]
    return ratios, float(np.median(cd) / np.median(nn))


def _radius(x: np.ndarray) -> list[str]:
    """The ratio under today's encoder with the radius calibrated at strength 1, 2.5 and 4 (seed 0's draw)."""
    from infopick.embed.linear import Invariant

    f = Invariant().mapper(x, rng=np.random.default_rng(0))
    zx = f(x)
    s, r, cal = draw(len(x), 0)
    copies = [f(copies_at(x, s, 0, cs)) for cs in STRENGTHS]
    lines = ["| radius calibrated at strength | radius | copies / new at strength 0.5 / 1 / 2 |", "|---|---|---|"]
    radii = {}
    for cal_s in (1.0, 2.5, 4.0):
        cd = np.linalg.norm(f(perturb(x[cal], Nuisance(strength=cal_s), np.random.default_rng(99))) - zx[cal], axis=1)
        radii[cal_s] = delta = float(np.quantile(cd, 0.9))
        got = [_copies_over_new(np.concatenate([zx, c]), (zx[s], None), (c, None), (zx[r], None), delta) for c in copies]
        lines.append(f"| {cal_s:g} | {delta:.3f} | " + " / ".join(f"{g:.3f}" for g in got) + " |")
    d = _distances(zx, zx[s], None) / radii[1.0]
    q = np.quantile(d, [0.01, 0.1, 0.5, 0.9, 0.99, 1.0])
    nn = float(np.median(knn_graph(np.ascontiguousarray(zx, dtype=np.float32), 1).distances[:, 0])) / radii[1.0]
    return [*lines, "", "Distance from a pool image to the nearest of the 100 picks, in strength-1 radii: quantiles 1 / 10 / 50 / "
            f"90 / 99 / 100 %: {' / '.join(f'{v:.2f}' for v in q)}; median nearest-neighbour distance {nn:.2f}."]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--radius", action="store_true", help="only the radius sweep under today's encoder")
    args = ap.parse_args()
    mnist = infopick.load("mnist").images
    x = mnist[np.random.default_rng(0).permutation(len(mnist))[:20000]]
    if args.radius:
        text = "\n".join(["# The radius's strength under today's encoder (`python -m benchmarks.stress.copy_views --radius`)", "",
                           *_radius(x)]) + "\n"
        OUT_RADIUS.write_text(text)
        print(text)
        return
    lines = ["# SimCLR with the nuisance model as its views (issue 15; `python -m benchmarks.stress.copy_views`)", "",
             "| encoder | copies / new at strength 0.5, seed 0 / 1; 1, seed 0 / 1; 2, seed 0 / 1 | median copy / NN distance |",
             "|---|---|---|"]
    for label, params in CONFIGS:
        got = [_seed(x, params, seed) for seed in (0, 1)]
        cells = " / ".join(f"{got[0][0][i]:.3f} / {got[1][0][i]:.3f}" for i in range(len(STRENGTHS)))
        lines.append(f"| {label} | {cells} | {np.mean([g[1] for g in got]):.2f} |")
        print(lines[-1], flush=True)
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
