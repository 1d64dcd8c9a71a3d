"""Install like a package: build the wheel, install it into a fresh virtual environment, run the command there.

The new environment gets the wheel only (``--no-deps``); its dependencies are read from this
environment's site-packages through a path file, which adds the directory but runs none of its
``.pth`` hooks, so the editable install of the checkout is not what answers: the test checks that
``infopick`` is imported from the new environment.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.timeout(600)
def test_wheel_installs_and_selects_from_a_flat_folder(tmp_path: Path) -> None:
    import shutil

    from PIL import Image

    src = tmp_path / "src-copy"  # built from a copy: setuptools leaves build/ and egg-info beside the sources
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(src)],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(dist.glob("infopick-*.whl"))
    env = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env)
    py = env / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", str(wheel)],
                             capture_output=True, text=True, timeout=300)
    if install.returncode != 0 and "no such option: --python" in install.stderr:
        pytest.skip("this pip cannot install into another environment")
    assert install.returncode == 0, install.stderr[-2000:]
    where = subprocess.run([str(py), "-c", "import infopick; print(infopick.__file__)"], capture_output=True, text=True, check=True)
    assert where.stdout.strip().startswith(str(env)), where.stdout
    photos = tmp_path / "photos"
    photos.mkdir()
    rng = np.random.default_rng(0)
    for i in range(12):
        Image.fromarray(rng.integers(0, 256, (8, 8), dtype=np.uint8)).save(photos / f"{i}.png")
    out = tmp_path / "picks.csv"
    run = subprocess.run([str(env / "bin" / "infopick"), "select", "--data", f"folder:{photos}", "--budget", "4", "--strategy",
                          "kcenter", "--embed", "pixels", "--out", str(out)], capture_output=True, text=True, timeout=300,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "INFOPICK_HOME": str(tmp_path / "home")})
    assert run.returncode == 0, run.stderr[-2000:]
    assert len(out.read_text().splitlines()) == 5
