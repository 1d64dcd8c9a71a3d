"""Information measures in bits: how much a pool holds, how much a subset holds, the K for 99.9 %.

``measure(data, name, selection=...)`` is the public edge: it validates, collapses exact
duplicate images (a dataset is a set: a copy holds nothing new), hands each measure what it
declares (embedding, images, labels), and returns a :class:`Measurement`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from infopick._registry import check_instance
from infopick._util import resolve_rng
from infopick.data.pool import Pool, check_features, check_labels
from infopick.errors import InfopickError
from infopick.measure import codebook, coding, compression, network  # noqa: F401  (register the measures)
from infopick.measure import labels as _label_bits  # noqa: F401  (a module name the `labels=` arguments shadow)
from infopick.measure.base import THRESHOLDS, Curve, Fitted, Measure, get_measure, register, registry
from infopick.selection import Input, LabelUse, Selection, check_indices
from infopick.typing import Features, IntArray, SeedLike

if TYPE_CHECKING:
    from infopick.embed import Embedder

__all__ = ["measure", "fit_pool", "PoolMeasure", "Measurement", "Measure", "Fitted", "Curve", "register", "registry", "get_measure", "DEFAULT_MEASURE",
           "DEFAULT_MEASURE_EMBED"]

DEFAULT_MEASURE = "invariant-coverage"
"""Label-free default: codes images at the nuisance model's resolution and leaves junk out
(benchmarks/stress/measures.py); its M/N tracks accuracy as well as ``coverage power=log-n`` on
the stored bench cells (Spearman 0.92 / 0.85 at K=100 / 1000; benchmarks/stress/rho_invariant.py,
whose declared fresh-cell test is still to be played)."""

DEFAULT_MEASURE_EMBED = "pca"
"""Embedding the measures read by default: linear and deterministic. Distances across a UMAP
are not meaningful globally (measured: coding-rate on UMAP tracks accuracy with rho 0.34 / 0.02
at K=100 / 1000, on PCA 0.76 / 0.78), so the selection default (UMAP) is not the measure default."""


@dataclass(frozen=True, eq=False)
class Measurement:
    """One measure of one pool (and optionally one subset). All ``bits`` are in bits.

    ``curve_k``/``curve_bits``: the greedy information curve (bits held by the first K images
    of ``order``, pool indices); ``image_bits`` (n,): each image's new bits given the subset,
    or, without one, given every other image of the pool.
    """

    measure: str
    encoder: str
    params: dict[str, Any]
    n: int
    n_distinct: int
    bits_pool: float
    bits_subset: float | None
    subset_size: int | None
    fraction: float | None
    k_for: dict[str, int | None]
    curve_k: IntArray
    curve_bits: npt.NDArray[np.float64]
    order: IntArray
    image_bits: npt.NDArray[np.float64]
    facts: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self, curve_points: int = 200) -> dict[str, Any]:
        """A JSON-ready summary; the curve thinned to about ``curve_points`` points (ends kept)."""
        keep: npt.NDArray[np.int64] | list[int] = np.unique(np.geomspace(1, max(1, len(self.curve_k)), curve_points).astype(int) - 1) if len(self.curve_k) else []
        return {
            "measure": self.measure, "encoder": self.encoder, "params": self.params, "n": self.n, "n_distinct": self.n_distinct,
            "bits_pool": self.bits_pool, "bits_subset": self.bits_subset, "subset_size": self.subset_size,
            "fraction": self.fraction, "k_for": self.k_for,
            "curve": {"k": [int(self.curve_k[i]) for i in keep], "bits": [float(self.curve_bits[i]) for i in keep]},
            "facts": self.facts, "seconds": self.seconds,
        }


def measure(
    data: Pool | Features,
    name: str | Measure = DEFAULT_MEASURE,
    *,
    selection: Selection | npt.ArrayLike | None = None,
    labels: npt.ArrayLike | None = None,
    embed: str | Embedder | None = None,
    embed_seed: int = 0,
    seed: SeedLike = 0,
    curve: bool | None = None,
    families: bool | None = None,
    family_strength: float = 1.0,
    **params: Any,
) -> Measurement:
    """Bits held by a pool (N), by ``selection`` (M), M / N, the greedy curve and K at 90 / 99 / 99.9 %.

    From a pool, the measure reads what it declares: the embedding ``embed`` (default
    ``DEFAULT_MEASURE_EMBED``, cached), the images, and labels if it needs them. A
    feature matrix (n, d) is read as it is. ``curve=False`` skips the greedy curve (and K); None
    (the default) runs it where the measure's ``curve_by_default`` says so (not ``network``: minutes per point).
    To measure many subsets of one pool, fit once with :func:`fit_pool`. An image is an exact-duplicate
    group of rows or, with ``families`` (default None: as ``families.by_default`` says, for a pool of images
    of at least ``families.MIN_SIDE`` px where the step passes its null test; True / False), a near-duplicate
    family at ``family_strength``
    (``infopick.families``): a copy of a picked image adds 0 bits, and ``n_distinct`` counts images.

    >>> import numpy as np
    >>> m = measure(np.arange(20.0).reshape(10, 2), "coding-rate", selection=[0, 1, 2])
    >>> 0 < m.fraction <= 1
    True
    """
    return fit_pool(data, name, labels=labels, embed=embed, embed_seed=embed_seed, seed=seed, families=families,
                    family_strength=family_strength, **params).measure(
        selection, curve=curve
    )


def fit_pool(
    data: Pool | Features,
    name: str | Measure = DEFAULT_MEASURE,
    *,
    labels: npt.ArrayLike | None = None,
    embed: str | Embedder | None = None,
    embed_seed: int = 0,
    seed: SeedLike = 0,
    families: bool | None = None,
    family_strength: float = 1.0,
    **params: Any,
) -> PoolMeasure:
    """Fit a measure to a pool once (embedding, neighbours, compressed sizes); see :func:`measure`."""
    meas = name if isinstance(name, Measure) else get_measure(name, **params)
    check_instance("measure", meas)
    raw, features = _inputs(data, meas, embed, embed_seed)
    first, inverse, counts = _identity(data, raw, families, family_strength)
    y = _labels(data, labels, len(raw))[first] if meas.label_use is not LabelUse.NONE else None
    rng = resolve_rng(seed)
    t0 = time.perf_counter()
    fitted = meas.fit(features[first], labels=y, rng=rng)
    return PoolMeasure(meas, fitted, first, inverse, counts, rng, _embed_name(meas, data, embed), time.perf_counter() - t0)


class PoolMeasure:
    """A measure fitted to one pool: ``bits_pool`` once, then any number of subsets."""

    def __init__(self, meas: Measure, fitted: Fitted, first: IntArray, inverse: IntArray, counts: IntArray,
                 rng: np.random.Generator, embed: str | None, fit_seconds: float) -> None:
        self.meas, self.fitted = meas, fitted
        self.first, self.inverse, self.counts = first, inverse, counts
        self.rng = rng
        self.embed = embed
        self.fit_seconds = fit_seconds
        self.bits_pool = float(fitted.bits(np.arange(len(first))))

    def subset(self, selection: Selection | npt.ArrayLike) -> IntArray:
        """Pool indices -> the distinct rows they name (a copy of a picked image is that image)."""
        return np.unique(self.inverse[_indices(selection, len(self.inverse))])

    def fraction(self, selection: Selection | npt.ArrayLike) -> float:
        """M / N for one subset, without the curve or the per-image bits."""
        return self._share(self.fitted.bits(self.subset(selection)))

    def _share(self, bits: float) -> float:
        """bits / N; a pool holding no bits is held whole by any subset."""
        return bits / self.bits_pool if self.bits_pool > 0 else 1.0

    def measure(self, selection: Selection | npt.ArrayLike | None = None, *, curve: bool | None = None) -> Measurement:
        fitted, inverse = self.fitted, self.inverse
        curve = self.meas.curve_by_default if curve is None else curve
        t = {"fit": self.fit_seconds}
        bits_subset = fraction = None
        facts = dict(fitted.facts)
        t0 = time.perf_counter()
        if selection is not None:
            picked = self.subset(selection)
            bits_subset = fitted.bits(picked)
            fraction = self._share(bits_subset)
            facts.update(fitted.subset_facts(picked))
            per_image = fitted.image_bits(picked)[inverse]
        elif len(self.first) == 1:
            per_image = fitted.image_bits(np.zeros(0, dtype=np.int64))[inverse]
        else:  # a copy elsewhere in the pool: nothing unique
            per_image = np.where(self.counts[inverse] > 1, 0.0, fitted.unique_bits()[inverse])
        t["subset"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        k_for: dict[str, int | None] = {str(q): None for q in THRESHOLDS}
        curve_k = order = np.zeros(0, dtype=np.int64)
        curve_bits = np.zeros(0)
        if curve:
            c = fitted.greedy(max(THRESHOLDS) * self.bits_pool, self.rng)
            k_for = {str(q): c.k_for(q * self.bits_pool) for q in THRESHOLDS}
            curve_k, curve_bits, order = c.ks, c.values, self.first[c.order]
        t["curve"] = time.perf_counter() - t0
        return Measurement(
            self.meas.name, fitted.encoder, self.meas.params(), len(inverse), len(self.first), self.bits_pool,
            None if bits_subset is None else float(bits_subset), None if selection is None else len(picked),
            None if fraction is None else float(fraction), k_for, curve_k, curve_bits, order, per_image.astype(np.float64),
            {**facts, "embed": self.embed}, t,
        )


def _inputs(data: Pool | Features, meas: Measure, embed: str | Embedder | None, embed_seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows that define identity, what the measure reads): the images and their embedding, or the matrix twice."""
    if isinstance(data, Pool):
        if meas.input is Input.FEATURES:
            from infopick.embed import embed as _embed

            return data.images, _embed(data, embed or DEFAULT_MEASURE_EMBED, seed=embed_seed)
        return data.images, data.images
    if embed is not None:
        raise InfopickError("embed= applies to a pool; these are features already")
    x = check_features(data)
    if len(x) < 1:
        raise InfopickError("a measure needs at least one row")
    return x, x


