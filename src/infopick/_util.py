"""Small shared helpers: seeds and atomic writes."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np

from infopick.typing import SeedLike


def resolve_rng(seed: SeedLike) -> np.random.Generator:
    """Turn a seed into a Generator at the moment the work runs (scikit-learn's habit)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(None if seed is None else check_seed(seed))


def check_seed(seed: object) -> int:
    """An integer seed in 0..2**63-1 (what numpy and torch both take), else InfopickError."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63:
        from infopick.errors import InfopickError

        raise InfopickError(f"seed must be an integer in 0..2**63-1, got {seed!r}")
    return int(seed)


@contextlib.contextmanager
def fixed_threads() -> Iterator[None]:
    """Run BLAS/LAPACK and OpenMP on ``FIXED_THREADS`` threads inside the block, wherever the process runs.

    A float result must not depend on the machine's thread count: a threaded BLAS splits its
    sums differently at 1 and 2 threads (sklearn's randomised PCA gave float32 features that
    differed by 2e-5 between a Ray worker, one thread, and this process, two). Two is the count
    every published number of this project was computed at (2-core machines), so the features are
    unchanged here and the same in a one-thread Ray worker or on a 64-core machine (OpenBLAS
    raises its count inside the block even where the process started with one).
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=FIXED_THREADS):
        yield


FIXED_THREADS = 2


def seed_int(rng: np.random.Generator) -> int:
    """Draw a 63-bit integer seed from ``rng`` to seed another library (torch)."""
    return int(rng.integers(0, 2**63 - 1))


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place on success.

    A reader never sees a half-written file: a crash leaves the old file (or none). A process
    killed outright (``kill -9``) cannot remove its temporary file; the next write to the same
    path removes it and says so on stderr.
    """
    path = Path(path)
    fd, tmp = temp_beside(path)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        with os.fdopen(fd, mode) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:  # a full disk names the file it was writing
            raise OSError(exc.errno, exc.strerror or _short_write(exc, path.parent), str(path)) from exc
        raise


def _short_write(exc: OSError, directory: Path) -> str:
    """numpy reports a short write without an errno ("N requested and M written"): say why it happens."""
    try:
        full = shutil.disk_usage(directory).free < 1 << 20
    except OSError:
        full = False
    return f"{exc}: " + ("No space left on device" if full else "short write (disk full or file size limit)")


def temp_beside(path: Path) -> tuple[int, str]:
    """(fd, name) of a new temporary file in ``path``'s directory, named ``.NAME.HOST-PID.XXXX.tmp``.

    The name says which process owns it, so leftovers of dead processes on this host are removed first.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    owner = f"{socket.gethostname()}-{os.getpid()}"
    for old in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        host, _, pid = old.name[len(path.name) + 2 : -len(".tmp")].rpartition(".")[0].rpartition("-")
        if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
                print(f"note: removed {old}, a partial file left by an interrupted write (process {pid})", file=sys.stderr)
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{owner}.", suffix=".tmp")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def content_digest(arrays: tuple[Any, ...], key: dict[str, Any], length: int = 20) -> str:
    """Hex sha256 of ``arrays`` (shape and bytes each) and ``key`` (as sorted JSON): a cache file's name, so that
    changed data or settings never hit an old file."""
    import hashlib
    import json

    h = hashlib.sha256()
    for a in arrays:
        h.update(str(a.shape).encode())
        h.update(np.ascontiguousarray(a).data)
    h.update(json.dumps(key, sort_keys=True).encode())
    return h.hexdigest()[:length]
