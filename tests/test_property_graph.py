"""The property-graph projection (ontology/projection.py), the Ladybug engine and its dialect translation
(queries/dialect.py, ladybug.py, engines.py), and loading into a real Neo4j server (ingest/neo4j.py).

Expected values come from the ontology and from an independent reading of the YAML case with PyYAML, or from
SPARQL over the built store; the Neo4j tests use the session's real server (fixture neo4j_config)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import socket
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from rdflib import RDF
from typer.testing import CliRunner

from incidentkg.core.graph import open_store
from incidentkg.ingest.build import build
from incidentkg.cli import app
from incidentkg.core.errors import QueryError, ServerError
from incidentkg.core.neo4j import Neo4jConfig, connect
from incidentkg.ingest.neo4j import clear, constraint_statements, counts, load, load_build
from incidentkg.core.namespaces import ID, IKG
from incidentkg.ontology import load as load_ontology
from incidentkg.ontology.projection import from_build, mapping_rows, model, rel_type_name
from incidentkg.queries import engines
from incidentkg.queries import ladybug as ladybug_db
from incidentkg.queries.dialect import to_ladybug, union_all_parts
from incidentkg.queries.engines import LadybugEngine
from incidentkg.queries.ladybug import ensure_ladybug

CASE = Path(__file__).parent / "property_graph_case.yaml"
runner = CliRunner()


# ---------------------------------------------------------------- an independent reading of the case file


def as_list(value) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def texts(value) -> list[tuple[str, str]]:
    """(language, text) pairs of a YAML text field; '' for untagged."""
    out = []
    for item in as_list(value):
        if isinstance(item, dict):
            out += [(lang, text) for lang, text in item.items()]
        else:
            out.append(("", str(item)))
    return out


def preferred(value) -> tuple[str, str]:
    """English, else untagged, else any; the smallest text within that rank -> (text, language)."""
    rank = {"en": 0, "": 1}
    lang, text = min(texts(value), key=lambda lt: (rank.get(lt[0], 2), lt[1]))
    return text, lang


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    doc = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    return {item["id"]: item for section, items in doc.items() if isinstance(items, list) for item in items}


@pytest.fixture(scope="module")
def pgraph(property_graph_case_graph):
    return from_build(property_graph_case_graph)


@pytest.fixture(scope="module")
def nodes(pgraph) -> dict[str, dict]:
    return {row["id"]: row for batch in pgraph.nodes for row in batch.rows}


@pytest.fixture(scope="module")
def ladybug_engine(property_graph_case_graph):
    engine = LadybugEngine(property_graph_case_graph)
    yield engine
    engine.close()


# ---------------------------------------------------------------- the model, derived from the ontology


def test_labels_are_the_top_classes_and_every_class_has_one_home():
    onto = load_ontology()
    graph = model()
    assert list(graph.labels) == onto.top_classes()
    assert set(graph.labels) == {"Incident", "Agent", "Place", "Post", "Document", "Statement", "Claim", "Quantity",
                                 "IdentityLink", "Participation", "Equipment"}
    homes = defaultdict(list)
    for label in graph.labels.values():
        assert label.classes[0] == label.name
        for cls in label.classes:
            homes[cls].append(label.name)
            assert graph.label_of(cls) == label.name == onto.top_class(cls)
    assert set(homes) == set(onto.classes) and all(len(h) == 1 for h in homes.values())
    for label in graph.labels.values():
        assert [c.name for c in label.columns[:3]] == ["id", "iri", "kind"]


def test_neo4j_labels_are_the_class_and_its_superclasses():
    graph = model()
    assert graph.neo4j_labels("Raid") == ("Incident", "Raid")
    assert graph.neo4j_labels("ArmedForce") == ("Agent", "Organization", "GovernmentAgency", "ArmedForce")
    assert graph.neo4j_labels("Statement") == ("Statement",)
    onto = load_ontology()
    for cls in onto.classes:
        assert set(graph.neo4j_labels(cls)) == set(onto.ancestors(cls))
    assert set(graph.kinds("Organization")) == set(onto.descendants("Organization"))


def test_relationship_types_are_the_object_properties():
    onto = load_ontology()
    graph = model()
    objects = [p for p in onto.properties.values() if p.is_object]
    assert {graph.rel_for(p.name).prop for p in objects} == {p.name for p in objects}
    assert len(graph.relationships) == len(objects)
    assert rel_type_name("reportedIn") == "REPORTED_IN"
    assert rel_type_name("subOrganizationOf") == "SUB_ORGANIZATION_OF"
    assert graph.relationships["REPORTED_IN"].pairs == (("Statement", "Document"),)
    assert graph.relationships["CONTRADICTS"].pairs == (("Claim", "Claim"),)
    # no domain: from every label; no range: to every label
    assert {s for s, _ in graph.relationships["SOURCE"].pairs} == set(graph.labels)
    assert {t for _, t in graph.relationships["LINKS"].pairs} == set(graph.labels)
    # Ladybug tables are named case-insensitively: CLAIM needs another table name than Claim
    tables = [r.table for r in graph.relationships.values()] + list(graph.labels)
    assert len({t.lower() for t in tables}) == len(tables)
    assert graph.relationships["CLAIM"].table == "CLAIM_REL"
    assert graph.relationships["REPORTED_IN"].table == "REPORTED_IN"


def test_datatype_properties_are_typed_columns_with_languages_kept():
    graph = model()
    statement = {c.name: c for c in graph.labels["Statement"].columns}
    assert statement["date"].type == "DATE"
    assert {"quote", "quote_lang", "quote_en", "quote_es"} <= set(statement)
    assert "quote_all" not in statement  # SHACL: one quote per statement
    quantity = {c.name: c.type for c in graph.labels["Quantity"].columns}
    assert quantity["value"] == quantity["low"] == quantity["high"] == "INT64"
    assert "title" not in quantity  # title's domain is Document
    place = {c.name: c.type for c in graph.labels["Place"].columns}
    assert place["latitude"] == "DOUBLE" and place["inegiCode"] == "STRING"
    agent = {c.name: c.type for c in graph.labels["Agent"].columns}
    assert {"name", "name_lang", "name_en", "name_es", "name_all", "alias_all", "abbreviation_all"} <= set(agent)
    assert agent["name_all"] == "STRING[]" and agent["founded"] == "STRING"
    assert graph.languages == ("en", "es")
    onto = load_ontology()
    for prop in onto.properties.values():
        if prop.is_object:
            continue
        owners = {label.name for label in graph.labels.values() if label.column(prop.name)}
        expected = set(graph.labels) if prop.domain is None else {onto.top_class(prop.domain)}
        assert owners == expected, prop.name


def test_mapping_command_prints_the_generated_mapping():
    result = runner.invoke(app, ["ontology", "mapping", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {"element": "relationship", "name": "REPORTED_IN", "from": "ikg:reportedIn"}.items() <= next(
        r for r in rows if r["name"] == "REPORTED_IN").items()
    assert any(r["name"] == "Statement.quote_lang" and r["from"] == "ikg:quote" for r in rows)
    assert any(r["element"] == "node label" and r["name"] == "Incident" and "Raid (:Incident:Raid)" in r["notes"]
               for r in rows)
    assert len(rows) == len(mapping_rows())
    assert runner.invoke(app, ["ontology", "mapping"]).exit_code == 0


# ---------------------------------------------------------------- projecting the built graph


def test_every_record_is_a_node_and_every_link_a_relationship(property_graph_case_graph, pgraph, records):
    store = open_store(property_graph_case_graph)
    typed = {str(r["s"].value) for r in store.query(
        f"SELECT DISTINCT ?s WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?c), '{IKG}') && STRSTARTS(STR(?s), '{ID}')) }}")}
    object_props = ", ".join(f"<{p.iri}>" for p in load_ontology().properties.values() if p.is_object)
    links = {(str(r["s"].value), r["p"].value.split("#")[1], str(r["o"].value)) for r in store.query(
        f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(?p IN ({object_props})) }}")}
    assert pgraph.node_count == len(typed)
    # every YAML record (and every nested quantity) is a node
    quantities = sum(len(as_list(r.get("quantity"))) for r in records.values())
    assert pgraph.node_count == len(records) + quantities
    projected = {(f"{ID}{s}", b.type, f"{ID}{t}") for b in pgraph.relationships for s, t in b.rows}
    assert projected == {(s, rel_type_name(p), o) for s, p, o in links}


def test_names_and_texts_follow_the_language_rule(nodes, records):
    for rid, record in records.items():
        for field in ("name", "text", "role", "quote", "title", "alias"):
            if field not in record:
                continue
            row = nodes[rid]
            text, lang = preferred(record[field])
            assert row[field] == text, (rid, field)
            assert row[f"{field}_lang"] == (lang or None), (rid, field)
            for code in ("en", "es"):
                in_lang = [t for lt, t in texts(record[field]) if lt == code]
                assert row[f"{field}_{code}"] == (min(in_lang) if in_lang else None), (rid, field, code)
            if f"{field}_all" in row:
                assert row[f"{field}_all"] == sorted(t for _, t in texts(record[field]))
    # the cases the fixture was written for
    assert nodes["pg-outlet"]["name"] == "Diario Uno" and nodes["pg-outlet"]["name_lang"] == "es"
    assert nodes["pg-group"]["name"] == "Alpha Band" and nodes["pg-group"]["name_lang"] is None
    assert nodes["pg-ministry"]["name"] == "Ministry" and nodes["pg-ministry"]["name_es"] == "Secretaría"
    assert nodes["pg-s1"]["quote"] == "Nos atacaron" and nodes["pg-s1"]["quote_lang"] == "es"


def test_values_are_typed_and_statements_stay_nodes(nodes, pgraph, records):
    assert nodes["pg-s1"]["date"] == dt.date(2020, 1, 10)
    assert nodes["pg-site"]["latitude"] == 19.5 and nodes["pg-site"]["longitude"] == -102.25
    assert nodes["pg-s2/quantity/1"]["value"] == 9 and nodes["pg-s2/quantity/1"]["low"] == 8
    assert nodes["pg-ministry"]["abbreviation_all"] == ["MIN", "SM"] and nodes["pg-ministry"]["abbreviation"] == "MIN"
    assert nodes["pg-army"]["kind"] == "ArmedForce" and nodes["pg-s1"]["iri"] == f"{ID}pg-s1"
    rels = defaultdict(list)
    for batch in pgraph.relationships:
        for s, t in batch.rows:
            rels[(s, batch.type)].append(t)
    # one statement node, reported in two documents: two relationships, not two statements
    assert sorted(rels[("pg-s1", "REPORTED_IN")]) == sorted(records["pg-s1"]["reportedIn"])
    assert len(rels[("pg-s1", "QUANTITY")]) == len(records["pg-s1"]["quantity"])
    assert rels[("pg-s1/quantity/1", "PARTY")] == ["pg-group"]
    # inferred: contradicts both ways, partOf transitive
    assert "pg-claim-a" in rels[("pg-claim-b", "CONTRADICTS")]
    assert sorted(rels[("pg-site", "PART_OF")]) == ["pg-country", "pg-state"]


# ---------------------------------------------------------------- the dialect gaps, handled in to_ladybug()


def test_to_ladybug_rewrites_each_gap():
    text, params = to_ladybug("MATCH (s)-[r]->(x) RETURN type(r) AS t, x.name_all[0] AS first, round(x.v) AS r")
    assert "regexp_replace(label(r), '_REL$', '')" in text and "x.name_all[1]" in text and "round(x.v, 0)" in text
    text, params = to_ladybug("MATCH (a:Agent {id: $a}), (d:Document {id: $d}) RETURN a", {"a": "x", "d": "y", "z": 1})
    assert text == "MATCH (a:Agent) WHERE a.id = $a MATCH (d:Document) WHERE d.id = $d RETURN a"
    assert params == {"a": "x", "d": "y"}  # unused parameters dropped
    text, _ = to_ladybug("MATCH (n:Raid) RETURN n")
    assert text == "MATCH (n:Incident) WHERE n.kind IN ['Raid'] RETURN n"
    text, _ = to_ladybug("MATCH (n:Agent:Person)<-[:SPEAKER]-(:Statement) WHERE n.id <> 'x' RETURN n")
    assert text == "MATCH (n:Agent)<-[:SPEAKER]-(:Statement) WHERE n.kind IN ['Person'] AND (n.id <> 'x') RETURN n"
    text, _ = to_ladybug("MATCH (n:Place:Agent) RETURN n")  # no node is both
    assert "WHERE false" in text
    text, params = to_ladybug("MATCH (n:Agent) SET n += $props", {"props": {"wikidata": "Q1", "description": "d"}})
    assert text == "MATCH (n:Agent) SET n.wikidata = $props__wikidata, n.description = $props__description"
    assert params == {"props__wikidata": "Q1", "props__description": "d"}
    text, params = to_ladybug("MATCH (i:Incident) WHERE $x IS NULL OR i.id = $x RETURN i", {"x": None})
    assert text == "MATCH (i:Incident) WHERE NULL IS NULL OR i.id = NULL RETURN i" and params == {}
    # a parameter given a value: its null test is decided, so Ladybug plans the key look-up
    text, params = to_ladybug("MATCH (i:Incident) WHERE ($x IS NULL OR i.id = $x) AND $y IS NOT NULL "
                              "AND $x.k IS NULL RETURN i", {"x": "a", "y": 2})
    assert text == "MATCH (i:Incident) WHERE (false OR i.id = $x) AND true AND $x.k IS NULL RETURN i"
    assert params == {"x": "a"}
    text, _ = to_ladybug("OPTIONAL MATCH (a {id: 'q'}), (b:Claim) RETURN a")  # optional: not split, same meaning
    assert text == "OPTIONAL MATCH (a), (b:Claim) WHERE a.id = 'q' RETURN a"
    text, _ = to_ladybug("MATCH (a {id: 1})-[r]->(b) WHERE type(r) = 'X' RETURN type(r) AS t")
    assert text == ("MATCH (a)-[r]->(b) WHERE a.id = 1 AND (regexp_replace(label(r), '_REL$', '') = 'X') "
                    "RETURN regexp_replace(label(r), '_REL$', '') AS t")
    text, _ = to_ladybug("MATCH (s:Statement)-[:CLAIM|INCIDENT]->(x) RETURN x")
    assert "[:CLAIM_REL|INCIDENT_REL]" in text
    # an OPTIONAL MATCH after a MATCH, UNWIND or another OPTIONAL MATCH gets a WITH * barrier; at the start of a
    # query part or after a WITH it needs none
    text, _ = to_ladybug("MATCH (s:Statement) OPTIONAL MATCH (s)-[:CLAIM]->(c) OPTIONAL MATCH (s)-[:QUANTITY]->(q) "
                         "WITH s, c OPTIONAL MATCH (c)-[:INCIDENT]->(i) UNWIND [1] AS k OPTIONAL MATCH (i)-[:PLACE]->(p) "
                         "RETURN s UNION OPTIONAL MATCH (x:Claim) RETURN x AS s")
    assert text == ("MATCH (s:Statement) WITH * OPTIONAL MATCH (s)-[:CLAIM_REL]->(c) WITH * OPTIONAL MATCH "
                    "(s)-[:QUANTITY_REL]->(q) WITH s, c OPTIONAL MATCH (c)-[:INCIDENT_REL]->(i) UNWIND [1] AS k WITH * "
                    "OPTIONAL MATCH (i)-[:PLACE_REL]->(p) RETURN s UNION OPTIONAL MATCH (x:Claim) RETURN x AS s")
    # an OPTIONAL MATCH of several paths: each new node next to a bound one is checked, so Ladybug expands the
    # pattern from it instead of scanning the other nodes' tables; one path, or no bound node, gets no check
    text, _ = to_ladybug("MATCH (c:Claim) OPTIONAL MATCH (c)<-[:SIDES_WITH]-(s:Statement)-[:CLAIM]->(x), "
                         "(s)-[:SPEAKER]->(p) WHERE x.id <> c.id OPTIONAL MATCH (c)-[:INCIDENT]->(i)-[:PLACE]->(l) "
                         "RETURN s")
    assert text == ("MATCH (c:Claim) WITH * OPTIONAL MATCH (c)<-[:SIDES_WITH]-(s:Statement)-[:CLAIM_REL]->(x), "
                    "(s)-[:SPEAKER]->(p) WHERE s.id IS NOT NULL AND (x.id <> c.id) WITH * OPTIONAL MATCH "
                    "(c)-[:INCIDENT_REL]->(i)-[:PLACE_REL]->(l) RETURN s")
    # consecutive MATCH clauses sharing a variable become one pattern (a comment dropped, not left to swallow the
    # line); one that shares none stays apart
    text, _ = to_ladybug("MATCH (s:Statement)-[:SPEAKER]->(a:Agent) WHERE a.id = $x // the speaker\n"
                         "MATCH (s)-[:REPORTED_IN]->(d:Document)\nMATCH (o:Agent) WHERE o.id = 'y'\nRETURN s", {"x": "a"})
    assert text == ("MATCH (s:Statement)-[:SPEAKER]->(a:Agent), (s)-[:REPORTED_IN]->(d:Document) WHERE (a.id = $x) "
                    "MATCH (o:Agent) WHERE o.id = 'y'\nRETURN s")
    # strings, comments and unknown labels are left alone
    original = "MATCH (n:Agent) WHERE n.name = 'MATCH (x:Raid {id: 1})' RETURN n // type(r) [0]"
    assert to_ladybug(original)[0] == original
    with pytest.raises(QueryError):
        to_ladybug("MATCH (n) SET n += $m", {"m": {}})


def test_to_ladybug_reuses_a_translation_only_where_it_applies():
    from incidentkg.ontology.projection import model
    from incidentkg.queries import dialect

    query = "MATCH (i:Incident) WHERE ($x IS NULL OR i.id = $x) AND ($y IS NULL OR i.kind = $y) RETURN i.id AS id"
    dialect._TRANSLATED.clear()
    first = to_ladybug(query, {"x": "a", "y": None})
    assert len(dialect._TRANSLATED) == 1
    # the same null pattern: the cached text, with this call's values
    assert to_ladybug(query, {"x": "b", "y": None, "unused": 1}) == (first[0], {"x": "b"})
    assert len(dialect._TRANSLATED) == 1
    # another null pattern is another translation
    other = to_ladybug(query, {"x": None, "y": "Raid"})
    assert other == ("MATCH (i:Incident) WHERE (NULL IS NULL OR i.id = NULL) AND (false OR i.kind = $y) "
                     "RETURN i.id AS id", {"y": "Raid"})
    assert len(dialect._TRANSLATED) == 2
    # another model (another build's) is never served a translation made for a different one
    copy = dataclasses.replace(model())
    assert to_ladybug(query, {"x": "c", "y": None}, copy) == (first[0], {"x": "c"})
    assert len(dialect._TRANSLATED) == 3
    # a map for `+=` is expanded from its keys each time
    update = "MATCH (n:Agent) SET n += $props"
    assert to_ladybug(update, {"props": {"a": 1}})[0] == "MATCH (n:Agent) SET n.a = $props__a"
    assert to_ladybug(update, {"props": {"b": 2}}) == ("MATCH (n:Agent) SET n.b = $props__b", {"props__b": 2})


QUERIES = {
    "organizations": ("MATCH (o:Organization) RETURN o.id AS id", {}),
    "people_or_outlets": ("MATCH (n:Person|NewsOutlet) RETURN n.id AS id", {}),
    "statement_links": ("MATCH (s {id: $id})-[r]->(x) RETURN type(r) AS type, x.id AS id", {"id": "pg-s1"}),
    "keyed": ("MATCH (a:Agent {id: $a}), (d:Document {id: $d}) RETURN a.name_all[0] AS first, d.title AS title",
              {"a": "pg-ministry", "d": "pg-doc-a"}),
    "null_param": ("MATCH (i:Incident) WHERE $x IS NULL OR i.id = $x RETURN i.id AS id", {"x": None}),
    "bound_param": ("MATCH (a:Agent) WHERE $x IS NULL OR a.id = $x RETURN a.id AS id", {"x": "pg-ministry"}),
    "rounding": ("MATCH (q:Quantity) WHERE q.value = 9 RETURN round(q.value / 2.0) AS r", {}),
    "nodes_as_ids": ("MATCH (p:Post)-[:HOLDER]->(h) RETURN p AS post, h AS holder", {}),
}


def sparql_ids(graph_dir: Path, cls: str) -> set[str]:
    store = open_store(graph_dir)
    return {r["x"].value[len(str(ID)):] for r in store.query(f"SELECT ?x WHERE {{ ?x a <{IKG[cls]}> }}")}


def check_translated_answers(run, graph_dir: Path) -> None:
    """The same Neo4j-dialect queries, answered by `run`, against SPARQL over the store."""
    def rows(name):
        text, params = QUERIES[name]
        return run(text, params).rows

    assert {r["id"] for r in rows("organizations")} == sparql_ids(graph_dir, "Organization")
    people_or_outlets = sparql_ids(graph_dir, "Person") | sparql_ids(graph_dir, "NewsOutlet")
    assert {r["id"] for r in rows("people_or_outlets")} == people_or_outlets
    store = open_store(graph_dir)
    expected = {(rel_type_name(r["p"].value.split("#")[1]), r["o"].value[len(str(ID)):]) for r in store.query(
        f"SELECT ?p ?o WHERE {{ <{ID}pg-s1> ?p ?o FILTER(isIRI(?o) && ?p != <{RDF.type}>) }}")}
    assert {(r["type"], r["id"]) for r in rows("statement_links")} == expected
    assert rows("keyed") == [{"first": "Ministry", "title": "Report A"}]
    assert {r["id"] for r in rows("null_param")} == sparql_ids(graph_dir, "Incident")
    assert [r["id"] for r in rows("bound_param")] == ["pg-ministry"]
    assert rows("rounding") == [{"r": 5.0}]  # 4.5 rounds up on both engines
    assert {(r["post"], r["holder"]) for r in rows("nodes_as_ids")} == {("pg-post-1", "pg-official"),
                                                                          ("pg-post-2", "pg-silent")}


def test_translated_queries_answer_like_sparql_on_ladybug(ladybug_engine, property_graph_case_graph):
    check_translated_answers(ladybug_engine.run, property_graph_case_graph)


def test_a_union_all_comes_branch_by_branch_on_ladybug(ladybug_engine):
    branches = ["MATCH (n:Statement) RETURN n.id AS id, 1 AS branch", "MATCH (n:Agent) RETURN n.id AS id, 2 AS branch",
                "MATCH (n:Incident) RETURN n.id AS id, 3 AS branch"]
    text = "\nUNION ALL\n".join(branches)
    assert [part.strip() for part in union_all_parts(text)] == branches
    # only a top-level UNION ALL splits: not a plain UNION (it removes duplicates), not words in a string
    assert union_all_parts(branches[0] + " UNION " + branches[1]) == [branches[0] + " UNION " + branches[1]]
    quoted = "MATCH (n:Agent) WHERE n.id <> 'x UNION ALL y' RETURN n.id AS id"
    assert union_all_parts(quoted) == [quoted]
    rows = ladybug_engine.run(text, {}).rows
    # Ladybug's threads interleave the branches of one UNION query; run apart, they come in order
    assert [r["branch"] for r in rows] == sorted(r["branch"] for r in rows)
    for number, branch in enumerate(branches, 1):
        assert sorted(r["id"] for r in rows if r["branch"] == number) == \
            sorted(r["id"] for r in ladybug_engine.run(branch, {}).rows)


def test_set_map_on_ladybug(pgraph):
    import ladybug

    db = ladybug.Database(":memory:")
    conn = ladybug.Connection(db)
    ladybug_db.load_ladybug(conn, pgraph)
    text, params = to_ladybug("MATCH (a:Agent {id: $id}) SET a += $props RETURN a.wikidata AS w, a.description AS d",
                              {"id": "pg-army", "props": {"wikidata": "Q42", "description": "army"}})
    assert conn.execute(text, params).get_all() == [["Q42", "army"]]


def test_neo4j_answers_the_same_queries(neo4j_loaded_case, property_graph_case_graph):
    engine = engines.Neo4jEngine(neo4j_loaded_case)
    try:
        check_translated_answers(engine.run, property_graph_case_graph)
    finally:
        engine.close()


# ---------------------------------------------------------------- the Ladybug database cache


def test_ladybug_cache_is_made_once_and_rebuilt_when_stale(tmp_path):
    out = tmp_path / "g"
    build([CASE], out)
    assert not (out / "ladybug").exists()
    path = ensure_ladybug(out)
    assert path == out / "ladybug" / "graph.lbug" and path.exists()
    made = path.stat().st_mtime_ns
    assert ensure_ladybug(out).stat().st_mtime_ns == made  # fresh: not rebuilt
    stamp = out / "ladybug" / "stamp.json"
    stamp.write_text(json.dumps({"build": "something else"}), encoding="utf-8")
    assert ensure_ladybug(out).stat().st_mtime_ns != made  # stale: rebuilt
    assert json.loads(stamp.read_text(encoding="utf-8"))["build"] != "something else"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []  # no temporary folders left
    engine = LadybugEngine(out)
    try:
        assert engine.run("MATCH (n) RETURN count(n) AS n", {}).rows == [{"n": from_build(out).node_count}]
    finally:
        engine.close()


def test_the_copy_keeps_the_model_it_was_made_with_and_a_changed_ontology_makes_it_stale(tmp_path, monkeypatch):
    from incidentkg.core import graphmodel
    from incidentkg.queries import ladybug as ladybug_module
    from incidentkg.queries.ladybug import is_current, ladybug_model

    out = tmp_path / "g"
    build([CASE], out)
    ensure_ladybug(out)
    # the saved model is the ontology's, read back without parsing the ontology
    assert ladybug_model(out) == model()
    assert is_current(out)
    # an edited ontology file (here: one more byte in the shapes) gives another digest: the copy is stale
    shapes = tmp_path / "shapes.ttl"
    shapes.write_bytes(graphmodel.MODEL_SOURCES[1].read_bytes() + b"\n")
    sources = (graphmodel.MODEL_SOURCES[0], shapes, *graphmodel.MODEL_SOURCES[2:])
    monkeypatch.setattr(graphmodel, "MODEL_SOURCES", sources)
    graphmodel.model_digest.cache_clear()
    try:
        assert not is_current(out)
        assert ladybug_module.model_digest() != json.loads((out / "ladybug" / "stamp.json").read_text())["schema"]
    finally:
        graphmodel.model_digest.cache_clear()


def test_cypher_index_makes_the_copy_of_a_no_ladybug_build_once(tmp_path):
    out = tmp_path / "g"
    assert runner.invoke(app, ["build", str(CASE), "--out", str(out), "--no-ladybug"]).exit_code == 0
    made = runner.invoke(app, ["cypher-index", "--out", str(out)])
    assert made.exit_code == 0, made.output
    assert "Made" in made.stdout and (out / "ladybug" / "graph.lbug").exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")], "lock and temporary folders gone"
    again = runner.invoke(app, ["cypher-index", "-g", str(out)])
    assert again.exit_code == 0 and "up to date" in again.stdout
    missing = runner.invoke(app, ["cypher-index", "--out", str(tmp_path / "none")])
    assert missing.exit_code == 3 and "no built graph" in missing.output


def test_the_first_cypher_query_waits_for_the_build_lock(tmp_path):
    # A build (or another first query) holding the lock is making the copy: the query waits, then looks again.
    import threading

    from incidentkg.core import fsops

    out = tmp_path / "g"
    build([CASE], out)
    assert not (out / "ladybug").exists()
    released = threading.Event()
    with fsops.locked(out):
        waiting = threading.Thread(target=lambda: (ensure_ladybug(out), released.set()))
        waiting.start()
        assert not released.wait(1.0), "it waits while the lock is held"
    waiting.join(120)
    assert released.is_set() and (out / "ladybug" / "graph.lbug").exists()


def test_cli_build_makes_the_ladybug_database_and_query_run_uses_it(tmp_path):
    out = tmp_path / "g"
    result = runner.invoke(app, ["build", str(CASE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "ladybug" / "graph.lbug").exists()
    lazy = tmp_path / "lazy"
    assert runner.invoke(app, ["build", str(CASE), "--out", str(lazy), "--no-ladybug"]).exit_code == 0
    assert not (lazy / "ladybug").exists()
    env = {"NEO4J_URI": ""}
    timeline = ["query", "run", "timeline", "-f", "json", "-g", str(lazy)]
    sparql = runner.invoke(app, timeline, env=env)
    ladybug = runner.invoke(app, timeline + ["--engine", "cypher"], env=env)
    assert sparql.exit_code == 0 and ladybug.exit_code == 0, ladybug.output
    assert (lazy / "ladybug" / "graph.lbug").exists()  # made on first use, and saying so
    assert "making the embedded Cypher (Ladybug) copy" in ladybug.stderr and "ladybug: done in" in ladybug.stderr
    again = runner.invoke(app, timeline + ["--engine", "cypher"], env=env)
    assert again.exit_code == 0 and again.stderr == ""  # made once
    key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
    assert sorted(map(key, json.loads(ladybug.stdout))) == sorted(map(key, json.loads(sparql.stdout)))
    assert runner.invoke(app, timeline + ["--engine", "sparql", "--neo4j"]).exit_code == 2
    bad = runner.invoke(app, ["query", "run", "timeline", "-g", str(lazy), "--engine", "gremlin"])
    assert bad.exit_code == 2 and "unknown engine 'gremlin'" in bad.output


# ---------------------------------------------------------------- Neo4j


@pytest.fixture(scope="module")
def neo4j_loaded_case(neo4j_config, pgraph):
    clear(neo4j_config)
    load(pgraph, neo4j_config)
    return neo4j_config


def test_neo4j_load_twice_leaves_the_same_graph(neo4j_config, property_graph_case_graph, pgraph):
    clear(neo4j_config)
    first = load_build(property_graph_case_graph, neo4j_config, batch_size=7)
    assert (first.nodes_created, first.relationships_created) == (pgraph.node_count, pgraph.relationship_count)
    assert (first.database_nodes, first.database_relationships) == (pgraph.node_count, pgraph.relationship_count)
    env = {"NEO4J_URI": neo4j_config.uri, "NEO4J_USERNAME": neo4j_config.username,
           "NEO4J_PASSWORD": neo4j_config.password, "NEO4J_DATABASE": neo4j_config.database or ""}
    second = runner.invoke(app, ["neo4j", "load", "-g", str(property_graph_case_graph), "--batch-size", "50"], env=env)
    assert second.exit_code == 0, second.output
    assert " 0 nodes and 0 relationships created" in second.output
    assert f"the database now holds {pgraph.node_count} and {pgraph.relationship_count}" in second.output
    assert counts(neo4j_config) == (pgraph.node_count, pgraph.relationship_count)
    driver = connect(neo4j_config)
    try:
        records, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type",
                                             database_=neo4j_config.database)
        unique = {(r["labelsOrTypes"][0], tuple(r["properties"])) for r in records if r["type"] == "UNIQUENESS"}
        assert {(label, ("id",)) for label in model().labels} <= unique
        assert len(constraint_statements()) == len(model().labels)
    finally:
        driver.close()


def test_neo4j_nodes_carry_labels_and_the_projected_properties(neo4j_loaded_case, nodes):
    driver = connect(neo4j_loaded_case)
    try:
        records, _, _ = driver.execute_query("MATCH (n:Agent {id: $id}) RETURN labels(n) AS labels, n AS node",
                                             id="pg-army", database_=neo4j_loaded_case.database)
        assert set(records[0]["labels"]) == {"Agent", "Organization", "GovernmentAgency", "ArmedForce"}
        assert dict(records[0]["node"]) == {k: v for k, v in nodes["pg-army"].items() if v is not None}
        records, _, _ = driver.execute_query("MATCH (s:Statement {id: 'pg-s1'}) RETURN s.date AS d, s.quote_lang AS l",
                                             database_=neo4j_loaded_case.database)
        assert records[0]["d"].to_native() == dt.date(2020, 1, 10) and records[0]["l"] == "es"
        records, _, _ = driver.execute_query("MATCH (:Incident:ArmedClash)-[:PARTICIPANT]->(a:Organization) "
                                             "RETURN collect(a.id) AS ids", database_=neo4j_loaded_case.database)
        assert sorted(records[0]["ids"]) == ["pg-army", "pg-group"]
    finally:
        driver.close()


def test_neo4j_reload_follows_changed_records(neo4j_config, pgraph):
    """A record whose type and values changed between loads keeps one node, with the new labels and values."""
    from incidentkg.ontology.projection import NodeBatch, PropertyGraph

    clear(neo4j_config)
    load(pgraph, neo4j_config)
    quiet = next(r for b in pgraph.nodes for r in b.rows if r["id"] == "pg-quiet")
    changed = dict(quiet, kind="Raid", description=None, datePrecision=2)
    batches = [NodeBatch(b.label, b.labels, [r for r in b.rows if r["id"] != "pg-quiet"]) for b in pgraph.nodes]
    batches.append(NodeBatch("Incident", model().neo4j_labels("Raid"), [changed]))
    summary = load(PropertyGraph(batches, pgraph.relationships), neo4j_config)
    assert (summary.nodes_created, summary.relationships_created) == (0, 0)
    driver = connect(neo4j_config)
    try:
        records, _, _ = driver.execute_query("MATCH (n {id: 'pg-quiet'}) RETURN labels(n) AS l, n.kind AS k, "
                                             "n.datePrecision AS p", database_=neo4j_config.database)
        assert len(records) == 1 and set(records[0]["l"]) == {"Incident", "Raid"}
        assert (records[0]["k"], records[0]["p"]) == ("Raid", 2)
    finally:
        driver.close()
        clear(neo4j_config)
        load(pgraph, neo4j_config)  # as the module's other Neo4j tests expect it


def test_neo4j_routing_uri_works(neo4j_loaded_case, pgraph, property_graph_case_graph):
    if not neo4j_loaded_case.uri.startswith("bolt://"):
        pytest.fail(f"expected a bolt:// test server, got {neo4j_loaded_case.uri}")
    routed = Neo4jConfig("neo4j://" + neo4j_loaded_case.uri[len("bolt://"):], neo4j_loaded_case.username,
                         neo4j_loaded_case.password, neo4j_loaded_case.database)
    assert counts(routed) == (pgraph.node_count, pgraph.relationship_count)
    again = load(pgraph, routed, batch_size=100)
    assert (again.nodes_created, again.relationships_created) == (0, 0)
    rows = engines.run_text("MATCH (i:Incident) RETURN i.id AS id ORDER BY id", {}, neo4j=routed).rows
    assert rows == [{"id": i} for i in sorted(sparql_ids(property_graph_case_graph, "Incident"))]


def test_wrong_password_is_a_one_line_server_error(neo4j_config, property_graph_case_graph):
    wrong = Neo4jConfig(neo4j_config.uri, neo4j_config.username, neo4j_config.password + "-wrong")
    with pytest.raises(ServerError, match="refused the credentials of user") as info:
        counts(wrong)
    assert "\n" not in str(info.value)
    env = {"NEO4J_URI": neo4j_config.uri, "NEO4J_USERNAME": neo4j_config.username,
           "NEO4J_PASSWORD": "definitely-wrong"}
    result = runner.invoke(app, ["neo4j", "load", "-g", str(property_graph_case_graph)], env=env)
    assert result.exit_code == ServerError.exit_code
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "refused the credentials" in lines[0], result.output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_unreachable_server_is_a_one_line_server_error(scheme, property_graph_case_graph):
    config = Neo4jConfig(f"{scheme}://127.0.0.1:{free_port()}", "neo4j", "whatever")
    with pytest.raises(ServerError, match="cannot reach Neo4j at") as info:
        counts(config)
    assert "\n" not in str(info.value)
    result = runner.invoke(app, ["neo4j", "load", "-g", str(property_graph_case_graph), "--uri", config.uri,
                                 "--password", "x"])
    assert result.exit_code == ServerError.exit_code
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1, result.output
    with pytest.raises(ServerError, match="invalid NEO4J_URI"):
        counts(Neo4jConfig("http://127.0.0.1:7474"))


def test_query_run_cli_on_neo4j(neo4j_loaded_case, property_graph_case_graph):
    env = {"NEO4J_URI": neo4j_loaded_case.uri, "NEO4J_USERNAME": neo4j_loaded_case.username,
           "NEO4J_PASSWORD": neo4j_loaded_case.password, "NEO4J_DATABASE": neo4j_loaded_case.database or ""}
    args = ["query", "run", "officials", "-f", "json", "-g", str(property_graph_case_graph)]
    sparql = runner.invoke(app, args, env=env)
    server = runner.invoke(app, args + ["--neo4j"], env=env)
    auto = runner.invoke(app, args + ["--engine", "cypher"], env=env)  # NEO4J_URI set: the server
    assert sparql.exit_code == server.exit_code == auto.exit_code == 0, server.output
    key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
    assert sorted(map(key, json.loads(server.output))) == sorted(map(key, json.loads(sparql.output)))
    assert json.loads(auto.output) == json.loads(server.output)


def test_ladybug_connections_are_reused_one_query_at_a_time(tmp_path):
    out = tmp_path / "g"
    build([CASE], out)
    first, second = LadybugEngine(out), LadybugEngine(out)
    assert first.conn is not second.conn  # two queries open at once never share a connection
    conn = first.conn
    first.close()
    first.close()  # a second close gives nothing back twice
    third, fourth = LadybugEngine(out), LadybugEngine(out)
    try:
        assert third.conn is conn and fourth.conn is not conn  # the idle one is taken again, by one engine only
        query = "MATCH (i:Incident) WHERE i.id = $id RETURN i.id AS id"
        assert third.run(query, {"id": "pg-incident"}).rows == [{"id": "pg-incident"}]
        assert third.run(query, {"id": "no-such-incident"}).rows == []  # a prepared statement, new values
    finally:
        for engine in (second, third, fourth):
            engine.close()
