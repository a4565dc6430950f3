"""A remote RDF store: the build pushed into a real Apache Jena Fuseki through the Graph Store Protocol, and
every saved query answering there as on the embedded Oxigraph store."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from incidentkg import queries
from incidentkg.cli import app
from incidentkg.core.errors import UsageError
from incidentkg.queries import remote
from test_parity import normalised  # the same comparison of result rows the engine parity uses

runner = CliRunner()
CATALOG = queries.catalog()
SELECTIVE = [("contradictions", {"incident": "tanhuato-2015"}), ("timeline", {"incident": "tlatlaya-2014"}),
             ("statements_by_speaker", {"speaker": "galindo"}), ("casualty_figures", {"category": "killed"}),
             ("lopsided_incidents", {"threshold": 2}), ("data_quality", {"incident": "tanhuato-2015"}),
             ("data_quality", {"incident": "tanhuato-2015", "issue": "single-source"}),
             ("data_quality", {"issue": "no-url"})]


@pytest.fixture(scope="module")
def loaded(fuseki_url, bundled_graph):
    result = runner.invoke(app, ["sparql-load", "--endpoint", fuseki_url, "--graph", str(bundled_graph),
                                 "--chunk", "500"])
    assert result.exit_code == 0, result.output
    return remote.RemoteConfig.from_env(fuseki_url)


def test_load_sends_every_triple_in_chunks(loaded, bundled_graph):
    triples = sum(1 for _ in (bundled_graph / "graph.nt").open())
    columns, rows = remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", loaded)
    assert rows == [{"n": triples}]
    _, graphs = remote.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", loaded)
    assert graphs == [{"g": "https://w3id.org/incidentkg/ontology"}]


def test_loading_again_leaves_one_copy(loaded, bundled_graph):
    again = remote.load(bundled_graph, loaded, chunk=300)
    assert again.store_triples == again.triples == sum(1 for _ in (bundled_graph / "graph.nt").open())
    assert again.chunks > 1


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_saved_query_answers_as_on_oxigraph(loaded, bundled_graph, name):
    local = queries.run(name, [], bundled_graph)
    there = queries.run(name, [], bundled_graph, remote=loaded)
    assert there.columns == local.columns
    assert normalised(there, local.columns) == normalised(local, local.columns)


@pytest.mark.parametrize("name,params", SELECTIVE)
def test_selective_parameters_answer_as_on_oxigraph(loaded, bundled_graph, name, params):
    local = queries.run(name, params, bundled_graph)
    there = queries.run(name, params, bundled_graph, remote=loaded)
    assert local.rows and normalised(there, local.columns) == normalised(local, local.columns)


def test_cli_endpoint_option(loaded, bundled_graph):
    result = runner.invoke(app, ["query", "run", "disputed_quantities", "--endpoint", loaded.endpoint,
                                 "-p", "incident=tanhuato-2015", "-f", "json", "--graph", str(bundled_graph)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == queries.run("disputed_quantities", ["incident=tanhuato-2015"],
                                                    bundled_graph).rows
    adhoc = runner.invoke(app, ["sparql", "ASK { id:tanhuato-2015 a ikg:Raid }", "--endpoint", loaded.endpoint,
                                "-f", "json"])
    assert adhoc.exit_code == 0 and json.loads(adhoc.stdout) == [{"ask": True}]


def test_unreachable_store_is_one_line_exit_4(bundled_graph):
    from conftest import free_port

    url = f"http://127.0.0.1:{free_port()}/ds/sparql"
    for args in (["sparql-load", "--endpoint", url, "--graph", str(bundled_graph)],
                 ["query", "run", "timeline", "--endpoint", url, "--graph", str(bundled_graph)]):
        done = subprocess.run([sys.executable, "-m", "incidentkg", *args], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 4, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot reach the SPARQL store" in lines[0] and "Traceback" not in done.stderr


def test_a_bad_query_on_the_store_is_one_line(loaded):
    result = runner.invoke(app, ["sparql", "SELECT ?x WHERE { ?x", "--endpoint", loaded.endpoint])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1


def test_cypher_does_not_go_to_a_sparql_store(loaded, bundled_graph):
    result = runner.invoke(app, ["query", "run", "timeline", "--engine", "cypher", "--ladybug", "--endpoint",
                                 loaded.endpoint, "--graph", str(bundled_graph)])
    assert result.exit_code == 0  # --endpoint is for SPARQL; the Cypher engine runs on Ladybug as asked
    with pytest.raises(UsageError, match="does not go with --engine cypher"):
        queries.run("timeline", [], bundled_graph, engine="cypher", neo4j=False, remote=loaded)


def test_basic_auth_from_the_environment(tmp_path, bundled_graph, monkeypatch):
    from conftest import running_fuseki

    passwords = tmp_path / "passwd"
    passwords.write_text("analyst: s3cret-pass\n", encoding="utf-8")
    with running_fuseki(tmp_path, f"--passwd={passwords}", "--auth=basic") as url:
        monkeypatch.setenv("INCIDENTKG_SPARQL_USERNAME", "analyst")
        monkeypatch.setenv("INCIDENTKG_SPARQL_PASSWORD", "wrong")
        refused = runner.invoke(app, ["sparql-load", "--endpoint", url, "--graph", str(bundled_graph)])
        assert refused.exit_code == 4 and "refused user 'analyst'" in refused.output
        assert len(refused.output.strip().splitlines()) == 1
        monkeypatch.setenv("INCIDENTKG_SPARQL_PASSWORD", "s3cret-pass")
        loaded = runner.invoke(app, ["sparql-load", "--endpoint", url, "--graph", str(bundled_graph)])
        assert loaded.exit_code == 0, loaded.output
        ran = runner.invoke(app, ["query", "run", "contradictions", "--endpoint", url, "-f", "json",
                                  "--graph", str(bundled_graph)])
        assert ran.exit_code == 0 and json.loads(ran.stdout) == queries.run("contradictions", [], bundled_graph).rows
