"""infopick bench: every cell exactly once across kills and restarts, a lock, an estimate, and the report in a browser."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from infopick.bench import ResultStore, read_rows
from infopick.cli import main
from infopick.errors import InfopickError
from infopick.game import recipes
from tests.conftest import TINY_CLI

ROOT = Path(__file__).resolve().parents[2]
GRID = ["--data", "digits", "--strategies", "kmeans,kcenter", "--budgets", "20,60", "--seeds", "2", "--measures", "coding-rate,coverage"]
# The grids that run cells, on PCA: the time goes to the cells under test, not to UMAP's compilation.
PCA_GRID = [*GRID, "--embed", "pca"]


def child(*argv: str, home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "INFOPICK_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", TINY_CLI, *argv], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def cell_keys(out: Path) -> list[tuple[str, int, int]]:
    return [(r["strategy"], r["budget"], r["seed"]) for r in read_rows(out / "results.jsonl")]


@pytest.mark.slow
def test_killed_grid_resumes_with_every_cell_exactly_once(tmp_path: Path, home: Path) -> None:
    out = tmp_path / "grid"
    p = child("bench", *PCA_GRID, "--out", str(out), home=home)
    deadline = time.time() + 240
    while len(cell_keys(out)) < 2 and p.poll() is None and time.time() < deadline:
        time.sleep(0.2)
    assert p.poll() is None, p.communicate()
    p.send_signal(signal.SIGKILL)  # mid-grid, maybe mid-cell
    p.wait()
    before = cell_keys(out)
    assert 2 <= len(before) < 12
    with (out / "results.jsonl").open("a") as fh:  # and a torn last line, as a crash inside a write would leave
        fh.write('{"strategy": "kmeans", "budget": 2')
    p = child("bench", *PCA_GRID, "--out", str(out), home=home)
    _, err = p.communicate(timeout=600)
    assert p.returncode == 0, err
    after = cell_keys(out)
    expected = {(s, b, seed) for s in ("random", "kmeans", "kcenter") for b in (20, 60) for seed in (0, 1)}
    assert len(after) == len(set(after)) == 12 and set(after) == expected
    assert after[: len(before)] == before  # finished cells were kept, not rerun
    lines = (out / "results.jsonl").read_text().splitlines()
    assert all(json.loads(line) for line in lines) and len(lines) == 12
    row = read_rows(out / "results.jsonl")[0]
    assert {"strategy", "budget", "seed", "accuracy_pool", "accuracy_test", "fraction", "seconds", "selection"} <= set(row)
    assert set(row["fraction"]) == {"coding-rate", "coverage"} and (out / row["selection"]).is_file()
    assert f"{len(before)} of 12 cells already done" in err


def test_a_second_run_on_the_same_directory_is_refused(tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "grid"
    with ResultStore(out):
        with pytest.raises(InfopickError, match="in use"), ResultStore(out):
            pass
        code = main(["bench", *GRID, "--out", str(out)])  # flock: a second open file description is refused, also in-process
    err = capsys.readouterr().err
    assert code == 2 and err.strip().splitlines()[-1].startswith("error:") and "in use" in err
    assert not (out / "results.jsonl").exists()


@pytest.mark.slow
def test_dry_run_estimates_and_runs_nothing(tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch, tiny_recipe: object) -> None:
    monkeypatch.setitem(recipes.RECIPES, "fast", tiny_recipe)
    assert main(["bench", *GRID, "--out", str(tmp_path / "g"), "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert "estimate: 12 cells to run of 12" in err and "min" in err and "GiB" in err
    assert not (tmp_path / "g").exists()  # a dry run creates nothing


@pytest.mark.parametrize(("argv", "match"), [
    (["--strategies", "nope"], "valid:"),
    (["--strategies", "kmeans", "--budgets", "0,10"], "budgets must lie"),
    (["--strategies", "kmeans", "--budgets", "ten"], "integers"),
    (["--strategies", "kmeans", "--measures", "nope"], "unknown measure"),
])
def test_bench_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], match: str) -> None:
    assert main(["bench", "--data", "digits", "--out", str(tmp_path / "g"), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and err.count("\n") == 1 and match in err


def test_other_settings_in_the_same_directory_are_refused(tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch, tiny_recipe: object) -> None:
    monkeypatch.setitem(recipes.RECIPES, "fast", tiny_recipe)
    out = tmp_path / "g"
    assert main(["bench", "--data", "digits", "--strategies", "random", "--budgets", "20", "--seeds", "1", "--measures", "none",
                 "--out", str(out)]) == 0
    code = main(["bench", "--data", "digits", "--strategies", "random", "--budgets", "20", "--seeds", "1", "--measures", "none",
                 "--embed", "pca", "--out", str(out)])
    assert code == 2 and "use another --out" in capsys.readouterr().err


@pytest.mark.slow
def test_a_resume_keeps_the_earlier_commands_and_a_broken_config_is_refused(
        tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tiny_recipe: object) -> None:
    monkeypatch.setitem(recipes.RECIPES, "fast", tiny_recipe)
    out = tmp_path / "g"
    one = ["bench", "--data", "digits", "--strategies", "random", "--budgets", "20", "--measures", "none", "--out", str(out)]
    assert main([*one, "--seeds", "2"]) == 0
    assert main([*one, "--seeds", "1"]) == 0  # a resume asking for less: nothing to run, the record of the first kept
    stored = json.loads((out / "bench.json").read_text())
    assert [h["command"].split("--seeds")[1].split()[0] for h in stored["history"]] == ["2", "1"]
    assert stored["config"]["seeds"] == 1 and len(read_rows(out / "results.jsonl")) == 2
    (out / "bench.json").write_text("[1, 2")
    capsys.readouterr()
    assert main([*one, "--seeds", "1"]) == 2
    lines = capsys.readouterr().err.splitlines()  # after the estimate line, one error line
    assert lines[-1].startswith("error:") and "bench.json" in lines[-1] and sum(x.startswith("error:") for x in lines) == 1
    assert (out / "bench.json").read_text() == "[1, 2" and len(read_rows(out / "results.jsonl")) == 2
    for broken in ("[1, 2", "[1, 2]", "{}", '{"config": {"data": 3}}'):  # the report reads the same file: one error line, nothing written
        (out / "bench.json").write_text(broken)
        assert main(["report", str(out)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error:") and "bench.json" in err[0] and not (out / "report.html").exists()
    (out / "bench.json").write_text(json.dumps(stored))
    rows = (out / "results.jsonl").read_text()
    (out / "results.jsonl").write_text('{"strategy": "random"}\n' + rows)  # a line that is no cell's record: skipped
    assert main(["report", str(out)]) == 0 and (out / "report.html").is_file()
    (out / "report.html").unlink()
    (out / "results.jsonl").write_text('{"strategy": "random", "budget": 5, "seed": 0, "accuracy_pool": 1.0, '
                                       '"accuracy_test": null, "selection": null}\n' + rows)  # a first cell with no file
    capsys.readouterr()
    assert main(["report", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and "names no selection" in err[0] and not (out / "report.html").exists()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small grid on digits and its HTML report (built once for the browser checks)."""
    from tests.conftest import tiny

    base = tmp_path_factory.mktemp("report")
    mp = pytest.MonkeyPatch()
    mp.setenv("INFOPICK_HOME", str(base / "home"))
    mp.setitem(recipes.RECIPES, "fast", tiny())
    try:
        assert main(["bench", *PCA_GRID, "--out", str(base / "grid")]) == 0
        assert main(["report", str(base / "grid")]) == 0
    finally:
        mp.undo()
    return base / "grid" / "report.html"


