"""The project's one set of intervals (infopick.bench.stats) against scipy's own and the studies' earlier formulas."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from infopick.bench.stats import mean_interval, spearman_interval, welch, welch_bounds


def test_welch_matches_scipys_welch_t_interval() -> None:
    rng = np.random.default_rng(3)
    a, b = list(rng.normal(1.0, 1.0, 5)), list(rng.normal(0.0, 2.0, 7))
    lo, hi = sps.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    d, low, high = welch_bounds(a, b)
    assert d == pytest.approx(np.mean(a) - np.mean(b))
    assert (low, high) == pytest.approx((lo, hi))


def test_welch_and_mean_interval_edges() -> None:
    assert np.isnan(welch([1.0], [2.0, 3.0])[1])
    assert welch([1.0, 1.0], [0.0, 0.0]) == (1.0, 0.0)
    m, h = mean_interval([1.0, 2.0, 3.0])
    assert m == 2.0 and h == pytest.approx(sps.t.ppf(0.975, 2) * 1.0 / 3**0.5)


@pytest.mark.slow
def test_spearman_interval_reproduces_the_studies_earlier_bootstrap() -> None:
    # the formula the rho studies printed before this module: all draws at once from seed 0, nan-percentiles
    rng = np.random.default_rng(5)
    x = rng.normal(size=12)
    y = x + rng.normal(size=12)
    x[:3] = 0.0  # ties, so that some resamples are constant
    draws = np.random.default_rng(0).integers(0, 12, (2000, 12))
    boot = [sps.spearmanr(x[d], y[d])[0] for d in draws]
    rho, lo, hi = spearman_interval(x, y)
    assert rho == sps.spearmanr(x, y)[0]
    assert (lo, hi) == (np.nanpercentile(boot, 2.5), np.nanpercentile(boot, 97.5))
    assert spearman_interval(x, y, draws=draws) == (rho, lo, hi)


def test_spearman_interval_of_a_monotone_relation_is_one() -> None:
    x = np.arange(10.0)
    assert spearman_interval(x, x**3) == pytest.approx((1.0, 1.0, 1.0))
    assert np.isnan(spearman_interval(x, x, reps=0)[1])


def test_spearman_interval_of_a_constant_is_nan_not_an_error() -> None:
    rho, lo, hi = spearman_interval(np.ones(6), np.arange(6.0))
    assert np.isnan(rho) and np.isnan(lo) and np.isnan(hi)
