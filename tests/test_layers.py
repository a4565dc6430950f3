"""The layers run one way only: core <- ontology <- {ingest, queries} <- viz <- cli.

Every module of the package is parsed (not imported), and every import in it is an arrow: module-level ones,
those inside functions, `importlib.import_module("...")` calls and the module names registries hold
(`Plugin("incidentkg....", ...)`). An arrow may point down the layers or stay inside its own package; one that
points up, or sideways between ingest and queries, fails the test. The folders and package names come from
pyproject.toml, the same mapping the install uses.
"""

from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "incidentkg"
# Rank of each layer; packages of one rank may not import each other. `data` holds the bundled case files only.
LAYERS = {"core": 0, "data": 0, "ontology": 1, "ingest": 2, "queries": 2, "viz": 3, "cli": 4}


def package_dirs() -> dict[str, Path]:
    """Package name -> its folder, as pyproject.toml maps them for setuptools."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {name: ROOT / folder for name, folder in config["tool"]["setuptools"]["package-dir"].items()}


def layer(module: str) -> str | None:
    """The layer of a module name: the subpackage under incidentkg, and 'cli' for the package's own modules
    (incidentkg.cli, incidentkg.__main__). None for modules outside incidentkg."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    if len(parts) == 1 or parts[1] not in LAYERS:
        return "cli" if len(parts) == 1 or parts[1] in ("cli", "__main__") else parts[1]
    return parts[1]


def modules() -> dict[str, Path]:
    """Every module of the package (name -> file)."""
    found = {}
    for package, folder in package_dirs().items():
        for path in sorted(folder.glob("*.py")):
            name = package if path.stem == "__init__" else f"{package}.{path.stem}"
            found[name] = path
    return found


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    line: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line} imports {self.target}"


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def arrows(module: str, source: str, is_package: bool = False) -> list[Arrow]:
    """Every import of incidentkg modules in `source`, wherever it stands in the module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module) if node.level else node.module or ""
            # `from . import x` may name a submodule: count both the package and package.x
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "Plugin") and isinstance(node.args[0].value, str):
                targets = [node.args[0].value]
        found.extend(Arrow(module, t, node.lineno) for t in targets if t.split(".")[0] == PACKAGE)
    return found


def against_layers(arrow: Arrow) -> bool:
    source, target = layer(arrow.source), layer(arrow.target)
    if target is None or source == target or arrow.target == PACKAGE:
        return False  # outside the package, inside one layer, or the bare namespace package
    return LAYERS[target] >= LAYERS[source]


def violations(sources: dict[str, tuple[str, bool]]) -> list[Arrow]:
    return [a for name, (text, is_package) in sources.items() for a in arrows(name, text, is_package)
            if against_layers(a)]


def package_sources() -> dict[str, tuple[str, bool]]:
    return {name: (path.read_text(encoding="utf-8"), path.stem == "__init__") for name, path in modules().items()}


def test_every_layer_is_read():
    names = modules()
    assert {layer(n) for n in names} == set(LAYERS)
    assert len(names) > 30
    every = [a for name, (text, pkg) in package_sources().items() for a in arrows(name, text, pkg)]
    # the checker sees the arrows that must exist, down the layers
    assert any(layer(a.source) == "cli" and layer(a.target) == "queries" for a in every)
    assert any(layer(a.source) == "viz" and layer(a.target) == "queries" for a in every)
    assert any(layer(a.source) == "ontology" and layer(a.target) == "core" for a in every)


def test_no_import_runs_against_the_layers():
    bad = violations(package_sources())
    assert not bad, "imports against the layers:\n" + "\n".join(map(str, bad))


def test_core_imports_nothing_above_it():
    for name, (text, pkg) in package_sources().items():
        if layer(name) == "core":
            assert all(layer(a.target) == "core" for a in arrows(name, text, pkg)), name


@pytest.mark.parametrize("module,planted", [
    ("incidentkg.ontology.projection", "\n\ndef sneaky():\n    from ..viz import render\n    return render\n"),
    ("incidentkg.core.graph", "\nimport incidentkg.ingest.build\n"),
    ("incidentkg.ingest.build", "\n\ndef sideways():\n    from ..queries.ladybug import ensure_ladybug\n"),
    ("incidentkg.queries", "\nfrom .. import viz\n"),
    ("incidentkg.viz.model", "\nfrom ..cli import app\n"),
    ("incidentkg.ontology", "\nPLUGIN = Plugin('incidentkg.ingest.ucdp', 'read', 'a registry pointing up')\n"),
    ("incidentkg.core.runtime", "\nimport importlib\nimportlib.import_module('incidentkg.ontology')\n"),
])
def test_a_planted_back_import_fails(module, planted):
    sources = package_sources()
    text, is_package = sources[module]
    assert not violations({module: (text, is_package)})
    bad = violations({module: (text + planted, is_package)})
    assert len({(a.source, a.line) for a in bad}) == 1 and bad[0].source == module, bad
