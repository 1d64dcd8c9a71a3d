"""``network``: the bits of the pool's labels that the game's own network learns from a subset.

Each label is coded by a network that did not train on it (cross-fitting), and M(S) is what that
code saves against the uniform code (Xu et al. 2020, V-information; Blier & Ollivier 2018 for the
code-length reading of a trained network):

    l_i(S) = -log2((1 - mix) p(y_i | x_i) + mix / C)      bits, the code of label i
    M(S)   = max(0, sum_i (log2 C - l_i(S)))                bits held by S

where p is the recipe's network trained on S for every image outside S, and, for an image of S, the
network trained on S without its fold (``folds`` random folds of S); a network needs two training
images, and labels with none are coded uniformly. N = M(pool): every image coded
by the network trained on the other folds of the pool, computed once per pool, labels, recipe and
seed and cached on disk (``$INFOPICK_HOME/network``). ``mix`` bounds a confident mistake's cost at
log2(C / mix) bits; M(S) is capped at N (an estimate above the pool's is training noise). docs/theory.md section 5 says why cross-fitting rather than prequential blocks.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from infopick._util import atomic_write, content_digest
from infopick.errors import InfopickError
from infopick.measure.base import Curve, Fitted, FloatArray, Measure, hardest_first, register
from infopick.selection import Input, LabelUse
from infopick.torchkit.classifier import deterministic_kernels, resolve_device, train_classifier
from infopick.torchkit.recipes import Recipe, get_recipe
from infopick.typing import Features, IntArray

CACHE_VERSION = 1
MEMO_SUBSETS = 32  # subsets whose codes a process keeps (a greedy curve, a bench cell's re-measure): each costs trainings
_MEMO: OrderedDict[tuple[str, bytes], FloatArray] = OrderedDict()


@register
class Network(Measure):
    """Label bits the game's network (``recipe``) extracts from S, cross-fitted over ``folds``; reads every label."""

    name = "network"
    label_use = LabelUse.ALL
    input = Input.IMAGES
    curve_by_default = False  # every point of a greedy curve trains folds + 1 networks
    summary = "labels' code length under the game's network trained on the subset, cross-fitted (reads labels)"

    def __init__(self, *, recipe: str = "fast", folds: int = 2, mix: float = 1e-3, growth: float = 1.0, device: str = "cpu") -> None:
        self.recipe = recipe
        self.folds = folds
        self.mix = mix
        self.growth = growth
        self.device = device  # where the networks train: cpu, cuda or auto (a GPU's N is cached apart from the CPU's)

    def check(self) -> None:
        get_recipe(self.recipe)
        resolve_device(self.device)
        if not isinstance(self.folds, int) or self.folds < 2:
            raise InfopickError(f"measure 'network': parameter folds={self.folds!r} must be an integer >= 2")
        if not 0 < self.mix < 1:
            raise InfopickError(f"measure 'network': parameter mix={self.mix!r} must lie in (0, 1)")
        if not self.growth > 0:
            raise InfopickError(f"measure 'network': parameter growth={self.growth!r} must be > 0")

    def fit(self, x: Features, *, labels: npt.NDArray[np.int64] | None, rng: np.random.Generator) -> Fitted:
        if labels is None:
            raise InfopickError("measure 'network' needs labels and the pool has none")
        images = np.asarray(x)
        if images.dtype != np.uint8 or images.ndim not in (3, 4):
            raise InfopickError(f"measure 'network' trains the game's network on uint8 images (n, h, w[, c]); got {images.dtype} "
                                f"{images.shape}: pass a pool, not features")
        self.check()
        return _FittedNetwork(images.astype(np.uint8, copy=False), labels, get_recipe(self.recipe), self.folds, self.mix, self.growth,
                              int(rng.integers(0, 2**31 - 1)), resolve_device(self.device))


