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


class Trainer:
    """Trains ``model`` on batches from ``next_batch()`` for ``config.steps`` steps."""

    def __init__(self, model: nn.Module, config: TrainConfig, next_batch: Callable[[], Batch]) -> None:
        self.model = model
        self.config = config
        self.next_batch = next_batch
        self.callbacks: list[Callback] = []

    def add_callback(self, fn: Callback) -> None:
        self.callbacks.append(fn)

    def run(self) -> nn.Module:
        """Train; return the model in eval mode."""
        import torch
        import torch.nn.functional as F

        cfg = self.config
        opt = torch.optim.AdamW(self.model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=cfg.steps, pct_start=cfg.warmup)
        self.model.train()
        for step in range(cfg.steps):
            x, y = self.next_batch()
            loss = F.cross_entropy(self.model(x), y, label_smoothing=cfg.label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            for fn in self.callbacks:
                fn(step, loss.item())
        self.model.eval()
        return self.model
