"""Embedder interface and the typed registry of embeddings by name."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import numpy as np
import numpy.typing as npt

from infopick._registry import Registry
from infopick.typing import Progress, UInt8Array


class Embedder(ABC):
    """A feature map of a pool's images: ``__init__`` stores keyword-only parameters only."""

    name: ClassVar[str]
    summary: ClassVar[str]
    cached: ClassVar[bool] = True  # False where recomputing is cheaper than reading from disk
    # Pools larger than this are embedded chunk by chunk into a memory-mapped cache file, through
    # ``out_dim(images)`` and ``embed_into(images, out, rng=, progress=, engine=)``, which such embedders
    # define (``engine``: run the chunks as an engine's tasks, e.g. on Ray).
    out_of_core_above: ClassVar[float] = float("inf")
    trains: ClassVar[bool] = False  # True: a torch network trained on the pool, with a ``device`` parameter

    @abstractmethod
    def embed(
        self, images: UInt8Array, *, rng: np.random.Generator, progress: Progress | None = None
    ) -> npt.NDArray[np.float32]:
        """Map uint8 images (n, h, w[, c]) to float32 features (n, d). Inputs are already validated."""

    def params(self) -> dict[str, Any]:
        return dict(vars(self))

    def cache_params(self) -> dict[str, Any]:
        """The parameters that key this embedder's cache file: all of them, except that a trained
        embedder's ``device`` counts only when it resolves to a GPU (the CPU's numbers keep the files
        they had; a GPU's are other numbers, other files)."""
        params = self.params()
        if self.trains and "device" in params:
            from infopick.torchkit.classifier import resolve_device

            params["device"] = resolve_device(params["device"])
            if params["device"] == "cpu":
                del params["device"]
        return params

    def mapper(self, images: UInt8Array, *, rng: np.random.Generator) -> Callable[[UInt8Array], npt.NDArray[np.floating]] | None:
        """The map fitted to ``images`` as a function of new images (m, ...) -> (m, d), drawing what
        ``embed`` draws from ``rng``; None where the map cannot take new images without refitting
        (then the nuisance radius of ``infopick.nuisance`` cannot be calibrated in it)."""
        return None


E = TypeVar("E", bound=type[Embedder])
_REGISTRY: Registry[Embedder] = Registry("embedding", {"name": str, "summary": str})


def register_embedder(cls: E) -> E:
    """Class decorator: add an embedder under its ``name``; a duplicate or missing name is an error."""
    _REGISTRY.register(cls)
    return cls


def embedders() -> dict[str, type[Embedder]]:
    """Name -> embedder class, in registration order (cheapest first)."""
    return _REGISTRY.classes()


def get_embedder(name: str, **params: Any) -> Embedder:
    """Instantiate a registered embedder; an unknown name lists the valid ones."""
    return _REGISTRY.create(name, **params)


def flat_unit(images: UInt8Array) -> npt.NDArray[np.float32]:
    """uint8 images (n, ...) -> float32 (n, prod(...)) in [0, 1]."""
    return images.reshape(len(images), -1).astype(np.float32) / np.float32(255)