@pytest.mark.slow
def test_report_is_self_contained(report: Path) -> None:
    page = report.read_text()
    assert "http://" not in page and "https://" not in page and "<link" not in page  # no network
    for heading in ("Accuracy against budget", "Difference to random, per budget", "Mean, spread and difference to random",
                    "Information curves", "Chosen images and class histograms", "Most and least informative images",
                    "Environment and command"):
        assert f"<h2>{heading}</h2>" in page
    # accuracy, forest, 2 curves + 2 galleries, 3 strategies' picks, the map (random is always in the grid)
    assert page.count("data:image/png;base64,") >= 2 + 2 * 2 + 3 + 1
    assert 'alt="the pool and the picks"' in page and 'alt="difference to random"' in page
    assert "infopick bench --data digits --strategies kmeans,kcenter" in page  # the exact command
    assert page.count("label-free</th>") == 1 and "reads all labels</th>" not in page  # the table's one group here


def test_the_report_table_groups_strategies_by_the_labels_they_read() -> None:
    from infopick.report.html import _group

    assert _group("random", "none") == "label-free" and _group("kcenter", "none") == "label-free"
    assert _group("margin", "picked") == "active learning (reads the labels it asks for)"
    for name in ("forgetting", "el2n", "grand", "ccs"):
        assert _group(name, "all") == "training dynamics (reads all labels)"
    assert _group("an-old-oracle", "all") == "reads all labels"  # a strategy no longer registered keeps its heading


