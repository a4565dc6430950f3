"""Fixtures shared by several test files."""

from __future__ import annotations

import contextlib
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


CASES = Path(__file__).parent / "cases"


def built(tmp_path_factory, case: Path) -> Path:
    """A case file built once into a folder of the session's own."""
    out = tmp_path_factory.mktemp(case.stem.replace("_", "-")) / "build"
    build([case], out)
    return out


@pytest.fixture(scope="session")
def property_graph_case_graph(tmp_path_factory) -> Path:
    """tests/property_graph_case.yaml (language, cardinality and optional-value edge cases)."""
    return built(tmp_path_factory, Path(__file__).parent / "property_graph_case.yaml")


@pytest.fixture(scope="session")
def sides_case_graph(tmp_path_factory) -> Path:
    """tests/cases/sides.yaml (the v2 evidence model's edge cases: sides, sub-organisations, revisions, denials)."""
    return built(tmp_path_factory, CASES / "sides.yaml")


@pytest.fixture(scope="session")
def analyst_a_graph(tmp_path_factory) -> Path:
    """tests/cases/analyst_a.yaml (invented: revisions across speakers, relays and citations, an official out of
    office, contradictions with counterparts), for figure_revisions, single_source_figures, most_contradicted,
    citation_chain and official_vs_independent."""
    return built(tmp_path_factory, CASES / "analyst_a.yaml")


@pytest.fixture(scope="session")
def analyst_b_graph(tmp_path_factory) -> Path:
    """tests/cases/analyst_b.yaml (invented: contested places, coordinates, dates and times; places with INEGI
    codes; revised tolls; imprecise dates and unsupported records)."""
    return built(tmp_path_factory, CASES / "analyst_b.yaml")


FUSEKI_LAUNCHER = Path(__file__).parent / "fuseki_server" / "fuseki-server.sh"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_fuseki(folder: Path, *options: str):
    """Fuseki with an in-memory, updatable dataset /ds on a free loopback port; yields its SPARQL query URL."""
    import time
    import urllib.error
    import urllib.request

    port = free_port()
    log = (folder / f"fuseki-{port}.log").open("w")
    server = subprocess.Popen(["bash", str(FUSEKI_LAUNCHER), "run", "--localhost", "--port", str(port), "--mem",
                               "--update", *options, "/ds"], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300  # the first run resolves Fuseki from Maven Central
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/ds/sparql?query=ASK%7B%7D", timeout=2).read()
                break
            except urllib.error.HTTPError:
                break  # it answers (e.g. 401 when it asks for credentials)
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"Fuseki did not start; see {log.name}")
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}/ds/sparql"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="session")
def fuseki_url(tmp_path_factory):
    """A real Apache Jena Fuseki 5.6.0 (tests/fuseki_server, from Maven Central) for the session."""
    with running_fuseki(tmp_path_factory.mktemp("fuseki")) as url:
        yield url


def tree_checksums(folder: Path) -> dict[str, str]:
    """Every file under `folder` (relative path -> sha256), and every folder (-> "dir"): what "the previous build
    is byte-identical" compares."""
    import hashlib

    found = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        found[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found
