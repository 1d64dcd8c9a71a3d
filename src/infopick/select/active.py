"""Active learning: labels of the picked images only. ``margin``, ``entropy``, ``bald``, ``hybrid``.

Each starts label-free (``start`` picks ``budget // rounds`` images), then in every round asks
for the labels of its picks so far, trains a small MLP on the embedding, and picks the
candidates the model is least sure of. Only ``labels[picked]`` is ever read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
import numpy.typing as npt

from infopick._util import seed_int
from infopick.objectives.geometry import farthest_first
from infopick.objectives.ranking import top_k
from infopick.select.base import LabelUse, Selection, Strategy, get_strategy, register
from infopick.typing import Features, IntArray

if TYPE_CHECKING:
    import torch


class _Uncertainty(Strategy):
    """Rounds of: train on the labelled picks, score the rest, take the ``per_round`` most uncertain."""

    family = "active"
    label_use = LabelUse.PICKED
    score_name: ClassVar[str]
    mc_samples: ClassVar[int] = 1  # > 1: dropout stays on at scoring time (MC dropout)

    def __init__(self, *, rounds: int = 5, start: str = "kmeans", steps: int = 300, hidden: int = 256) -> None:
        self.rounds = rounds
        self.start = start
        self.steps = steps
        self.hidden = hidden

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        if labels is None:
            raise ValueError(f"{self.name} needs labels")  # select() guarantees them; a direct caller may not
        x = standard_rows(features)
        per_round = self.per_round(budget)
        first = self._start(x, min(self.first_size(budget, per_round), budget), rng)
        picked = list(first)
        gains = [0.0] * len(picked)
        while len(picked) < budget:
            take, score = self._round(x, np.asarray(picked), labels[np.asarray(picked)], min(per_round, budget - len(picked)), rng)
            picked.extend(int(i) for i in take)
            gains.extend(float(s) for s in score)
        return Selection(np.asarray(picked, dtype=np.int64), self.name, self.label_use, np.asarray(gains))

    continues = True

    def continue_from(self, features: Features, budget: int, given: IntArray, *, rng: np.random.Generator,
                      given_labels: npt.NDArray[np.int64] | None = None, labels: npt.NDArray[np.int64] | None = None,
                      images: object = None) -> Selection:
        """One round: train on the given rows and their labels (the user's, or the pool's), take the ``budget``
        least certain. The active-learning loop: label these, add them to the given set, ask again."""
        y = given_labels if given_labels is not None else (labels[given] if labels is not None else None)
        if y is None:
            raise ValueError(f"{self.name} needs the labels of the given rows")  # select() guarantees them
        take, score = self._round(standard_rows(features), np.asarray(given, dtype=np.int64), np.asarray(y), budget, rng)
        return Selection(take, self.name, self.label_use, score)

    def per_round(self, budget: int) -> int:
        """Picks per round: the start and ``rounds - 1`` uncertainty rounds share the budget."""
        return max(1, -(-budget // max(1, self.rounds)))

    def first_size(self, budget: int, per_round: int) -> int:
        return per_round

    def _start(self, x: npt.NDArray[np.float32], size: int, rng: np.random.Generator) -> IntArray:
        strat = get_strategy(self.start)
        if strat.label_use is not LabelUse.NONE:
            raise ValueError(f"the label-free start of {self.name} cannot be {self.start!r}, which reads labels")
        return strat.select(x, size, rng=rng).indices

    def _round(
        self, x: npt.NDArray[np.float32], picked: IntArray, y: npt.NDArray[np.int64], size: int, rng: np.random.Generator
    ) -> tuple[IntArray, npt.NDArray[np.float64]]:
        rest = np.setdiff1d(np.arange(len(x)), picked)
        classes, y_local = np.unique(y, return_inverse=True)
        if len(classes) < 2:  # nothing to be uncertain about yet: spread out instead
            idx, _ = farthest_first(x, len(picked) + size, picked)
            return idx[len(picked) :], np.zeros(size)
        probs = _fit_predict(x[picked], y_local, x[rest], len(classes), self, seed_int(rng))
        score = self.uncertainty(probs)
        local = top_k(score, size, rng)
        return rest[local], score[local]

    def uncertainty(self, probs: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Higher = less sure. ``probs`` has shape (samples, n, classes)."""
        raise NotImplementedError


