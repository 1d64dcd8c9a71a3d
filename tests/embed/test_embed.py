"""Embeddings: shapes, determinism, the on-disk cache, and that learned features carry class structure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import infopick
from infopick.embed import cache_path, embed, embedders, get_embedder

QUICK = {"autoencoder": {"steps": 60}, "contrastive": {"steps": 40, "batch_size": 64}}


def knn_label_agreement(z: np.ndarray, y: np.ndarray) -> float:
    """Fraction of points whose nearest other point has the same label (1-NN accuracy, leave-one-out)."""
    from infopick.neighbors import knn_graph

    return float(np.mean(y[knn_graph(z, 1).indices[:, 0]] == y))


# UMAP's determinism is the thread-count test's below (its two runs differ only in threads): it costs 5 s a run.
@pytest.mark.parametrize("name", [name for name in embedders() if name != "umap"])
@pytest.mark.slow
def test_every_embedding_gives_finite_float32_rows_deterministically(name: str, digits: infopick.Pool, home: Path) -> None:
    a = embed(digits, name, seed=0, cache=False, **QUICK.get(name, {}))
    b = embed(digits, name, seed=0, cache=False, **QUICK.get(name, {}))
    assert a.dtype == np.float32 and a.ndim == 2 and len(a) == len(digits)
    assert np.all(np.isfinite(a))
    assert np.array_equal(a, b)


@pytest.mark.parametrize("name", ["pca", "umap", "autoencoder"])
@pytest.mark.slow
def test_features_keep_digits_apart(name: str, digits: infopick.Pool, home: Path) -> None:
    z = embed(digits, name, seed=0, **QUICK.get(name, {}))
    assert knn_label_agreement(z, digits.labels) > 0.85  # 10 classes: chance is 0.1


def test_second_call_is_a_cache_hit(digits: infopick.Pool, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = embed(digits, "pca", dim=7)
    assert cache_path(digits, get_embedder("pca", dim=7), 0).is_file()

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("recomputed although cached")

    monkeypatch.setattr(type(get_embedder("pca")), "embed", boom)
    assert np.array_equal(embed(digits, "pca", dim=7), first)


def test_cache_key_holds_method_params_seed_and_pool(digits: infopick.Pool, home: Path) -> None:
    pca = get_embedder("pca", dim=7)
    paths = {cache_path(digits, pca, 0), cache_path(digits, pca, 1), cache_path(digits, get_embedder("pca", dim=8), 0)}
    other = infopick.make_pool(digits.images[:-1], digits.labels[:-1])
    paths.add(cache_path(other, pca, 0))
    assert len(paths) == 4


def test_a_damaged_cache_file_is_recomputed(digits: infopick.Pool, home: Path) -> None:
    first = embed(digits, "pca", dim=6)
    path = cache_path(digits, get_embedder("pca", dim=6), 0)
    path.write_bytes(b"not an npy file")
    assert np.array_equal(embed(digits, "pca", dim=6), first)


def test_unknown_embedding_lists_the_valid_ones(digits: infopick.Pool) -> None:
    with pytest.raises(infopick.UnknownNameError, match="valid: autoencoder, contrastive, invariant, pca, pixels, umap"):
        embed(digits, "tsne")


def test_select_reads_the_embedding_it_is_told(digits: infopick.Pool, home: Path) -> None:
    sel = infopick.select(digits, 20, "kcenter", seed=0, embed="pca")
    assert sel.meta["embed"] == "pca"
    z = embed(digits, "pca")
    assert np.array_equal(sel.indices, infopick.select(z, 20, "kcenter", seed=0).indices)


def test_large_pools_are_embedded_in_chunks_into_a_memory_mapped_cache(home: Path) -> None:
    from infopick.embed.linear import PCA

    x = np.random.default_rng(0).integers(0, 256, size=(3000, 8, 8), dtype=np.uint8)
    pool = infopick.make_pool(x)
    emb = PCA(dim=5)
    emb.out_of_core_above = 1000  # as if 3000 images were more than memory allows
    z = infopick.embed(pool, emb, seed=0)
    assert isinstance(z, np.memmap) and z.shape == (3000, 5) and z.dtype == np.float32
    assert np.array_equal(z, infopick.embed(pool, emb, seed=0, cache=False))  # same numbers without the file
    assert not list((home / "embed").glob("*.tmp"))


@pytest.mark.parametrize("method", ["pca", "umap"])
@pytest.mark.slow
def test_an_embedding_is_the_same_at_any_blas_thread_count(digits: infopick.Pool, method: str) -> None:
    # A Ray worker runs BLAS on one thread, this process on two: the features (and so every
    # measure read from them) must not depend on it, bit for bit.
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=2):
        two = embed(digits, method, cache=False)
    with threadpool_limits(limits=1):
        one = embed(digits, method, cache=False)
    assert one.dtype == np.float32 and one.shape[0] == len(digits) and np.all(np.isfinite(one))
    assert np.array_equal(one, two)


@pytest.mark.parametrize("name", [n for n, c in embedders().items() if c.trains])
def test_a_trained_embedding_takes_a_device_and_the_cpu_keeps_its_numbers_and_cache_file(
        name: str, digits: infopick.Pool, home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import torch

    from infopick.cli import main

    quick = QUICK[name]
    default = get_embedder(name, **quick)
    cpu = get_embedder(name, device="cpu", **quick)
    assert cache_path(digits, cpu, 0) == cache_path(digits, default, 0)  # files cached before --device existed still hit
    if torch.cuda.is_available():
        gpu = get_embedder(name, device="cuda", **quick)
        assert cache_path(digits, gpu, 0) != cache_path(digits, cpu, 0)  # a GPU's numbers are other numbers
        z = embed(digits, gpu, seed=0, cache=False)
        assert z.shape[0] == len(digits) and np.all(np.isfinite(z))
    else:
        auto = get_embedder(name, device="auto", **quick)
        assert cache_path(digits, auto, 0) == cache_path(digits, cpu, 0)  # auto without a GPU is the CPU
        with pytest.raises(infopick.InfopickError, match="no GPU"):
            embed(digits, get_embedder(name, device="cuda", **quick), seed=0, cache=False)
        assert main(["select", "--data", "digits", "--budget", "5", "--embed", name, "--device", "cuda",
                     "--out", str(tmp_path / "s.csv")]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error:") and err.count("\n") == 1 and "no GPU" in err
    # a device for an embedding that trains nothing is refused in one line, naming those that train
    assert main(["embed", "--data", "digits", "--embed", "pca", "--device", "auto", "--out", str(tmp_path / "z.npy")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'pca' trains nothing; these do: autoencoder, contrastive" in err
    assert not (tmp_path / "z.npy").exists()


def test_contrastive_view_options_are_off_by_default_and_keep_the_cache_files(digits: infopick.Pool, home: Path) -> None:
    quick = QUICK["contrastive"]
    off, on = get_embedder("contrastive", **quick), get_embedder("contrastive", brightness=0.16, noise=0.08, **quick)
    # the file name the default views were cached under before the views had parameters (measured at 068464f)
    assert cache_path(digits, off, 0).name == "contrastive-9522ecc97c08cfdb98fa.npy"
    assert cache_path(digits, on, 0) != cache_path(digits, off, 0)
    assert not np.array_equal(embed(digits, off, seed=0, cache=False), embed(digits, on, seed=0, cache=False))
    # views that are nuisance copies: their own cache file and other features
    taught = get_embedder("contrastive", nuisance=1.0, **quick)
    assert cache_path(digits, taught, 0) not in (cache_path(digits, off, 0), cache_path(digits, on, 0))
    assert not np.array_equal(embed(digits, off, seed=0, cache=False), embed(digits, taught, seed=0, cache=False))
