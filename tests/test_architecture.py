"""The floors of the house: no import, also inside a function, runs from a lower stage to a higher one.

Ground floor (shared by all): errors, typing, version, provenance, _util, _registry, engine, neighbors, nuisance,
selection, torchkit, objectives. Then the pipeline: data -> embed -> select -> measure -> game
-> bench -> report -> cli; the package's ``__init__`` is the facade on top. No module imports a
private name (``_x``) of another subpackage; the root's own private modules (``_util``,
``_registry``) are the house's shared tools.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "infopick"
GROUND = ("errors", "typing", "version", "provenance", "_util", "_registry", "engine", "neighbors", "nuisance", "selection",
          "torchkit", "objectives")
PIPELINE = ("data", "embed", "families", "select", "measure", "game", "bench", "report", "cli")


def floor(module: str) -> int:
    """0 for the ground floor, 1.. along the pipeline, the top for the package facade."""
    parts = module.split(".")
    if len(parts) == 1:
        return len(PIPELINE) + 1
    top = parts[1]
    if top in GROUND:
        return 0
    assert top in PIPELINE, f"{module}: a room on no floor; add it to GROUND or PIPELINE"
    return PIPELINE.index(top) + 1


def imports() -> list[tuple[str, str, str, int]]:
    """(importer, imported module, name, line) for every infopick import in src, function bodies included."""
    out = []
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "infopick":
                out += [(module, node.module, a.name, node.lineno) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level:
                out.append((module, "." * node.level + (node.module or ""), "", node.lineno))
            elif isinstance(node, ast.Import):
                out += [(module, a.name, "", node.lineno) for a in node.names if a.name.split(".")[0] == "infopick"]
    return out


def test_the_scan_sees_the_imports_it_judges() -> None:
    found = imports()
    assert len(found) > 150  # the walk reaches function bodies: a broken scan would pass everything
    assert any(m == "infopick.select" and i == "infopick.embed" for m, i, _, _ in found)  # inside select()
    assert floor("infopick.objectives.facility") == 0 < floor("infopick.data.pool") < floor("infopick.cli")


def test_no_import_runs_up_a_floor() -> None:
    upward = [f"{m}:{line} imports {i}" for m, i, _, line in imports()
              if not i.startswith(".") and floor(i) > floor(m)]
    assert not upward, "\n".join(upward)


def test_no_relative_imports() -> None:
    assert not [f"{m}:{line}" for m, i, _, line in imports() if i.startswith(".")]


@pytest.mark.parametrize("kind", ["module", "name"])
def test_no_private_name_of_another_subpackage(kind: str) -> None:
    def sub(module: str) -> str:
        return module.split(".")[1] if "." in module else ""

    bad = []
    for m, i, name, line in imports():
        other = sub(i) != sub(m) and sub(i) not in ("_util", "_registry")
        private = any(p.startswith("_") for p in i.split(".")[1:]) if kind == "module" else name.startswith("_") and not name.endswith("__")
        if other and private:
            bad.append(f"{m}:{line} imports {i}.{name}")
    assert not bad, "\n".join(bad)
