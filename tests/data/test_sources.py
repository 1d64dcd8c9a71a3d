"""Data specs: digits pinned, IDX / npz / folder round trips, and every malformed file refused."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

import infopick
from infopick import DataError, UnknownNameError
from infopick.data.idx import read_idx
from infopick.errors import InfopickError


def test_digits_is_pinned(digits: infopick.Pool) -> None:
    assert len(digits) == 1437 and len(digits.test) == 360
    assert digits.images.shape == (1437, 8, 8) and digits.images.dtype == np.uint8
    assert int(digits.images.max()) == 255
    assert digits.class_histogram() == {"0": 149, "1": 144, "2": 144, "3": 143, "4": 148, "5": 143, "6": 149, "7": 137, "8": 133, "9": 147}
    assert digits.fingerprint() == "7467dc07a8006d55"
    assert not set(digits.ids) & set(digits.test.ids)


def test_unknown_spec_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownNameError, match="valid: digits, folder:DIR, idx:DIR, list:FILE, mnist, npy:FILE, npz:FILE"):
        infopick.load("cifar")


@pytest.mark.parametrize(("spec", "match"), [("idx", "needs an argument"), ("digits:x", "takes no argument"), ("", "non-empty")])
def test_malformed_specs(spec: str, match: str) -> None:
    with pytest.raises(DataError, match=match):
        infopick.load(spec)


# ---- IDX -------------------------------------------------------------------------------------

def write_idx(path: Path, arr: np.ndarray, *, magic: bytes | None = None) -> Path:
    head = magic if magic is not None else bytes([0, 0, 0x08, arr.ndim])
    blob = head + struct.pack(f">{arr.ndim}I", *arr.shape) + arr.astype(np.uint8).tobytes()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wb") as fh:
        fh.write(blob)
    return path


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_idx_round_trip_with_test_pool(tmp_path: Path, suffix: str) -> None:
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 256, (20, 6, 5), dtype=np.uint8), np.arange(20) % 3
    write_idx(tmp_path / f"train-images-idx3-ubyte{suffix}", x)
    write_idx(tmp_path / f"train-labels-idx1-ubyte{suffix}", y)
    write_idx(tmp_path / f"t10k-images-idx3-ubyte{suffix}", x[:4])
    write_idx(tmp_path / f"t10k-labels-idx1-ubyte{suffix}", y[:4])
    pool = infopick.load(f"idx:{tmp_path}")
    assert np.array_equal(pool.images, x) and np.array_equal(pool.labels, y)
    assert pool.classes == ("0", "1", "2") and len(pool.test) == 4


def test_idx_refuses_wrong_magic_truncation_and_huge_headers(tmp_path: Path) -> None:
    x = np.zeros((4, 3, 3), np.uint8)
    with pytest.raises(DataError, match="wrong magic"):
        read_idx(write_idx(tmp_path / "a", x, magic=b"\x01\x02\x08\x03"), 3)
    with pytest.raises(DataError, match="type code"):
        read_idx(write_idx(tmp_path / "b", x, magic=b"\x00\x00\x0d\x03"), 3)
    with pytest.raises(DataError, match="2 dimensions, expected 3"):
        read_idx(write_idx(tmp_path / "c", x[:, :, 0]), 3)
    full = write_idx(tmp_path / "d", x).read_bytes()
    (tmp_path / "e").write_bytes(full[:-5])
    with pytest.raises(DataError, match="truncated"):
        read_idx(tmp_path / "e", 3)
    with gzip.open(tmp_path / "e.gz", "wb") as fh:
        fh.write(full[:-5])
    with pytest.raises(DataError, match="truncated"):
        read_idx(tmp_path / "e.gz", 3)
    (tmp_path / "f").write_bytes(bytes([0, 0, 8, 3]) + struct.pack(">3I", 2**31, 2**31, 2**31))
    with pytest.raises(DataError, match="over the"):
        read_idx(tmp_path / "f", 3)
    (tmp_path / "g").write_bytes(full + b"\x00")
    with pytest.raises(DataError, match="longer"):
        read_idx(tmp_path / "g", 3)


def test_idx_label_count_mismatch_and_missing_dir(tmp_path: Path) -> None:
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((5, 2, 2), np.uint8))
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(4, np.uint8))
    with pytest.raises(DataError, match="4 labels for 5 images"):
        infopick.load(f"idx:{tmp_path}")
    with pytest.raises(DataError, match="no such directory"):
        infopick.load(f"idx:{tmp_path}/nope")


# ---- npz -------------------------------------------------------------------------------------

def test_npz_round_trip(tmp_path: Path) -> None:
    x = np.random.default_rng(1).integers(0, 256, (6, 4, 4, 3), dtype=np.uint8)
    np.savez(tmp_path / "d.npz", X=x, y=[0, 1, 2, 0, 1, 2], X_test=x[:2], y_test=[0, 1])
    pool = infopick.load(f"npz:{tmp_path / 'd.npz'}")
    assert pool.images.shape == (6, 4, 4, 3) and pool.test is not None and pool.classes == ("0", "1", "2")


def test_npz_object_array_is_refused_not_unpickled(tmp_path: Path) -> None:
    np.savez(tmp_path / "o.npz", X=np.array([{"a": 1}, None], dtype=object))
    with pytest.raises(DataError, match="refused"):
        infopick.load(f"npz:{tmp_path / 'o.npz'}")


@pytest.mark.parametrize(("y", "match"), [(np.array([0.0, np.nan]), "integers"), (np.array(["a", "b"]), "integers"), (np.array([0, -3]), ">= 0")])
def test_npz_bad_labels_are_refused(tmp_path: Path, y: np.ndarray, match: str) -> None:
    np.savez(tmp_path / "l.npz", X=np.zeros((2, 3, 3), np.uint8), y=y)
    with pytest.raises(DataError, match=match):
        infopick.load(f"npz:{tmp_path / 'l.npz'}")


def test_npz_without_x_or_not_a_zip(tmp_path: Path) -> None:
    np.savez(tmp_path / "n.npz", images=np.zeros((2, 2, 2)))
    with pytest.raises(DataError, match="no array 'X'"):
        infopick.load(f"npz:{tmp_path / 'n.npz'}")
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(DataError, match="npz"):
        infopick.load(f"npz:{tmp_path / 'bad.npz'}")
    with pytest.raises(DataError, match="no such file"):
        infopick.load(f"npz:{tmp_path / 'missing.npz'}")


# ---- folder ----------------------------------------------------------------------------------

def make_folder(root: Path, classes: dict[str, int], size: tuple[int, int] = (6, 6)) -> Path:
    from PIL import Image

    rng = np.random.default_rng(0)
    for name, count in classes.items():
        (root / name).mkdir(parents=True)
        for i in range(count):
            Image.fromarray(rng.integers(0, 256, size, dtype=np.uint8)).save(root / name / f"{i}.png")
    return root


def test_folder_round_trip_with_test(tmp_path: Path) -> None:
    make_folder(tmp_path, {"cat": 3, "dog": 2})
    make_folder(tmp_path / "test", {"dog": 1})
    pool = infopick.load(f"folder:{tmp_path}")
    assert pool.classes == ("cat", "dog") and len(pool) == 5
    assert list(pool.ids[:2]) == ["cat/0.png", "cat/1.png"]
    assert pool.test is not None and pool.test.labels.tolist() == [1]


def test_folder_names_the_unreadable_file(tmp_path: Path) -> None:
    make_folder(tmp_path, {"a": 2, "b": 2})
    (tmp_path / "b" / "broken.png").write_bytes(b"\x89PNG garbage")
    with pytest.raises(DataError, match="broken.png"):
        infopick.load(f"folder:{tmp_path}")


def test_folder_refuses_empty_class_and_mixed_sizes(tmp_path: Path) -> None:
    make_folder(tmp_path / "x", {"a": 2})
    (tmp_path / "x" / "empty").mkdir()
    with pytest.raises(DataError, match="'empty' holds no"):
        infopick.load(f"folder:{tmp_path / 'x'}")
    make_folder(tmp_path / "y", {"a": 2})
    make_folder(tmp_path / "y2", {"b": 2}, size=(5, 5))
    (tmp_path / "y2" / "b").rename(tmp_path / "y" / "b")
    with pytest.raises(DataError, match="differ in size"):
        infopick.load(f"folder:{tmp_path / 'y'}")


def make_flat(root: Path, count: int, sub: str = "", size: tuple[int, int] = (6, 6)) -> list[str]:
    from PIL import Image

    rng = np.random.default_rng(1)
    (root / sub).mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(count):
        Image.fromarray(rng.integers(0, 256, size, dtype=np.uint8)).save(root / sub / f"img{i}.png")
        names.append(str(Path(sub) / f"img{i}.png"))
    return names


def test_flat_folder_is_an_unlabelled_pool_read_recursively(tmp_path: Path) -> None:
    top = make_flat(tmp_path, 3)
    below = make_flat(tmp_path, 2, sub="more")
    pool = infopick.load(f"folder:{tmp_path}")
    assert pool.labels is None and len(pool) == 5 and sorted(pool.ids) == sorted(top + below)
    sel = infopick.select(pool, 2, "kcenter", seed=0, embed="pixels")
    assert len(sel.indices) == 2
    with pytest.raises(InfopickError, match="labels"):
        infopick.play(pool, sel, recipe="fast")
    with pytest.raises(InfopickError, match="label"):
        infopick.select(pool, 2, "balanced")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no PNG/JPEG images in it and no class sub-folders"):
        infopick.load(f"folder:{tmp_path / 'empty'}")


def test_list_of_paths_and_csv_with_labels(tmp_path: Path) -> None:
    names = make_flat(tmp_path / "imgs", 4)
    (tmp_path / "paths.txt").write_text("\n".join(f"imgs/{n}" for n in names) + "\n")
    pool = infopick.load(f"list:{tmp_path / 'paths.txt'}")
    assert pool.labels is None and list(pool.ids) == [f"imgs/{n}" for n in names]
    absolute = tmp_path / "imgs" / names[0]
    (tmp_path / "l.csv").write_text("path,label\n" + "".join(f"imgs/{n},{'ab'[i % 2]}\n" for i, n in enumerate(names[1:]))
                                    + f"{absolute},b\n")
    pool = infopick.load(f"list:{tmp_path / 'l.csv'}")
    assert pool.classes == ("a", "b") and pool.labels.tolist() == [0, 1, 0, 1] and pool.ids[-1] == str(absolute)
    assert np.array_equal(pool.images[-1], infopick.load(f"list:{tmp_path / 'paths.txt'}").images[0])
    (tmp_path / "half.csv").write_text(f"path,label\nimgs/{names[0]},a\nimgs/{names[1]},\n")
    with pytest.raises(DataError, match="line 3 has no label"):
        infopick.load(f"list:{tmp_path / 'half.csv'}")
    (tmp_path / "twice.txt").write_text(f"imgs/{names[0]}\nimgs/{names[0]}\n")
    with pytest.raises(DataError, match="listed twice"):
        infopick.load(f"list:{tmp_path / 'twice.txt'}")
    (tmp_path / "missing.txt").write_text("imgs/nope.png\n")
    with pytest.raises(DataError, match="cannot read image imgs/nope.png"):
        infopick.load(f"list:{tmp_path / 'missing.txt'}")
    with pytest.raises(DataError, match="no such file"):
        infopick.load(f"list:{tmp_path / 'absent.txt'}")


# ---- npy (memory-mapped) -------------------------------------------------------------------------

def test_npy_is_memory_mapped_with_labels_beside(tmp_path: Path) -> None:
    x = np.random.default_rng(0).integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    np.save(tmp_path / "p.npy", x)
    pool = infopick.load(f"npy:{tmp_path / 'p.npy'}")
    assert _mapped(pool.images) and np.array_equal(pool.images, x) and pool.labels is None
    np.save(tmp_path / "p.labels.npy", np.arange(7) % 3)
    pool = infopick.load(f"npy:{tmp_path / 'p.npy'}")
    assert _mapped(pool.images) and pool.labels.tolist() == [0, 1, 2, 0, 1, 2, 0]


def _mapped(a: object) -> bool:
    """True when the array's memory is a file mapping (a view of a np.memmap or an mmap), not a copy."""
    import mmap

    while a is not None:
        if isinstance(a, (np.memmap, mmap.mmap)):
            return True
        a = getattr(a, "base", None)
    return False


