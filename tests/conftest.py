"""Fixtures shared by several test files."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidentkg.ingest.build import build, bundled_case


@pytest.fixture(scope="session")
def bundled_graph(tmp_path_factory) -> Path:
    """The bundled case (data/*.yaml) built once per test session; returns the build folder. Read-only: tests
    that need to change a build must make their own."""
    out = tmp_path_factory.mktemp("bundled") / "build"
    build([bundled_case()], out)
    return out
