"""``auto``: look at the pool first (near-copies, outliers), then run the strategy its budget calls for.

What ``auto`` measures (``screen``), from the pool's images when it has them:

- the **invariant** features (``infopick.embed.linear.Invariant``: PCA of blurred, standardised
  images), in which the nuisance model's radius r is calibrated (``infopick.nuisance.radius``,
  the median distance of an image to one of its nuisance copies at ``strength``);
- **near-copies** (reported, not dropped): images are grouped around leaders, the most central
  first (smallest distance to the ``K_NN``-th neighbour): every image within r of a leader, not
  yet grouped, joins it (no chaining, as SemDeDup keeps one per threshold ball). Facility location
  and farthest-first never spend two picks within their own resolution, so the groups are not
  needed to keep copies out; dropping all but one per group was tried and made random-like picks
  richer in junk (the groups are of clean images);
- **outliers**: the modified z-score of each image's log ``K_NN``-distance (Iglewicz & Hoaglin
  1993: median and MAD over the pool) above ``OUTLIER_Z``: junk, which farthest-first would chase,
  is dropped.

Given only a feature matrix, the same runs on it with r = ``DUP_RATIO`` x its median
nearest-neighbour distance (no images to perturb). Then, on the m images kept, the budget's share
of m picks the strategy (``CHOICES``) and it runs on the given features (UMAP by default):
facility location up to 1 % (MNIST K=100 is 0.17 %), farthest-first (k-center) up to 20 % (MNIST
K=1000 is 1.7 %), random above. The MNIST fast-recipe table of benchmarks/RESULTS.md put the
two measured budgets on either side; the bounds themselves were declared before
benchmarks/stress/ scored them on pools they were not set on. k-center runs inside ``STRATA``
k-means cells, the budget shared by their size (``kcenter strata=``): declared and scored on 13 fresh
cells in benchmarks/stress/kcenter_strata.py (+0.59 points over plain k-center on average, none
below it or random with an interval clear of 0, half the junk). ``meta`` says what was measured,
dropped, run and why.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from infopick.errors import InfopickError
from infopick.families import DUP_RATIO  # without images: near-copy radius as a share of the median NN distance
from infopick.nuisance import Nuisance
from infopick.select.base import Input, LabelUse, Selection, Strategy, get_strategy, register
from infopick.typing import Features, IntArray, UInt8Array

# (largest budget as a fraction of the distinct, non-outlier images, strategy): the first row whose bound holds wins.
CHOICES: tuple[tuple[float, str], ...] = ((0.01, "facility"), (0.2, "kcenter"), (1.0, "random"))
OUTLIER_Z = 2.5  # modified z-score of the log K_NN-distance above which an image is junk
K_NN = 10
SCREEN_SEED = 0  # the screen depends on the pool alone, not on the selection seed
# k-means cells for k-center (sqrt(1000): as many cells as picks per cell at K=1000). ceil(sqrt(K)) at every
# budget was declared and failed its fresh cells on junk (benchmarks/stress/kcenter_sqrt.py).
STRATA = 32


@dataclass(frozen=True)
class Screen:
    """What ``auto`` measured on a pool: which rows it keeps and why the others were set aside."""

    kept: IntArray  # rows handed to the strategy (outliers out), ascending
    n: int
    groups: int  # distinct images after merging near-copies
    near_copies: int  # rows merged into another row's group
    outliers: int  # images dropped as outliers
    dup_radius: float  # in the screen's features
    outlier_radius: float  # K_NN-distance above which an image is an outlier, same units
    encoder: str  # the features the screen read

    def facts(self) -> dict[str, Any]:
        d = asdict(self)
        del d["kept"]
        return {**d, "kept": int(len(self.kept)), "near_copy_share": self.near_copies / max(self.n, 1),
                "outlier_share": self.outliers / max(self.n, 1)}


def screen(features: Features | None = None, *, images: UInt8Array | None = None, nuisance: Nuisance | None = None,
           outlier_k: int = K_NN, outlier_z: float = OUTLIER_Z) -> Screen:
    """Near-copy groups and outliers, from the images (invariant features, nuisance radius) or from ``features`` (n, d).

    An outlier: modified z-score above ``outlier_z`` of the log distance to the ``outlier_k``-th neighbour."""
    if images is not None:
        from infopick.embed.linear import Invariant, invariant_resolution

        model = nuisance or Nuisance()
        x, r = invariant_resolution(images, model, np.random.default_rng(SCREEN_SEED), quantile=0.5)
        return _screen(x, r, f"invariant (blur {Invariant().blur_px} px, {x.shape[1]}-d), nuisance radius at strength {model.strength:g}",
                       outlier_k, outlier_z)
    assert features is not None
    x = np.asarray(features, dtype=np.float32)
    return _screen(x, None, f"the given features ({x.shape[1]}-d), radius {DUP_RATIO} x median nearest-neighbour distance",
                   outlier_k, outlier_z)


def _screen(x: npt.NDArray[np.float32], r: float | None, encoder: str, outlier_k: int, outlier_z: float) -> Screen:
    from infopick.neighbors import isolated, knn_graph, leader_groups

    n = len(x)
    if n < 3:
        return Screen(np.arange(n, dtype=np.int64), n, n, 0, 0, 0.0, float("inf"), encoder)
    g = knn_graph(x, min(K_NN, n - 1))
    dist = g.distances.astype(np.float64)
    if r is None:
        r = DUP_RATIO * float(np.median(dist[:, 0]))
    groups = int(np.sum(leader_groups(g, dist[:, -1], r) == np.arange(n)))
    out, outlier_radius = isolated(x, outlier_z, k=outlier_k)
    return Screen(np.flatnonzero(~out).astype(np.int64), n, groups, n - groups, int(out.sum()), float(r),
                  outlier_radius, encoder)


@register
class Auto(Strategy):
    """Screens the pool (``screen``), then delegates by budget (``CHOICES``); ``meta`` says what and why."""

    name = "auto"
    family = "auto"
    label_use = LabelUse.NONE
    summary = "drops the outliers it measures, then facility / stratified k-center / random by budget"

    def reads(self, budget: int, n: int) -> Input:
        # a named delegate that reads the images (compression, surprise) gets them, not an embedding
        return Input.IMAGES if self._delegate_strategy().input is Input.IMAGES else Input.FEATURES

    wants_images = True  # ``select`` hands it the pool's images too (for the nuisance-calibrated screen)
    wants_sizes = True  # under the family rule the budget rule counts the rows the representatives stand for
    zero_ok = ("strata",)  # strata=0: plain farthest-first
    ranges = {"typical": (0.0, 1.0)}  # k-center's, checked here too: auto may run facility and never reach it

    def __init__(self, *, strength: float = 1.0, delegate: str = "", outlier_k: int = K_NN, outlier_z: float = OUTLIER_Z,
                 strata: int | None = None, typical: float = 0.0) -> None:
        self.strength = strength
        self.delegate = delegate  # "" = by budget (``CHOICES``); a name = screen, then always that strategy
        self.outlier_k = outlier_k  # the screen's outlier rule: modified z of the log outlier_k-NN distance ...
        self.outlier_z = outlier_z  # ... above outlier_z
        # k-center's ``strata`` (0 or 1: plain farthest-first); None: ``STRATA`` where the budget rule runs
        # k-center, plain for a named delegate (``delegate=kcenter`` is the strategy as it is)
        self.strata = strata
        self.typical = typical  # k-center's ``typical`` (share of each cell's picks taken as k-means medoids first)

    def _delegate_strategy(self) -> Strategy:
        """The named delegate (checked here, however ``auto`` was built), or ``random`` as a stand-in for the budget rule."""
        if not self.delegate:
            return get_strategy("random")
        if self.delegate == self.name:
            raise InfopickError("auto: parameter delegate='auto' would delegate to itself")
        named = get_strategy(self.delegate)
        if named.label_use is not LabelUse.NONE:
            raise InfopickError(f"auto: parameter delegate={self.delegate!r} reads labels ({named.label_use.value}); "
                                "auto is label-free")
        return named

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None,
        images: UInt8Array | None = None, sizes: IntArray | None = None,
    ) -> Selection:
        return self._screened(features, budget, np.zeros(0, dtype=np.int64), rng, None, images, sizes)

    continues = True

    def continue_from(
        self, features: Features, budget: int, given: IntArray, *, rng: np.random.Generator,
        given_labels: npt.NDArray[np.int64] | None = None, labels: npt.NDArray[np.int64] | None = None,
        images: UInt8Array | None = None, sizes: IntArray | None = None,
    ) -> Selection:
        """The same screen, the given rows kept whatever it says, then the chosen strategy's continuation from them."""
        return self._screened(features, budget, given, rng, given_labels, images, sizes)

    def _screened(self, x: Features, budget: int, given: IntArray, rng: np.random.Generator,
                  given_labels: npt.NDArray[np.int64] | None, images: UInt8Array | None,
                  sizes: IntArray | None) -> Selection:
        """Screen, keep the non-outliers (and the given rows), then the chosen strategy: ``select``, or its
        ``continue_from`` the given rows. ``sizes`` (n,): the pool rows each row stands for (one pick per family);
        the budget rule counts them, so a pool of copies is told apart by its size, not its representatives."""
        self._delegate_strategy()  # a bad name fails before the screen's minute of work
        sc = screen(x, images=images, nuisance=Nuisance(strength=self.strength), outlier_k=self.outlier_k, outlier_z=self.outlier_z)
        g = len(given)
        rows = np.union1d(sc.kept, given) if g else sc.kept
        why = f"dropped {sc.outliers} outliers" + (" (given rows kept)" if g else "")
        if len(rows) - g < budget:  # the budget asks for more distinct images than the screen kept: take them all back
            rows = np.arange(len(x), dtype=np.int64)
            why = ("the budget exceeds the non-outliers not given: none dropped" if g
                   else f"the budget exceeds the {len(sc.kept)} non-outliers: none dropped")
        counted = len(rows) if sizes is None else int(sizes[rows].sum())
        chosen = self.delegate or choose(budget + g, counted)
        stands = "" if sizes is None else f" rows ({len(rows)} family representatives)"
        rule = "asked for" if self.delegate else f"budget {budget}{f' + {g} given' if g else ''} of {counted}{stands}"
        if chosen == "kcenter":
            strat = get_strategy(chosen, strata=self.strata if self.strata is not None else 0 if self.delegate else STRATA,
                                 typical=self.typical)
        else:
            strat = get_strategy(chosen)
        if not g:
            sel = strat.select(x[rows], budget, rng=rng)
        elif strat.continues:
            sel = strat.continue_from(x[rows], budget, np.searchsorted(rows, given), rng=rng, given_labels=given_labels)
        else:
            raise InfopickError(f"auto: {chosen!r} cannot continue from a given set")
        meta = {"chosen": chosen, "screen": sc.facts(), "why": f"{why}; {rule} -> {chosen}", **sel.meta}
        return Selection(rows[sel.indices], self.name, self.label_use, sel.gains, meta)


def choose(budget: int, n: int) -> str:
    """Name of the strategy ``auto`` runs for ``budget`` of ``n`` screened images."""
    return next(name for bound, name in CHOICES if budget <= bound * n)
