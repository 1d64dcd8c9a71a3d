"""docs/reliability.md names a test in every row; each must exist, so the table cannot claim a case the suite does not try."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def named_tests() -> list[tuple[str, str]]:
    """(file, test name) for every test a table row names; a bare name belongs to the last file named in its cell."""
    found = []
    for line in (ROOT / "docs" / "reliability.md").read_text().splitlines():
        if not line.startswith("|") or "test" not in line.rsplit("|", 2)[-2]:
            continue
        cell = line.rsplit("|", 2)[-2]
        current = None
        for ref in re.findall(r"`([^`]+)`", cell):
            path, _, name = ref.rpartition("::")
            current = path or current
            found.append((current, name))
    return found


def test_every_test_the_reliability_table_names_exists() -> None:
    named = named_tests()
    assert len(named) >= 40
    for path, name in named:
        assert path is not None and (ROOT / path).is_file(), path
        assert re.search(rf"^def {re.escape(name)}\(", (ROOT / path).read_text(), re.M), f"{path}::{name}"
