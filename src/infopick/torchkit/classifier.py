"""Train the game's network (a named recipe) on labelled images and read its class probabilities.

Shared by the game (``infopick.game.play``: accuracy) and the ``network`` measure (code lengths in
bits). Deterministic for a seed on one machine and thread count: all randomness (weights, dropout,
batches, augmentation) comes from ``seed``; torch's global RNG is left as found.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from infopick.torchkit.augment import augment
from infopick.torchkit.model import build_cnn, fuse_for_inference, recalibrate_batchnorm
from infopick.torchkit.recipes import Recipe
from infopick.torchkit.tensors import standardise, to_tensor
from infopick.torchkit.trainer import Trainer
from infopick.typing import Progress  # phase "train"

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(device: str = "cpu") -> str:
    """``auto``: ``cuda`` when torch sees a GPU, else ``cpu``; ``cuda`` without one is an error in one line."""
    from infopick.errors import InfopickError

    if device not in DEVICES:
        raise InfopickError(f"device {device!r}: valid: {', '.join(DEVICES)}")
    if device == "cpu":
        return device
    import torch

    has_gpu = torch.cuda.is_available()
    if device == "cuda" and not has_gpu:
        raise InfopickError("device 'cuda': torch sees no GPU here (torch.cuda.is_available() is False); use --device cpu or auto")
    return "cuda" if device == "auto" and has_gpu else ("cpu" if device == "auto" else device)


@contextlib.contextmanager
def deterministic_kernels() -> Iterator[None]:
    """torch's deterministic algorithms on, as found afterwards: same seed, same numbers (on one machine
    and thread count). ``warn_only``: an op without a deterministic kernel warns instead of failing."""
    import torch

    before, warn = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(before, warn_only=warn)


@dataclass
class Classifier:
    """The recipe's trained networks (an ensemble of ``len(members)``) and the picks' normalisation."""

    members: list[Any]
    norm: tuple[Any, Any]
    batch: int
    device: str = "cpu"

    def _summed_softmax(self, images: np.ndarray, report: Callable[[int], None] | None) -> Iterator[tuple[int, Any]]:
        import torch

        with torch.inference_mode():
            for i in range(0, len(images), self.batch):
                x = standardise(to_tensor(images[i : i + self.batch]).to(self.device), self.norm)
                yield i, sum(model(x).softmax(1) for model in self.members).cpu()
                if report is not None:
                    report(min(i + self.batch, len(images)))

    def predict(self, images: np.ndarray, report: Callable[[int], None] | None = None) -> npt.NDArray[np.int64]:
        """Class predictions (n,) for uint8 images: argmax of the members' mean softmax, in chunks."""
        out = np.empty(len(images), dtype=np.int64)
        for i, prob in self._summed_softmax(images, report):
            out[i : i + len(prob)] = prob.argmax(1).numpy()
        return out

    def proba(self, images: np.ndarray, report: Callable[[int], None] | None = None) -> npt.NDArray[np.float64]:
        """(n, C) class probabilities for uint8 images: the members' mean softmax."""
        out: list[npt.NDArray[np.float64]] = []
        for _, prob in self._summed_softmax(images, report):
            out.append(prob.double().numpy() / len(self.members))
        return np.concatenate(out) if out else np.zeros((0, 0))


def train_classifier(
    images: np.ndarray, labels: npt.NDArray[np.int64], n_classes: int, *, seed: int, recipe: Recipe,
    progress: Progress | None = None, device: str = "cpu",
) -> Classifier:
    """The recipe's networks trained on uint8 ``images`` (k, h, w[, c]) with ``labels`` (k,) alone, on ``device``
    (``resolve_device``'s names; a GPU gives other numbers than the CPU, the CPU's stay as they are)."""
    import torch

    device = resolve_device(device)
    x = to_tensor(images).to(device)
    y = torch.from_numpy(labels.astype(np.int64)).to(device)
    # Normalise with statistics of the training images only: the network sees nothing else.
    norm = (x.mean(dim=(0, 2, 3), keepdim=True), x.std(dim=(0, 2, 3), keepdim=True).clamp_min(1e-3))
    members = []
    for k, member_seed in enumerate(member_seeds(seed, recipe.ensemble)):
        report = (lambda phase, done, total, k=k: progress(phase, k * total + done, recipe.ensemble * total)) if progress else None
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(member_seed)  # inside fork_rng: the caller's global state is restored after
            members.append(fuse_for_inference(train_network(x, y, norm, member_seed, recipe, n_classes, report)))
    return Classifier(members, norm, recipe.eval_batch, device)


Observer = Callable[[int, Any, Any, Any], None]  # (step, batch row indices, logits (detached), model) after the forward pass


def train_network(x: Any, y: Any, norm: tuple[Any, Any], seed: int, rec: Recipe, n_classes: int, progress: Progress | None,
                  observe: Observer | None = None) -> Any:
    """One network trained on images ``x`` (k, c, h, w) in [0, 1] with labels ``y``; eval mode.

    Trains where ``x`` lives (the game: the CPU; benchmarks/exploration/recipe_search_gpu.py: a GPU).
    ``observe`` sees every training batch's rows and logits (training dynamics: forgetting events,
    Toneva et al. 2019); it changes nothing of the training (same loss, same draws).
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

    rows: list[Any] = [None]
    step = [0]

    def next_batch() -> tuple[torch.Tensor, torch.Tensor]:
        nonlocal order, pos
        if pos + batch > len(x):
            order, pos = torch.randperm(len(x), generator=gen, device=dev), 0
        b = order[pos : pos + batch]
        pos += batch
        rows[0] = b
        return standardise(augment(x[b], rec.augment, gen), norm), y[b]

    def observed_loss(net: torch.nn.Module, data: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        import torch.nn.functional as F

        logits = net(data[0])
        assert observe is not None
        observe(step[0], rows[0], logits.detach(), net)
        step[0] += 1
        return F.cross_entropy(logits, data[1], label_smoothing=rec.train.label_smoothing)

    trainer = Trainer(model, rec.train, next_batch, loss=observed_loss if observe is not None else None)
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
