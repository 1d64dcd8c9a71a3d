"""A labelled grid of chosen images, as a PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from infopick._util import atomic_write
from infopick.data.pool import Pool


def save_gallery(pool: Pool, indices: np.ndarray, path: str | Path, *, limit: int = 100, title: str = "") -> Path:
    """Write the first ``limit`` picked images (pick order) with their labels to ``path`` (PNG)."""
    from infopick.report.figures import pyplot

    plt = pyplot()
    shown = np.asarray(indices)[:limit]
    cols = int(np.ceil(np.sqrt(len(shown))))
    rows = int(np.ceil(len(shown) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 0.9, rows * 1.0 + 0.5), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, shown, strict=False):
        img = pool.images[i]
        ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=255, interpolation="nearest")
        label = pool.classes[pool.labels[i]] if pool.labels is not None else ""
        ax.set_title(label, fontsize=8, pad=2)
    fig.suptitle(title or f"first {len(shown)} of {len(indices)} picked images (pick order)", fontsize=9)
    fig.tight_layout()
    path = Path(path)
    with atomic_write(path, "wb") as fh:
        fig.savefig(fh, format="png", dpi=80)
    plt.close(fig)
    return path
