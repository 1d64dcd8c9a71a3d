"""Fuzz over the command line: any argument list drawn from the commands' own options, with good
and bad values, ends with exit 0, or exit 2 and exactly one ``error:`` line; never a traceback."""

from __future__ import annotations

import contextlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infopick.cli import main

DATA = ["digits", "", "cifar", "npz:/no/such.npz", "idx:", "digits:x", "npy:/tmp", "folder:/dev/null", "mnist:x"]
BUDGET = ["7", "1", "2", "1437", "0", "1438", "-3", "x", "1e3", "99999999999999999999"]
SEED = ["0", "5", "-1", "x", "99999999999999999999", "1.5"]
STRATEGY = ["random", "kcenter", "balanced", "typiclust", "nope", ""]
EMBED = ["pca", "pixels", "nope", ""]
MEASURE = ["coding-rate", "coverage", "label-bits", "compression", "nope"]
PARAM = ["eps=0.5", "eps=-1", "eps=nan", "eps=x", "dims=0", "dims=3", "delta=1e308", "nope=1", "=", "x"]


def out_values(tmp: Path) -> list[str]:
    return [str(tmp / "out" / "o.csv"), str(tmp / "d"), str(tmp / "out" / "z.npy"), "/proc/nope/x.csv", "", str(tmp)]


@st.composite
def argvs(draw: st.DrawFn, tmp: Path) -> list[str]:
    command = draw(st.sampled_from(["select", "play", "measure", "embed", "report", "strategies", "nope", ""]))
    options = {
        "select": {"--data": DATA, "--budget": BUDGET, "--strategy": STRATEGY, "--seed": SEED, "--embed": EMBED, "--out": out_values(tmp)},
        "play": {"--data": DATA, "--budget": BUDGET[:4] + BUDGET[4:], "--strategy": STRATEGY, "--seed": SEED, "--recipe": ["fast", "slow"],
                 "--selection": [str(tmp / "o.csv"), "/no/such.csv"], "--json": [None]},
        "measure": {"--data": DATA, "--measure": MEASURE, "--param": PARAM, "--embed": EMBED, "--seed": SEED, "--no-curve": [None],
                    "--selection": [str(tmp / "o.csv"), "/no/such.csv"]},
        "embed": {"--data": DATA, "--embed": EMBED, "--seed": SEED, "--out": out_values(tmp)},
        "report": {"": [str(tmp), "/no/such/dir", str(tmp / "o.csv")]},
        "strategies": {}, "nope": {"--x": ["1"]}, "": {},
    }[command]
    argv = [command] if command else []
    required = {"select": ["--data", "--budget", "--out"], "play": ["--data", "--budget", "--recipe"], "measure": ["--data", "--no-curve"],
                "embed": ["--data", "--out"], "report": [""]}.get(command, [])
    # The required options most of the time (else argparse refuses nearly every line), then any others.
    names = [n for n in required if draw(st.integers(0, 9)) > 0 or n == "--recipe"]  # never the minutes-long standard recipe
    names += draw(st.lists(st.sampled_from(sorted(options)), max_size=4)) if options else []
    for name in names:
        values = options[name]
        # The first value of each list is a good one: drawn half the time, so that the lines get past parsing.
        value = values[0] if draw(st.booleans()) else draw(st.sampled_from(values))
        argv += ([name] if name else []) + ([value] if value is not None else [])
    return argv


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("cli-fuzz")
    (d / "o.csv").write_text("index\n3\n1\n4\n")
    with pytest.MonkeyPatch.context() as mp:
        from infopick.game import recipes
        from tests.conftest import tiny

        mp.setenv("INFOPICK_HOME", str(d / "home"))
        mp.setitem(recipes.RECIPES, "fast", tiny())  # training is not under test here, the exits are
        yield d


def run_cli(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: usage errors and --help
            code = exc.code if isinstance(exc.code, int) else 2
    return code, err.getvalue()


EXITS: list[int] = []


@settings(max_examples=80, deadline=timedelta(seconds=60), derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
@pytest.mark.slow
def test_any_command_line_exits_0_or_2_with_one_error_line(fuzz_dir: Path, data: st.DataObject) -> None:
    argv = data.draw(argvs(fuzz_dir))
    code, err = run_cli(argv)
    EXITS.append(code)
    assert "Traceback" not in err, (argv, err)
    assert code in (0, 2), (argv, code, err[-500:])
    if code == 2:
        errors = [line for line in err.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and err.rstrip("\n").splitlines()[-1] == errors[0], (argv, err[-1000:])


def test_the_fuzzed_lines_reach_the_work_not_only_the_parser() -> None:
    # Runs after the fuzz above (file order): a fuzz whose lines all fail parsing would test nothing.
    if not EXITS:
        pytest.skip("run together with the fuzz test")
    assert EXITS.count(0) >= 15 and EXITS.count(2) >= 30, (EXITS.count(0), EXITS.count(2))
