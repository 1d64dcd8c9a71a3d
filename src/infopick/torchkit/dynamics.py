"""Training dynamics of the game's network on a labelled pool: forgetting events, EL2N and GraNd per image.

One training run of a recipe over the whole pool for ``epochs`` passes (its steps replaced), watched
batch by batch (``train_network``'s ``observe``; the training itself is unchanged):

- **forgetting events** (Toneva et al. 2019): how often an image goes from classified correctly to
  wrongly between two of its presentations; an image never classified correctly counts as inf;
- **EL2N** (Paul et al. 2021): ||softmax(f(x)) - onehot(y)||_2 of every image, once, after ``early``
  of the steps, by the network as it is then (eval mode, no augmentation);
- **GraNd** (same paper) at the same moment, approximated by the norm of the loss's gradient with
  respect to the last layer's weights and bias, ||p - y|| sqrt(||h||^2 + 1) (h = the last layer's
  input): the full-network gradient per image is ~1000x the cost, and the last layer carries most
  of its variation between images (the paper's Figure 7 ranks the two alike).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from infopick.torchkit.recipes import Recipe
from infopick.torchkit.tensors import standardise, to_tensor


@dataclass(frozen=True)
class DynamicsScores:
    """Per image (n,): forgetting events (inf: never learned), EL2N and GraNd; what one training run said."""

    forgetting: npt.NDArray[np.float64]
    el2n: npt.NDArray[np.float64]
    grand: npt.NDArray[np.float64]
    steps: int
    early_step: int
    seconds: float


def score_dynamics(images: np.ndarray, labels: npt.NDArray[np.int64], n_classes: int, *, recipe: Recipe, seed: int,
                   epochs: float, early: float) -> DynamicsScores:
    """Train ``recipe``'s network on every image for ``epochs`` passes and record the three scores (see the module)."""
    import torch

    from infopick.torchkit.classifier import deterministic_kernels, train_network

    n = len(images)
    steps = max(1, math.ceil(epochs * n / min(recipe.batch_size, n)))
    rec = replace(recipe, train=replace(recipe.train, steps=steps))
    early_step = min(steps - 1, int(early * steps))
    x = to_tensor(images)
    y = torch.from_numpy(labels.astype(np.int64))
    norm = (x.mean(dim=(0, 2, 3), keepdim=True), x.std(dim=(0, 2, 3), keepdim=True).clamp_min(1e-3))
    last = np.full(n, -1, dtype=np.int8)  # -1 not yet seen, else correct (1) or not (0) at the last presentation
    learned = np.zeros(n, dtype=bool)
    forgotten = np.zeros(n)
    el2n, grand = np.zeros(n), np.zeros(n)

    def early_scores(net: Any) -> None:
        head = [m for m in net.modules() if isinstance(m, torch.nn.Linear)][-1]
        seen: list[Any] = []
        hook = head.register_forward_pre_hook(lambda _m, args: seen.append(args[0].detach()))
        was = net.training
        net.eval()
        try:
            with torch.no_grad():
                for i in range(0, n, 1024):
                    p = net(standardise(x[i : i + 1024], norm)).softmax(1).double()
                    err = p - torch.nn.functional.one_hot(y[i : i + 1024], n_classes).double()
                    e = err.norm(dim=1)
                    h = seen.pop().double().norm(dim=1)
                    el2n[i : i + len(e)] = e.numpy()
                    grand[i : i + len(e)] = (e * torch.sqrt(h**2 + 1)).numpy()
        finally:
            hook.remove()
            net.train(was)

    def observe(step: int, rows: Any, logits: Any, net: Any) -> None:
        r = rows.numpy()
        ok = (logits.argmax(1) == y[rows]).numpy()
        forgotten[r] += (last[r] == 1) & ~ok
        learned[r] |= ok
        last[r] = ok
        if step == early_step:
            early_scores(net)

    t0 = time.perf_counter()
    with deterministic_kernels(), torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        train_network(x, y, norm, seed, rec, n_classes, None, observe=observe)
    forgetting = np.where(learned, forgotten, np.inf)
    return DynamicsScores(forgetting, el2n, grand, steps, early_step, time.perf_counter() - t0)