def test_the_report_averages_a_measure_over_the_seeds_that_have_it_and_says_how_many() -> None:
    from infopick.report.html import _fraction_cell

    rows = [{"fraction": {"network": 0.5, "coverage": 0.1}}, {"fraction": {"coverage": 0.3}}, {"fraction": {"coverage": 0.2}}]
    assert _fraction_cell(rows, "coverage") == "0.2000"
    assert _fraction_cell(rows, "network") == "0.5000 (1 of 3 seeds)"  # a costly measure on some seeds only
    assert _fraction_cell(rows, "coding-rate") == ""


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("chromium")
    assert exe, "chromium is missing: `make test` installs Debian's chromium (make browser)"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0"]
    return subprocess.run([exe, *flags, *args], capture_output=True, text=True, timeout=120)


def test_report_renders_in_a_real_browser(report: Path, tmp_path: Path) -> None:
    from PIL import Image

    dom = _chromium("--virtual-time-budget=5000", "--dump-dom", report.as_uri(), profile=tmp_path / "p1")
    assert dom.returncode == 0, dom.stderr[-2000:]
    figures = int(dom.stdout.split('data-figures="')[1].split('"')[0])
    rendered = int(dom.stdout.split('data-rendered="')[1].split('"')[0])
    assert figures >= 8 and rendered == figures  # every embedded PNG decoded
    assert "<h1>Which images to train on: digits</h1>" in dom.stdout
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert not console, console
    shot = tmp_path / "shot.png"
    res = _chromium(f"--screenshot={shot}", "--window-size=1200,1600", report.as_uri(), profile=tmp_path / "p2")
    assert res.returncode == 0 and shot.is_file(), res.stderr[-2000:]
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=np.float64)
    assert pixels.std() > 20 and (pixels < 128).mean() > 0.01  # not blank: text and plots drawn


@pytest.mark.slow
def test_workers_run_every_cell_once(tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch, tiny_recipe: object) -> None:
    monkeypatch.setitem(recipes.RECIPES, "fast", tiny_recipe)
    out = tmp_path / "g"
    argv = ["bench", "--data", "digits", "--strategies", "kmeans", "--budgets", "20", "--seeds", "2", "--measures", "coding-rate",
            "--embed", "pca", "--workers", "2", "--out", str(out)]
    assert main(argv) == 0, capsys.readouterr().err
    rows = read_rows(out / "results.jsonl")
    assert sorted((r["strategy"], r["seed"]) for r in rows) == [("kmeans", 0), ("kmeans", 1), ("random", 0), ("random", 1)]
    assert all(r["threads"] == max(1, (os.cpu_count() or 1) // 2) for r in rows)
