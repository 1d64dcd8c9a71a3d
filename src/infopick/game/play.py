"""The MNIST game: train the fixed CNN on the picked images only, score it on the pool and the test pool."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from infopick._util import check_seed
from infopick.data.pool import Pool
from infopick.errors import InfopickError
from infopick.selection import LabelUse, Selection, check_indices
from infopick.torchkit.classifier import deterministic_kernels, member_seeds, resolve_device, train_classifier
from infopick.torchkit.recipes import Recipe, get_recipe
from infopick.typing import Progress  # phases "train" and "eval"

__all__ = ["play", "GameResult", "confusion", "deterministic_kernels", "member_seeds"]  # the last two: for tests and studies


@dataclass
class GameResult:
    """Accuracies in % (pool = all n pool images, the game's score; test = the held-out pool)."""

    accuracy_pool: float
    accuracy_test: float | None
    per_class: dict[str, dict[str, float | None]]  # class -> {"pool": %, "test": %}
    confusion_pool: list[list[int]]  # [true][predicted]
    confusion_test: list[list[int]] | None
    seconds: dict[str, float]  # select, train, eval
    budget: int
    strategy: str
    label_use: str
    seed: int
    recipe: dict[str, Any]
    class_histogram: dict[str, int]
    device: str = "cpu"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def play(
    pool: Pool,
    selection: Selection | npt.ArrayLike,
    *,
    seed: int = 0,
    recipe: str | Recipe = "standard",
    progress: Progress | None = None,
    device: str = "cpu",
) -> GameResult:
    """Train on ``pool.images[selection]`` alone and evaluate on every pool and test image.

    Deterministic for a seed on a given machine and thread count: all randomness (weights,
    dropout, batches, augmentation) comes from ``seed``; torch's global RNG is left as found.
    ``device``: ``cpu`` (default), ``cuda`` or ``auto`` (a GPU when torch sees one).
    """
    rec = get_recipe(recipe)
    device = resolve_device(device)
    sel = selection if isinstance(selection, Selection) else Selection(np.asarray(selection, dtype=np.int64), "given")
    idx = np.asarray(sel.indices, dtype=np.int64)
    if pool.labels is None:
        raise InfopickError(f"{pool.name}: the game needs pool labels to train and score")
    if idx.ndim != 1 or len(idx) < 1:
        raise InfopickError("the selection is empty")
    idx = check_indices(idx, len(pool), what="the selection")
    check_seed(seed)
    with deterministic_kernels():
        return _play(pool, idx, sel, int(seed), rec, progress, device)


def _play(pool: Pool, idx: np.ndarray, sel: Selection, seed: int, rec: Recipe, progress: Progress | None,
          device: str) -> GameResult:
    assert pool.labels is not None  # play() refuses an unlabelled pool before it gets here
    n_classes = len(pool.classes)
    t0 = time.perf_counter()
    net = train_classifier(pool.images[idx], pool.labels[idx], n_classes, seed=seed, recipe=rec, progress=progress, device=device)
    t_train = time.perf_counter() - t0

    t0 = time.perf_counter()
    total = len(pool) + (len(pool.test) if pool.test is not None else 0)
    report_p = (lambda done: progress("eval", done, total)) if progress else None
    conf_pool = confusion(pool.labels, net.predict(pool.images, report_p), n_classes)
    conf_test = None
    if pool.test is not None and pool.test.labels is not None:
        offset = len(pool)
        report_t = (lambda done: progress("eval", offset + done, total)) if progress else None
        conf_test = confusion(pool.test.labels, net.predict(pool.test.images, report_t), n_classes)
    t_eval = time.perf_counter() - t0

    per_class = {
        c: {"pool": _class_acc(conf_pool, i), "test": _class_acc(conf_test, i) if conf_test is not None else None}
        for i, c in enumerate(pool.classes)
    }
    return GameResult(
        accuracy_pool=_acc(conf_pool),
        accuracy_test=_acc(conf_test) if conf_test is not None else None,
        per_class=per_class,
        confusion_pool=conf_pool.tolist(),
        confusion_test=conf_test.tolist() if conf_test is not None else None,
        seconds={"select": float(sel.meta.get("seconds", 0.0)), "train": t_train, "eval": t_eval},
        budget=len(idx),
        strategy=sel.strategy,
        label_use=LabelUse(sel.label_use).value,
        seed=seed,
        recipe=rec.to_dict(),
        class_histogram=pool.class_histogram(idx),
        device=device,
    )


def confusion(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts of shape (C, C): rows true class, columns predicted class."""
    return np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def _acc(conf: np.ndarray) -> float:
    return float(100.0 * np.trace(conf) / max(1, conf.sum()))


def _class_acc(conf: np.ndarray, i: int) -> float | None:
    total = conf[i].sum()
    return float(100.0 * conf[i, i] / total) if total else None
