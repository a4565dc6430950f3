"""Fixtures shared by several test files."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
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


NEO4J_LAUNCHER = Path(__file__).parent / "neo4j_server" / "neo4j-server.sh"


@pytest.fixture(scope="session")
def neo4j_config(tmp_path_factory):
    """A real Neo4j server for the session: the one NEO4J_URI (and NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE)
    names, else Neo4j 5.26 started here by tests/neo4j_server/neo4j-server.sh on a free loopback port (with its
    own state folder, stopped at the end). Without Java and Maven the tests skip, except under CI=true, where
    every way of not getting a server fails."""
    from incidentkg.core.neo4j import Neo4jConfig, connect

    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    if Neo4jConfig.configured():
        config = Neo4jConfig.from_env()
        connect(config).close()  # a clear ServerError now rather than in every test
        yield config
        return
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        message = f"no NEO4J_URI and no {' or '.join(missing)} to start Neo4j with {NEO4J_LAUNCHER}"
        if in_ci:
            pytest.fail(message)
        pytest.skip(message)
    env = dict(os.environ, NEO4J_STATE_DIR=str(tmp_path_factory.mktemp("neo4j-state")))
    started = subprocess.run(
        ["bash", str(NEO4J_LAUNCHER), "start"], env=env, capture_output=True, text=True, timeout=900
    )
    if started.returncode != 0:
        pytest.fail(f"{NEO4J_LAUNCHER} start failed: {started.stderr.strip()[-2000:]}")
    values = {}
    for line in started.stdout.splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            key, value = words[1].split("=", 1)
            values[key] = value
    try:
        yield Neo4jConfig(values["NEO4J_URI"], values["NEO4J_USERNAME"], values["NEO4J_PASSWORD"])
    finally:
        subprocess.run(["bash", str(NEO4J_LAUNCHER), "stop"], env=env, capture_output=True, text=True, timeout=120)


PROPERTY_GRAPH_CASE = Path(__file__).parent / "property_graph_case.yaml"


@pytest.fixture(scope="session")
def property_graph_case_graph(tmp_path_factory) -> Path:
    """tests/property_graph_case.yaml (language, cardinality and optional-value edge cases) built once."""
    out = tmp_path_factory.mktemp("pg-case") / "build"
    build([PROPERTY_GRAPH_CASE], out)
    return out
