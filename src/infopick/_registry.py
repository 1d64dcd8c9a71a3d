"""A typed registry of classes by name (cleanlab's habit): strategies, embeddings, later measures."""

from __future__ import annotations

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
        try:
            return cls(**params)
        except TypeError as exc:  # an unknown or misspelt parameter
            raise InfopickError(f"{self.kind} {name!r}: {exc}") from None
