"""``auto``: the label-free strategy the benchmark shows best for the budget (benchmarks/RESULTS.md)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from infopick.select.base import Input, LabelUse, Selection, Strategy, get_strategy, register
from infopick.typing import Features

# (largest budget as a fraction of the pool, strategy): the first row whose bound holds wins.
# From the fast-recipe table in benchmarks/RESULTS.md (MNIST on UMAP, 3 seeds, pool accuracy vs
# random): K=100 (0.17 %) facility +2.0, kmeans +1.3, kcenter +0.5; K=1000 (1.7 %) kcenter +0.56,
# facility +0.15, kmeans +0.03. The switch at 0.5 % lies between the two measured budgets; above
# 5 % nothing was measured, so random, the honest default.
CHOICES: tuple[tuple[float, str], ...] = ((0.005, "facility"), (0.05, "kcenter"), (1.0, "random"))


@register
class Auto(Strategy):
    """Delegates by budget: see ``CHOICES``. ``meta["chosen"]`` names the strategy that picked."""

    name = "auto"
    family = "auto"
    label_use = LabelUse.NONE
    summary = "the benchmark's best label-free strategy for the budget"

    def reads(self, budget: int, n: int) -> Input:
        return get_strategy(choose(budget, n)).input

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        chosen = choose(budget, len(features))
        sel = get_strategy(chosen).select(features, budget, rng=rng)
        return Selection(sel.indices, self.name, self.label_use, sel.gains, {"chosen": chosen, **sel.meta})


def choose(budget: int, n: int) -> str:
    """Name of the strategy ``auto`` runs for ``budget`` of ``n``."""
    return next(name for bound, name in CHOICES if budget <= bound * n)
