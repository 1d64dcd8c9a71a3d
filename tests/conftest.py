"""Shared fixtures: the digits pool, a tiny training recipe, and a private $INFOPICK_HOME."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import infopick
from infopick.game.recipes import Recipe
from infopick.torchkit.augment import AugmentConfig
from infopick.torchkit.trainer import TrainConfig

# The CLI in a child process (``python -c TINY_CLI ARGS``, cwd = the repository root) with the tiny recipe
# standing in for "fast": for tests of the harness (kills, faults, exits), not of the recipe.
TINY_CLI = ("import sys; from tests.conftest import tiny; from infopick.game import recipes; "
            "recipes.RECIPES['fast'] = tiny(); from infopick.cli import main; sys.exit(main(sys.argv[1:]))")


@pytest.fixture(scope="session")
def digits() -> infopick.Pool:
    return infopick.load("digits")


@pytest.fixture(scope="session")
def tiny_recipe() -> Recipe:
    return tiny()


def tiny() -> Recipe:
    """A recipe of a few seconds on digits: enough to learn, small enough for the suite."""
    return Recipe(
        name="tiny", blocks=(1, 1), width=16, dropout=0.0, kernel=3, head_grid=1, hidden=0, batch_size=32,
        train=TrainConfig(steps=150, lr=1e-2), augment=AugmentConfig(rotate_deg=5, scale=0.05, shift_px=0.5),
        eval_batch=512,
    )


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INFOPICK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def toy_pool(n: int = 40, shape: tuple[int, ...] = (8, 8), classes: int = 4, seed: int = 0) -> infopick.Pool:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(n, *shape), dtype=np.uint8)
    y = np.arange(n) % classes
    return infopick.make_pool(x, y)
