"""infopick: pick the K most informative examples of a pool, and play the MNIST game with them.

>>> import infopick
>>> pool = infopick.load("digits")
>>> sel = infopick.select(pool, 100, "random", seed=0)
>>> len(sel)
100
"""

from infopick._registry import parse_params
from infopick.data import Pool, load, make_pool
from infopick.embed import embed  # the function; the subpackage stays importable as infopick.embed.*
from infopick.errors import BudgetError, DataError, InfopickError, UnknownNameError
from infopick.game import GameResult, play
from infopick.select import LabelUse, Selection, Strategy, register, registry, select
from infopick.version import __version__

__all__ = [
    "Pool", "load", "make_pool", "embed", "select", "play", "Selection", "Strategy", "LabelUse", "register",
    "registry", "parse_params", "GameResult", "InfopickError", "DataError", "BudgetError", "UnknownNameError", "__version__",
]