def _embed_name(meas: Measure, data: Pool | Features, embed: str | Embedder | None) -> str | None:
    if not isinstance(data, Pool) or meas.input is not Input.FEATURES:
        return None
    return DEFAULT_MEASURE_EMBED if embed is None else embed if isinstance(embed, str) else embed.name


def _identity(data: Pool | Features, raw: np.ndarray, families: bool | None,
              strength: float) -> tuple[IntArray, IntArray, IntArray]:
    """(one row per image, each row's image index, each image's count of rows): an image is an exact-duplicate group,
    or, with ``families`` (default: as ``families.by_default`` says), a near-duplicate family."""
    from infopick.families import by_default, check_switch, distinct_rows, find_families

    families = check_switch(families, strength)
    found = by_default(data.images, strength)[0] if families is None and isinstance(data, Pool) else None
    if not (families or found):
        return distinct_rows(raw)
    fam = (found or find_families(data.images if isinstance(data, Pool) else raw, strength=strength)).family
    leaders, inverse, counts = np.unique(fam, return_inverse=True, return_counts=True)
    return leaders.astype(np.int64), inverse.astype(np.int64), counts.astype(np.int64)


def _labels(data: Pool | Features, labels: npt.ArrayLike | None, n: int) -> npt.NDArray[np.int64]:
    y = labels if labels is not None else (data.labels if isinstance(data, Pool) else None)
    if y is None:
        raise InfopickError("this measure reads labels and the pool has none")
    return check_labels(y, n)


def _indices(selection: Selection | npt.ArrayLike, n: int) -> IntArray:
    return check_indices(selection, n)
