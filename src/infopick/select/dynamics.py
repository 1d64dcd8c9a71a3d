"""Training dynamics (reads all labels): ``forgetting``, ``el2n``, ``grand`` and ``ccs``.

DeepCore's central family: train the game's network on the whole labelled pool, score each image by
how the network learns it (``infopick.torchkit.dynamics``), keep a subset by score. They answer the
other reading of the game (every label is known; which K keep the full-data network) and are
oracles in the game's terms (``label_use = all``), never mixed with the label-free strategies.

- ``forgetting`` (Toneva et al. 2019): the most forgotten first, never-learned images before all;
- ``el2n`` / ``grand`` (Paul et al. 2021): the highest early-training error norm / gradient norm
  first. ``keep="easiest"`` takes the lowest instead (Sorscher et al. 2022: at small budgets keep
  the easy ones);
- ``ccs`` (Zheng et al. 2023, coverage-centric coreset selection): drop the ``prune`` hardest share
  by EL2N, cut the rest's score range into ``strata`` equal bins, and spend the budget evenly over
  the bins (a bin with fewer images than its share gives the rest to the others), at random within.

EL2N and GraNd are read after ``early`` = 20 % of the training (Paul et al.: epoch 20 of 200; here
later, because the one-cycle schedule of the game's recipes warms up over its first 20 %; on digits
with 30 wrong labels, 20 % found 80 % of them in the EL2N top 60, 30 % and 50 % found 60-73 %).
Scores are averaged over ``seeds`` training runs (seeds 0..seeds-1, not the selection seed) and
cached per pool images, labels, recipe content, epochs, early and seed under
``$INFOPICK_HOME/dynamics/``: a second budget or selection seed reads them in a second.
``dynamics_scores(pool)`` gives them to a Python user (``dynamics_runs``: each run with its cache file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from infopick._util import atomic_write, content_digest
from infopick.errors import InfopickError
from infopick.objectives.ranking import top_k
from infopick.select.base import Input, LabelUse, Selection, Strategy, register
from infopick.torchkit.recipes import get_recipe
from infopick.typing import Features

CACHE_VERSION = 1
SCORES = ("forgetting", "el2n", "grand")
EPOCHS = 10.0  # passes over the pool per training run
EARLY = 0.2  # share of the run after which EL2N and GraNd are read


def dynamics_scores(
    images: Any, labels: npt.ArrayLike | None = None, *, recipe: str = "fast", seeds: int = 2, epochs: float = EPOCHS,
    early: float = EARLY,
) -> dict[str, npt.NDArray[np.float64]]:
    """Per-image forgetting events, EL2N and GraNd (n,), each the mean over ``seeds`` runs; from a pool or (images, labels)."""
    return mean_of_runs(dynamics_runs(images, labels, recipe=recipe, seeds=seeds, epochs=epochs, early=early))


def mean_of_runs(runs: list[tuple[Path, dict[str, npt.NDArray[np.float64]]]]) -> dict[str, npt.NDArray[np.float64]]:
    """Each score (n,) averaged over the runs that ``dynamics_runs`` returned."""
    return {k: np.mean([r[k] for _, r in runs], axis=0) for k in SCORES}


def dynamics_runs(
    images: Any, labels: npt.ArrayLike | None = None, *, recipe: str = "fast", seeds: int = 2, epochs: float = EPOCHS,
    early: float = EARLY,
) -> list[tuple[Path, dict[str, npt.NDArray[np.float64]]]]:
    """Each training run (seeds 0..seeds-1): its cache file and its three scores (n,), scored first where not cached."""
    from infopick.data.pool import Pool

    if isinstance(images, Pool):
        labels = images.labels if labels is None else labels
        images = images.images
    if labels is None:
        raise InfopickError("training-dynamics scores read every label and the pool has none")
    x, y = np.asarray(images), np.asarray(labels, dtype=np.int64)
    return [_cached_run(x, y, recipe, seed, epochs, early) for seed in range(seeds)]


def _cache_path(x: np.ndarray, y: npt.NDArray[np.int64], recipe: str, seed: int, epochs: float, early: float) -> Path:
    """Where one training run's scores of (images ``x``, labels ``y``) are cached under ``$INFOPICK_HOME``."""
    from infopick.data.mnist import home

    key = {"recipe": get_recipe(recipe).to_dict(), "seed": seed, "epochs": epochs, "early": early, "v": CACHE_VERSION}
    return home() / "dynamics" / f"scores-{content_digest((x, y), key)}.npz"


def _cached_run(x: np.ndarray, y: npt.NDArray[np.int64], recipe: str, seed: int, epochs: float,
                early: float) -> tuple[Path, dict[str, Any]]:
    from infopick.torchkit.dynamics import score_dynamics

    rec = get_recipe(recipe)
    path = _cache_path(x, y, recipe, seed, epochs, early)
    try:
        with np.load(path, allow_pickle=False) as z:
            if all(z[k].shape == (len(x),) for k in SCORES):
                return path, {k: z[k] for k in SCORES}
    except (OSError, ValueError, KeyError):
        pass  # absent or damaged: score again
    s = score_dynamics(x, y, int(y.max()) + 1, recipe=rec, seed=seed, epochs=epochs, early=early)
    out = {"forgetting": s.forgetting, "el2n": s.el2n, "grand": s.grand}
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, "wb") as fh:
        np.savez(fh, forgetting=s.forgetting, el2n=s.el2n, grand=s.grand, seconds=np.array(s.seconds), steps=np.array(s.steps))
    return path, out


