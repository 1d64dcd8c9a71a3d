"""``check_indices``: the one check of picked indices that select, measure, the game and selection files share."""

from __future__ import annotations

import numpy as np
import pytest

from infopick import InfopickError
from infopick.select import Selection, Strategy, select
from infopick.selection import LabelUse, check_indices


def test_good_indices_come_back_as_int64_in_their_order() -> None:
    out = check_indices([4, 0, 2], 5)
    assert out.dtype == np.int64 and out.tolist() == [4, 0, 2]
    assert check_indices(Selection(np.array([1, 3]), "x"), 4).tolist() == [1, 3]
    assert check_indices(np.array([], dtype=np.int64), 3).shape == (0,)


@pytest.mark.parametrize(
    ("idx", "words"),
    [([0, 5], "index 5 outside the pool \\(0..4\\)"), ([-1], "index -1 outside"), ([10**30], "outside the pool"),
     ([2, 1, 2], "index 2 appears more than once"), ([[0, 1]], "1-d array"), ([0.5], "integer indices"),
     (np.array([2**64 - 1], dtype=np.uint64), "outside the pool")],
)
def test_bad_indices_are_one_error_naming_the_first_bad_one(idx: object, words: str) -> None:
    with pytest.raises(InfopickError, match=f"^where: .*{words}|^where: {words}"):
        check_indices(idx, 5, what="where")  # type: ignore[arg-type]


def test_a_strategy_that_returns_a_bad_selection_is_an_error_not_a_wrong_subset() -> None:
    class Twice(Strategy):
        name, family, label_use, summary = "twice", "test", LabelUse.NONE, "picks row 0 twice"

        def select(self, features, budget, *, rng, labels=None):  # type: ignore[no-untyped-def]
            return Selection(np.zeros(budget, dtype=np.int64), self.name)

    with pytest.raises(InfopickError, match="strategy 'twice' returned a bad selection: index 0 appears more than once"):
        select(np.zeros((10, 2)), 3, Twice(), seed=0)
    with pytest.raises(InfopickError, match="2 indices, 3 asked for"):
        check_indices([0, 1], 10, size=3)