class _FittedNetwork(Fitted):
    def __init__(self, images: npt.NDArray[np.uint8], y: npt.NDArray[np.int64], recipe: Recipe, folds: int, mix: float,
                 growth: float, seed: int, device: str = "cpu") -> None:
        self.images, self.y = images, y
        self.device = device
        self.n = len(images)
        self.classes = int(y.max()) + 1
        self.recipe, self.folds, self.mix, self.growth, self.seed = recipe, folds, mix, growth, seed
        self.uniform = np.log2(self.classes)
        self.encoder = (f"the game's network (recipe {recipe.name}), each label coded by a network that did not train on it "
                        f"({folds} folds), mixed with the uniform code at {mix:g}, {self.classes} classes")
        path = self._cache_path()  # hashes the pool once: the disk cache's name and the in-process memo's key
        self._key = path.stem
        self._pool_code = self._cached_pool_code(path)
        self.facts = {"recipe": recipe.name, "recipe_content": recipe.to_dict(), "folds": folds, "mix": mix, "seed": seed, "device": device,
                      "classes": self.classes, "bits_uniform": float(self.n * self.uniform),
                      "bits_per_image_pool": float(self.uniform - self._pool_code.mean())}

    # --- codes ---------------------------------------------------------------------------------
    def _code(self, prob: npt.NDArray[np.float64], rows: IntArray) -> FloatArray:
        """l_i for ``rows`` from the networks' class probabilities (len(rows), C)."""
        p = prob[np.arange(len(rows)), self.y[rows]]
        return -np.log2((1 - self.mix) * p + self.mix / self.classes)

    def _train(self, rows: IntArray, seed: int) -> Any:
        return train_classifier(self.images[rows], self.y[rows], self.classes, seed=seed, recipe=self.recipe, device=self.device)

    def _cross_fit(self, rows: IntArray, seed: int) -> FloatArray:
        """l_i for every row of ``rows``, each coded by the network trained on the other folds of ``rows``."""
        out = np.empty(len(rows))
        fold = np.random.default_rng([seed, 1]).permutation(len(rows)) % self.folds
        for f in range(self.folds):
            held, train = rows[fold == f], rows[fold != f]
            if len(held) == 0:
                continue
            if len(train) < 2:  # a network needs two images to train (BatchNorm); fewer: the uniform code
                out[fold == f] = self.uniform
                continue
            out[fold == f] = self._code(self._train(train, seed + 1 + f).proba(self.images[held]), held)
        return out

    def _subset_code(self, idx: IntArray) -> FloatArray:
        """(n,) l_i given S = ``idx``: the network trained on S for the rest, cross-fitted inside S."""
        idx = np.sort(np.asarray(idx, dtype=np.int64))
        key = (self._key, idx.tobytes())
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
        if len(idx) == self.n:
            code = self._pool_code
        elif len(idx) < 2:  # no network trains on fewer than two images: the uniform code for every label
            code = np.full(self.n, self.uniform)
        else:
            code = np.empty(self.n)
            rest = np.setdiff1d(np.arange(self.n), idx)
            with deterministic_kernels():
                code[rest] = self._code(self._train(idx, self.seed).proba(self.images[rest]), rest)
                code[idx] = self._cross_fit(idx, self.seed)
        _MEMO[key] = code
        while len(_MEMO) > MEMO_SUBSETS:
            _MEMO.popitem(last=False)
        return code

    def _cache_path(self) -> Path:
        from infopick.data.mnist import home

        key = {"recipe": self.recipe.to_dict(), "folds": self.folds, "mix": self.mix, "seed": self.seed, "v": CACHE_VERSION,
               **({} if self.device == "cpu" else {"device": self.device})}
        return home() / "network" / f"pool-{content_digest((self.images, self.y), key)}.npy"

    def _cached_pool_code(self, path: Path) -> FloatArray:
        """N's per-image codes, from ``path`` when this pool, labels, recipe and seed were coded before."""
        try:
            code = np.load(path, allow_pickle=False)
            if code.shape == (self.n,) and np.all(np.isfinite(code)):
                return np.asarray(code, dtype=np.float64)
        except (OSError, ValueError):
            pass  # absent or damaged: recompute
        with deterministic_kernels():
            code = self._cross_fit(np.arange(self.n), self.seed)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path, "wb") as fh:
            np.save(fh, code, allow_pickle=False)
        return code

    # --- the Fitted interface --------------------------------------------------------------------
    def _saved(self, code: FloatArray) -> float:
        """Bits saved against the uniform code, at least 0 (MDL keeps the shorter code)."""
        return max(0.0, float(self.n * self.uniform - code.sum()))

    def bits(self, idx: IntArray) -> float:
        """M(S), at most N: a subset's estimate above the pool's is training noise (``subset_facts`` keeps it)."""
        return min(self._saved(self._subset_code(idx)), self._saved(self._pool_code))

    def subset_facts(self, idx: IntArray) -> dict[str, float]:
        return {"bits_uncapped": self._saved(self._subset_code(idx))}

    def image_bits(self, idx: IntArray) -> FloatArray:
        """Each label's code length given S: the images the network trained on S finds most surprising cost most."""
        return self._subset_code(idx).copy()

    def unique_bits(self) -> FloatArray:
        return self._pool_code.copy()

    def greedy(self, target_bits: float, rng: np.random.Generator) -> Curve:
        """The labels the current network codes worst first, in batches of ``growth`` x |S| (at least 1); exact at batch ends."""
        return hardest_first(self.n, target_bits, self.growth, rng, self._subset_code,
                             lambda code: min(self._saved(code), self._saved(self._pool_code)))