@register
class Margin(_Uncertainty):
    """Smallest gap between the two most likely classes (Scheffer et al. 2001). ``gains`` = 1 - margin."""

    name = "margin"
    summary = "active learning: smallest top-2 margin of an MLP on the picks"

    def uncertainty(self, probs: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        p = np.sort(probs.mean(0), axis=1)
        return 1.0 - (p[:, -1] - p[:, -2])


@register
class Entropy(_Uncertainty):
    """Highest predictive entropy (Shannon 1948; Settles 2009's survey). ``gains`` in bits."""

    name = "entropy"
    summary = "active learning: highest predictive entropy (bits)"

    def uncertainty(self, probs: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return _entropy_bits(probs.mean(0))


@register
class BALD(_Uncertainty):
    """Mutual information between prediction and weights under MC dropout (Houlsby et al. 2011; Gal et al. 2017).

    BALD = H[mean_t p_t] - mean_t H[p_t] over ``mc_samples`` dropout masks. ``gains`` in bits.
    """

    name = "bald"
    summary = "active learning: BALD mutual information under MC dropout (bits)"
    mc_samples = 10

    def uncertainty(self, probs: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return _entropy_bits(probs.mean(0)) - _entropy_bits(probs).mean(0)


@register
class Hybrid(Margin):
    """Coverage first, then uncertainty: half the budget by ``probcover`` (label-free), the rest by
    margin rounds, each round's picks spread out by farthest-first among the 3x most uncertain
    candidates (as in cluster-margin, Citovsky et al. 2021). ``gains`` as in ``margin``.
    """

    name = "hybrid"
    summary = "probcover for half the budget, then diversified margin rounds"

    def __init__(self, *, rounds: int = 4, start: str = "probcover", steps: int = 300, hidden: int = 256) -> None:
        super().__init__(rounds=rounds, start=start, steps=steps, hidden=hidden)

    def first_size(self, budget: int, per_round: int) -> int:
        return max(1, budget // 2)

    def per_round(self, budget: int) -> int:
        """``rounds`` margin rounds share the half of the budget left after the probcover start."""
        return max(1, -(-(budget - budget // 2) // max(1, self.rounds)))

    def _round(
        self, x: npt.NDArray[np.float32], picked: IntArray, y: npt.NDArray[np.int64], size: int, rng: np.random.Generator
    ) -> tuple[IntArray, npt.NDArray[np.float64]]:
        wide, score = super()._round(x, picked, y, min(3 * size, len(x) - len(picked)), rng)
        if len(wide) <= size:
            return wide, score
        # Farthest-first among the uncertain, measured from everything already picked.
        sub = np.concatenate([picked, wide])
        idx, _ = farthest_first(x[sub], len(picked) + size, np.arange(len(picked)))
        chosen = idx[len(picked) :] - len(picked)
        return wide[chosen], score[chosen]


def standard_rows(features: Features) -> npt.NDArray[np.float32]:
    """Columns centred and scaled to unit variance (constant columns left at 0), float32."""
    x = np.asarray(features, dtype=np.float32).reshape(len(features), -1)
    sd = x.std(axis=0)
    return ((x - x.mean(axis=0)) / np.where(sd > 0, sd, 1)).astype(np.float32)


def _entropy_bits(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return -(p * np.log2(np.clip(p, 1e-12, 1))).sum(axis=-1)


def _fit_predict(
    x: npt.NDArray[np.float32], y: npt.NDArray[np.int64], query: npt.NDArray[np.float32], n_classes: int,
    cfg: _Uncertainty, seed: int,
) -> npt.NDArray[np.float64]:
    """Train an MLP with dropout on (x, y); class probabilities of ``query``, shape (samples, m, classes)."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        gen = torch.Generator().manual_seed(seed)
        net = nn.Sequential(nn.Linear(x.shape[1], cfg.hidden), nn.ReLU(), nn.Dropout(0.3), nn.Linear(cfg.hidden, n_classes))
        opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-3)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        batch = min(128, len(x))
        net.train()
        for _ in range(cfg.steps):
            b = torch.randint(len(x), (batch,), generator=gen)
            loss = F.cross_entropy(net(xt[b]), yt[b])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        net.train(cfg.mc_samples > 1)  # MC dropout keeps dropout on while scoring
        q = torch.from_numpy(query)
        with torch.inference_mode():
            out = [_softmax_chunks(net, q) for _ in range(cfg.mc_samples)]
    return np.stack(out).astype(np.float64)


def _softmax_chunks(net: torch.nn.Module, q: torch.Tensor) -> npt.NDArray[np.float32]:
    return np.concatenate([net(c).softmax(1).numpy() for c in q.split(8192)])
