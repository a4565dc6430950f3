"""What the query commands load: `query run`, `query list`, `sparql` and `cypher` import none of the heavy
libraries of the other commands (pyshacl, pyvis, FollowTheMoney), no importer or other ingest module, and, for
SPARQL, not rdflib either. Checked on the modules a real command-line run has loaded when it exits (a
behaviour, not a timing; bench/bench_queries.py measures the start-up time)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

NEVER = ("pyshacl", "pyvis", "followthemoney", "owlrl", "incidentkg.viz")
# the ingest package itself only names the importers and exporters (for the help text); none of them loads
INGEST_CODE = "incidentkg.ingest."
PROBE = """
import atexit, json, sys
path = sys.argv[1]
def report():
    with open(path, "w") as out:
        json.dump(sorted(sys.modules), out)
atexit.register(report)
args = json.loads(sys.argv[2])
sys.argv = ["incidentkg", *args]
from incidentkg.cli import main
main()
"""


def loaded(tmp_path, *args: str) -> set[str]:
    report = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", PROBE, str(report), json.dumps(list(args))],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return set(json.loads(report.read_text()))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in NEVER or m.startswith(NEVER) or m.startswith(INGEST_CODE))


@pytest.mark.parametrize("args", [
    ("query", "run", "contradictions", "-p", "incident=tanhuato-2015", "-f", "json"),
    ("query", "run", "timeline", "-p", "incident=tanhuato-2015", "-f", "csv", "--limit", "3"),
    ("query", "list"),
    ("sparql", "SELECT ?s WHERE { ?s a ikg:Incident }", "-f", "jsonl"),
])
def test_sparql_commands_load_no_heavy_library_and_no_rdflib(tmp_path, bundled_graph, args):
    modules = loaded(tmp_path, *args, *(() if args[:2] == ("query", "list") else ("-g", str(bundled_graph))))
    assert heavy(modules) == []
    assert "rdflib" not in modules
    assert "incidentkg.queries" in modules  # the probe ran the command


def test_a_name_for_an_id_loads_the_ontology_but_nothing_heavy(tmp_path, bundled_graph):
    # resolving a name to a record needs the classes (most specific first), read from the ontology with rdflib
    modules = loaded(tmp_path, "query", "run", "timeline", "-p", "incident=Tanhuato ranch raid", "-f", "csv",
                     "-g", str(bundled_graph))
    assert heavy(modules) == []
    assert "incidentkg.ontology" in modules


def test_cypher_commands_load_no_heavy_library_and_no_rdflib(tmp_path, bundled_graph):
    # the Cypher translation reads the property-graph model saved beside the build's Ladybug copy, so it neither
    # imports rdflib nor parses the ontology (making that copy does: made here first, as a build makes it)
    from incidentkg.queries.ladybug import ensure_ladybug

    ensure_ladybug(bundled_graph)
    for args in (("query", "run", "timeline", "-e", "cypher", "-p", "incident=tanhuato-2015"),
                 ("cypher", "MATCH (i:Incident) RETURN i.id AS id", "-f", "csv")):
        modules = loaded(tmp_path, *args, "--ladybug", "-g", str(bundled_graph))
        assert heavy(modules) == []
        assert "ladybug" in modules
        assert "rdflib" not in modules and "incidentkg.ontology.projection" not in modules
