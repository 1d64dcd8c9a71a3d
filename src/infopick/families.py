"""Near-duplicate families: which rows of a pool are one image under the nuisance model.

Bursts, video frames and re-encodes put tens to hundreds of light copies of one image in a pool.
A family is such a set; every other image is a family of one. The one module that says so, read
by ``select`` (one pick per family), ``inspect`` (families per image) and the measures (a
family's copies add 0 bits), found in three steps:

1. **candidates**: each image's ``K_CANDIDATES`` nearest neighbours in the ``invariant`` features
   (``infopick.embed.linear``) within ``CANDIDATE_RADII`` nuisance radii;
2. **verification on the pair itself**: both images grey, blurred, centred on their centroid and
   standardised (brightness, contrast and shift taken out), then the two-sided one-step tangent
   distance (Simard, LeCun & Denker 1993): the residual left after the best small shift,
   rotation, scale and blur of either image (its tangent vectors). Its thresholds are calibrated
   on the pool's own images: pairs of nuisance copies of one image at ``strength``
   (``infopick.nuisance.perturb``), ``PAIR_QUANTILES[0]`` of their residuals (the stricter ones cut again a core that is a chain);
3. **families, not chains**: rows joined by a verified pair form cores; each core's mean image is
   its centre; every image joins the centre it verifies best against (within ``CENTRE_QUANTILE``
   of the copy-to-original residuals), or stays alone; centres that verify against each other
   merge. An image joins one centre only, so a run of lookalikes (MNIST's many upright 1s) does
   not chain distinct families into one, as linking every verified pair did.

Exact duplicates (identical bytes) are always one family. Given a feature matrix instead of
images, there is nothing to align: a family is an exact-duplicate group or the rows within
``DUP_RATIO`` x the median nearest-neighbour distance of a leader (SemDeDup's one per ball).
Memory is O(n) (a kNN graph and two small arrays per image), never n x n. Precision and recall
on pools with known families: benchmarks/families/.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from infopick.errors import InfopickError
from infopick.typing import Features, IntArray, UInt8Array

K_CANDIDATES = 20  # neighbours looked at per image: a family of 200 is still one (it is connected through them)
CANDIDATE_RADII = 2.0  # candidates lie within this many nuisance radii (invariant features) of each other
PAIR_QUANTILES = (0.75, 0.5)  # a verified pair: residual below this quantile of copy-pair residuals (cores);
# the stricter ones cut again the cores that are chains
CENTRE_QUANTILE = 0.95  # an image joins a centre within this quantile of a copy's residual to a centre
MERGE_QUANTILE = 0.5  # two centres merge within this quantile of an original's residual to its copies' centre
CUT_SIZE = 50  # only a core this large is cut again: a smaller one is more often one image the nuisance moves far
CENTRE_GROWTH = 2.0  # a centre's threshold at most this many times the calibrated one
CENTRE_COPIES = 16  # a calibration centre is the mean of this many copies of one image
CALIBRATION = 400  # pool images perturbed to calibrate the thresholds
DUP_RATIO = 0.25  # features only: near-copy radius as a share of the median nearest-neighbour distance
WORK_SIDE = 14  # verification on images of about this side (after blur), enough for a 1 px shift
TANGENTS = 5  # shift x, shift y, rotation, scale, blur
CHUNK = 32_768
NULL_LIMIT = 0.2  # the default trusts the step where at most this share of turned images verify as copies
NULL_NEIGHBOURS = 20  # pool images a turned probe is verified against
FAMILY_SHARE = 0.1  # the default applies families where at least this share of rows sits in families of 2 or more


@dataclass(frozen=True)
class Families:
    """Each row's family: ``family[i]`` is the row that leads it (its most typical member).

    Attributes
    ----------
    family : int64 (n,), the leader row of each row's family (a leader leads itself)
    method : str, how the families were found (the encoder and thresholds)
    facts : dict, calibrated thresholds and counts
    """

    family: IntArray
    method: str
    facts: dict[str, Any]

    @property
    def n(self) -> int:
        return len(self.family)

    def leaders(self) -> IntArray:
        """Rows that lead a family (one per family), ascending."""
        return np.flatnonzero(self.family == np.arange(self.n)).astype(np.int64)

    def sizes(self) -> IntArray:
        """(n,) the size of each row's family (1 for an image with no near-copy)."""
        return np.bincount(self.family, minlength=self.n)[self.family].astype(np.int64)

    def groups(self) -> list[IntArray]:
        """Families of two or more rows, leader first then ascending, largest first."""
        order = np.lexsort((np.arange(self.n), self.family != np.arange(self.n), self.family))
        fam = self.family[order]
        cuts = np.flatnonzero(np.diff(fam)) + 1
        out = [g for g in np.split(order, cuts) if len(g) > 1]
        return sorted(out, key=lambda g: (-len(g), int(g[0])))

    @property
    def trusted(self) -> bool:
        """Whether the default applies these families: the step told copies from lookalikes in this pool
        (its null rate, ``facts["null_rate"]``, is at most ``NULL_LIMIT``; features and tiny pools have none)."""
        return float(self.facts.get("null_rate", 0.0)) <= NULL_LIMIT

    def summary(self) -> dict[str, Any]:
        s = self.sizes()
        many = s > 1
        return {"rows": self.n, "families": int(len(self.leaders())), "rows_in_families": int(many.sum()),
                "families_of_2_or_more": int(np.sum(many & (self.family == np.arange(self.n)))),
                "largest": int(s.max()) if self.n else 0, "method": self.method, **self.facts}


