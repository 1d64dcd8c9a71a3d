"""The game's recipes: defined in ``infopick.torchkit.recipes`` (the ``network`` measure trains them too)."""

from infopick.torchkit.recipes import RECIPES, Recipe, get_recipe

__all__ = ["RECIPES", "Recipe", "get_recipe"]
