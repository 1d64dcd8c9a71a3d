"""The generic trainer: fits a planted linear rule, calls back once per step, returns eval mode."""

from __future__ import annotations

import torch
from torch import nn

from infopick.torchkit.trainer import TrainConfig, Trainer


def test_trainer_fits_a_planted_rule_and_reports_every_step() -> None:
    gen = torch.Generator().manual_seed(0)
    w_true = torch.tensor([[2.0, -1.0], [-1.0, 2.0], [0.5, 0.5]])

    def next_batch() -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.randn(64, 3, generator=gen)
        return x, (x @ w_true).argmax(1)

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 2), nn.Dropout(0.1))
    trainer = Trainer(model, TrainConfig(steps=300, lr=5e-2, warmup=0.1), next_batch)
    seen: list[int] = []
    trainer.add_callback(lambda step, loss: seen.append(step))
    trained = trainer.run()
    assert seen == list(range(300))
    assert not trained.training
    x, y = next_batch()
    with torch.no_grad():
        assert (trained(x).argmax(1) == y).float().mean() > 0.95