def modified_z(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Modified z-score (Iglewicz & Hoaglin 1993) of log ``values`` (n,): (log v - median) / (1.4826 MAD); 0 where MAD is 0."""
    log_v = np.log(np.maximum(np.asarray(values, dtype=np.float64), 1e-12))
    med = float(np.median(log_v)) if len(log_v) else 0.0
    mad = 1.4826 * float(np.median(np.abs(log_v - med))) if len(log_v) else 0.0
    return np.zeros(len(log_v)) if mad == 0 else (log_v - med) / mad


def distinct_rows(rows: npt.ArrayLike) -> tuple[IntArray, IntArray, IntArray]:
    """Exact duplicates by content: (first row of each distinct row, each row's distinct index (n,), counts)."""
    flat = np.ascontiguousarray(rows).reshape(len(np.asarray(rows)), -1)
    seen: dict[bytes, int] = {}
    inverse = np.fromiter((seen.setdefault(hashlib.sha1(r.tobytes()).digest(), len(seen)) for r in flat),
                          dtype=np.int64, count=len(flat))
    first = np.full(len(seen), -1, dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(flat) - 1, -1, -1)  # reversed, so the earliest row wins
    return first, inverse, np.bincount(inverse, minlength=len(seen)).astype(np.int64)


def exact_groups(rows: npt.ArrayLike) -> list[IntArray]:
    """Groups of two or more rows with identical bytes, each ascending, in order of their first row."""
    first, inverse, counts = distinct_rows(rows)
    order = np.argsort(inverse, kind="stable")
    cuts = np.cumsum(counts)[:-1]
    return [g for g, c in zip(np.split(order, cuts), counts, strict=True) if c > 1]


_LAST: dict[tuple[Any, ...], Families] = {}


def find_families(data: UInt8Array | Features, *, strength: float = 1.0, seed: int = 0) -> Families:
    """The families of a pool's images (n, h, w[, c]) uint8, or of a feature matrix (n, d).

    ``strength`` is the nuisance model's (``infopick.nuisance.Nuisance``): copies lighter than it
    are found. ``seed`` draws the calibration copies. The last answer is kept in memory (a
    benchmark asks for the same pool's families once a cell).
    """
    if isinstance(strength, bool) or not isinstance(strength, (int, float, np.floating)) or not np.isfinite(strength) \
            or strength <= 0:
        raise InfopickError(f"families: strength must be a finite number > 0, got {strength!r}")
    arr: npt.NDArray[Any] = np.asarray(data)
    if arr.ndim < 2 or len(arr) == 0:
        raise InfopickError(f"families: need images (n, h, w[, c]) or features (n, d), got shape {arr.shape}")
    key = (hashlib.sha1(np.ascontiguousarray(arr).data).hexdigest(), arr.shape, str(arr.dtype), float(strength), seed)
    if key not in _LAST:
        _LAST.clear()
        images = arr.dtype == np.uint8 and arr.ndim >= 3
        _LAST[key] = _from_images(arr, float(strength), seed) if images else _from_features(arr)
    return _LAST[key]


def _from_features(x: Features) -> Families:
    from infopick.neighbors import knn_graph, leader_groups

    first, inverse, _ = distinct_rows(x)
    fam = first.copy()
    r = 0.0
    if len(first) > 2:
        z = np.asarray(x, dtype=np.float32)[first]
        g = knn_graph(z, min(K_CANDIDATES, len(z) - 1))
        r = DUP_RATIO * float(np.median(g.distances[:, 0]))
        if r > 0:
            fam = first[leader_groups(g, g.distances[:, min(9, g.k - 1)].astype(np.float64), r)]
    method = f"features: exact duplicates, then rows within {DUP_RATIO} x the median nearest-neighbour distance of a leader"
    return Families(_relead(fam[inverse]), method, {"radius": r})


def _from_images(images: UInt8Array, strength: float, seed: int) -> Families:
    from infopick.embed.linear import invariant_resolution
    from infopick.neighbors import knn_graph
    from infopick.nuisance import Nuisance, perturb

    first, inverse, _ = distinct_rows(images)
    m = len(first)
    method = (f"invariant-feature candidates, verified by two-sided tangent distance on centred {WORK_SIDE}-px images, "
              f"thresholds from nuisance copies at strength {strength:g}")
    if m < 3:
        return Families(_relead(first[inverse]), method, {})
    rng = np.random.default_rng(seed)
    distinct = images[first]
    model = Nuisance(strength=strength)
    z, r = invariant_resolution(distinct, model, rng, quantile=0.5)
    g = knn_graph(z, min(K_CANDIDATES, m - 1))
    reach = g.distances[:, min(9, g.k - 1)].astype(np.float64)
    close = (g.distances <= CANDIDATE_RADII * max(r, 1e-12)) & (g.indices >= 0)
    ii = np.repeat(np.arange(m), close.sum(axis=1))
    jj = g.indices[close]
    u, q = aligned(distinct)
    # thresholds: residuals of pairs of copies of one image, and of an image and its copy
    cal = np.sort(rng.choice(m, size=min(CALIBRATION, m), replace=False))
    copies = [aligned(perturb(distinct[cal], model, rng)) for _ in range(CENTRE_COPIES + 1)]
    pair = _residual_between(copies[0], copies[1])
    cu, cq = _centre_images(np.mean([c[0] for c in copies[1:]], axis=0))
    t_pairs = [float(np.quantile(pair, q)) for q in PAIR_QUANTILES]
    t_pair = t_pairs[0]
    to_centre = _to_centre(copies[0][0], cu, cq, np.stack([np.arange(len(cal))] * 2, axis=1))
    t_centre = float(np.quantile(to_centre, CENTRE_QUANTILE))
    t_typical = float(np.median(to_centre))
    t_merge = float(np.quantile(_to_centre(u[cal], cu, cq, np.stack([np.arange(len(cal))] * 2, axis=1)), MERGE_QUANTILE))
    res = residual(u, q, ii, jj)
    fam = _centres(u, ii, jj, res, reach, t_pairs, t_centre, t_merge, t_typical)
    facts = {"strength": strength, "radius": float(r), "pair_threshold": t_pair, "centre_threshold": t_centre,
             "merge_threshold": t_merge, "candidate_pairs": int(len(ii)), "verified_pairs": int(np.sum(res <= t_pair)),
             "null_rate": null_rate(distinct[cal], cal, u, q, fam, t_pair)}
    return Families(_relead(first[fam][inverse]), method, facts)


def null_rate(probes: UInt8Array, rows: IntArray, u: npt.NDArray[np.float32], q: npt.NDArray[np.float16],
              family: IntArray, threshold: float) -> float:
    """The share of turned ``probes`` (pool rows ``rows``: mirrored left-right, up-down, and rotated a quarter
    turn, or a half turn where the images are not square) whose residual to one of their ``NULL_NEIGHBOURS`` nearest pool images outside their own family is at most
    ``threshold``: how often the step calls two different images copies in this pool (a null test).

    A turned image is a copy of nothing under the nuisance model (no flips, small rotations only), yet
    where the pool's images are lookalikes (smooth or textured photo crops) it still finds a "copy";
    on handwriting it almost never does. ``u, q`` are the pool's aligned images and tangents.
    """
    x = np.asarray(probes)
    square = x.shape[1] == x.shape[2]
    turns = [x[:, :, ::-1], x[:, ::-1], np.rot90(x, 1, axes=(1, 2)) if square else x[:, ::-1, ::-1]]
    pu, pq = aligned(np.ascontiguousarray(np.concatenate(turns)))
    own = np.tile(np.asarray(family)[rows], len(turns))
    k = min(NULL_NEIGHBOURS, len(u) - 1)
    best = np.full((len(pu), 0), -1, dtype=np.int64)
    best_s = np.full((len(pu), 0), -np.inf, dtype=np.float32)
    step = max(1, CHUNK // 4)
    for lo in range(0, len(u), step):
        sim = pu @ u[lo : lo + step].T
        sim[own[:, None] == np.asarray(family)[None, lo : lo + step]] = -np.inf
        cand = np.concatenate([best_s, sim], axis=1)
        idx = np.concatenate([best, np.broadcast_to(np.arange(lo, lo + sim.shape[1]), sim.shape)], axis=1)
        top = np.argpartition(-cand, min(k, cand.shape[1] - 1), axis=1)[:, :k]
        best_s, best = np.take_along_axis(cand, top, 1), np.take_along_axis(idx, top, 1)
    if best.shape[1] == 0:
        return 0.0
    probe = np.repeat(np.arange(len(pu)), best.shape[1])
    res = _pair_residual(pu[probe], pq[probe], u[best.ravel()], q[best.ravel()]).reshape(best.shape)
    res[~np.isfinite(best_s)] = np.inf
    return float(np.mean(res.min(axis=1) <= threshold))


def _relead(family: IntArray) -> IntArray:
    """Families as their leader row: the first row of each (rows in centrality order were given as leaders)."""
    fam = np.asarray(family, dtype=np.int64)
    # the given labels are rows already; make sure each label row is in its own family
    ok = fam[fam] == fam
    if ok.all():
        return fam
    _, first_row, inv = np.unique(fam, return_index=True, return_inverse=True)
    return first_row[inv].astype(np.int64)


def aligned(images: UInt8Array) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float16]]:
    """(n, s*s) centred, blurred, standardised images and their (n, TANGENTS, s*s) orthonormal tangents.

    Grey; block-averaged to about 2 x ``WORK_SIDE``; blurred by 1 px and shifted so that the
    centroid of the ink (above the median) is the centre (both in one Fourier step, zero-padded);
    averaged down to about ``WORK_SIDE``; centred and scaled to unit length. Tangents: the
    derivatives of the image along x, y, rotation and scale about the centre, and its Laplacian
    (blur), orthonormalised per image.
    """
    x = np.asarray(images)
    n = len(x)
    us, qs = [], []
    for lo in range(0, n, CHUNK):
        u, q = _aligned_chunk(x[lo : lo + CHUNK])
        us.append(u)
        qs.append(q)
    if not us:
        return np.zeros((0, 1), np.float32), np.zeros((0, TANGENTS, 1), np.float16)
    return np.concatenate(us), np.concatenate(qs)


def _aligned_chunk(images: npt.NDArray[Any]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float16]]:
    a = images.astype(np.float32) / np.float32(255)
    if a.ndim == 4:
        a = a.mean(axis=3)
    n, h, w = a.shape
    f = max(1, min(h, w) // (2 * WORK_SIDE))
    if f > 1:
        h, w = h // f * f, w // f * f
        a = a[:, :h, :w].reshape(n, h // f, f, w // f, f).mean(axis=(2, 4))
        h, w = h // f, w // f
    a = a - np.median(a.reshape(n, -1), axis=1)[:, None, None]  # background to 0: ink is what lies above it
    ink = np.maximum(a, 0)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    mass = ink.sum(axis=(1, 2)) + np.float32(1e-6)
    cy = (ink * yy).sum(axis=(1, 2)) / mass
    cx = (ink * xx).sum(axis=(1, 2)) / mass
    pad = max(2, min(h, w) // 7)
    p = np.pad(a, ((0, 0), (pad, pad), (pad, pad)))
    ky = np.fft.fftfreq(p.shape[1]).astype(np.float32)[:, None]
    kx = np.fft.rfftfreq(p.shape[2]).astype(np.float32)[None, :]
    sigma = 1.0
    gauss = np.exp(-2 * np.pi**2 * sigma**2 * (ky**2 + kx**2))
    dy = ((h - 1) / 2 - cy)[:, None, None]
    dx = ((w - 1) / 2 - cx)[:, None, None]
    phase = np.exp(-2j * np.pi * (ky[None] * dy + kx[None] * dx))
    from scipy import fft

    # single precision, both cores: the shift and blur need no more
    spec = fft.rfft2(p, workers=-1) * (gauss[None] * phase).astype(np.complex64)
    b = fft.irfft2(spec, s=p.shape[1:], workers=-1)[:, pad : pad + h, pad : pad + w]
    if min(h, w) >= 2 * WORK_SIDE - 2:
        h2, w2 = h // 2 * 2, w // 2 * 2
        b = b[:, :h2, :w2].reshape(n, h2 // 2, 2, w2 // 2, 2).mean(axis=(2, 4))
    n, h, w = b.shape
    b -= b.mean(axis=(1, 2), keepdims=True)
    b /= np.maximum(np.sqrt((b * b).sum(axis=(1, 2), keepdims=True)), np.float32(1e-3))
    return b.reshape(n, -1), _tangents(b)


def residual(u: npt.NDArray[np.float32], q: npt.NDArray[np.float16], ii: IntArray, jj: IntArray) -> npt.NDArray[np.float32]:
    """(m,) squared residual of each pair (ii[k], jj[k]) after either image's tangent step, the one that fits better.

    0 for an image and itself; about 2 for unrelated images (unit-length images)."""
    both = _one_sided(u, q, np.concatenate([ii, jj]), np.concatenate([jj, ii]))
    return np.minimum(both[: len(ii)], both[len(ii) :])


SLOTS = 32  # pairs per owner row in one batched product; an owner's further pairs go through the per-pair path


def _one_sided(u: npt.NDArray[np.float32], q: npt.NDArray[np.float16], own: IntArray, other: IntArray
               ) -> npt.NDArray[np.float32]:
    """|d|^2 - |Q_own d|^2, d = u_own - u_other, per directed pair (the residual after the owner's tangent step).

    Pairs are grouped by owner, so each owner's float16 tangents are widened once (not once per pair), and
    Q_own . u_other and u_own . u_other come from one batched product per block of owners."""
    out = np.empty(len(own), dtype=np.float32)
    order = np.argsort(own, kind="stable")
    o = own[order]
    starts = np.searchsorted(o, np.arange(len(u) + 1))
    rank = np.arange(len(o)) - starts[o]
    spill = rank >= SLOTS
    norm = np.einsum("nd,nd->n", u, u)
    block = max(1, CHUNK // (4 * SLOTS))
    for lo in range(0, len(u), block):
        hi = min(lo + block, len(u))
        a, b = starts[lo], starts[hi]
        keep = ~spill[a:b]
        rows, slot, pairs = o[a:b][keep] - lo, rank[a:b][keep], order[a:b][keep]
        if len(pairs) == 0:
            continue
        partner = np.zeros((hi - lo, SLOTS), dtype=np.int64)
        partner[rows, slot] = other[pairs]
        qu = np.concatenate([q[lo:hi].astype(np.float32), u[lo:hi, None, :]], axis=1)  # (b, TANGENTS + 1, D)
        prod = np.matmul(qu, np.transpose(u[partner], (0, 2, 1)))[rows, :, slot]  # (p, TANGENTS + 1)
        own_proj = np.einsum("bkd,bd->bk", qu[:, :TANGENTS], u[lo:hi])[rows]
        dd = norm[lo:hi][rows] + norm[other[pairs]] - 2 * prod[:, TANGENTS]
        out[pairs] = np.maximum(dd - ((own_proj - prod[:, :TANGENTS]) ** 2).sum(1), 0)
    far = order[spill]
    for lo in range(0, len(far), CHUNK // 2):
        f = far[lo : lo + CHUNK // 2]
        d = u[own[f]] - u[other[f]]
        proj = np.einsum("nkd,nd->nk", q[own[f]].astype(np.float32), d)
        out[f] = np.maximum(np.einsum("nd,nd->n", d, d) - (proj * proj).sum(1), 0)
    return out


def _pair_residual(ua: npt.NDArray[np.float32], qa: npt.NDArray[Any], ub: npt.NDArray[np.float32],
                   qb: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    d = ua - ub
    dd = np.einsum("nd,nd->n", d, d)
    pa = np.einsum("nkd,nd->nk", qa.astype(np.float32), d)
    pb = np.einsum("nkd,nd->nk", qb.astype(np.float32), d)
    return np.maximum(dd - np.maximum((pa * pa).sum(1), (pb * pb).sum(1)), 0).astype(np.float32)


def _residual_between(a: tuple[npt.NDArray[np.float32], npt.NDArray[Any]],
                      b: tuple[npt.NDArray[np.float32], npt.NDArray[Any]]) -> npt.NDArray[np.float32]:
    return _pair_residual(a[0], a[1], b[0], b[1])


def _components(m: int, ii: IntArray, jj: IntArray) -> IntArray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    g = coo_matrix((np.ones(len(ii), dtype=np.int8), (ii, jj)), shape=(m, m))
    return connected_components(g, directed=False)[1].astype(np.int64)


def _core_centres(u: npt.NDArray[np.float32], core: IntArray, t_typical: float
                  ) -> tuple[IntArray, IntArray, npt.NDArray[np.float32], npt.NDArray[np.float16], npt.NDArray[np.float64]]:
    """(size (m,) of each core label, centre index per core label (-1: alone), centre images, their tangents, spread).

    A core's spread is the median residual of its members to its centre, in units of a copy's typical residual."""
    m = len(u)
    size = np.bincount(core, minlength=m)
    multi = np.flatnonzero(size > 1)
    cid = np.full(m, -1, dtype=np.int64)
    cid[multi] = np.arange(len(multi))
    member = np.flatnonzero(size[core] > 1)
    sums = np.zeros((len(multi), u.shape[1]), dtype=np.float64)
    np.add.at(sums, cid[core[member]], u[member])
    cu, cq = _centre_images(sums)
    spread = np.zeros(len(multi))
    if len(member):
        from scipy import ndimage

        own = _to_centre(u, cu, cq, np.stack([member, cid[core[member]]], axis=1))
        spread = np.asarray(ndimage.median(own, cid[core[member]], np.arange(len(multi))), dtype=np.float64)
    return size, cid, cu, cq, np.nan_to_num(spread / max(t_typical, 1e-12))


def _centres(u: npt.NDArray[np.float32], ii: IntArray, jj: IntArray, res: npt.NDArray[np.float32],
             reach: npt.NDArray[np.float64], t_pairs: list[float], t_centre: float, t_merge: float,
             t_typical: float) -> IntArray:
    """Each row's family leader: cores from verified pairs, their mean images as centres, each row to its best centre."""
    m = len(u)
    ok = res <= t_pairs[0]
    core = _components(m, ii[ok], jj[ok])
    size, cid, cu, cq, spread = _core_centres(u, core, t_typical)
    # a core whose members sit further from its centre than copies ever do is a chain of lookalikes (MNIST's upright
    # 1s, 8 px digits): cut it again with the next, stricter pair threshold; at the last, its centre takes nobody
    cut = np.zeros(m, dtype=bool)
    for t in t_pairs[1:]:
        if len(spread) == 0:  # no core of two or more: nothing to cut
            break
        chain = (size[core] >= CUT_SIZE) & (spread[np.maximum(cid[core], 0)] > CENTRE_GROWTH)
        if not chain.any():
            break
        cut |= chain
        inside = chain[ii] & chain[jj] & (core[ii] == core[jj]) & (res <= t)
        sub = _components(m, ii[inside], jj[inside])
        core = np.unique(np.where(chain, sub + m, core), return_inverse=True)[1].astype(np.int64)
        size, cid, cu, cq, spread = _core_centres(u, core, t_typical)
    multi = np.flatnonzero(size > 1)
    if len(multi) == 0:
        return np.arange(m, dtype=np.int64)
    member = size[core] > 1
    # candidate centres of a row: its own core's and those of its candidate neighbours
    rows = np.concatenate([np.flatnonzero(member), ii, jj])
    cores = np.concatenate([core[member], core[jj], core[ii]])
    keep = size[cores] > 1
    pairs = np.unique(np.stack([rows[keep], cid[cores[keep]]], axis=1), axis=0)
    r = _to_centre(u, cu, cq, pairs)
    # each row to the centre it verifies best against (one only: no chains through lookalikes)
    best = np.full(m, np.inf, dtype=np.float64)
    to = np.full(m, -1, dtype=np.int64)
    order = np.argsort(-r, kind="stable")  # the last write per row is its smallest residual
    to[pairs[order, 0]] = pairs[order, 1]
    best[pairs[order, 0]] = r[order]
    # a family spreads as its original's shape lets the nuisance move it: each centre's threshold grows with its
    # core's spread, at most CENTRE_GROWTH x the calibrated one; a core still a chain takes nobody
    grow = np.ones(len(multi), dtype=bool)
    grow[cid[core[cut]]] = False  # a piece cut out of a chain sits among lookalikes: no growth
    chained = (spread > np.where(grow, CENTRE_GROWTH, 1.0)) & (size[multi] >= CUT_SIZE)
    limit = np.where(chained, -1.0,
                     t_centre * np.where(grow, np.clip(spread, 1.0, CENTRE_GROWTH), 1.0))
    to[best > limit[np.maximum(to, 0)]] = -1
    # centres that verify against each other are one family (fragments of one image's copies)
    cc = np.unique(np.stack([cid[core[ii]], cid[core[jj]]], axis=1), axis=0)
    cc = cc[(cc[:, 0] >= 0) & (cc[:, 1] >= 0) & (cc[:, 0] < cc[:, 1])]
    if len(cc):
        rc = _pair_residual(cu[cc[:, 0]], cq[cc[:, 0]], cu[cc[:, 1]], cq[cc[:, 1]])
        cc = cc[rc <= t_merge]
    merged = _components(len(multi), cc[:, 0], cc[:, 1]) if len(cc) else np.arange(len(multi))
    label = np.where(to >= 0, merged[np.maximum(to, 0)] + m, np.arange(m))  # alone: its own row
    # the leader of a family: its most central member (smallest distance to the 10th neighbour)
    order = np.lexsort((np.arange(m), reach, label))
    lab = label[order]
    starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]])
    leader_of = np.repeat(order[starts], np.diff(np.r_[starts, m]))
    fam = np.empty(m, dtype=np.int64)
    fam[order] = leader_of
    return fam


def _centre_images(sums: npt.NDArray[np.floating]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float16]]:
    """Mean images (k, s*s), up to scale, as aligned images and their tangents."""
    cu = sums - sums.mean(axis=1, keepdims=True)
    cu = (cu / np.maximum(np.linalg.norm(cu, axis=1, keepdims=True), 1e-6)).astype(np.float32)
    side = int(round(np.sqrt(cu.shape[1])))
    h, w = (side, side) if side * side == cu.shape[1] else (1, cu.shape[1])
    return cu, _tangents(cu.reshape(len(cu), h, w))


def _tangents(b: npt.NDArray[np.float32]) -> npt.NDArray[np.float16]:
    """(n, TANGENTS, h*w) orthonormal tangents of images (n, h, w): x, y, rotation, scale about the centre, Laplacian."""
    n, h, w = b.shape
    gy, gx = np.gradient(b, axis=(1, 2)) if min(h, w) > 1 else (np.zeros_like(b), np.gradient(b, axis=2))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    yy, xx = yy - (h - 1) / 2, xx - (w - 1) / 2
    lap = np.gradient(gx, axis=2) + (np.gradient(gy, axis=1) if h > 1 else 0)
    t = np.stack([gx, gy, xx * gy - yy * gx, xx * gx + yy * gy, lap], axis=-1).reshape(n, h * w, TANGENTS)
    qm, _ = np.linalg.qr(t.astype(np.float64))
    return np.ascontiguousarray(np.transpose(qm, (0, 2, 1))).astype(np.float16)


def _to_centre(u: npt.NDArray[np.float32], cu: npt.NDArray[np.float32], cq: npt.NDArray[np.float16],
                           pairs: IntArray) -> npt.NDArray[np.float32]:
    """Residual of row pairs[k, 0] against centre pairs[k, 1], on the centre's tangents only (the centre is noise-free)."""
    out = np.empty(len(pairs), dtype=np.float32)
    step = max(1, CHUNK // 2)
    for lo in range(0, len(pairs), step):
        p = pairs[lo : lo + step]
        d = u[p[:, 0]] - cu[p[:, 1]]
        proj = np.einsum("nkd,nd->nk", cq[p[:, 1]].astype(np.float32), d)
        out[lo : lo + step] = np.maximum(np.einsum("nd,nd->n", d, d) - (proj * proj).sum(1), 0)
    return out


MIN_SIDE = 16  # images smaller than this are not looked at by default: a 1 px shift of an 8 px digit is another digit


def check_switch(families: Any, strength: Any) -> bool | None:
    """``families=`` and ``family_strength=`` as ``select`` and the measures take them: None (the default), True or
    False, and a finite strength > 0; anything else is one error naming the valid values."""
    if families is not None and not isinstance(families, (bool, np.bool_)):
        raise InfopickError(f"families must be True, False or None (the default: on for a pool), got {families!r}")
    if isinstance(strength, bool) or not isinstance(strength, (int, float, np.integer, np.floating)) \
            or not np.isfinite(strength) or strength <= 0:
        raise InfopickError(f"family_strength must be a finite number > 0, got {strength!r}")
    return None if families is None else bool(families)


def on_by_default(images: npt.NDArray[Any]) -> bool:
    """Whether a pool's images (n, h, w[, c]) are large enough for the default to look for families."""
    return min(images.shape[1:3]) >= MIN_SIDE


def by_default(images: UInt8Array, strength: float = 1.0, seed: int = 0, *,
               min_share: float = 0.0) -> tuple[Families | None, str]:
    """The families ``select``, ``inspect`` and the measures apply when not told (None: none), and why not.

    On where the images are at least ``MIN_SIDE`` px, the step passes its null test (``Families.trusted``) and at
    least ``min_share`` of the rows sit in families of two or more. ``select`` asks ``FAMILY_SHARE``: below it
    what the step groups is mostly natural lookalikes (clean MNIST: 2.9 %), where one pick per family cost
    accuracy (benchmarks/families); ``inspect`` and the measures show and count whatever families there are."""
    if not on_by_default(images):
        return None, f"images under {MIN_SIDE} px: a nuisance copy is another image there"
    fam = find_families(images, strength=strength, seed=seed)
    if not fam.trusted:
        return None, (f"the family step cannot tell copies from lookalikes in this pool: {fam.facts['null_rate']:.0%} "
                      f"of mirrored or rotated images (copies of nothing) verify as copies (limit {NULL_LIMIT:.0%})")
    share = fam.summary()["rows_in_families"] / max(fam.n, 1)
    if share < min_share:
        return None, (f"only {share:.1%} of the rows are in families (under {min_share:.0%}): lookalikes more "
                      f"than copies")
    return fam, ""


def representatives(family: IntArray, given: IntArray, excluded: IntArray) -> IntArray:
    """One row per family that no ``given`` row belongs to (n,) -> (f,) ascending: its leader, or, where the leader
    is ``excluded``, its first member that is not."""
    fam = np.asarray(family, dtype=np.int64)
    n = len(fam)
    free = np.ones(n, dtype=bool)
    free[excluded] = False
    free[given] = False
    free &= ~np.isin(fam, fam[given])
    rows = np.flatnonzero(free)
    order = rows[np.lexsort((rows, fam[rows] != rows, fam[rows]))]  # by family, the leader first, then by row
    first = np.r_[True, fam[order][1:] != fam[order][:-1]] if len(order) else np.zeros(0, dtype=bool)
    return np.sort(order[first]).astype(np.int64)
