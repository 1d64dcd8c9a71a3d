"""The intervals every table of the project prints: a mean's t-interval, Welch's for a difference, a bootstrap for rho.

One place, so that the report, the bench and every study in ``benchmarks/`` compute an interval
the same way (Welch 1947; percentile bootstrap: Efron & Tibshirani 1993, ch. 13).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import numpy as np

T_LEVEL = 0.975  # two-sided 95 %


def mean_interval(xs: Sequence[float]) -> tuple[float, float]:
    """Mean of ``xs`` and the half-width of its 95 % t-interval (nan for fewer than two values)."""
    from scipy.stats import t

    m = statistics.mean(xs)
    if len(xs) < 2:
        return m, float("nan")
    return m, float(t.ppf(T_LEVEL, len(xs) - 1) * statistics.stdev(xs) / len(xs) ** 0.5)


def welch(a: Sequence[float], b: Sequence[float]) -> tuple[float, float]:
    """mean(a) - mean(b) and the half-width of its 95 % Welch interval (nan below two values each, 0 without spread)."""
    from scipy.stats import t

    diff = statistics.mean(a) - statistics.mean(b)
    if len(a) < 2 or len(b) < 2:
        return diff, float("nan")
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    if va + vb == 0:
        return diff, 0.0
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return diff, float(t.ppf(T_LEVEL, df) * (va + vb) ** 0.5)


def welch_bounds(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float]:
    """(difference, lower, upper) of ``welch``: the form the studies' tables print."""
    d, h = welch(a, b)
    return d, d - h, d + h


def spearman_interval(
    x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray, *, reps: int = 2000,
    rng: np.random.Generator | None = None, draws: np.ndarray | None = None,
) -> tuple[float, float, float]:
    """Spearman rho of ``x`` with ``y`` (n cells) and its 95 % percentile bootstrap interval over cells.

    ``reps`` resamples of n cells with replacement, drawn from ``rng`` (a fresh seed-0 generator when
    None, so that every table's interval reproduces on its own); resamples in which ``x`` or ``y`` is
    constant have no rank correlation and are left out. ``reps=0``, or ``x`` or ``y`` constant, gives (rho, nan, nan). ``draws``
    (reps, n) row indices: the same resamples for several quantities, so that their intervals are paired.
    """
    from scipy.stats import spearmanr

    x_, y_ = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if np.ptp(x_) == 0 or np.ptp(y_) == 0:  # a constant has no ranks: no rho, no interval
        return float("nan"), float("nan"), float("nan")
    rho = float(spearmanr(x_, y_).statistic)
    if reps == 0:
        return rho, float("nan"), float("nan")
    if draws is None:
        draws = (np.random.default_rng(0) if rng is None else rng).integers(0, len(x_), (reps, len(x_)))
    boot = [spearmanr(x_[d], y_[d]).statistic for d in draws if np.ptp(x_[d]) > 0 and np.ptp(y_[d]) > 0]
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return rho, float(lo), float(hi)
