"""Encoders trained on the pool without labels: ``autoencoder`` and ``contrastive`` (SimCLR).

Both reuse the game's generic trainer with their own loss, draw every random number from a
torch generator seeded from ``rng``, and leave torch's global RNG as they found it. ``device``
(``auto`` / ``cpu`` / ``cuda``, ``infopick.torchkit.classifier.resolve_device``) is where they train;
the CPU's numbers are the published ones, a GPU gives others (and other cache files).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from infopick._util import seed_int
from infopick.embed.base import Embedder, register_embedder
from infopick.nuisance import Nuisance
from infopick.torchkit.augment import AugmentConfig, augment, nuisance_view
from infopick.torchkit.classifier import resolve_device
from infopick.torchkit.tensors import to_tensor
from infopick.torchkit.trainer import TrainConfig, Trainer
from infopick.typing import Progress, UInt8Array

if TYPE_CHECKING:
    import torch
    from torch import nn

_EVAL_BATCH = 1000


@register_embedder
class Autoencoder(Embedder):
    """Bottleneck of a small convolutional autoencoder trained on the pool: (n, dim).

    Two stride-2 convs down, a linear bottleneck, two transposed convs up; loss is the
    per-pixel binary cross-entropy of the reconstruction (Hinton & Salakhutdinov 2006).
    """

    name = "autoencoder"
    summary = "bottleneck of a conv autoencoder trained on the pool (dim 32, no labels)"

    trains = True

    def __init__(self, *, dim: int = 32, steps: int = 800, batch_size: int = 128, lr: float = 3e-3, device: str = "cpu") -> None:
        self.dim = dim
        self.steps = steps
        self.batch_size = batch_size
        self.lr = lr
        self.device = device

    def embed(
        self, images: UInt8Array, *, rng: np.random.Generator, progress: Progress | None = None
    ) -> npt.NDArray[np.float32]:
        import torch
        import torch.nn.functional as F

        dev = resolve_device(self.device)
        x = to_tensor(images).to(dev)
        seed = seed_int(rng)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = _ConvAutoencoder(x.shape[1], x.shape[2], x.shape[3], self.dim).to(dev)  # initialised on the CPU: same weights anywhere
            batches = _Batches(x, self.batch_size, torch.Generator(device=dev).manual_seed(seed))

            def loss(m: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
                return F.binary_cross_entropy_with_logits(m(batch[0]), batch[0])

            _train(model, TrainConfig(steps=self.steps, lr=self.lr, weight_decay=1e-4), lambda: (batches.next(), batches.none), loss, progress)
        return _encode(cast("nn.Module", model.encoder), x, progress)


@register_embedder
class Contrastive(Embedder):
    """Features of a small CNN trained with SimCLR's NT-Xent loss on two augmented views: (n, 4 * width), unit norm.

    Chen et al. 2020. Views differ by rotation, zoom, shift, an elastic warp and ink contrast, and
    optionally by a brightness offset (uniform in +-``brightness``, intensities in [0, 1]) and pixel
    noise (std ``noise``). ``nuisance=s > 0`` replaces all of these by nuisance copies at strength s
    (``infopick.nuisance``): the encoder is then taught exactly what counts as the same image. The
    representation is the globally pooled last conv stage (before the projection head).
    """

    name = "contrastive"
    summary = "SimCLR-style self-supervised CNN features (dim 64, no labels)"

    trains = True

    def __init__(
        self, *, steps: int = 300, batch_size: int = 256, lr: float = 2e-3, temperature: float = 0.2, width: int = 16,
        brightness: float = 0.0, noise: float = 0.0, nuisance: float = 0.0, device: str = "cpu",
    ) -> None:
        self.steps = steps
        self.batch_size = batch_size
        self.lr = lr
        self.temperature = temperature
        self.width = width
        self.brightness = brightness
        self.noise = noise
        self.nuisance = nuisance
        self.device = device

    def cache_params(self) -> dict[str, Any]:
        """As ``Embedder``'s, without the view parameters that are off: the default views keep
        the cache files they had before the views had parameters."""
        params = super().cache_params()
        for key in ("brightness", "noise", "nuisance"):
            if params.get(key) == 0:
                del params[key]
        return params

    def embed(
        self, images: UInt8Array, *, rng: np.random.Generator, progress: Progress | None = None
    ) -> npt.NDArray[np.float32]:
        import torch
        import torch.nn.functional as F

        from infopick.torchkit.model import build_cnn

        dev = resolve_device(self.device)
        x = to_tensor(images).to(dev)
        seed = seed_int(rng)
        views = AugmentConfig(rotate_deg=20, scale=0.2, shift_px=0.12 * x.shape[-1], elastic_px=1.5)
        same = Nuisance(strength=self.nuisance)
        tau = self.temperature
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            # build_cnn's hidden layer + classifier serve as SimCLR's 2-layer projection head.
            net = build_cnn(x.shape[1], 64, blocks=(1, 1, 1), width=self.width, dropout=0.0, hidden=4 * self.width).to(dev)
            gen = torch.Generator(device=dev).manual_seed(seed)
            batches = _Batches(x, min(self.batch_size, len(x)), gen)

            def two_views() -> tuple[torch.Tensor, torch.Tensor]:
                b = batches.next()
                if self.nuisance > 0:
                    return nuisance_view(b, same, gen), nuisance_view(b, same, gen)
                first = _jitter(augment(b, views, gen), gen, self.brightness, self.noise)
                return first, _jitter(augment(b, views, gen), gen, self.brightness, self.noise)

            def nt_xent(m: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
                z = F.normalize(m(torch.cat(batch)), dim=1)
                sim = z @ z.T / tau
                sim.fill_diagonal_(float("-inf"))  # a view is not its own positive
                b = len(batch[0])
                target = torch.cat([torch.arange(b, 2 * b), torch.arange(b)]).to(sim.device)
                return F.cross_entropy(sim, target)

            _train(net, TrainConfig(steps=self.steps, lr=self.lr, weight_decay=1e-4), two_views, nt_xent, progress)
        encoder = net[:-4]  # up to the pooled features, before the projection head
        return _l2_normalise(_encode(encoder, x, progress))


class _Batches:
    """Endless shuffled mini-batches of a tensor, drawn from one torch generator."""

    def __init__(self, x: torch.Tensor, batch: int, gen: torch.Generator) -> None:
        import torch

        self.x, self.batch, self.gen = x, min(batch, len(x)), gen
        self.order, self.pos = torch.randperm(len(x), generator=gen, device=gen.device), 0
        self.none = torch.empty(0)

    def next(self) -> torch.Tensor:
        import torch

        if self.pos + self.batch > len(self.x):
            self.order, self.pos = torch.randperm(len(self.x), generator=self.gen, device=self.gen.device), 0
        b = self.order[self.pos : self.pos + self.batch]
        self.pos += self.batch
        return self.x[b]


def _ConvAutoencoder(c: int, h: int, w: int, dim: int) -> nn.Module:  # noqa: N802  (a factory, read as a class)
    from torch import nn

    h4, w4 = -(-h // 4), -(-w // 4)  # two stride-2 convs with padding 1 give ceil(h / 4)

    class AE(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = nn.Sequential(
                nn.Conv2d(c, 32, 3, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(inplace=True),
                nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
                nn.Flatten(), nn.Linear(64 * h4 * w4, dim),
            )
            self.decoder = nn.Sequential(
                nn.Linear(dim, 64 * h4 * w4), nn.ReLU(inplace=True), nn.Unflatten(1, (64, h4, w4)),
                nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(inplace=True),
                nn.ConvTranspose2d(32, c, 4, stride=2, padding=1),
            )

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.decoder(self.encoder(x))[:, :, :h, :w]  # upsampling gives >= h; crop odd sizes

    return AE()


def _train(model: nn.Module, cfg: TrainConfig, next_batch: Any, loss: Any, progress: Progress | None) -> None:
    trainer = Trainer(model, cfg, next_batch, loss)
    if progress is not None:
        trainer.add_callback(lambda step, _: progress("encoder", step + 1, cfg.steps))
    trainer.run()


def _encode(encoder: nn.Module, x: torch.Tensor, progress: Progress | None) -> npt.NDArray[np.float32]:
    import torch

    encoder.eval()
    out = []
    with torch.inference_mode():
        for i in range(0, len(x), _EVAL_BATCH):
            out.append(encoder(x[i : i + _EVAL_BATCH]).cpu().numpy())
            if progress is not None:
                progress("embed", min(i + _EVAL_BATCH, len(x)), len(x))
    return np.concatenate(out).astype(np.float32)


def _jitter(x: torch.Tensor, gen: torch.Generator, brightness: float, noise: float) -> torch.Tensor:
    """Scale each image's ink by a factor in [0.6, 1.4] (contrast is not what makes a digit); then the
    optional brightness offset and pixel noise. Off (0) draws nothing, so the default views are unchanged."""
    import torch

    x = (x * (0.6 + 0.8 * torch.rand(len(x), 1, 1, 1, generator=gen, device=gen.device))).clamp_(0, 1)
    if brightness > 0:
        x = x + (torch.rand(len(x), 1, 1, 1, generator=gen, device=gen.device) * 2 - 1) * brightness
    if noise > 0:
        x = x + torch.randn(x.shape, generator=gen, device=gen.device) * noise
    return x.clamp_(0, 1)


def _l2_normalise(z: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    return z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
