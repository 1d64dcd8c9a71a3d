"""The MNIST game: train the fixed CNN on the picked images only, score it on the pool and the test pool."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from infopick._util import check_seed
from infopick.data.pool import Pool
from infopick.errors import InfopickError
from infopick.game.recipes import Recipe, get_recipe
from infopick.selection import LabelUse, Selection, check_indices
from infopick.torchkit.augment import augment
from infopick.torchkit.model import build_cnn, fuse_for_inference, recalibrate_batchnorm
from infopick.torchkit.tensors import standardise, to_tensor
from infopick.torchkit.trainer import Trainer
from infopick.typing import Progress  # phases "train" and "eval"


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def play(
    pool: Pool,
    selection: Selection | npt.ArrayLike,
    *,
    seed: int = 0,
    recipe: str | Recipe = "standard",
    progress: Progress | None = None,
) -> GameResult:
    """Train on ``pool.images[selection]`` alone and evaluate on every pool and test image.

    Deterministic for a seed on a given machine and thread count: all randomness (weights,
    dropout, batches, augmentation) comes from ``seed``; torch's global RNG is left as found.
    """
    rec = get_recipe(recipe)
    sel = selection if isinstance(selection, Selection) else Selection(np.asarray(selection, dtype=np.int64), "given")
    idx = np.asarray(sel.indices, dtype=np.int64)
    if pool.labels is None:
        raise InfopickError(f"{pool.name}: the game needs pool labels to train and score")
    if idx.ndim != 1 or len(idx) < 1:
        raise InfopickError("the selection is empty")
    idx = check_indices(idx, len(pool), what="the selection")
    check_seed(seed)
    with deterministic_kernels():
        return _play(pool, idx, sel, int(seed), rec, progress)


@contextlib.contextmanager
def deterministic_kernels() -> Iterator[None]:
    """torch's deterministic algorithms on, as found afterwards: same seed, same accuracies (on one machine
    and thread count). ``warn_only``: an op without a deterministic kernel warns instead of failing the game."""
    import torch

    before, warn = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(before, warn_only=warn)


def _play(pool: Pool, idx: np.ndarray, sel: Selection, seed: int, rec: Recipe, progress: Progress | None) -> GameResult:
    import torch

    assert pool.labels is not None  # play() refuses an unlabelled pool before it gets here
    n_classes = len(pool.classes)
    t0 = time.perf_counter()
    x = to_tensor(pool.images[idx])
    y = torch.from_numpy(pool.labels[idx].astype(np.int64))
    # Normalise with statistics of the picked images only: the game sees nothing else.
    norm = (x.mean(dim=(0, 2, 3), keepdim=True), x.std(dim=(0, 2, 3), keepdim=True).clamp_min(1e-3))
    members = []
    for k, member_seed in enumerate(member_seeds(seed, rec.ensemble)):
        report = (lambda phase, done, total, k=k: progress(phase, k * total + done, rec.ensemble * total)) if progress else None
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(member_seed)  # inside fork_rng: the caller's global state is restored after
            members.append(fuse_for_inference(_train(x, y, norm, member_seed, rec, n_classes, report)))
    t_train = time.perf_counter() - t0

    t0 = time.perf_counter()
    total = len(pool) + (len(pool.test) if pool.test is not None else 0)
    report_p = (lambda done: progress("eval", done, total)) if progress else None
    conf_pool = confusion(pool.labels, predict(members, pool.images, rec.eval_batch, norm, report_p), n_classes)
    conf_test = None
    if pool.test is not None and pool.test.labels is not None:
        offset = len(pool)
        report_t = (lambda done: progress("eval", offset + done, total)) if progress else None
        conf_test = confusion(pool.test.labels, predict(members, pool.test.images, rec.eval_batch, norm, report_t), n_classes)
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
    )


def _train(x: Any, y: Any, norm: tuple[Any, Any], seed: int, rec: Recipe, n_classes: int, progress: Progress | None) -> Any:
    """One network trained on images ``x`` (k, c, h, w) in [0, 1] with labels ``y``; eval mode.

    Trains where ``x`` lives (the game: the CPU; benchmarks/exploration/recipe_search_gpu.py: a GPU).
    """
    import torch

    dev = x.device
    gen = torch.Generator(device=dev).manual_seed(seed)
    model: torch.nn.Module = build_cnn(x.shape[1], n_classes, blocks=rec.blocks, width=rec.width, dropout=rec.dropout,
                      kernel=rec.kernel, head_grid=rec.head_grid, hidden=rec.hidden)
    # ~25 % faster convolutions on CPU; torch's stubs omit the memory_format that Module.to accepts
    model = model.to(dev, memory_format=torch.channels_last)  # type: ignore[call-overload]
    order = torch.randperm(len(x), generator=gen, device=dev)
    pos = 0
    batch = min(rec.batch_size, len(x))

    def next_batch() -> tuple[torch.Tensor, torch.Tensor]:
        nonlocal order, pos
        if pos + batch > len(x):
            order, pos = torch.randperm(len(x), generator=gen, device=dev), 0
        b = order[pos : pos + batch]
        pos += batch
        return standardise(augment(x[b], rec.augment, gen), norm), y[b]

    trainer = Trainer(model, rec.train, next_batch)
    if progress is not None:
        steps = rec.train.steps
        trainer.add_callback(lambda step, loss: progress("train", step + 1, steps))
    model = trainer.run()
    if rec.bn_recalibrate:
        recalibrate_batchnorm(model, list(standardise(x, norm).split(batch)))
    return model


def member_seeds(seed: int, n: int) -> list[int]:
    """Independent torch seeds for the ``n`` networks of an ensemble, derived from ``seed``."""
    return [int(s.generate_state(1, np.uint64)[0] >> 1) for s in np.random.SeedSequence(seed).spawn(n)]


def predict(
    members: list[Any], images: np.ndarray, batch: int, norm: tuple[Any, Any], report: Callable[[int], None] | None = None
) -> np.ndarray:
    """Class predictions (n,) for uint8 images: argmax of the members' mean softmax, in chunks."""
    import torch

    out = np.empty(len(images), dtype=np.int64)
    with torch.inference_mode():
        for i in range(0, len(images), batch):
            x = standardise(to_tensor(images[i : i + batch]), norm)
            prob = sum(model(x).softmax(1) for model in members)
            out[i : i + batch] = prob.argmax(1).numpy()
            if report is not None:
                report(min(i + batch, len(images)))
    return out


def confusion(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts of shape (C, C): rows true class, columns predicted class."""
    return np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def _acc(conf: np.ndarray) -> float:
    return float(100.0 * np.trace(conf) / max(1, conf.sum()))


def _class_acc(conf: np.ndarray, i: int) -> float | None:
    total = conf[i].sum()
    return float(100.0 * conf[i, i] / total) if total else None
