"""Two more encoders for issue 15's near-copy target: nuisance orbits as codewords, and a nuisance-whitened projection.

    .venv/bin/python -m benchmarks.stress.copy_orbit     # ~10 minutes on 2 cores -> results/copy_orbit.md

A development study after copy_residual.py (same pool: 20000 MNIST training images, seed-0 draw; same
ratio: what 100 near-copies of 100 picked images add over what 100 other pool images add, under
power-mean coverage p = ln n with distances floored at the encoder's nuisance radius, the 90 % quantile
of 500 calibration copies at strength 1). No accuracies; nothing adopted. Copies at strength 0.5, 1, 2;
seeds 0 and 1.

- **Orbit codebook**: a picked image codes the pool together with m nuisance copies of itself (drawn at
  strength s_o; the receiver knows the nuisance model, so they cost nothing): D_i = the distance to the
  nearest point of any pick's orbit, in today's ``invariant`` features. The radius is the 90 % quantile
  of a fresh copy's distance to its original's orbit. A sampled version of "a pick covers its nuisance
  orbit", which tangent distance linearises.
- **Nuisance-whitened projection**: in PCA-200 of the blurred, standardised images, the k directions
  with the largest ratio of pool variance to nuisance variance (the generalised eigenvectors of the
  pool covariance against the covariance of copy - original differences, 3000 images x strengths
  0.5 / 1 / 2), scaled so that the nuisance has unit variance in each: linear discriminant analysis
  with "same image" as the class.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import linalg
from sklearn.decomposition import PCA

import infopick
from benchmarks.stress.copy_residual import _copies_over_new
from infopick.embed.linear import Invariant, standardise
from infopick.neighbors import knn_graph
from infopick.nuisance import Nuisance, perturb

OUT = Path(__file__).resolve().parent / "results" / "copy_orbit.md"
STRENGTHS = (0.5, 1.0, 2.0)
ORBITS = ((8, 1.0), (32, 1.0), (32, 2.0), (64, 2.0))  # (copies per pick, their strength)
WHITENED_DIMS = (10, 20, 30, 50)


def draw(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A seed's rows of an n-image pool: 100 picks, 100 other images, 500 calibration images."""
    perm = np.random.default_rng(seed).permutation(n)
    return perm[:100], perm[100:200], perm[1000:1500]


def copies_at(x: np.ndarray, picks: np.ndarray, seed: int, strength: float) -> np.ndarray:
    """Nuisance copies of ``x[picks]`` at ``strength``, drawn after the seed's permutation, as measures.py does."""
    rng = np.random.default_rng(seed)
    rng.permutation(len(x))
    return perturb(x[picks], Nuisance(strength=strength), rng)


def _orbit(f, images: np.ndarray, m: int, strength: float, seed: int) -> np.ndarray:
    """(m + 1) * len(images) rows: the images' features, then m nuisance copies of each."""
    rng = np.random.default_rng(seed)
    return np.concatenate([f(images)] + [f(perturb(images, Nuisance(strength=strength), rng)) for _ in range(m)])


def _ratios(x: np.ndarray, f, zx: np.ndarray, orbit: tuple[int, float] | None) -> list[float]:
    """The ratio at each copy strength, seeds 0 and 1 (seed-major). The calibration (radius) depends on the
    seed's draw alone, so it is made once a seed, not once a strength."""
    out = []
    for seed in (0, 1):
        s, r, cal = draw(len(x), seed)
        cal_copies = f(perturb(x[cal], Nuisance(), np.random.default_rng(99)))
        if orbit is None:
            cd = np.linalg.norm(cal_copies - zx[cal], axis=1)

            def code(im: np.ndarray) -> np.ndarray:
                return f(im)
        else:
            m, so = orbit
            ob = _orbit(f, x[cal], m, so, 7).reshape(m + 1, len(cal), -1)
            cd = np.linalg.norm(ob - cal_copies[None], axis=2).min(axis=0)

            def code(im: np.ndarray, m: int = m, so: float = so) -> np.ndarray:
                return _orbit(f, im, m, so, 11)
        delta = float(np.quantile(cd, 0.9))
        picked, new = code(x[s]), code(x[r])
        for cs in STRENGTHS:
            copies = copies_at(x, s, seed, cs)
            z = np.concatenate([zx, f(copies)])
            out.append(_copies_over_new(z, (picked, None), (code(copies), None), (new, None), delta))
    return out


