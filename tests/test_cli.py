"""The CLI contract: listings, select -> CSV, play --json/--out, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from infopick.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse exits for usage errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_listings(capsys: pytest.CaptureFixture[str]) -> None:
    from infopick.embed import embedders
    from infopick.select import registry

    code, out, _ = run(capsys, "strategies")
    assert code == 0 and all(name in out for name in registry()) and "picked" in out and "all" in out
    code, out, _ = run(capsys, "embeddings")
    assert code == 0 and all(name in out for name in embedders())
    code, out, _ = run(capsys, "datasets")
    assert code == 0 and all(s in out for s in ("mnist", "digits", "idx:DIR", "npz:FILE", "folder:DIR"))


def test_select_writes_csv_in_pick_order(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "sel.csv"
    code, _, _ = run(capsys, "select", "--data", "digits", "--budget", "25", "--strategy", "balanced", "--seed", "3", "--out", str(out))
    lines = out.read_text().splitlines()
    assert code == 0 and lines[0] == "index,id,label" and len(lines) == 26
    again = tmp_path / "again.csv"
    run(capsys, "select", "--data", "digits", "--budget", "25", "--strategy", "balanced", "--seed", "3", "--out", str(again))
    assert again.read_bytes() == out.read_bytes()


def test_select_passes_strategy_parameters(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "sel.csv"
    code, _, err = run(capsys, "select", "--data", "digits", "--budget", "20", "--strategy", "auto", "--param", "delegate=kcenter",
                       "--embed", "pca", "--out", str(out))
    assert code == 0 and "asked for -> kcenter" in err and len(out.read_text().splitlines()) == 21


@pytest.mark.slow
def test_play_json_and_out_dir(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_recipe: object) -> None:
    from infopick.game import recipes

    monkeypatch.setitem(recipes.RECIPES, "fast", tiny_recipe)  # the contract, not the recipe, is under test
    code, out, _ = run(capsys, "play", "--data", "digits", "--budget", "400", "--recipe", "fast", "--embed", "pca", "--json",
                       "--out", str(tmp_path / "run"))
    assert code == 0
    obj = json.loads(out)
    for key in ("accuracy_pool", "accuracy_test", "budget", "strategy", "seed", "seconds", "per_class"):
        assert key in obj
    assert obj["budget"] == 400 and obj["strategy"] == "auto" and set(obj["seconds"]) == {"select", "train", "eval"}
    assert obj["chosen"] == "random" and obj["embed"] == "pca"  # auto at 28 % of the pool: random
    # what auto measured, dropped and why, in --json and in run.json
    assert obj["screen"]["n"] == 1437 and obj["screen"]["encoder"].startswith("invariant") and "random" in obj["why"]
    assert set(obj["per_class"]) == {str(i) for i in range(10)}
    run_json = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run_json["config"]["budget"] == 400 and run_json["config"]["strategy"] == "auto"
    assert run_json["selection_meta"]["screen"]["outliers"] == obj["screen"]["outliers"]
    assert run_json["result"]["recipe"]["name"] == "tiny"
    assert "torch" in run_json["environment"]
    assert (tmp_path / "run" / "gallery.png").read_bytes()[:4] == b"\x89PNG"
    # The selection written can be played again, and gives the same numbers.
    code, out2, _ = run(capsys, "play", "--data", "digits", "--selection", str(tmp_path / "run" / "selection.csv"), "--recipe", "fast", "--json")
    assert code == 0 and json.loads(out2)["accuracy_test"] == obj["accuracy_test"]


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["select", "--data", "digits", "--budget", "5", "--strategy", "kcentre", "--out", "x.csv"], "valid: auto, balanced, bald, "),
        (["select", "--data", "cifar", "--budget", "5", "--out", "x.csv"], "valid: digits"),
        (["select", "--data", "digits", "--budget", "0", "--out", "x.csv"], "budget must lie in 1..1437"),
        (["select", "--data", "digits", "--budget", "5000", "--out", "x.csv"], "budget must lie in 1..1437"),
        (["select", "--data", "npz:/no/such.npz", "--budget", "5", "--out", "x.csv"], "no such file"),
        (["select", "--data", "idx:/no/such", "--budget", "5", "--out", "x.csv"], "no such directory"),
        (["select", "--data", "digits", "--budget", "five", "--out", "x.csv"], "invalid int"),
        (["select", "--data", "digits"], "required"),
        (["play", "--data", "digits"], "either --budget"),
        (["play", "--data", "digits", "--selection", "s.csv", "--strategy", "random"], "either --budget"),
        (["play", "--data", "digits", "--selection", "/no/such.csv"], "no such file"),
        (["play", "--data", "digits", "--budget", "5", "--recipe", "slow"], "invalid choice"),
        (["frobnicate"], "invalid choice"),
        (["measure", "--data", "digits", "--measure", "nope"], "valid: coding-rate"),
        (["measure", "--data", "digits", "--selection", "/no/such.csv"], "no such file"),
        (["measure", "--data", "digits", "--param", "epsilon=1"], "epsilon"),
        (["measure", "--data", "digits", "--param", "eps"], "KEY=VALUE"),
        (["select", "--data", "digits", "--budget", "5", "--strategy", "facility", "--param", "k=-1", "--out", "x.csv"], "k=-1"),
        (["select", "--data", "digits", "--budget", "5", "--strategy", "auto", "--param", "delegate=margin", "--out", "x.csv"],
         "auto is label-free"),
        (["play", "--data", "digits", "--selection", "s.csv", "--param", "k=3"], "--param applies to --strategy"),
    ],
)
def test_errors_are_one_line_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], match: str) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("error:") and err.count("\n") == 1 and match in err, err
    assert "Traceback" not in err


def test_unwritable_output_is_one_line_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # A path below a regular file cannot be created, even by root (who may write to read-only dirs).
    (tmp_path / "file").write_text("x")
    code, _, err = run(capsys, "select", "--data", "digits", "--budget", "5", "--out", str(tmp_path / "file" / "s.csv"))
    assert code == 2 and err.startswith("error:") and err.count("\n") == 1 and str(tmp_path / "file") in err
    assert not list(tmp_path.glob("**/*.tmp"))


def test_console_script_runs_as_a_process() -> None:
    done = subprocess.run([sys.executable, "-m", "infopick.cli", "select", "--data", "digits", "--budget", "0", "--out", "x.csv"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("error:") and "Traceback" not in done.stderr


def test_embed_writes_an_npy_and_select_reads_the_same_features(capsys: pytest.CaptureFixture[str], tmp_path: Path, home: Path) -> None:
    import numpy as np

    code, _, err = run(capsys, "embed", "--data", "digits", "--embed", "pca", "--out", str(tmp_path / "z.npy"))
    assert code == 0 and "1437 x 50" in err
    z = np.load(tmp_path / "z.npy", allow_pickle=False)
    code, _, _ = run(capsys, "select", "--data", "digits", "--budget", "10", "--strategy", "kcenter", "--embed", "pca",
                     "--out", str(tmp_path / "s.csv"))
    from infopick import select

    picked = [int(line.split(",")[0]) for line in (tmp_path / "s.csv").read_text().splitlines()[1:]]
    assert code == 0 and picked == select(z, 10, "kcenter", seed=0).indices.tolist()


@pytest.mark.parametrize("argv, message", [
    (["embed", "--data", "digits", "--embed", "tsne", "--out", "z.npy"], "unknown embedding 'tsne'; valid:"),
    (["embed", "--data", "digits", "--out", "z.txt"], "must name a .npy file"),
    (["select", "--data", "digits", "--budget", "5", "--strategy", "kcenter", "--embed", "nope", "--out", "s.csv"], "unknown embedding"),
    (["play", "--data", "digits", "--selection", "s.csv", "--embed", "pca"], "--embed applies to --strategy"),
])
def test_embedding_errors_are_one_line(capsys: pytest.CaptureFixture[str], argv: list[str], message: str, home: Path) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.startswith("error: ") and message in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_measure_json_contract_and_out_dir(capsys: pytest.CaptureFixture[str], tmp_path: Path, home: Path) -> None:
    code, out, _ = run(capsys, "measure", "--data", "digits", "--measure", "coverage", "--json")
    assert code == 0
    pool = json.loads(out)
    assert pool["measure"] == "coverage" and pool["encoder"] and pool["bits_pool"] > 0
    assert pool["bits_subset"] is None and pool["fraction"] is None
    assert list(pool["k_for"]) == ["0.9", "0.99", "0.999"]
    assert pool["k_for"]["0.9"] <= pool["k_for"]["0.99"] <= pool["k_for"]["0.999"]
    sel = tmp_path / "s.csv"
    run(capsys, "select", "--data", "digits", "--budget", "40", "--strategy", "random", "--out", str(sel))
    code, out, err = run(capsys, "measure", "--data", "digits", "--measure", "coverage", "--selection", str(sel), "--json",
                         "--out", str(tmp_path / "m"))
    assert code == 0, err
    sub = json.loads(out)
    assert sub["bits_pool"] == pool["bits_pool"] and 0 < sub["fraction"] < 1 and sub["subset_size"] == 40
    assert sub["bits_subset"] == pytest.approx(sub["fraction"] * sub["bits_pool"])
    for name in ("measure.json", "image_bits.npy", "curve.png", "informative.png"):
        assert (tmp_path / "m" / name).stat().st_size > 0
    assert np.load(tmp_path / "m" / "image_bits.npy", allow_pickle=False).shape == (1437,)
    code, out, _ = run(capsys, "measure", "--data", "digits", "--selection", str(sel), "--no-curve")
    assert code == 0 and "holds M =" in out and "K holding" not in out
    code, out, _ = run(capsys, "measure", "--data", "digits", "--measure", "coding-rate", "--selection", str(sel), "--no-curve",
                       "--json", "--param", "dims=5")
    assert code == 0 and json.loads(out)["params"]["dims"] == 5 and json.loads(out)["facts"]["dim"] == 5
    code, out, _ = run(capsys, "measure", "--data", "digits", "--measure", "coverage", "--selection", str(sel), "--no-curve",
                       "--json", "--param", "power=log-n")  # a VALUE that is not JSON stays a string
    assert code == 0 and json.loads(out)["facts"]["power"] == pytest.approx(np.log(1437))
    code, out, _ = run(capsys, "measure", "--data", "digits", "--selection", str(sel), "--no-curve", "--json")
    obj = json.loads(out)  # the default: nuisance-aware, read from the images
    assert code == 0 and obj["measure"] == "invariant-coverage" and "nuisance radius" in obj["encoder"]
    code, out, _ = run(capsys, "measures")
    assert code == 0 and "label-bits" in out and "default invariant-coverage" in out


@pytest.mark.parametrize("command", [[], ["datasets"], ["strategies"], ["embeddings"], ["measures"], ["embed"], ["select"],
                                     ["play"], ["measure"], ["bench"], ["report"]])
def test_every_help_page_prints(capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    """argparse formats help with %: one bare % in a help string crashed `infopick --help`."""
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0 and "usage: infopick" in capsys.readouterr().out
