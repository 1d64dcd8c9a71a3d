"""Properties every label-free measure must have, on random small pools (hypothesis).

A subset never holds more than the pool; adding images never lowers bits; gains shrink as the
set grows (submodular: the defaults; coverage with power > 0 takes a log of a facility location's
cost and is only monotone); an exact copy of a picked image adds nothing; K at 99.9 % >= at 99 %
>= at 90 %; a pool of one image repeated holds the bits of that one image.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from infopick.measure import fit_pool, measure, registry
from infopick.select.base import LabelUse

LABEL_FREE = [n for n, c in registry().items() if c.label_use is LabelUse.NONE]
# (measure, parameters, submodular): every label-free measure at its defaults (invariant-coverage: a power
# mean, monotone only), and coverage's power means.
VARIANTS = [(n, {}, n != "invariant-coverage") for n in LABEL_FREE] + [("coverage", {"power": 2.0}, False),
                                                   ("coverage", {"power": "log-n"}, False)]
variants = st.sampled_from(VARIANTS)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Small integer-valued pools: ties and exact duplicates are likely, which is the point.
pools = st.integers(4, 16).flatmap(
    lambda n: st.integers(1, 4).flatmap(lambda d: arrays(np.float64, (n, d), elements=st.integers(0, 6).map(float)))
)


def _tol(pm: object) -> float:
    return 1e-7 * max(1.0, abs(pm.bits_pool))  # type: ignore[attr-defined]


@SETTINGS
@given(x=pools, variant=variants, data=st.data())
def test_monotone_submodular_and_bounded_by_the_pool(x: np.ndarray, variant: tuple, data: st.DataObject) -> None:
    name, params, submodular = variant
    pm = fit_pool(x, name, seed=0, **params)
    n = len(pm.first)
    order = data.draw(st.permutations(range(n)))
    a, b = sorted(data.draw(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))))
    small, big = np.array(order[:a], dtype=np.int64), np.array(order[:b], dtype=np.int64)
    f = pm.fitted.bits
    tol = _tol(pm)
    assert f(small) <= f(big) + tol <= pm.bits_pool + 2 * tol
    rest = order[b:]
    if rest and submodular:
        e = np.array([rest[0]])
        gain_small = f(np.concatenate([small, e])) - f(small)
        gain_big = f(np.concatenate([big, e])) - f(big)
        assert gain_small >= gain_big - tol


@SETTINGS
@given(x=pools, variant=variants, data=st.data())
def test_a_copy_of_a_picked_image_adds_nothing(x: np.ndarray, variant: tuple, data: st.DataObject) -> None:
    name, params, _ = variant
    j = data.draw(st.integers(0, len(x) - 1))
    pooled = np.concatenate([x, x[j : j + 1]])
    pm = fit_pool(pooled, name, seed=0, **params)
    with_copy = pm.fitted.bits(pm.subset([j, len(x)]))
    assert with_copy == pm.fitted.bits(pm.subset([j]))
    assert pm.measure([j], curve=False).image_bits[len(x)] == 0.0


@SETTINGS
@given(x=pools, variant=variants)
def test_k_for_thresholds_are_ordered(x: np.ndarray, variant: tuple) -> None:
    name, params, _ = variant
    k = measure(x, name, seed=0, **params).k_for
    assert None not in k.values()
    assert k["0.9"] <= k["0.99"] <= k["0.999"]  # type: ignore[operator]


@SETTINGS
@given(row=arrays(np.float64, (1, 3), elements=st.integers(0, 9).map(float)), copies=st.integers(2, 9),
       variant=variants)
def test_one_image_repeated_holds_the_bits_of_one_image(row: np.ndarray, copies: int, variant: tuple) -> None:
    name, params, _ = variant
    one = measure(row, name, **params)
    many = measure(np.repeat(row, copies, axis=0), name, selection=[copies - 1], **params)
    assert many.n_distinct == 1
    assert many.bits_pool == one.bits_pool and many.fraction == 1.0