def _whitened(x: np.ndarray, blur: float = 1.5, dim: int = 200) -> tuple[np.ndarray, np.ndarray, list]:
    """(generalised eigenvalues, largest first; pool features in PCA-200; the projections' maps by k)."""
    pca = PCA(dim, svd_solver="randomized", random_state=0).fit(standardise(x, blur))

    def g(im: np.ndarray) -> np.ndarray:
        return (standardise(im, blur).astype(np.float64) - pca.mean_) @ pca.components_.T.astype(np.float64)

    rng = np.random.default_rng(5)
    rows = rng.choice(len(x), 3000, replace=False)
    base = g(x[rows])
    diffs = np.concatenate([g(perturb(x[rows], Nuisance(strength=s), rng)) - base for s in STRENGTHS])
    cn = diffs.T @ diffs / len(diffs)
    z0 = g(x)
    lam, v = linalg.eigh(np.cov(z0.T), cn + 1e-6 * np.trace(cn) / dim * np.eye(dim))
    order = np.argsort(lam)[::-1]
    maps = [(k, v[:, order[:k]]) for k in WHITENED_DIMS]
    return lam[order], z0, [(k, (lambda im, w=w: g(im) @ w), z0 @ w) for k, w in maps]


def _row(label: str, ratios: list[float], copy_over_nn: float) -> str:
    cells = " / ".join(f"{ratios[i]:.3f} / {ratios[3 + i]:.3f}" for i in range(3))
    return f"| {label} | {cells} | {'-' if np.isnan(copy_over_nn) else f'{copy_over_nn:.2f}'} |"


def _copy_over_nn(x: np.ndarray, f, z: np.ndarray) -> float:
    cal = np.random.default_rng(3).choice(len(x), 500, replace=False)
    cd = np.linalg.norm(f(perturb(x[cal], Nuisance(), np.random.default_rng(99))) - z[cal], axis=1)
    nn = knn_graph(np.ascontiguousarray(z, dtype=np.float32), 1).distances[:, 0]
    return float(np.median(cd) / np.median(nn))


def main() -> None:
    mnist = infopick.load("mnist").images
    x = mnist[np.random.default_rng(0).permutation(len(mnist))[:20000]]
    f = Invariant().mapper(x, rng=np.random.default_rng(0))
    zx = f(x)
    head = ("| encoder | copies / new at strength 0.5, seed 0 / 1; 1, seed 0 / 1; 2, seed 0 / 1 | median copy / NN distance |\n"
            "|---|---|---|")
    lines = ["# Orbit codebook and nuisance-whitened projection (issue 15; `python -m benchmarks.stress.copy_orbit`)", "",
             "## The issue's ratio (power-mean coverage p = ln n, K = 100)", "", head]
    lines.append(_row("invariant (today's)", _ratios(x, f, zx, None), _copy_over_nn(x, f, zx)))
    for m, so in ORBITS:
        lines.append(_row(f"invariant, orbit of {m} copies at strength {so:g}", _ratios(x, f, zx, (m, so)), float("nan")))
        print(lines[-1], flush=True)
    lam, _, maps = _whitened(x)
    for k, fk, zk in maps:
        lines.append(_row(f"nuisance-whitened, k = {k}", _ratios(x, fk, zk, None), _copy_over_nn(x, fk, zk)))
        print(lines[-1], flush=True)
    lines += ["", f"Pool variance over nuisance variance along the whitened directions: largest {lam[0]:.1f}, "
              f"10th {lam[9]:.2f}, 20th {lam[19]:.2f}, 50th {lam[49]:.2f}.", ""]
    OUT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
