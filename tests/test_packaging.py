"""pyproject.toml declares what the code imports: every third-party package the installed modules import is a
runtime dependency, every one only the tests import is in the `test` extra, no runtime dependency goes unused,
and the setuptools floor can build this pyproject (a licence given as an SPDX string needs setuptools 77)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from test_layers import ROOT, modules

CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def third_party_imports(files) -> set[str]:
    """Top-level names of the modules imported by `files` that are neither ours nor the standard library."""
    names = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    local = {p.stem for folder in ("tests", "bench") for p in (ROOT / folder).glob("*.py")} | {"incidentkg",
                                                                                                "__future__"}
    return {n for n in names if n not in sys.stdlib_module_names and n not in local}


def distributions(imports: set[str]) -> set[str]:
    """The installed distributions that provide the imported top-level names."""
    provided = packages_distributions()
    missing = sorted(n for n in imports if n not in provided)
    assert not missing, f"imported but not installed: {missing}"
    return {_name(dist) for n in imports for dist in provided[n]}


RUNTIME = {_name(r) for r in CONFIG["project"]["dependencies"]}
TEST = {_name(r) for r in CONFIG["project"]["optional-dependencies"]["test"]}


def test_every_runtime_import_is_a_declared_dependency():
    used = distributions(third_party_imports(modules().values()))
    assert used - RUNTIME == set(), "imported by the package but not in [project] dependencies"


def test_every_runtime_dependency_is_imported():
    used = distributions(third_party_imports(modules().values()))
    assert RUNTIME - used == set(), "declared runtime dependencies the package never imports"


def test_test_only_imports_are_in_the_test_extra():
    tests = list((ROOT / "tests").glob("*.py")) + list((ROOT / "bench").glob("*.py"))
    used = distributions(third_party_imports(tests))
    assert used - RUNTIME - TEST == set(), "imported by tests or benchmarks but declared nowhere"


def test_setuptools_floor_builds_this_pyproject():
    requires = CONFIG["build-system"]["requires"]
    floor = next(r for r in requires if _name(r) == "setuptools")
    version = tuple(int(x) for x in re.search(r">=\s*([\d.]+)", floor).group(1).split("."))
    if isinstance(CONFIG["project"].get("license"), str):
        assert version >= (77,), "an SPDX licence string needs setuptools >= 77"


def test_the_module_folders_are_all_packaged():
    folders = {Path(p).parts[0] for p in CONFIG["tool"]["setuptools"]["package-dir"].values()}
    with_code = {p.parent.name for p in ROOT.glob("*/*.py")} - {"tests", "bench"}
    assert with_code <= folders, f"folders with modules that are not installed: {with_code - folders}"
