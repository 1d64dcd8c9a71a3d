"""A typed registry of classes by name (cleanlab's habit): strategies, embeddings, later measures."""

from __future__ import annotations

import inspect
import json
import math
import typing
from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from infopick.errors import InfopickError, UnknownNameError

T = TypeVar("T")


class Registry(Generic[T]):
    """Name -> class. ``register`` refuses a duplicate name or a missing class attribute;
    ``create`` instantiates by name, and an unknown name lists the valid ones."""

    def __init__(self, kind: str, required: dict[str, type | tuple[type, ...]]) -> None:
        self.kind = kind
        self.required = required
        self._classes: dict[str, type[T]] = {}

    def register(self, cls: type[T]) -> type[T]:
        for attr, types in self.required.items():
            if not isinstance(getattr(cls, attr, None), types):
                raise TypeError(f"{cls.__name__} must define class attribute {attr!r}")
        name: str = cls.name  # type: ignore[attr-defined]
        if name in self._classes:
            raise ValueError(f"{self.kind} {name!r} is already registered by {self._classes[name].__name__}")
        self._classes[name] = cls
        return cls

    def classes(self) -> dict[str, type[T]]:
        """Name -> class, in registration order."""
        return dict(self._classes)

    def create(self, name: str, **params: Any) -> T:
        cls = self._classes.get(name)
        if cls is None:
            raise UnknownNameError(self.kind, name, self._classes)
        _check_params(f"{self.kind} {name!r}", cls, params)
        try:
            return cls(**params)
        except TypeError as exc:  # an unknown or misspelt parameter
            raise InfopickError(f"{self.kind} {name!r}: {exc}") from None


def parse_params(pairs: Iterable[str], what: str = "a parameter") -> dict[str, Any]:
    """``KEY=VALUE`` strings -> keyword arguments for ``create``; a VALUE that parses as JSON (2, 0.5,
    null, true) is taken as such, anything else stays a string. The CLI's ``--param`` and the
    benchmarks' ``NAME:KEY=VALUE`` specs both read parameters through it; ``what`` names the source
    in the error line."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InfopickError(f"{what} wants KEY=VALUE, got {pair!r}")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def check_instance(kind: str, obj: Any) -> None:
    """The parameters an object stores, checked as ``create`` checks them by name (scikit-learn checks
    its constraints however the estimator was built): ``select(x, k, Facility(k=-3))`` fails too."""
    _check_params(f"{kind} {getattr(obj, 'name', type(obj).__name__)!r}", type(obj), dict(vars(obj)))


def _check_params(what: str, cls: type, params: dict[str, Any]) -> None:
    """Each value against its annotation: numbers finite and positive (>= 0 where the default is 0
    or the class lists the name in ``zero_ok``), and inside ``[lo, hi]`` where the class's ``ranges``
    names the parameter, so that ``--param eps=nan`` fails here in one line, not as a TypeError deep in a measure."""
    init = next(vars(c)["__init__"] for c in cls.__mro__ if "__init__" in vars(c))  # what cls(...) runs
    sig = inspect.signature(init)
    hints = typing.get_type_hints(init)
    for key, value in params.items():
        if key not in sig.parameters or key not in hints:
            continue  # an unknown name: the constructor's TypeError names it
        allowed = typing.get_args(hints[key]) or (hints[key],)
        if not any(_fits(value, t) for t in allowed):
            words = {type(None): "None", float: "a finite number", int: "an integer", str: "a string", bool: "true or false"}
            names = " or ".join(words.get(t, str(t)) for t in allowed)
            raise InfopickError(f"{what}: parameter {key}={value!r} must be {names}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            zero_ok = sig.parameters[key].default == 0 or key in getattr(cls, "zero_ok", ())
            if value < 0 or (value == 0 and not zero_ok):
                raise InfopickError(f"{what}: parameter {key}={value!r} must be {'>= 0' if zero_ok else '> 0'}")
            lo, hi = getattr(cls, "ranges", {}).get(key, (-math.inf, math.inf))
            if not lo <= value <= hi:
                raise InfopickError(f"{what}: parameter {key}={value!r} must lie in [{lo:g}, {hi:g}]")


def _fits(value: Any, t: Any) -> bool:
    if t is type(None):
        return value is None
    if t is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if t is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if t in (str, bool):
        return isinstance(value, t)
    return True