@pytest.mark.parametrize(("array", "labels", "match"), [
    (np.zeros((4, 3, 3), dtype=np.float32), None, "must be uint8"),
    (np.array([object()] * 4, dtype=object), None, "refused"),
    (np.zeros((4, 3, 3), dtype=np.uint8), np.arange(3), "3 labels for 4 images"),
    (np.zeros((4, 3, 3), dtype=np.uint8), np.array([object()] * 4, dtype=object), "refused"),
])
def test_npy_malformed_refused(tmp_path: Path, array: np.ndarray, labels: np.ndarray | None, match: str) -> None:
    np.save(tmp_path / "p.npy", array, allow_pickle=True)
    if labels is not None:
        np.save(tmp_path / "p.labels.npy", labels, allow_pickle=True)
    with pytest.raises(DataError, match=match):
        infopick.load(f"npy:{tmp_path / 'p.npy'}")


def test_plain_idx_files_are_memory_mapped(tmp_path: Path) -> None:
    x = np.random.default_rng(0).integers(0, 256, size=(6, 4, 4), dtype=np.uint8)
    (tmp_path / "train-images-idx3-ubyte").write_bytes(struct.pack(">BBBBIII", 0, 0, 8, 3, 6, 4, 4) + x.tobytes())
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(struct.pack(">BBBBI", 0, 0, 8, 1, 6) + bytes([0, 1, 2, 0, 1, 2]))
    pool = infopick.load(f"idx:{tmp_path}")
    assert _mapped(pool.images) and np.array_equal(pool.images, x) and pool.labels.tolist() == [0, 1, 2, 0, 1, 2]
