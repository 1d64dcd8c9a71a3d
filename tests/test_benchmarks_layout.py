"""benchmarks/ is one folder per study: a README, importable scripts, and results that something in the tree writes."""

from __future__ import annotations

import re
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
STUDIES = sorted(p for p in BENCH.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def test_every_study_has_a_readme_and_an_init() -> None:
    assert STUDIES
    for study in STUDIES:
        assert (study / "README.md").is_file(), study.name
        if study.name != "archive":
            assert (study / "__init__.py").is_file(), f"{study.name}: run as python -m benchmarks.{study.name}.<script>"


def test_no_script_edits_sys_path() -> None:
    for script in BENCH.rglob("*.py"):
        assert "sys.path" not in script.read_text(), f"{script.relative_to(BENCH)}: import shared helpers from benchmarks.common"


def test_every_results_file_is_written_by_something_in_its_study() -> None:
    for study in STUDIES:
        text = "\n".join(p.read_text() for p in [study / "README.md", *study.glob("*.py")])
        for f in sorted((study / "results").glob("*")) if (study / "results").is_dir() else []:
            assert f.name in text, f"{study.name}/results/{f.name}: no script or README command of the study names it"
    archive = (BENCH / "archive" / "README.md").read_text()
    for f in (BENCH / "archive").iterdir():
        if f.name != "README.md":
            assert f"`{f.name}" in archive, f"archive/{f.name}: the archive README must say how it was made"


def test_results_md_is_an_index_whose_links_exist() -> None:
    text = (BENCH / "RESULTS.md").read_text()
    assert len(text.splitlines()) <= 150
    for link in re.findall(r"\]\(([^)#]+)\)", text):
        assert (BENCH / link).exists(), link
