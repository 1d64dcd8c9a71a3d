"""Faults, tried on purpose: a read-only output directory, a full disk, a process killed mid-write.

Each leaves no partial file where a complete one is expected and says what happened: one
``error:`` line naming the place (exit 2), or, after ``kill -9``, a note from the next write.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import TINY_CLI

ROOT = Path(__file__).parents[2]


@pytest.fixture()
def open_dir(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    return tmp_path


def cli(args: list[str], home: Path, preexec: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INFOPICK_HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", TINY_CLI, *args], env=env, capture_output=True, text=True,
                          preexec_fn=preexec, timeout=300, cwd=ROOT)


@contextlib.contextmanager
def mounted(path: Path, options: str) -> Iterator[bool]:
    """A tmpfs mounted at ``path`` with ``options`` when this process may mount (root in a container); else False."""
    path.mkdir(parents=True, exist_ok=True)
    ok = shutil.which("mount") is not None and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True).returncode == 0
    try:
        yield ok
    finally:
        if ok:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """An empty directory no write reaches: mode 0555 for an ordinary user; for root (who ignores
    modes) a read-only tmpfs."""
    if os.geteuid() != 0:
        path.mkdir()
        path.chmod(0o555)
        try:
            yield
        finally:
            path.chmod(0o755)
        return
    with mounted(path, "ro,size=64k") as ok:
        if not ok:
            pytest.skip("root without mount: no directory is read-only to this process")
        yield


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    return lines[0]


COMMANDS = {
    "select": lambda out: ["select", "--data", "digits", "--budget", "5", "--strategy", "random", "--out", str(out / "s.csv")],
    "embed": lambda out: ["embed", "--data", "digits", "--embed", "pixels", "--out", str(out / "z.npy")],
    "play": lambda out: ["play", "--data", "digits", "--budget", "20", "--strategy", "random", "--recipe", "fast", "--out", str(out)],
    "measure": lambda out: ["measure", "--data", "digits", "--embed", "pixels", "--no-curve", "--out", str(out)],
    "bench": lambda out: ["bench", "--data", "digits", "--strategies", "random", "--budgets", "20", "--seeds", "1", "--out", str(out)],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.slow
def test_a_read_only_output_directory_fails_at_once_with_one_line(command: str, open_dir: Path) -> None:
    out = open_dir / "ro"
    with read_only(out):
        t0 = time.perf_counter()
        line = one_error_line(cli(COMMANDS[command](out), open_dir / "home"))
        assert re.search("Permission denied|Read-only file system", line) and str(out) in line, line
        assert time.perf_counter() - t0 < 60  # before the work (play would train first otherwise)
        assert not list(out.iterdir())


def file_size_limit(limit: int) -> Callable[[], None]:
    """A size limit on every file the child writes: the portable stand-in for a full disk."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def complete(path: Path) -> bool:
    """A file that is whole: JSON parses, PNG ends with IEND, .npy loads, CSV ends its last line."""
    blob = path.read_bytes()
    if path.suffix == ".json":
        json.loads(blob)
        return True
    if path.suffix == ".png":
        return blob.endswith(b"IEND\xaeB`\x82")
    if path.suffix == ".npy":
        return np.load(path, allow_pickle=False) is not None
    return blob.endswith(b"\n")


def nothing_partial(out: Path, command: str) -> None:
    files = [p for p in out.rglob("*") if p.is_file() and p.name != "filler"]
    assert not [p for p in files if p.name.endswith(".tmp")], files  # no temporary left behind
    assert all(complete(p) for p in files), files
    marker = {"play": "run.json", "measure": "measure.json"}.get(command)
    if marker:  # written last: present only when every other file is
        assert not (out / marker).exists()


@pytest.mark.parametrize("command", ["embed", "play", "measure"])
@pytest.mark.slow
def test_a_full_disk_leaves_no_partial_file_and_says_so(command: str, open_dir: Path) -> None:
    out = open_dir / "full"
    with mounted(out, "size=128k") as ok:
        if not ok:
            pytest.skip("cannot mount a tmpfs here; the file-size-limit test below covers the same path")
        (out / "filler").write_bytes(b"\0" * (120 * 1024))  # 8 KiB left: the write check passes, the outputs do not fit
        line = one_error_line(cli(COMMANDS[command](out), open_dir / "home"))
        assert "No space left on device" in line and str(out) in line, line
        nothing_partial(out, command)


@pytest.mark.parametrize("command", ["embed", "play", "measure"])
@pytest.mark.slow
def test_a_file_size_limit_leaves_no_partial_file_and_says_so(command: str, open_dir: Path) -> None:
    out = open_dir / "limited"
    out.mkdir()
    # Every file this process writes is capped (4 KB; the embedding 300 KB of its 368 KB).
    done = cli(COMMANDS[command](out), open_dir / "home", preexec=file_size_limit(4096 if command != "embed" else 300_000))
    line = one_error_line(done)
    assert re.search("File too large|short write", line) and str(out) in line, line
    nothing_partial(out, command)


WRITER = """
import sys, time
from infopick._util import atomic_write
with atomic_write(sys.argv[1], "w") as fh:
    fh.write("partial " * 1000)
    fh.flush()
    print("writing", flush=True)
    time.sleep(60)
    fh.write("end")
"""


@pytest.mark.parametrize("existing", [False, True])
def test_kill_9_mid_write_leaves_the_old_file_or_none_and_the_next_write_cleans_up(
    existing: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from infopick._util import atomic_write

    target = tmp_path / "result.json"
    if existing:
        target.write_text("complete")
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    child.kill()
    child.wait(10)
    assert (target.read_text() == "complete") if existing else not target.exists()
    debris = list(tmp_path.glob(".result.json.*.tmp"))
    assert len(debris) == 1  # a killed process cannot remove its temporary file ...
    with atomic_write(target) as fh:
        fh.write("new")
    assert target.read_text() == "new" and not list(tmp_path.glob(".result.json.*.tmp"))  # ... the next write does
    assert f"removed {debris[0]}" in capsys.readouterr().err


def test_a_live_writer_s_temporary_file_is_left_alone(tmp_path: Path) -> None:
    from infopick._util import atomic_write

    target = tmp_path / "x.csv"
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
        with atomic_write(target) as fh:
            fh.write("mine")
        assert len(list(tmp_path.glob(".x.csv.*.tmp"))) == 1  # the other process's file, still being written
    finally:
        child.kill()
        child.wait(10)
