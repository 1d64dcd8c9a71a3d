"""The results store of a bench directory: one JSON line per finished cell, a lock, crash-safe appends."""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import TracebackType
from typing import Any

from infopick._util import atomic_write
from infopick.errors import InfopickError

RESULTS = "results.jsonl"
LOCK = ".lock"


class ResultStore:
    """``DIR/results.jsonl`` guarded by an exclusive ``flock`` on ``DIR/.lock`` while open.

    A second process that opens the same directory is refused at once (the lock is released by
    the kernel when the holder dies, even by ``kill -9``). Each cell is appended with a single
    ``write`` of a whole line and fsynced, so a killed run leaves at most one torn last line;
    opening the store drops torn lines (rewriting the file atomically) and their cells run again.
    """

    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)
        self.path = self.dir / RESULTS
        self._lock_fd: int | None = None

    def __enter__(self) -> ResultStore:
        import fcntl

        self.dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise InfopickError(f"{self.dir} is in use by another infopick bench (pid {holder}); wait for it or use another --out") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._lock_fd = fd
        self._repair()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing releases the flock
            self._lock_fd = None

    def rows(self) -> list[dict[str, Any]]:
        """Every complete record, in the order written."""
        return read_rows(self.path)

    def append(self, row: dict[str, Any]) -> None:
        assert self._lock_fd is not None, "append outside 'with ResultStore(...)'"
        line = (json.dumps(row, sort_keys=True) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            written = os.write(fd, line)  # one call: a kill lands before or after it, not inside a line
            if written != len(line):
                raise OSError(f"short write to {self.path} ({written} of {len(line)} bytes)")
            os.fsync(fd)
        finally:
            os.close(fd)

    def _repair(self) -> None:
        if not self.path.is_file():
            return
        raw = self.path.read_bytes()
        good = [json.dumps(r, sort_keys=True) for r in read_rows(self.path)]
        text = "".join(g + "\n" for g in good)
        if text.encode() != raw:  # a torn or foreign line: keep only whole records
            with atomic_write(self.path, "w") as fh:
                fh.write(text)


def _is_record(row: Any) -> bool:
    """A cell's record as ``bench.cell`` writes it: the keys the resume and the report read, of their types."""
    def number(v: Any, none: bool = False) -> bool:
        return (v is None and none) or (isinstance(v, int | float) and not isinstance(v, bool))

    return (isinstance(row, dict) and isinstance(row.get("strategy"), str) and isinstance(row.get("selection"), str | None)
            and all(isinstance(row.get(k), int) and not isinstance(row.get(k), bool) for k in ("budget", "seed"))
            and number(row.get("accuracy_pool")) and number(row.get("accuracy_test"), none=True)
            and isinstance(row.get("fraction", {}), dict))


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    """The cell records of a results file; a torn, unreadable or foreign line (JSON that is not a cell's
    record) is skipped."""
    path = Path(path)
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if _is_record(row):
            out.append(row)
    return out
