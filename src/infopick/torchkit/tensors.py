"""uint8 images to the tensors every network here takes (the game's CNN and the trained embedders)."""

from __future__ import annotations

from typing import Any

import numpy as np


def to_tensor(images: np.ndarray) -> Any:
    """uint8 (n, h, w[, c]) -> float32 tensor (n, c, h, w) in [0, 1]."""
    import torch

    t = torch.from_numpy(np.ascontiguousarray(images)).float().div_(255)
    return t.unsqueeze(1) if t.ndim == 3 else t.permute(0, 3, 1, 2)


def standardise(x: Any, norm: tuple[Any, Any]) -> Any:
    """(x - mean) / std in channels-last layout, the form every network of the game takes."""
    import torch

    mean, std = norm
    return ((x - mean) / std).contiguous(memory_format=torch.channels_last)
