"""``label-bits``: code length of every pool label under a model trained on the subset (V-information)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from infopick.errors import InfopickError
from infopick.measure.base import Curve, Fitted, FloatArray, Measure, hardest_first, register
from infopick.neighbors import knn_graph
from infopick.selection import LabelUse
from infopick.typing import Features, IntArray


@register
class LabelBits(Measure):
    """Label information held: max(0, n log2(C) - sum_i -log2 p_S(y_i | x_i)), in bits.

    p_S is a ``k``-nearest-pick vote on the embedding with ``alpha`` pseudo-counts per class
    (p = (votes + alpha) / (k + C alpha)): a model trained on S alone, so the sum is the code
    length of all pool labels given S (Blier & Ollivier 2018; V-information, Xu et al. 2020),
    against the uniform code n log2(C). The pool's own value is the same with S = the pool.
    Reads every pool label (a reference, not a label-free measure). Not a submodular
    function: one more training image can make the model code some labels worse.
    """

    name = "label-bits"
    label_use = LabelUse.ALL
    summary = "labels' code length under a k-NN model of the subset vs the uniform code (reads labels)"

    def __init__(self, *, k: int = 10, alpha: float = 0.1, growth: float = 0.25) -> None:
        self.k = k
        self.alpha = alpha
        self.growth = growth

    def fit(self, x: Features, *, labels: npt.NDArray[np.int64] | None, rng: np.random.Generator) -> Fitted:
        if labels is None:
            raise InfopickError("measure 'label-bits' needs labels and the pool has none")
        return _FittedLabelBits(np.ascontiguousarray(x, dtype=np.float32), labels, self.k, self.alpha, self.growth)


class _FittedLabelBits(Fitted):
    def __init__(self, x: npt.NDArray[np.float32], y: npt.NDArray[np.int64], k: int, alpha: float, growth: float) -> None:
        self.x, self.y = x, y
        self.n = len(x)
        self.classes = int(y.max()) + 1
        self.k, self.alpha, self.growth = k, alpha, growth
        self.uniform = self.n * np.log2(self.classes)
        self.encoder = f"{x.shape[1]}-d embedding, {k}-nearest-pick vote, {alpha:g} pseudo-counts, {self.classes} classes"
        self.facts = {"k": k, "alpha": alpha, "classes": self.classes, "bits_uniform": float(self.uniform)}

    def _code(self, neighbour_labels: npt.NDArray[np.int64]) -> FloatArray:
        """-log2 p(y_i) for every row, from the labels of its voters (n, k')."""
        kk = neighbour_labels.shape[1]
        votes = (neighbour_labels == self.y[:, None]).sum(axis=1)
        return -np.log2((votes + self.alpha) / (kk + self.classes * self.alpha))

    def image_bits(self, idx: IntArray) -> FloatArray:
        if len(idx) == 0:
            return np.full(self.n, np.log2(self.classes))
        import faiss

        index = faiss.IndexFlatL2(self.x.shape[1])
        index.add(self.x[idx])
        _, nbr = index.search(self.x, min(self.k, len(idx)))
        return self._code(self.y[idx][nbr])

    def bits(self, idx: IntArray) -> float:
        return self._saved(self.image_bits(idx))

    def _saved(self, code: FloatArray) -> float:
        """Bits saved against the uniform code, at least 0: a model that codes worse is not used (MDL keeps the shorter code)."""
        return max(0.0, float(self.uniform - code.sum()))

    def unique_bits(self) -> FloatArray:
        g = knn_graph(self.x, min(self.k, self.n - 1))
        return self._code(self.y[np.maximum(g.indices, 0)])

    def greedy(self, target_bits: float, rng: np.random.Generator) -> Curve:
        """Add the images whose labels the current model codes worst, in batches of ``growth`` * |S|; values at batch ends."""
        return hardest_first(self.n, target_bits, self.growth, rng, self.image_bits, self._saved)
