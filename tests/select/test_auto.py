"""``auto`` runs exactly the strategy its table names for the budget, and reads only what that one reads."""

from __future__ import annotations

import numpy as np
import pytest

from infopick.select import Input, get_strategy, registry, select
from infopick.select.auto import CHOICES, choose


def test_every_choice_is_a_registered_label_free_strategy() -> None:
    for _, name in CHOICES:
        assert name in registry() and registry()[name].label_use.value == "none" and name != "auto"
    assert CHOICES[-1][0] >= 1.0  # every budget up to the whole pool has a row


@pytest.mark.parametrize("budget", [1, 50, 300, 1000])
def test_auto_picks_what_the_chosen_strategy_picks(budget: int) -> None:
    x = np.random.default_rng(0).normal(size=(1000, 4)).astype(np.float32)
    chosen = choose(budget, len(x))
    sel = select(x, budget, "auto", seed=2)
    assert sel.meta["chosen"] == chosen
    assert np.array_equal(sel.indices, select(x, budget, chosen, seed=2).indices)


def test_auto_reads_what_its_choice_reads() -> None:
    n = 10_000
    for bound, _ in CHOICES:
        budget = max(1, int(bound * n))
        assert get_strategy("auto").reads(budget, n) is registry()[choose(budget, n)].input
    assert isinstance(get_strategy("auto").reads(1, n), Input)