class _Dynamics(Strategy):
    """Pick by one training-dynamics score: the hardest (highest) first, or the easiest with ``keep="easiest"``."""

    family = "dynamics"
    label_use = LabelUse.ALL
    input = Input.IMAGES
    seed_free = True  # scores come from fixed training seeds; the selection seed only breaks ties
    score_name: str

    def __init__(self, *, recipe: str = "fast", seeds: int = 2, epochs: float = EPOCHS, early: float = EARLY,
                 keep: str = "hardest") -> None:
        self.recipe = recipe
        self.seeds = seeds
        self.epochs = epochs
        self.early = early
        self.keep = keep

    def _scores(self, images: Features, labels: npt.NDArray[np.int64] | None) -> dict[str, npt.NDArray[np.float64]]:
        if self.keep not in ("hardest", "easiest"):
            raise InfopickError(f"strategy {self.name!r}: parameter keep={self.keep!r} must be 'hardest' or 'easiest'")
        if not 0 < self.early < 1:
            raise InfopickError(f"strategy {self.name!r}: parameter early={self.early!r} must lie in (0, 1)")
        if np.asarray(images).dtype != np.uint8 or np.asarray(images).ndim not in (3, 4):
            raise InfopickError(f"strategy {self.name!r} trains the game's network on images; give a pool, not features")
        return dynamics_scores(images, labels, recipe=self.recipe, seeds=self.seeds, epochs=self.epochs, early=self.early)

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        score = self._scores(features, labels)[self.score_name]
        ranked = np.where(np.isinf(score), np.finfo(np.float64).max, score)  # never learned: hardest of all
        idx = top_k(ranked if self.keep == "hardest" else -ranked, budget, rng)
        return Selection(idx, self.name, self.label_use, score[idx], {"score": self.score_name, "keep": self.keep})


@register
class Forgetting(_Dynamics):
    """Forgetting events over training (Toneva et al. 2019): most forgotten first, never learned before all."""

    name = "forgetting"
    summary = "training dynamics: most forgetting events in a whole-pool training run first (reads all labels)"
    score_name = "forgetting"


@register
class EL2N(_Dynamics):
    """Early-training error L2 norm (Paul et al. 2021): highest first (``keep="easiest"``: lowest)."""

    name = "el2n"
    summary = "training dynamics: highest early error norm ||p - y|| first (reads all labels)"
    score_name = "el2n"


@register
class GraNd(_Dynamics):
    """Early-training gradient norm (Paul et al. 2021), last-layer approximation: highest first."""

    name = "grand"
    summary = "training dynamics: highest early gradient norm first, last-layer approximation (reads all labels)"
    score_name = "grand"


@register
class CCS(_Dynamics):
    """Coverage-centric coreset selection (Zheng et al. 2023) on EL2N: prune the hardest share, sample the strata evenly."""

    name = "ccs"
    summary = "training dynamics: drop the hardest EL2N share, then the budget spread evenly over score strata (reads all labels)"
    score_name = "el2n"
    seed_free = False  # samples within each stratum
    zero_ok = ("prune",)

    def __init__(self, *, recipe: str = "fast", seeds: int = 2, epochs: float = EPOCHS, early: float = EARLY, prune: float = 0.1,
                 strata: int = 50) -> None:
        super().__init__(recipe=recipe, seeds=seeds, epochs=epochs, early=early)
        self.prune = prune
        self.strata = strata

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        if not 0 <= self.prune < 1:
            raise InfopickError(f"strategy 'ccs': parameter prune={self.prune!r} must lie in [0, 1)")
        score = self._scores(features, labels)[self.score_name]
        n = len(score)
        order = np.argsort(-score, kind="stable")
        cut = min(int(self.prune * n), n - budget)  # never prune so much that the budget cannot be met
        kept = order[cut:]
        edges = np.linspace(score[kept].min(), score[kept].max(), self.strata + 1)
        stratum = np.clip(np.searchsorted(edges, score[kept], side="right") - 1, 0, self.strata - 1)
        members = [m for m in (rng.permutation(kept[stratum == s]) for s in range(self.strata)) if len(m)]
        take = [0] * len(members)
        left = budget
        for j, s in enumerate(sorted(range(len(members)), key=lambda s: len(members[s]))):  # the smallest stratum first
            take[s] = min(len(members[s]), left // (len(members) - j))  # its even share of what is left, or all it has
            left -= take[s]
        idx = np.concatenate([m[:t] for m, t in zip(members, take, strict=True)]).astype(np.int64)
        return Selection(idx, self.name, self.label_use, score[idx], {"pruned": int(cut), "strata": len(members)})


def describe(path: str | Path) -> dict[str, Any]:
    """What a cached scores file holds (for listings): its arrays' shapes, training steps and seconds."""
    with np.load(path, allow_pickle=False) as z:
        return {"file": str(path), "n": int(z["el2n"].shape[0]), "steps": int(z["steps"]), "seconds": float(z["seconds"])}
