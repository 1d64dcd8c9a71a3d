"""``compression``: zstd bytes of each image alone and given a picked image; the encoder-free check."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from infopick._util import seed_int
from infopick.measure.base import Curve, Fitted, FloatArray, Measure, register
from infopick.neighbors import knn_graph
from infopick.objectives.facility import facility_value, lazy_greedy_facility
from infopick.objectives.rows import as_bytes, unit_interval
from infopick.selection import Input, LabelUse
from infopick.typing import Features, IntArray


@register
class Compression(Measure):
    """Bits a real compressor saves on the pool given the picks: sum_i 8 (C(x_i) - C(x_i | S)).

    C(x) is the zstd size of an image's bytes alone (less the frame header); C(x | S) the cheapest of C(x) and
    C(y x) - C(y) over the picks y among x's ``k`` nearest images (Li & Vitanyi's conditional
    complexity through concatenation, a real compressor standing in), 0 when x is picked.
    The neighbours come from a seeded PCA of the pixels: an index for where to look, not an
    encoder; every number is zstd's. A facility location, so monotone submodular, and its
    greedy curve is exact. The whole pool's stream compressed at once (long-range matching)
    is reported beside it.
    """

    name = "compression"
    label_use = LabelUse.NONE
    summary = "zstd bytes of each image alone and given a picked neighbour (encoder-free)"
    input = Input.IMAGES

    def __init__(self, *, k: int = 10, level: int = 3, dims: int = 50) -> None:
        self.k = k
        self.level = level
        self.dims = dims

    def fit(self, x: Features, *, labels: npt.NDArray[np.int64] | None, rng: np.random.Generator) -> Fitted:
        import zstandard as zstd
        from scipy import sparse

        rows = as_bytes(x)
        n = len(rows)
        cz = zstd.ZstdCompressor(level=self.level, write_content_size=False, write_checksum=False)
        # Content bytes: the frame header is paid once per stream, not once per image.
        alone = np.array([len(cz.compress(r)) for r in rows], dtype=np.float64) - len(cz.compress(b""))
        stream = len(zstd.ZstdCompressor(level=self.level, compression_params=zstd.ZstdCompressionParameters.from_level(
            self.level, window_log=27, enable_ldm=True)).compress(b"".join(rows)))
        k = min(self.k, n - 1)
        vals = [alone * 8]  # j serves itself with all of its bytes
        rows_j, cols_i = [np.arange(n)], [np.arange(n)]
        if k >= 1:
            nbr = knn_graph(_pixel_index(x, self.dims, rng), k).indices  # (n, k): i's neighbours j
            i_idx = np.repeat(np.arange(n), k)
            j_idx = nbr.ravel()
            keep = j_idx >= 0
            i_idx, j_idx = i_idx[keep], j_idx[keep]
            given = np.array([len(cz.compress(rows[j] + rows[i])) for i, j in zip(i_idx, j_idx, strict=True)]) - alone[j_idx]
            vals.append(np.maximum(alone[i_idx] - given, 0.0) * 8)
            rows_j.append(j_idx)
            cols_i.append(i_idx)
        sim = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows_j), np.concatenate(cols_i))), shape=(n, n))
        return _FittedCompression(sim, alone, stream, self.k, self.level)


def _pixel_index(x: Features, dims: int, rng: np.random.Generator) -> npt.NDArray[np.float32]:
    """Where to look for similar images: a seeded PCA of the pixels in [0, 1]."""
    from sklearn.decomposition import PCA

    flat = unit_interval(x)
    k = min(dims, flat.shape[0] - 1, flat.shape[1])
    if k < 1:
        return flat
    return PCA(n_components=k, svd_solver="randomized", random_state=seed_int(rng) % 2**32).fit_transform(flat).astype(np.float32)


class _FittedCompression(Fitted):
    def __init__(self, sim: object, alone: FloatArray, stream: int, k: int, level: int) -> None:
        self.sim = sim
        self.alone = alone
        self.n = len(alone)
        self.encoder = f"zstd level {level} on raw pixels, conditional via concatenation with one of {k} nearest picks"
        self.facts = {"bytes_alone": float(alone.sum()), "bytes_stream": stream, "k": k, "level": level}

    def bits(self, idx: IntArray) -> float:
        return facility_value(self.sim, idx) if len(idx) else 0.0

    def image_bits(self, idx: IntArray) -> FloatArray:
        served = np.asarray(self.sim[np.asarray(idx)].max(axis=0).toarray()).ravel() if len(idx) else 0.0  # type: ignore[index]
        return self.alone * 8 - served

    def unique_bits(self) -> FloatArray:
        off = self.sim.tocsc()  # type: ignore[attr-defined]
        off.setdiag(0)  # every image but itself
        off.eliminate_zeros()
        return self.alone * 8 - np.asarray(off.max(axis=0).toarray()).ravel()

    def greedy(self, target_bits: float, rng: np.random.Generator) -> Curve:
        order, gains = lazy_greedy_facility(self.sim, self.n, first=None, stop_value=target_bits)
        return Curve(order, np.arange(1, len(order) + 1), np.cumsum(gains))
