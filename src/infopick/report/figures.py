"""Figures of a measurement: the information curve, and the most and least informative images."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from infopick._util import atomic_write
from infopick.data.pool import Pool

if TYPE_CHECKING:
    from infopick.measure import Measurement


def pyplot():  # type: ignore[no-untyped-def]
    """matplotlib's pyplot on the Agg backend: the report's one set-up."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers; must precede pyplot
    import matplotlib.pyplot as plt

    return plt


def save_curve(m: Measurement, path: str | Path, *, title: str = "") -> Path:
    """Fraction of the pool's bits held by the first K greedy picks (log K), thresholds and K marked."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    frac = m.curve_bits / m.bits_pool if m.bits_pool > 0 else np.ones_like(m.curve_bits)
    ax.plot(m.curve_k, 100 * frac, color="C0", label="greedy order")
    for q, marker in zip(("0.9", "0.99", "0.999"), ("o", "^", "D"), strict=True):
        k = m.k_for[q]
        ax.axhline(100 * float(q), color="grey", lw=0.6, ls=":")
        if k is not None:
            ax.plot([k], [100 * float(q)], marker, color="C1", label=f"K={k} holds {100 * float(q):g} %")
    if m.fraction is not None and m.subset_size:
        ax.plot([m.subset_size], [100 * m.fraction], "s", color="C3", label=f"the selection: K={m.subset_size}, {100 * m.fraction:.2f} %")
    ax.set_xscale("log")
    ax.set_xlabel("K (images, greedy order; log scale)")
    ax.set_ylabel("information held (% of the pool's bits)")
    ax.set_title(title or f"{m.measure}: N = {m.bits_pool:.4g} bits", fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return _save(fig, plt, path)


def save_informative(pool: Pool, image_bits: np.ndarray, path: str | Path, *, count: int = 16, title: str = "") -> Path:
    """Two rows of ``count`` images: the most informative (top) and the least (bottom), each with its bits."""
    plt = pyplot()
    return _save(informative_figure(plt, pool, image_bits, count=count, title=title), plt, path)


def informative_figure(plt, pool: Pool, image_bits: np.ndarray, *, count: int, title: str = ""):  # type: ignore[no-untyped-def]
    """The figure of :func:`save_informative`, unsaved (the HTML report embeds it)."""
    order = np.argsort(-image_bits, kind="stable")
    rows = {"most": order[:count], "least": order[::-1][:count]}
    fig, axes = plt.subplots(2, count, figsize=(count * 0.9, 2.9), squeeze=False)
    for r, (which, idx) in enumerate(rows.items()):
        for ax, i in zip(axes[r], idx, strict=False):
            img = pool.images[i]
            ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=255, interpolation="nearest")
            ax.set_title(f"{image_bits[i]:.3g}", fontsize=7, pad=2)
        for ax in axes[r]:
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r][0].set_ylabel(f"{which}\ninformative", fontsize=8)
    fig.suptitle(title or "bits of each image not explained by the others (most informative on top)", fontsize=9)
    fig.tight_layout()
    return fig


def _save(fig, plt, path: str | Path) -> Path:  # type: ignore[no-untyped-def]
    path = Path(path)
    with atomic_write(path, "wb") as fh:
        fig.savefig(fh, format="png", dpi=90)
    plt.close(fig)
    return path
