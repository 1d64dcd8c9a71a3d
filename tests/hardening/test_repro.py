"""Reproducibility: the same command and seed give byte-identical selection files and identical
accuracies, also when every cache is recomputed; run.json records what the numbers depend on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infopick.cli import main

# One strategy per family, and the ones with their own randomness: k-means restarts, MLP and VAE training, UMAP.
STRATEGIES = [("random", "pca"), ("kcenter", "pca"), ("facility", "pca"), ("probcover", "pca"), ("typiclust", "pca"),
              ("logdet", "pca"), ("compression", "pca"), ("margin", "pca"), ("surprise", "pca"), ("kcenter", "umap")]


@pytest.mark.parametrize(("strategy", "embed"), STRATEGIES)
@pytest.mark.slow
def test_same_command_same_seed_gives_byte_identical_selection_files(
    strategy: str, embed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = []
    for run in ("first", "second"):
        monkeypatch.setenv("INFOPICK_HOME", str(tmp_path / run / "home"))  # a cold cache each time: recomputed, not reread
        out = tmp_path / run / "s.csv"
        argv = ["select", "--data", "digits", "--budget", "40", "--strategy", strategy, "--embed", embed, "--seed", "7", "--out", str(out)]
        assert main(argv) == 0, capsys.readouterr().err
        files.append(out.read_bytes())
    assert files[0] == files[1] and files[0].count(b"\n") == 41


@pytest.mark.slow
def test_same_play_command_gives_identical_accuracies_and_records_its_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tiny_recipe: object
) -> None:
    from infopick.game import recipes

    monkeypatch.setitem(recipes.RECIPES, "fast", tiny_recipe)
    runs = []
    for run in ("a", "b"):
        monkeypatch.setenv("INFOPICK_HOME", str(tmp_path / run / "home"))
        argv = ["play", "--data", "digits", "--budget", "100", "--strategy", "kcenter", "--embed", "pca", "--seed", "3",
                "--recipe", "fast", "--out", str(tmp_path / run)]
        assert main(argv) == 0, capsys.readouterr().err
        runs.append(json.loads((tmp_path / run / "run.json").read_text()))
    a, b = (r["result"] for r in runs)
    assert (a["accuracy_pool"], a["accuracy_test"], a["confusion_test"]) == (b["accuracy_pool"], b["accuracy_test"], b["confusion_test"])
    assert (tmp_path / "a" / "selection.csv").read_bytes() == (tmp_path / "b" / "selection.csv").read_bytes()
    env = runs[0]["environment"]
    for key in ("python", "torch", "numpy", "faiss", "infopick", "torch_threads", "cpu_count", "torch_deterministic_kernels"):
        assert env.get(key) not in (None, ""), key


def test_playing_restores_torch_s_determinism_setting() -> None:
    import torch

    from infopick.game.play import deterministic_kernels

    before = torch.are_deterministic_algorithms_enabled()
    with deterministic_kernels():
        assert torch.are_deterministic_algorithms_enabled()
    assert torch.are_deterministic_algorithms_enabled() == before
