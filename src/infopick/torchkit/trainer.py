"""A small generic trainer (after minGPT's): it knows nothing of what the model is for.

It draws batches from a callable, steps AdamW under a one-cycle schedule (which anneals the
rate to ~0, so the last weights are the ones to keep), and reports through callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch
    from torch import nn


@dataclass(frozen=True)
class TrainConfig:
    steps: int
    lr: float = 3e-3
    weight_decay: float = 5e-4
    warmup: float = 0.2  # fraction of steps spent rising to lr (one-cycle)
    label_smoothing: float = 0.0


Batch = tuple["torch.Tensor", "torch.Tensor"]
Callback = Callable[[int, float], None]  # (step, loss) after each optimizer step
LossFn = Callable[["nn.Module", Batch], "torch.Tensor"]  # (model, batch) -> scalar loss


class Trainer:
    """Trains ``model`` on batches from ``next_batch()`` for ``config.steps`` steps.

    ``loss`` defaults to cross-entropy of ``model(x)`` against ``y``; an encoder trained without
    labels (autoencoder, contrastive) passes its own.
    """

    def __init__(
        self, model: nn.Module, config: TrainConfig, next_batch: Callable[[], Batch], loss: LossFn | None = None
    ) -> None:
        self.model = model
        self.config = config
        self.next_batch = next_batch
        self.loss = loss if loss is not None else self._cross_entropy
        self.callbacks: list[Callback] = []

    def add_callback(self, fn: Callback) -> None:
        self.callbacks.append(fn)

    def run(self) -> nn.Module:
        """Train; return the model in eval mode."""
        import torch

        cfg = self.config
        opt = torch.optim.AdamW(self.model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=cfg.steps, pct_start=cfg.warmup)
        self.model.train()
        for step in range(cfg.steps):
            loss = self.loss(self.model, self.next_batch())
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            for fn in self.callbacks:
                fn(step, loss.item())
        self.model.eval()
        return self.model

    def _cross_entropy(self, model: nn.Module, batch: Batch) -> torch.Tensor:
        import torch.nn.functional as F

        x, y = batch
        return F.cross_entropy(model(x), y, label_smoothing=self.config.label_smoothing)
