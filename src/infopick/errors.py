"""The library's own error types: every failure a user can cause raises one of these.

The CLI turns any :class:`InfopickError` into one ``error:`` line and exit code 2.
"""

from __future__ import annotations

from collections.abc import Iterable


class InfopickError(ValueError):
    """Base class: bad input or a failed step the user can act on."""


class DataError(InfopickError):
    """A data source is missing, malformed or inconsistent."""


class UnknownNameError(InfopickError, KeyError):
    """A name (strategy, data spec, recipe) that no registry holds."""

    def __init__(self, kind: str, name: str, valid: Iterable[str]) -> None:
        self.kind, self.name, self.valid = kind, name, sorted(valid)
        super().__init__(f"unknown {kind} {name!r}; valid: {', '.join(self.valid)}")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class BudgetError(InfopickError):
    """A budget outside 1..n."""
