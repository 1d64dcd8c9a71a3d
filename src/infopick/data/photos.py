"""Real photos: crops of the sample photos that scikit-image ships in its wheel (``scikit-image==0.25.2``).

``photos``: 32 x 32 colour crops of eight photos (astronaut, coffee, chelsea, rocket, motorcycle, retina,
hubble, ihc); the class is the photo. Pool crops come from the top three quarters of each photo and test
crops from the bottom quarter, so that no test crop overlaps a pool crop. ``photo_arrays("grey")`` gives
the grey photos (camera, coins, moon, ...) for benchmarks. The wheel is fetched once with ``pip download
--no-deps`` for one fixed platform (its sha256 is pinned; the photos are the same in every build) and
never installed; each photo's bytes are checked by sha256 before Pillow decodes them, and the verified
files are cached under ``$INFOPICK_HOME/photos``.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from infopick._util import atomic_write
from infopick.data import wheel
from infopick.data.mnist import home
from infopick.data.pool import Pool, make_pool
from infopick.errors import DataError
from infopick.typing import UInt8Array

REQUIREMENT = "scikit-image==0.25.2"
WHEEL = "scikit_image-0.25.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
WHEEL_SHA256 = "24cc986e1f4187a12aa319f777b36008764e856e5013666a4a83f8df083c2641"
PLATFORM = ("--platform", "manylinux2014_x86_64", "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311")
COLOUR = {
    "astronaut.png": "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5",
    "coffee.png": "cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7",
    "chelsea.png": "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb",
    "rocket.jpg": "c2dd0de7c538df8d111e479619b129464d0269d0ae5fd18ca91d33a7fdfea95c",
    "motorcycle_left.png": "db18e9c4157617403c3537a6ba355dfeafe9a7eabb6b9b94cb33f6525dd49179",
    "retina.jpg": "38a07f36f27f095e818aea7b96d34202c05176d30253c66733f2e00379e9e0e6",
    "hubble_deep_field.jpg": "3a19c5dd8a927a9334bb1229a6d63711b1c0c767fb27e2286e7c84a3e2c2f5f4",
    "ihc.png": "f8dd1aa387ddd1f49d8ad13b50921b237df8e9b262606d258770687b0ef93cef",
}
GREY = {
    "camera.png": "b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a",
    "coins.png": "f8d773fc9cfa6f4d8e5942dc34d0a0788fcaed2a4fefbbed0aef5398d7ef4cba",
    "moon.png": "78739619d11f7eb9c165bb5d2efd4772cee557812ec847532dbb1d92ef71f577",
    "page.png": "341a6f0a61557662b02734a9b6e56ec33a915b2c41886b97509dedf2a43b47a3",
    "text.png": "bd84aa3a6e3c9887850d45d606c96b2e59433fbef50338570b63c319e668e6d1",
    "brick.png": "7966caf324f6ba843118d98f7a07746d22f6a343430add0233eca5f6eaaa8fcf",
    "grass.png": "b6b6022426b38936c43a4ac09635cd78af074e90f42ffa8227ac8b7452d39f89",
    "gravel.png": "c48615b451bf1e606fbd72c0aa9f8cc0f068ab7111ef7d93bb9b0f2586440c12",
    "clock_motion.png": "f029226b28b642e80113d86622e9b215ee067a0966feaf5e60604a1e05733955",
    "cell.png": "8d23a7fb81f7cc877cd09f330357fc7f595651306e84e17252f6e0a1b3f61515",
}
SIDE = 32
N_POOL, N_TEST = 6000, 2000
SEED = 0  # fixed so that "photos" names one pool and one test set everywhere


def load_photos() -> Pool:
    """6000 pool + 2000 test colour crops (32 x 32) of the eight colour photos; class = photo."""
    return crop_pool("colour", SEED)


def crop_pool(kind: str, seed: int) -> Pool:
    """``N_POOL`` crops of the photos of ``kind`` from the top three quarters of each, ``N_TEST`` test crops from
    the bottom quarter (drawn in that order from ``seed``); class = photo (its file name's first word)."""
    ims = photo_arrays(kind)
    names = tuple(n.split(".")[0].split("_")[0] for n in ims)
    rng = np.random.default_rng(seed)
    x, y = crops(list(ims.values()), N_POOL, rng, rows=(0.0, 0.75))
    xt, yt = crops(list(ims.values()), N_TEST, rng, rows=(0.75, 1.0))
    name = "photos" if kind == "colour" else f"photos-{kind}"
    test = make_pool(xt, yt, classes=names, name=f"{name}/test", id_prefix="test/", min_images=1)
    return make_pool(x, y, classes=names, test=test, name=name, id_prefix="train/")


def crops(photos: list[UInt8Array], n: int, rng: np.random.Generator, *, side: int = SIDE,
          rows: tuple[float, float] = (0.0, 1.0)) -> tuple[UInt8Array, np.ndarray]:
    """``n`` square crops (side 1-3 x ``side``, resized to ``side``) of random photos, inside the band of
    rows ``rows`` (shares of each photo's height): (images (n, side, side[, c]), photo index (n,))."""
    from PIL import Image

    shape = (n, side, side) + photos[0].shape[2:]
    out = np.empty(shape, dtype=np.uint8)
    lab = np.empty(n, dtype=np.int64)
    for i in range(n):
        k = int(rng.integers(len(photos)))
        p = photos[k]
        lo, hi = int(rows[0] * p.shape[0]), int(rows[1] * p.shape[0])
        big = int(rng.integers(side, min(3 * side, hi - lo, p.shape[1]) + 1))
        r, c = int(rng.integers(lo, hi - big + 1)), int(rng.integers(0, p.shape[1] - big + 1))
        out[i] = np.asarray(Image.fromarray(p[r : r + big, c : c + big]).resize((side, side), Image.Resampling.BILINEAR))
        lab[i] = k
    return out, lab


def photo_arrays(kind: str = "colour") -> dict[str, UInt8Array]:
    """The verified photos of ``kind`` ("colour": (h, w, 3), "grey": (h, w)) uint8, by file name."""
    if kind not in ("colour", "grey"):
        raise DataError(f"photos: kind must be 'colour' or 'grey', got {kind!r}")
    from PIL import Image

    files = COLOUR if kind == "colour" else GREY
    blobs = _cached(files)
    mode = "RGB" if kind == "colour" else "L"
    return {name: np.asarray(Image.open(io.BytesIO(blob)).convert(mode)) for name, blob in blobs.items()}


def _cached(files: dict[str, str]) -> dict[str, bytes]:
    folder = home() / "photos"
    out: dict[str, bytes] = {}
    for name, sha in files.items():
        path = folder / name
        if path.is_file():
            try:
                out[name] = wheel.check(path.read_bytes(), sha, str(path))
            except DataError:
                continue  # a damaged cache file is fetched again below
    missing = {n: s for n, s in files.items() if n not in out}
    if missing:
        with tempfile.TemporaryDirectory(prefix="infopick-photos-") as tmp:
            out.update(members(wheel.download(REQUIREMENT, WHEEL, WHEEL_SHA256, Path(tmp), platform_args=PLATFORM),
                               missing))
        folder.mkdir(parents=True, exist_ok=True)
        for name in missing:
            with atomic_write(folder / name, "wb") as fh:
                fh.write(out[name])
    return {n: out[n] for n in files}


def members(path: Path, files: dict[str, str]) -> dict[str, bytes]:
    """The photos ``files`` (name -> sha256) read from the wheel at ``path``, each checked."""
    with zipfile.ZipFile(path) as zf:
        return {n: wheel.check(zf.read(f"skimage/data/{n}"), s, n) for n, s in files.items()}
