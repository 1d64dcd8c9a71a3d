"""``extremes``: the minimum and maximum along shape coordinates (the information family)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import numpy.typing as npt

from infopick._util import seed_int
from infopick.objectives.rows import unit_interval
from infopick.select.base import Input, LabelUse, Selection, Strategy, register
from infopick.typing import Features

if TYPE_CHECKING:
    pass


@register
class Extremes(Strategy):
    """Min and max along interpretable coordinates, in turn: ink mass, stroke thickness, slant,
    width, height, and the top ``axes`` principal axes of the pixels.

    The "corners of the data" rule. Coordinates are visited in an order drawn from ``rng``,
    alternating the low and the high end, until ``budget`` distinct images are picked. Reads
    the images; 2-D input is read as one-row images. ``gains`` are the |z-score| of each pick.
    """

    name = "extremes"
    family = "information"
    label_use = LabelUse.NONE
    summary = "min/max along ink, thickness, slant, width, height, principal axes"
    zero_ok: ClassVar[tuple[str, ...]] = ("axes",)  # no principal axes: the five hand-made coordinates only
    input = Input.IMAGES

    def __init__(self, *, axes: int = 4) -> None:
        self.axes = axes

    def select(
        self, features: Features, budget: int, *, rng: np.random.Generator, labels: npt.NDArray[np.int64] | None = None
    ) -> Selection:
        coords = shape_coordinates(features, self.axes, rng)
        z = (coords - coords.mean(0)) / np.maximum(coords.std(0), 1e-12)
        tie = rng.random(len(z))
        ends = [np.lexsort((tie, sign * z[:, j])) for j in rng.permutation(z.shape[1]) for sign in (1, -1)]
        taken = np.zeros(len(z), dtype=bool)
        pos = [0] * len(ends)
        picked: list[int] = []
        gains: list[float] = []
        while len(picked) < budget:
            for e, order in enumerate(ends):
                while pos[e] < len(order) and taken[order[pos[e]]]:
                    pos[e] += 1
                if pos[e] < len(order) and len(picked) < budget:
                    i = int(order[pos[e]])
                    taken[i] = True
                    picked.append(i)
                    gains.append(float(np.abs(z[i]).max()))
        return Selection(np.asarray(picked, dtype=np.int64), self.name, self.label_use, np.asarray(gains))


def shape_coordinates(images: Features, axes: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """(n, 5 + axes): ink, thickness, slant, width, height (pixels), then principal-axis scores."""
    x: npt.NDArray[Any] = np.asarray(images)
    if x.ndim == 2:
        x = x[:, None, :]
    if x.ndim == 4:
        x = x.mean(axis=3)
    g: npt.NDArray[np.float32] = unit_interval(x.reshape(len(x), -1)).reshape(x.shape)
    n, h, w = g.shape
    ink = g.sum(axis=(1, 2))
    binary = g > 0.5
    perimeter = np.abs(np.diff(binary, axis=1)).sum(axis=(1, 2)) + np.abs(np.diff(binary, axis=2)).sum(axis=(1, 2))
    thickness = 2 * binary.sum(axis=(1, 2)) / np.maximum(perimeter, 1)  # area / half perimeter ~ stroke width
    ys, xs = np.mgrid[0:h, 0:w]
    mass = np.maximum(ink, 1e-9)
    cy, cx = (g * ys).sum(axis=(1, 2)) / mass, (g * xs).sum(axis=(1, 2)) / mass
    dy, dx = ys[None] - cy[:, None, None], xs[None] - cx[:, None, None]
    slant = (g * dx * dy).sum(axis=(1, 2)) / np.maximum((g * dy * dy).sum(axis=(1, 2)), 1e-9)
    rows_on, cols_on = (g > 0.2).any(axis=2), (g > 0.2).any(axis=1)
    height, width = _extent(np.asarray(rows_on)), _extent(np.asarray(cols_on))
    coords = [ink, thickness, slant, width, height]
    if axes > 0:
        from sklearn.decomposition import PCA

        flat = g.reshape(n, -1)
        k = min(axes, n, flat.shape[1])
        coords += list(PCA(n_components=k, svd_solver="randomized", random_state=seed_int(rng) % 2**32).fit_transform(flat).T)
    return np.stack(coords, axis=1).astype(np.float64)


def _extent(on: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    """Span (in pixels) from the first to the last True along axis 1; 0 for an empty row."""
    any_on = on.any(axis=1)
    first = on.argmax(axis=1)
    last = on.shape[1] - 1 - on[:, ::-1].argmax(axis=1)
    return np.where(any_on, last - first + 1, 0).astype(np.float64)
