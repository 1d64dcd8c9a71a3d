"""``surprise``: the images a VAE trained on the picks finds least likely, in rounds (the information family)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from infopick._util import seed_int
from infopick.objectives.ranking import top_k
from infopick.objectives.rows import unit_interval
from infopick.select.base import Input, LabelUse, Selection, Strategy, register
from infopick.typing import Features

if TYPE_CHECKING:
    import torch


@register
class Surprise(Strategy):
    """Pick what a VAE trained on the picks explains worst, in ``rounds``.

    A small MLP VAE (Kingma & Welling 2014) is trained on the picks so far; the candidates
    with the highest negative ELBO (bits per image under a Bernoulli decoder) join the picks.
    The first round is a random sample. Reads the images (pixels). ``gains`` are those bits.
    """

    name = "surprise"
    family = "information"
    label_use = LabelUse.NONE
    summary = "VAE trained on the picks in rounds; pick the worst explained"
    input = Input.IMAGES

    def __init__(self, *, rounds: int = 5, steps: int = 300, latent: int = 16, sample: int = 20000) -> None:
        self.rounds = rounds
        self.steps = steps
        self.latent = latent
        self.sample = sample

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        import torch

        x = unit_interval(features)
        n = len(x)
        per_round = max(1, -(-budget // max(1, self.rounds)))
        picked = list(rng.choice(n, size=min(per_round, budget), replace=False))
        gains = [0.0] * len(picked)
        available = np.ones(n, dtype=bool)
        available[picked] = False
        xt = torch.from_numpy(x)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed_int(rng))
            while len(picked) < budget:
                vae = _train_vae(xt[np.asarray(picked)], self.latent, self.steps, torch.Generator().manual_seed(seed_int(rng)))
                cand = np.flatnonzero(available)
                if len(cand) > self.sample:
                    cand = rng.choice(cand, size=self.sample, replace=False)
                bits = _neg_elbo_bits(vae, xt[cand])
                take = top_k(bits, min(per_round, budget - len(picked)), rng)
                picked.extend(int(i) for i in cand[take])
                gains.extend(float(b) for b in bits[take])
                available[cand[take]] = False
        return Selection(np.asarray(picked, dtype=np.int64), self.name, self.label_use, np.asarray(gains))


def _train_vae(x: torch.Tensor, latent: int, steps: int, gen: torch.Generator) -> torch.nn.Module:
    import torch
    import torch.nn.functional as F
    from torch import nn

    d = x.shape[1]

    class VAE(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.enc = nn.Sequential(nn.Linear(d, 256), nn.ReLU(), nn.Linear(256, 2 * latent))
            self.dec = nn.Sequential(nn.Linear(latent, 256), nn.ReLU(), nn.Linear(256, d))

        def forward(self, v: torch.Tensor, noise: torch.Tensor | None) -> torch.Tensor:
            mu, logvar = self.enc(v).chunk(2, dim=1)
            z = mu if noise is None else mu + noise * (0.5 * logvar).exp()
            recon = F.binary_cross_entropy_with_logits(self.dec(z), v, reduction="none").sum(1)
            kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1)
            return recon + kl  # nats per image

    vae = VAE()
    opt = torch.optim.Adam(vae.parameters(), lr=2e-3)
    batch = min(64, len(x))
    for _ in range(steps):
        b = torch.randint(len(x), (batch,), generator=gen)
        loss = vae(x[b], torch.randn(batch, latent, generator=gen)).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return vae.eval()


def _neg_elbo_bits(vae: torch.nn.Module, x: torch.Tensor) -> npt.NDArray[np.float64]:
    import torch

    with torch.inference_mode():
        return torch.cat([vae(c, None) for c in x.split(4096)]).double().numpy() / np.log(2)
