"""GraphML and GEXF exports open in Gephi itself: tests/gephi/gephi-check.sh imports them with Gephi 0.10.1 (headless,
as the Gephi GUI does) and validates them against the GraphML 1.0 / GEXF 1.2draft schemas. Every node and edge
arrives, labelled, with its class in a `type` column and its property as the edge label, without warnings.
Needs Java 17+ and Maven (the first run fetches Gephi from Maven Central); without them these tests fail."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from incidentkg.ingest.build import build
from incidentkg.ingest.export import graphml_id, records_network, write_network
from incidentkg.ontology import load
from test_exports import AWKWARD_NETWORK, export, records  # the multi-importer records, the CLI export helper

CHECKER = Path(__file__).parent / "gephi" / "gephi-check.sh"
FORMATS = ("graphml", "gexf")
PROBES = ["tanhuato-2015", "ucdp/event/218178", graphml_id("ucdp/event/218178")]  # --node: GEXF and GraphML ids


def run_checker(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(CHECKER), *args], capture_output=True, text=True, timeout=900, check=False)


@pytest.fixture(scope="module")
def checker() -> Path:
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found: the Gephi check ({CHECKER}) needs Java 17+ and Maven")
    built = run_checker("build")
    assert built.returncode == 0, f"{CHECKER} build failed: {built.stderr[-2000:]}"
    return CHECKER


@pytest.fixture(scope="module")
def graphs(bundled_graph, tmp_path_factory) -> dict[str, Path]:
    """The bundled case and the case with every importer's sample (ids with '/', all record kinds)."""
    multi = tmp_path_factory.mktemp("gephi") / "multi"
    build(records=records(), out=multi, fast=True)
    return {"bundled": bundled_graph, "multi": multi}


@pytest.fixture(scope="module")
def checked(checker, graphs, tmp_path_factory) -> dict[tuple[str, str], tuple[Path, dict]]:
    """(graph, format) -> (file, the checker's JSON for it); all files in one JVM run (it starts in seconds)."""
    folder = tmp_path_factory.mktemp("gephi-files")
    files = {(name, fmt): export(graph, fmt, folder / f"{name}.{fmt}") for name, graph in graphs.items()
             for fmt in FORMATS}
    for fmt in FORMATS:
        files["awkward", fmt] = folder / f"awkward.{fmt}"
        write_network(AWKWARD_NETWORK, fmt, files["awkward", fmt])
    probes = [arg for node in PROBES for arg in ("--node", node)]
    result = run_checker(*probes, *map(str, files.values()))
    assert result.returncode == 0, result.stderr[-3000:]
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in reports] == list(map(str, files.values())), result.stdout
    return {key: (path, report) for (key, path), report in zip(files.items(), reports)}


def xml_count(path: Path, tag: str) -> int:
    return sum(1 for _, element in ET.iterparse(path) if element.tag.rsplit("}", 1)[-1] == tag)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["bundled", "multi", "awkward"])
def test_gephi_imports_every_node_and_edge_cleanly(checked, name, fmt):
    path, report = checked[name, fmt]
    assert report["ok"] and report["xsd"] == "valid" and report["xsd_identity_constraints"], report
    # Only INFO notes (GEXF 1.2 files get "GEXF version 1.2 (deprecated)"): no warnings, nothing SEVERE.
    assert set(report["issue_counts"]) <= {"INFO"}, report["issues"]
    read = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert report["nodes"] == xml_count(path, "node") == read.number_of_nodes() > 0
    assert report["edges"] == xml_count(path, "edge") == read.number_of_edges() > 0
    assert report["directed"] == report["edges"] and report["undirected"] == 0
    assert report["labelled_nodes"] == report["nodes"]  # every label came from the file, not Gephi's id fallback


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["bundled", "multi"])
def test_gephi_sees_types_labels_and_properties(checked, graphs, name, fmt):
    _, report = checked[name, fmt]
    classes = set(load().classes)
    assert "type" in {column["title"] for column in report["node_columns"]}
    assert {"name", "quote", "startDate"} <= {column["title"] for column in report["node_columns"]}
    # numbers arrive as numbers (single-valued integer and decimal properties), text as text
    kinds = {column["title"]: column["type"] for column in report["node_columns"]}
    assert kinds["value"] == "Long" and kinds["name"] == "String" and kinds["startDate"] == "String", kinds
    if name == "multi":
        assert kinds["latitude"] == kinds["longitude"] == "Double", kinds
    assert report["samples"] and all(sample["type"] in classes for sample in report["samples"]), report["samples"]
    probes = {sample["id"]: sample for sample in report["samples"]}
    assert probes["tanhuato-2015"] == {"id": "tanhuato-2015", "label": "Tanhuato ranch raid", "type": "Raid"}
    if name == "multi":
        ucdp = probes[graphml_id("ucdp/event/218178") if fmt == "graphml" else "ucdp/event/218178"]
        assert ucdp["type"] == "Incident" and "UCDP GED 218178" in ucdp["label"]
    # Edge labels are the properties, all of them; Gephi maps no edge kind from these formats.
    properties = {prop for _, _, prop in records_network(graphs[name]).edges}
    assert set(report["edge_labels"]) == properties and {"participant", "speaker", "reportedIn"} <= properties
    assert report["edge_types"] == []


def test_gephi_check_fails_on_broken_files(checker, checked, tmp_path):
    good, _ = checked["bundled", "graphml"]
    truncated = tmp_path / "truncated.graphml"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    untyped = tmp_path / "untyped.graphml"  # schema-valid, but Gephi reports a key without attr.type as SEVERE
    untyped.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/'
                       'xmlns"><key id="k" for="node" attr.name="colour"/><graph edgedefault="directed">'
                       '<node id="a"><data key="k">red</data></node><node id="b"/><edge source="a" target="b"/>'
                       "</graph></graphml>\n", encoding="utf-8")
    same_ids = tmp_path / "same-ids.graphml"  # what the networkx writer did: Gephi keeps one edge per id
    same_ids.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/'
                        'xmlns"><graph edgedefault="directed"><node id="a"/><node id="b"/><node id="c"/>'
                        '<edge id="party" source="a" target="b"/><edge id="party" source="a" target="c"/>'
                        "</graph></graphml>\n", encoding="utf-8")
    result = run_checker(str(truncated), str(untyped), str(same_ids))
    assert result.returncode == 1
    reports = {Path(r["file"]).name: r for r in map(json.loads, result.stdout.splitlines())}
    assert not any(r["ok"] for r in reports.values())
    assert "Gephi import failed" in reports["truncated.graphml"]["error"]
    assert reports["untyped.graphml"]["xsd"] == "valid"
    assert "Gephi reported SEVERE: Attribute type not found" in reports["untyped.graphml"]["error"]
    assert "edge_id_unique" in reports["same-ids.graphml"]["xsd"]
    assert reports["same-ids.graphml"]["edges"] == 1 and reports["same-ids.graphml"]["issue_counts"] == {"WARNING": 1}
    assert f"gephi-check.sh: error: {truncated}: " in result.stderr
    usage = run_checker()
    assert usage.returncode == 2 and "usage: gephi-check.sh" in usage.stderr
