"""Information: ``logdet`` (coding rate), ``compression`` (new bytes), ``surprise`` (VAE), ``extremes``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import numpy.typing as npt

from infopick._util import seed_int
from infopick.objectives.coding import add_row
from infopick.objectives.ranking import top_k
from infopick.objectives.rows import as_bytes, unit_interval, unit_rows
from infopick.select.base import Input, LabelUse, Selection, Strategy, register
from infopick.typing import Features

if TYPE_CHECKING:
    import torch


@register
class LogDet(Strategy):
    """Greedy coding rate: maximise 1/2 log2 det(I + alpha Z_S^T Z_S), alpha = d / (budget eps^2).

    The coding rate of Ma et al. 2007 / Yu et al. 2020 (MCR^2) on centred, unit-norm rows;
    monotone submodular, so greedy is within 1 - 1/e. The gain of x is 1/2 log2(1 + alpha
    x^T M^-1 x), kept current for every x by a rank-one update per pick (O(n d) each).
    The first pick is drawn from ``rng``. ``gains`` are in bits.
    """

    name = "logdet"
    family = "information"
    label_use = LabelUse.NONE
    summary = "greedy coding rate (log-det) of the picked features, in bits"

    def __init__(self, *, eps: float = 0.5) -> None:
        self.eps = eps

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        z = unit_rows(np.asarray(features, dtype=np.float64))
        n, d = z.shape
        alpha = d / (budget * self.eps**2)
        m_inv = np.eye(d)
        q = np.einsum("ij,ij->i", z, z)  # x^T M^-1 x for every x, M = I at the start
        available = np.ones(n, dtype=bool)
        picked: list[int] = []
        gains: list[float] = []
        for t in range(budget):
            i = int(rng.integers(n)) if t == 0 else int(np.argmax(np.where(available, q, -np.inf)))
            picked.append(i)
            gains.append(0.5 * float(np.log2(1 + alpha * q[i])))
            available[i] = False
            v, zv = add_row(m_inv, z[i], alpha)
            q -= (alpha / (1 + alpha * zv)) * (z @ v) ** 2  # every x's gain under the new M
        return Selection(np.asarray(picked, dtype=np.int64), self.name, self.label_use, np.asarray(gains))


@register
class Compression(Strategy):
    """The most new information in bytes: pick what compresses worst given the picks so far.

    Score of x: C(x | S) / C(x), zstd-compressed size of x's bytes with the picks as a raw-content
    dictionary, over its size alone (the fraction of x the picks do not explain; Li & Vitanyi's
    conditional complexity, with a real compressor standing in). In ``rounds``, each over a
    random sample of ``sample`` candidates (stochastic greedy, Mirzasoleiman et al. 2015); the
    first pick is random. Reads the images (pixels), not an embedding. ``gains`` are the scores.
    """

    name = "compression"
    family = "information"
    label_use = LabelUse.NONE
    summary = "greedy on conditional zstd size: the most new bytes given the picks"
    input = Input.IMAGES

    def __init__(self, *, rounds: int = 20, sample: int = 4000, level: int = 3, dict_bytes: int = 1 << 20) -> None:
        self.rounds = rounds
        self.sample = sample
        self.level = level
        self.dict_bytes = dict_bytes

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        import zstandard as zstd

        rows = as_bytes(features)
        n = len(rows)
        alone = zstd.ZstdCompressor(level=self.level)
        first = int(rng.integers(n))
        picked, gains = [first], [1.0]
        available = np.ones(n, dtype=bool)
        available[first] = False
        per_round = max(1, -(-(budget - 1) // max(1, self.rounds)))
        while len(picked) < budget:
            # The newest picks go last in the dictionary: zstd finds matches nearest the data first.
            content = b"".join(rows[i] for i in picked)[-self.dict_bytes :]
            cdict = zstd.ZstdCompressionDict(content, dict_type=zstd.DICT_TYPE_RAWCONTENT)
            given = zstd.ZstdCompressor(level=self.level, dict_data=cdict, write_content_size=False, write_checksum=False,
                                        write_dict_id=False)
            cand = np.flatnonzero(available)
            if len(cand) > self.sample:
                cand = rng.choice(cand, size=self.sample, replace=False)
            score = np.array([len(given.compress(rows[i])) / len(alone.compress(rows[i])) for i in cand])
            local = top_k(score, min(per_round, budget - len(picked)), rng)
            picked.extend(int(i) for i in cand[local])
            gains.extend(float(g) for g in score[local])
            available[cand[local]] = False
        return Selection(np.asarray(picked, dtype=np.int64), self.name, self.label_use, np.asarray(gains))


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


@register
class Extremes(Strategy):
    """Min and max along interpretable coordinates, in turn: ink mass, stroke thickness, slant,
    width, height, and the top ``axes`` principal axes of the pixels.

    The "corners of the data" rule. Coordinates are visited in an order drawn from ``rng``,
    alternating the low and the high end, until ``budget`` distinct images are picked. Reads
    the images; 2-D input is read as one-row images. ``gains`` are the |z-score| of each pick.
    """

    name = "extremes"
    family = "information"
    label_use = LabelUse.NONE
    summary = "min/max along ink, thickness, slant, width, height, principal axes"
    zero_ok: ClassVar[tuple[str, ...]] = ("axes",)  # no principal axes: the five hand-made coordinates only
    input = Input.IMAGES

    def __init__(self, *, axes: int = 4) -> None:
        self.axes = axes

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        coords = shape_coordinates(features, self.axes, rng)
        z = (coords - coords.mean(0)) / np.maximum(coords.std(0), 1e-12)
        tie = rng.random(len(z))
        ends = [np.lexsort((tie, sign * z[:, j])) for j in rng.permutation(z.shape[1]) for sign in (1, -1)]
        taken = np.zeros(len(z), dtype=bool)
        pos = [0] * len(ends)
        picked: list[int] = []
        gains: list[float] = []
        while len(picked) < budget:
            for e, order in enumerate(ends):
                while pos[e] < len(order) and taken[order[pos[e]]]:
                    pos[e] += 1
                if pos[e] < len(order) and len(picked) < budget:
                    i = int(order[pos[e]])
                    taken[i] = True
                    picked.append(i)
                    gains.append(float(np.abs(z[i]).max()))
        return Selection(np.asarray(picked, dtype=np.int64), self.name, self.label_use, np.asarray(gains))


def shape_coordinates(images: Features, axes: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """(n, 5 + axes): ink, thickness, slant, width, height (pixels), then principal-axis scores."""
    x: npt.NDArray[Any] = np.asarray(images)
    if x.ndim == 2:
        x = x[:, None, :]
    if x.ndim == 4:
        x = x.mean(axis=3)
    g: npt.NDArray[np.float32] = unit_interval(x.reshape(len(x), -1)).reshape(x.shape)
    n, h, w = g.shape
    ink = g.sum(axis=(1, 2))
    binary = g > 0.5
    perimeter = np.abs(np.diff(binary, axis=1)).sum(axis=(1, 2)) + np.abs(np.diff(binary, axis=2)).sum(axis=(1, 2))
    thickness = 2 * binary.sum(axis=(1, 2)) / np.maximum(perimeter, 1)  # area / half perimeter ~ stroke width
    ys, xs = np.mgrid[0:h, 0:w]
    mass = np.maximum(ink, 1e-9)
    cy, cx = (g * ys).sum(axis=(1, 2)) / mass, (g * xs).sum(axis=(1, 2)) / mass
    dy, dx = ys[None] - cy[:, None, None], xs[None] - cx[:, None, None]
    slant = (g * dx * dy).sum(axis=(1, 2)) / np.maximum((g * dy * dy).sum(axis=(1, 2)), 1e-9)
    rows_on, cols_on = (g > 0.2).any(axis=2), (g > 0.2).any(axis=1)
    height, width = _extent(np.asarray(rows_on)), _extent(np.asarray(cols_on))
    coords = [ink, thickness, slant, width, height]
    if axes > 0:
        from sklearn.decomposition import PCA

        flat = g.reshape(n, -1)
        k = min(axes, n, flat.shape[1])
        coords += list(PCA(n_components=k, svd_solver="randomized", random_state=seed_int(rng) % 2**32).fit_transform(flat).T)
    return np.stack(coords, axis=1).astype(np.float64)


def _extent(on: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    """Span (in pixels) from the first to the last True along axis 1; 0 for an empty row."""
    any_on = on.any(axis=1)
    first = on.argmax(axis=1)
    last = on.shape[1] - 1 - on[:, ::-1].argmax(axis=1)
    return np.where(any_on, last - first + 1, 0).astype(np.float64)
