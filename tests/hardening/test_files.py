"""Malformed files, tried on purpose: each is refused with a DataError before anything large is
allocated, or loads as a valid pool. The plainer cases (wrong magic, truncation, object arrays in
``.npz``, an unreadable image, an empty class folder, bad selection CSVs) live beside their loaders
in tests/data/test_sources.py and tests/select/test_io.py; docs/reliability.md lists them all.
"""

from __future__ import annotations

import gzip
import io
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

import infopick
from infopick import DataError
from infopick.data.idx import read_idx
from infopick.select.io import read_selection
from tests.data.test_sources import make_folder


def idx_bytes(arr: np.ndarray) -> bytes:
    return bytes([0, 0, 0x08, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape) + arr.astype(np.uint8).tobytes()


def test_every_single_bit_flip_in_an_idx_header_is_refused_or_loads_consistently(tmp_path: Path) -> None:
    x = np.random.default_rng(0).integers(0, 256, (6, 5, 4), dtype=np.uint8)
    good = idx_bytes(x)
    outcomes = {"refused": 0, "loaded": 0}
    for bit in range(16 * 8):  # magic (4 bytes) and the three dimensions (12 bytes)
        blob = bytearray(good)
        blob[bit // 8] ^= 1 << (bit % 8)
        path = tmp_path / f"flip{bit}"
        path.write_bytes(bytes(blob))
        try:
            arr = read_idx(path, 3)
        except DataError:
            outcomes["refused"] += 1
            continue
        # A flip that keeps the header consistent with the file size must describe the same bytes.
        assert arr.size == x.size and arr.dtype == np.uint8
        outcomes["loaded"] += 1
    assert outcomes["refused"] >= 120, outcomes  # almost every flip changes the declared size or the magic


def test_bit_flips_in_idx_pixel_data_load_with_the_flipped_pixel(tmp_path: Path) -> None:
    # IDX carries no checksum: a flipped data bit cannot be detected, only reflected exactly.
    x = np.random.default_rng(1).integers(0, 256, (4, 3, 3), dtype=np.uint8)
    blob = bytearray(idx_bytes(x))
    blob[16 + 7] ^= 0x10
    (tmp_path / "f").write_bytes(bytes(blob))
    got = np.asarray(read_idx(tmp_path / "f", 3))
    assert np.sum(got != x) == 1 and got.reshape(-1)[7] == x.reshape(-1)[7] ^ 0x10


def test_an_idx_with_wrong_dimension_counts_is_refused(tmp_path: Path) -> None:
    for ndim in (0, 1, 2, 4, 255):
        blob = bytes([0, 0, 0x08, ndim]) + struct.pack(f">{min(ndim, 4)}I", *([2] * min(ndim, 4))) + bytes(64)
        (tmp_path / "d").write_bytes(blob)
        with pytest.raises(DataError, match="dimensions|truncated"):
            read_idx(tmp_path / "d", 3)


def test_a_gzipped_idx_declaring_a_huge_size_is_refused_before_allocating(tmp_path: Path) -> None:
    # 2^35 bytes declared (under the 64 GiB cap), a few bytes present: refused or found short,
    # either way without allocating more than the few bytes the stream holds.
    path = tmp_path / "train-images-idx3-ubyte.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(bytes([0, 0, 8, 3]) + struct.pack(">3I", 2**15, 2**10, 2**10) + bytes(1000))
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(DataError, match="over half|truncated"):
        read_idx(path, 3)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2**27 and time.perf_counter() - t0 < 5


def test_a_gzip_bomb_within_the_memory_limit_but_short_of_its_header_is_read_in_chunks(tmp_path: Path) -> None:
    path = tmp_path / "b.gz"
    with gzip.open(path, "wb") as fh:  # declares 64 MiB x 4, holds 64 MiB of zeros (compresses to ~64 KB)
        fh.write(bytes([0, 0, 8, 3]) + struct.pack(">3I", 4, 2**13, 2**13) + bytes(2**26))
    assert path.stat().st_size < 2**20
    with pytest.raises(DataError, match="truncated"):
        read_idx(path, 3)


def npy_header(shape: tuple[int, ...], descr: str = "|u1") -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue()


@pytest.mark.parametrize("target", ["images", "labels"])
def test_an_npy_declaring_more_than_it_holds_is_refused_before_allocating(tmp_path: Path, target: str) -> None:
    images = tmp_path / "x.npy"
    np.save(images, np.zeros((5, 4, 4), np.uint8))
    bad = images if target == "images" else tmp_path / "x.labels.npy"
    bad.write_bytes(npy_header((10**12,) if target == "labels" else (10**9, 28, 28), "<i8" if target == "labels" else "|u1") + bytes(64))
    with pytest.raises(DataError, match="declares .* bytes of data, the file holds 64"):
        infopick.load(f"npy:{images}")


def test_an_npy_of_objects_is_refused_never_unpickled(tmp_path: Path) -> None:
    np.save(tmp_path / "o.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(DataError, match="Python objects"):
        infopick.load(f"npy:{tmp_path / 'o.npy'}")


def test_an_npz_member_declaring_a_terabyte_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("X.npy", npy_header((10**6, 1000, 1000)) + bytes(1000))
    tracemalloc.start()
    with pytest.raises(DataError, match="over half this machine's memory"):
        infopick.load(f"npz:{path}")
    assert tracemalloc.get_traced_memory()[1] < 2**27
    tracemalloc.stop()


def test_npz_labels_that_are_not_class_indices_are_refused_quickly(tmp_path: Path) -> None:
    np.savez(tmp_path / "l.npz", X=np.zeros((3, 2, 2), np.uint8), y=np.array([0, 1, 2**62]))
    t0 = time.perf_counter()
    with pytest.raises(DataError, match="class indices below"):
        infopick.load(f"npz:{tmp_path / 'l.npz'}")
    assert time.perf_counter() - t0 < 2


def test_a_symlink_loop_in_an_image_folder_neither_hangs_nor_repeats_images(tmp_path: Path) -> None:
    root = make_folder(tmp_path / "f", {"a": 3, "b": 2})
    (root / "a" / "loop").symlink_to(root / "a", target_is_directory=True)  # a/loop/loop/... forever
    (root / "self").symlink_to(root / "self")  # a link to itself: not a class folder
    t0 = time.perf_counter()
    pool = infopick.load(f"folder:{root}")
    assert time.perf_counter() - t0 < 5
    assert pool.classes == ("a", "b") and len(pool) == 5 and len(set(pool.ids)) == 5


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"\x00\xff\xfe garbage \x00", "unreadable|'index' column"),
        (b"index\n" + b"99999999999999999999999\n", "outside the pool"),
        (b"index\n1\n" + b"1\n" * 3, "more than once"),
        (b"index,id\n1\n2,x,y,z\n", "another pool|outside|integers"),
    ],
)
def test_more_bad_selection_files(digits: infopick.Pool, tmp_path: Path, body: bytes, match: str) -> None:
    (tmp_path / "s.csv").write_bytes(body)
    with pytest.raises(infopick.InfopickError, match=match):
        read_selection(digits, tmp_path / "s.csv")
