"""`incidentkg export`: GraphML and GEXF with labels and types as attributes (read back by networkx), FtM that
`ftm validate` accepts unchanged, the build's own RDF files, and the large-build path producing the same graph
and exports as the normal one."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from incidentkg import queries
from incidentkg.ingest import acled, cide, ftm, resolve, ucdp
from incidentkg.core.graph import manifest
from incidentkg.ingest.build import build, bundled_case
from incidentkg.ingest.case import read_cases
from incidentkg.cli import app
from incidentkg.ingest.export import Network, graphml_id, records_network, write_network

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FTM_CLI = Path(sys.executable).parent / "ftm"
runner = CliRunner()


def records():
    recs = (ucdp.read(FIXTURES / "ucdp-ged-sample.csv") + cide.read(FIXTURES / "cide-ppd-sample.csv")
            + acled.read(FIXTURES / "acled-sample.csv") + ftm.read(FIXTURES / "ftm-sample.jsonl")
            + read_cases([bundled_case()]))
    return recs + resolve.links(recs)


@pytest.fixture(scope="module")
def graph_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exports") / "g"
    build(records=records(), out=out, fast=True)
    return out


def export(graph_dir: Path, fmt: str, out: Path) -> Path:
    result = runner.invoke(app, ["export", "--format", fmt, "--graph", str(graph_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def record_count(graph_dir: Path) -> int:
    store = ox.Store.read_only(str(graph_dir / "store"))
    query = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER STRSTARTS(STR(?c), " \
            '"https://w3id.org/incidentkg/ontology#") }'
    return int(next(iter(store.query(query)))["n"].value)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_exports_carry_labels_and_types(graph_dir, tmp_path, fmt):
    path = export(graph_dir, fmt, tmp_path / f"g.{fmt}")
    graph = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    node = graphml_id if fmt == "graphml" else str  # GraphML ids are NMTOKENs: '/' is written ':'
    assert graph.number_of_nodes() == record_count(graph_dir)
    assert graph.number_of_edges() == len(records_network(graph_dir).edges)
    tanhuato = graph.nodes["tanhuato-2015"]
    assert tanhuato["label"] == "Tanhuato ranch raid" and tanhuato["type"] == "Raid"
    assert graph.nodes[node("ucdp/event/218178")]["type"] == "Incident"
    assert graph.nodes[node("ucdp/report/218178/1/quantity/1")]["label"] == "39 killed"  # ontology.display.caption
    assert all(data.get("type") and data.get("label") for _, data in graph.nodes(data=True))
    labels = {data["label"] for _, _, data in graph.edges(data=True)}
    assert {"participant", "speaker", "reportedIn", "links", "partOf", "quantity"} <= labels
    assert graph.has_edge("tanhuato-2015", "pf")
    assert graph.has_edge(node("ucdp/report/218178/1"), node("ucdp/event/218178"))


def test_graphml_ids_are_distinct_nmtokens():
    ids = ["tanhuato-2015", "ucdp/event/218178", "a:b", "a/b", "a_b", "a__b", "a_2f_b", "a/_b", "a:_b", "a_/b",
           "x y", "café", "https://example.org/a?b=c#d", "1.5", "a\tb"]
    escaped = [graphml_id(i) for i in ids]
    assert escaped[:2] == ["tanhuato-2015", "ucdp:event:218178"]  # the usual ids stay readable
    assert len(set(escaped)) == len(ids)
    nmtoken = re.compile(r"[A-Za-z0-9._:-]+")  # the ASCII part of XML's NameChar, all we write
    assert all(nmtoken.fullmatch(e) for e in escaped), escaped


AWKWARD = 'a "quoted" <tag> & \'apostrophe\'\n second line\ttab\r\x01 control, \U0001F600 emoji '
# Values and ids that must be escaped (tests/test_gephi.py opens this network in Gephi too).
AWKWARD_NETWORK = Network(nodes=[("x/1", {"label": AWKWARD, "type": "Incident", "name": AWKWARD}),
                                 ('odd "id" <&>', {"label": "b", "type": "Statement", "quote": "  spaced  "})],
                          edges=[("x/1", 'odd "id" <&>', "participant")], fields=["name", "quote"])


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_writers_escape_everything(tmp_path, fmt):
    """Ids, labels, field values and property names reach the XML escaped; characters XML cannot carry at all
    become U+FFFD; the rest reads back unchanged."""
    path = tmp_path / f"awkward.{fmt}"
    write_network(AWKWARD_NETWORK, fmt, path)
    ET.parse(path)  # well-formed
    graph = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    node = graphml_id if fmt == "graphml" else str
    expected = AWKWARD.replace("\x01", "\ufffd")
    assert graph.nodes[node("x/1")]["label"] == expected and graph.nodes[node("x/1")]["name"] == expected
    assert graph.nodes[node('odd "id" <&>')]["quote"] == "  spaced  "
    assert [d["label"] for _, _, d in graph.edges(data=True)] == ["participant"]
    assert graph.has_edge(node("x/1"), node('odd "id" <&>'))


def test_gexf_is_version_1_2_with_declared_attributes(graph_dir, tmp_path):
    root = ET.parse(export(graph_dir, "gexf", tmp_path / "g.gexf")).getroot()
    ns = {"g": "http://www.gexf.net/1.2draft"}
    assert root.tag == "{http://www.gexf.net/1.2draft}gexf" and root.get("version") == "1.2"
    declared = {a.get("title") for a in root.findall("g:graph/g:attributes[@class='node']/g:attribute", ns)}
    assert {"type", "name", "quote"} <= declared
    nodes = root.findall("g:graph/g:nodes/g:node", ns)
    assert all(node.get("label") for node in nodes)  # Gephi's node label


def test_graphml_declares_label_and_type_keys(graph_dir, tmp_path):
    root = ET.parse(export(graph_dir, "graphml", tmp_path / "g.graphml")).getroot()
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    keys = {(k.get("for"), k.get("attr.name")) for k in root.findall(f"{ns}key")}
    assert {("node", "label"), ("node", "type"), ("edge", "label")} <= keys
    edge_ids = [e.get("id") for e in root.iter(f"{ns}edge")]
    assert len(set(edge_ids)) == len(edge_ids)  # Gephi keeps only the first edge of each id


def test_ftm_export_passes_ftm_validate_unchanged(graph_dir, tmp_path):
    path = export(graph_dir, "ftm", tmp_path / "g.ftm.jsonl")
    validated = tmp_path / "validated.jsonl"
    result = subprocess.run([str(FTM_CLI), "validate", "-i", str(path), "-o", str(validated)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    mine = {e["id"]: e for e in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    cleaned = {e["id"]: e for e in map(json.loads, validated.read_text(encoding="utf-8").splitlines())}
    assert mine.keys() == cleaned.keys()
    for entity_id, entity in mine.items():  # nothing was dropped or changed by FtM's cleaning
        assert {p: sorted(v) for p, v in entity["properties"].items()} == \
            {p: sorted(v) for p, v in cleaned[entity_id]["properties"].items()}, entity_id
    schemata = {e["schema"] for e in mine.values()}
    assert {"Event", "Person", "Organization", "PublicBody", "Article", "Address", "Documentation",
            "Membership", "UnknownLink"} <= schemata
    event = mine[ftm.ftm_id("tanhuato-2015")]
    assert event["properties"]["startDate"] == ["2015-05-22"]
    assert ftm.ftm_id("pf") in event["properties"]["involved"]


def test_ftm_export_reimports(graph_dir, tmp_path):
    path = export(graph_dir, "ftm", tmp_path / "g.ftm.jsonl")
    recs = {r.id: r for r in ftm.read(path)}
    event = recs[ftm.record_id(ftm.ftm_id("tanhuato-2015"))]
    assert event.cls == "Incident" and event.fields["startDate"] == "2015-05-22"


@pytest.mark.parametrize("fmt, parse", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_rdf_exports_are_the_builds_files(graph_dir, tmp_path, fmt, parse):
    path = export(graph_dir, fmt, tmp_path / f"out.{fmt}")
    assert path.read_bytes() == (graph_dir / {"ttl": "graph.ttl", "nt": "graph.nt", "jsonld": "graph.jsonld"}[fmt]).read_bytes()
    assert len(Graph().parse(path, format=parse)) == len(Graph().parse(graph_dir / "graph.nt", format="nt"))
    if fmt == "jsonld":
        assert (tmp_path / "context.jsonld").exists()


@pytest.mark.parametrize("name, parse", [("graph.ttl", "turtle"), ("graph.jsonld", "json-ld")])
def test_rdf_exports_read_back_as_the_n_triples_graph(tmp_path, name, parse):
    """rdflib reads every RDF file of a build as the same graph, so a plain-string pattern matches in each: in
    RDF 1.1 "asserts" is an xsd:string, but rdflib tells a plain literal from an explicitly typed one."""
    out = build([bundled_case()], tmp_path / "g").out
    reference = Graph().parse(out / "graph.nt", format="nt")
    graph = Graph().parse(out / name, format=parse)
    assert isomorphic(graph, reference)
    query = 'SELECT (COUNT(*) AS ?n) WHERE { ?s <https://w3id.org/incidentkg/ontology#stance> "asserts" }'
    counts = [int(next(iter(g.query(query)))[0]) for g in (graph, reference)]
    assert counts[0] == counts[1] > 0


def test_export_to_stdout_and_unknown_format(graph_dir):
    result = runner.invoke(app, ["export", "--format", "nt", "--graph", str(graph_dir)])
    assert result.exit_code == 0 and "<https://w3id.org/incidentkg/id/tanhuato-2015>" in result.output
    bad = runner.invoke(app, ["export", "--format", "pdf", "--graph", str(graph_dir)])
    assert bad.exit_code == 2 and "unknown export format" in bad.output


def test_fast_and_normal_builds_give_the_same_graph_and_exports(tmp_path):
    outs = {}
    for fast in (False, True):
        outs[fast] = tmp_path / f"g-{fast}"
        summary = build([bundled_case()], outs[fast], fast=fast)
        assert summary.triples == len(Graph().parse(outs[fast] / "graph.nt", format="nt"))
    for name in ("graph.nt", "graph.ttl", "graph.jsonld"):
        # Oxigraph reads "x"^^xsd:string and "x" as the one literal they are in RDF 1.1 (rdflib does not)
        normal, fast = (set(ox.parse(path=str(outs[f] / name))) for f in (False, True))
        assert normal == fast and len(normal) == summary.triples, name
    assert isomorphic(Graph().parse(outs[False] / "graph.jsonld"), Graph().parse(outs[True] / "graph.jsonld"))
    jsonld = json.loads((outs[True] / "graph.jsonld").read_text(encoding="utf-8"))
    assert jsonld["@context"] == json.loads((outs[True] / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    node = next(n for n in jsonld["@graph"] if n["@id"] == "tanhuato-2015")
    assert "Raid" in node["@type"] and node["startDate"] == "2015-05-22" and "pf" in node["participant"]


def test_build_summary_counts_what_the_saved_queries_find(graph_dir):
    # The summary counts from the triples in Python; the saved queries are the definitions it must agree with.
    found = manifest(graph_dir)
    disputed = queries.run("disputed_quantities", {}, graph_dir).rows
    assert found["disputed_quantities"] == len(disputed) > 1
    pairs = {(row["claim_a"], row["claim_b"]) for row in queries.run("contradictions", {}, graph_dir).rows}
    assert found["contradictions"] == len(pairs) > 10
    assert found["classes"]["Incident"] == record_count_of(graph_dir, "Incident")


def record_count_of(graph_dir: Path, cls: str) -> int:
    store = ox.Store.read_only(str(graph_dir / "store"))
    query = f"SELECT (COUNT(?x) AS ?n) WHERE {{ ?x a <https://w3id.org/incidentkg/ontology#{cls}> }}"
    return int(next(iter(store.query(query)))["n"].value)


def test_large_builds_write_the_same_turtle_from_a_child_process(tmp_path, monkeypatch):
    from incidentkg.ingest import bulk

    build([bundled_case()], tmp_path / "thread")
    monkeypatch.setattr(bulk, "TURTLE_PROCESS_TRIPLES", 0)  # as if the bundled case were large
    build([bundled_case()], tmp_path / "process")
    turtle = (tmp_path / "process" / "graph.ttl").read_bytes()
    assert turtle == (tmp_path / "thread" / "graph.ttl").read_bytes() and b"@prefix ikg:" in turtle
