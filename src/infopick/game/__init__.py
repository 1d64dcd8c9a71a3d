"""The game: a fixed CNN trained on the picked images only, scored on the pool and test pool."""

from infopick.game.play import GameResult, play
from infopick.game.recipes import RECIPES, Recipe, get_recipe

__all__ = ["play", "GameResult", "Recipe", "RECIPES", "get_recipe"]
