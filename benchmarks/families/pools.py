"""Pools whose copies come in families (issue 33): ``size`` nuisance copies of each of a few originals.

``family_pool(base, size, share, kind, strength, seed)`` -> ``(pool, truth)``, as the stress suite's
builders (benchmarks/stress/pools.py): ``truth["copy_of"]`` is each copy's original row (-1 for an
original) and ``truth["family"]`` each row's true family (its original's row). Bases: ``mnist``
(20000 rows drawn from the training set), ``colour`` (6000 colour 32x32 crops of the bundled
photos), ``photos`` (the ``photos`` data spec: 6000 crops of scikit-image's colour photos) and
``photos-grey`` (6000 32x32 crops of its grey photos, the same way). Copy kinds pick which parts of the nuisance model (``infopick.nuisance.Nuisance``) act:
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

import infopick
from benchmarks.stress import pools as stress
from infopick.data.photos import crop_pool
from infopick.nuisance import Nuisance, perturb

_OFF = {"noise": 0.0, "shift_px": 0.0, "rotate_deg": 0.0, "scale": 0.0, "brightness": 0.0, "contrast": 0.0, "blur_px": 0.0}
KINDS: dict[str, Callable[[float], Nuisance]] = {
    "all": lambda s: Nuisance(strength=s),  # every part at once (the model as it is)
    "noise+shift": lambda s: Nuisance(strength=s, **{**_OFF, "noise": 0.04, "shift_px": 1.0}),
    "blur+jpeg": lambda s: Nuisance(strength=s, **{**_OFF, "blur_px": 0.5}, jpeg=True),
    "rotate+scale": lambda s: Nuisance(strength=s, **{**_OFF, "rotate_deg": 5.0, "scale": 0.05}),
    "brightness": lambda s: Nuisance(strength=s, **{**_OFF, "brightness": 0.08, "contrast": 0.1}),
}
__doc__ += "".join(f"``{k}``, " for k in KINDS)[:-2] + ".\n"


def family_pool(base: str, size: int, share: float, kind: str = "all", strength: float = 1.0,
                seed: int = 1) -> stress.Built:
    """A pool whose ``share`` of rows are copies, ``size`` per original, of ``kind`` at ``strength``."""
    rng = np.random.default_rng(seed)
    if base == "mnist":
        n = stress.N_MNIST
        n_copies = int(round(share * n / size)) * size
        x, y, test = stress._mnist(rng, n - n_copies)
    else:
        pool = stress.colour(seed)[0] if base == "colour" else infopick.load("photos") if base == "photos" \
            else crop_pool("grey", seed)
        n = len(pool)
        n_copies = int(round(share * n / size)) * size
        keep = np.sort(rng.choice(n, n - n_copies, replace=False))
        x, y, test = pool.images[keep], pool.labels[keep], pool.test  # type: ignore[index]
    src = np.repeat(rng.choice(len(x), n_copies // size, replace=False), size)
    copies = perturb(x[src], KINDS[kind](strength), rng)
    copy_of = np.concatenate([np.full(len(x), -1), src])
    built, truth = stress._pool(np.concatenate([x, copies]), np.concatenate([y, y[src]]), test, copy_of,
                                np.zeros(n, bool), rng)
    truth["family"] = np.where(truth["copy_of"] >= 0, truth["copy_of"], np.arange(n))
    return built, truth


def oracle(truth: dict[str, npt.NDArray], budget: int, seed: int) -> infopick.Selection:
    """What knowing the families buys: uniform among the originals (one image per family), then among the copies."""
    rng = np.random.default_rng(seed)
    orig = np.flatnonzero(truth["copy_of"] < 0)
    first = rng.choice(orig, size=min(budget, len(orig)), replace=False)
    rest = np.setdiff1d(np.arange(len(truth["copy_of"])), first)
    more = rng.choice(rest, size=budget - len(first), replace=False)
    return infopick.Selection(np.concatenate([first, more]).astype(np.int64), "oracle")
