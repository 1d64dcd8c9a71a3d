"""Partition-and-merge selection (GreeDi) on the local engine and on a local Ray with 2 CPUs."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from infopick import select
from infopick.engine import require_ray
from infopick.errors import InfopickError
from infopick.neighbors import knn_graph
from infopick.objectives.facility import facility_similarity, facility_value


def features(n: int = 4000, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, 5)).astype(np.float32)


def radius(x: np.ndarray, idx: np.ndarray) -> float:
    import faiss

    index = faiss.IndexFlatL2(x.shape[1])
    index.add(x[idx])
    d2, _ = index.search(x, 1)
    return float(np.sqrt(d2.max()))


def valid(idx: np.ndarray, budget: int, n: int) -> bool:
    return idx.shape == (budget,) and len(np.unique(idx)) == budget and idx.min() >= 0 and idx.max() < n


@pytest.mark.parametrize("shards", [2, 4, 8])
def test_facility_by_shards_is_within_a_few_percent_of_central_greedy(shards: int) -> None:
    x = features()
    sim = facility_similarity(knn_graph(x, 40))
    central = facility_value(sim, select(x, 50, "facility", seed=0, k=40).indices)
    sel = select(x, 50, "facility", seed=0, k=40, shards=shards)
    assert valid(sel.indices, 50, len(x)) and sel.meta["shards"] == shards
    assert facility_value(sim, sel.indices) >= 0.95 * central


def test_kcenter_by_shards_keeps_a_close_covering_radius() -> None:
    x = features()
    central = radius(x, select(x, 50, "kcenter", seed=0).indices)
    sel = select(x, 50, "kcenter", seed=0, shards=4)
    assert valid(sel.indices, 50, len(x)) and radius(x, sel.indices) <= 1.25 * central


def test_partition_and_merge_refuses_what_it_cannot_split() -> None:
    x = features(200)
    with pytest.raises(InfopickError, match="facility, kcenter"):
        select(x, 10, "kmeans", seed=0, shards=2)
    with pytest.raises(InfopickError, match="positive integer"):
        select(x, 10, "facility", seed=0, shards=0)
    with pytest.raises(InfopickError, match="unknown engine"):
        select(x, 10, "facility", seed=0, engine="spark")


def test_without_ray_the_engine_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(InfopickError, match=r"pip install 'infopick\[ray\]'"):
        require_ray()


@pytest.fixture(scope="module")
def local_ray():  # type: ignore[no-untyped-def]
    """A local Ray that leaves nothing behind: no ~/.ray/auth_token (Ray >= 2.59 makes one for a local
    cluster, and a later `ray start --head` on this machine takes it up), no session under /tmp/ray."""
    ray = pytest.importorskip("ray")
    temp = tempfile.mkdtemp(prefix="ray")  # short: Ray's socket paths must fit 107 bytes
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RAY_AUTH_MODE", "disabled")
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False, _temp_dir=temp)
        yield ray
        ray.shutdown()
    shutil.rmtree(temp, ignore_errors=True)


@pytest.mark.slow
def test_ray_selection_equals_the_local_engine(local_ray: object) -> None:
    x = features()
    for strategy in ("facility", "kcenter"):
        local = select(x, 50, strategy, seed=3, shards=4)
        on_ray = select(x, 50, strategy, seed=3, shards=4, engine="ray")
        assert on_ray.meta["engine"] == "ray" and np.array_equal(local.indices, on_ray.indices)


@pytest.mark.slow
def test_bench_grid_on_ray_equals_the_local_engine(local_ray: object, tmp_path: Path, home: Path,
                                                  monkeypatch: pytest.MonkeyPatch, tiny_recipe: object,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from infopick.bench import read_rows
    from infopick.cli import main
    from infopick.game import recipes

    monkeypatch.setitem(recipes.RECIPES, "fast", tiny_recipe)
    grid = ["bench", "--data", "digits", "--strategies", "kcenter", "--budgets", "30", "--seeds", "2", "--embed", "pca",
            "--measures", "coding-rate"]
    assert main([*grid, "--out", str(tmp_path / "local")]) == 0
    assert main([*grid, "--engine", "ray", "--out", str(tmp_path / "ray")]) == 0, capsys.readouterr().err

    def cells(d: str) -> dict[tuple[str, int], tuple[float, float, float]]:
        return {(r["strategy"], r["seed"]): (r["accuracy_pool"], r["accuracy_test"], r["fraction"]["coding-rate"])
                for r in read_rows(tmp_path / d / "results.jsonl")}

    assert len(cells("ray")) == 4 and cells("ray") == cells("local")


def test_a_large_pool_is_embedded_as_ray_tasks_with_the_local_numbers(local_ray: object, home: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import infopick
    from infopick.embed import linear
    from infopick.engine import get_engine

    monkeypatch.setattr(linear, "CHUNK", 700)  # 3000 images -> 5 chunks, in waves of 2: more than one wave
    monkeypatch.setattr(linear, "WAVE", 2)
    pool = infopick.make_pool(np.random.default_rng(0).integers(0, 256, size=(3000, 8, 8), dtype=np.uint8))
    emb = linear.PCA(dim=5)
    emb.out_of_core_above = 1000  # as if 3000 images were more than memory allows
    on_ray = infopick.embed(pool, emb, seed=0, engine=get_engine("ray"))
    assert isinstance(on_ray, np.memmap) and on_ray.shape == (3000, 5)
    assert np.array_equal(on_ray, infopick.embed(pool, emb, seed=0, cache=False))


def test_select_and_embed_commands_take_the_ray_engine(local_ray: object, home: Path, tmp_path: Path) -> None:
    from infopick.cli import main

    assert main(["embed", "--data", "digits", "--embed", "pca", "--engine", "ray", "--out", str(tmp_path / "z.npy")]) == 0
    assert np.load(tmp_path / "z.npy").shape == (1437, 50)
    assert main(["select", "--data", "digits", "--strategy", "kcenter", "--budget", "20", "--embed", "pca",
                 "--engine", "ray", "--out", str(tmp_path / "s.csv")]) == 0
    assert len((tmp_path / "s.csv").read_text().splitlines()) == 21


def test_a_dead_cluster_address_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import socket

    from infopick.cli import main

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = main(["select", "--data", "digits", "--budget", "5", "--strategy", "kcenter", "--engine", "ray",
                 "--address", f"127.0.0.1:{port}", "--out", str(tmp_path / "x.csv")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: no Ray head answers") and err.count("\n") == 1 and not (tmp_path / "x.csv").exists()
