"""The v2 evidence model end to end on the bundled case: each gap of issue #11 written in YAML comes out of the
build as RDF (SPARQL on the store) and as the property graph (Cypher on the embedded Ladybug copy), the same facts
both ways: sides and roles, organisation trees, date accuracy and revisions, citations and relays, attribute
claims, equipment and the open vocabularies, several claims per statement, explicit party scopes."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidentkg import queries
from incidentkg.core.errors import InputError
from incidentkg.ingest.build import build
from incidentkg.ontology import load
from incidentkg.ontology.projection import model
from incidentkg.queries.ladybug import ensure_ladybug

CASES = Path(__file__).parent / "cases"
P = "PREFIX ikg: <https://w3id.org/incidentkg/ontology#> PREFIX id: <https://w3id.org/incidentkg/id/> "


@pytest.fixture(scope="module")
def built(bundled_graph):
    ensure_ladybug(bundled_graph)
    return bundled_graph


def sparql(built, text):
    return [tuple(r.values()) for r in queries.run_adhoc(P + text, "sparql", graph_dir=built).rows]


def cypher(built, text):
    return [tuple(r.values()) for r in queries.run_adhoc(text, "cypher", graph_dir=built).rows]


def ids(rows):
    return sorted(tuple(str(v).rsplit("/id/", 1)[-1] for v in row) for row in rows)


def test_sides_and_roles_are_stated_by_sources(built):
    rdf = sparql(built, """SELECT ?speaker ?agent ?role ?side WHERE {
        ?s ikg:incident id:tanhuato-2015 ; ikg:speaker ?speaker ; ikg:participation ?p .
        ?p ikg:agent ?agent ; ikg:participantRole ?role ; ikg:side ?side }""")
    pg = cypher(built, """MATCH (i:Incident {id: 'tanhuato-2015'})<-[:INCIDENT]-(s:Statement)-[:SPEAKER]->(sp:Agent)
        MATCH (s)-[:PARTICIPATION]->(p:Participation)-[:AGENT]->(a:Agent)
        RETURN sp.id, a.id, p.participantRole, p.side""")
    expected = [("cndh", "dead-tanhuato", "victims", "ranch"), ("cndh", "pf", "state-force", "state"),
                ("rubido", "cjng", "armed-group", "armed"), ("rubido", "pf", "state-force", "state")]
    assert ids(rdf) == ids(pg) == expected


def test_counts_without_a_party_say_whether_they_are_totals(built):
    rdf = sparql(built, """SELECT ?speaker ?scope WHERE { ?s ikg:incident id:tanhuato-2015 ; ikg:speaker ?speaker ;
        ikg:quantity ?q . ?q ikg:category "killed" ; ikg:partyScope ?scope FILTER NOT EXISTS { ?q ikg:party [] } }""")
    assert ids(rdf) == [("afp", "all"), ("ap", "all"), ("efe", "all"), ("ucdp", "all")]
    pg = cypher(built, """MATCH (s:Statement)-[:QUANTITY]->(q:Quantity) WHERE q.partyScope IS NOT NULL
        RETURN count(q)""")
    assert pg[0][0] == len(sparql(built, "SELECT ?q WHERE { ?q ikg:partyScope ?x }"))


def test_sub_organisations_roll_up(built):
    # entailed from subOrganizationOf and closed transitively, so one hop rolls a unit up to its army
    rdf = sparql(built, "SELECT ?unit ?top WHERE { ?unit ikg:withinOrganization ?top }")
    pg = cypher(built, "MATCH (u:Agent)-[:WITHIN_ORGANIZATION]->(t:Agent) RETURN u.id, t.id")
    assert ("army-102-battalion", "sedena") in ids(rdf) and ids(rdf) == ids(pg)


def test_date_accuracy_and_revisions(built):
    rdf = sparql(built, """SELECT ?later ?earlier WHERE { ?later ikg:revises ?earlier }""")
    pg = cypher(built, "MATCH (l:Statement)-[:REVISES]->(e:Statement) RETURN l.id, e.id")
    assert ids(rdf) == ids(pg) == [("rubido-arsenal-noventa-grados", "pf-preliminary-count-codice21")]
    unknown = sparql(built, 'SELECT ?s WHERE { ?s ikg:dateAccuracy "unknown" }')
    assert len(unknown) == cypher(built, "MATCH (s:Statement) WHERE s.dateAccuracy = 'unknown' RETURN count(s)")[0][0]
    assert ("pf-preliminary-count-codice21",) in ids(unknown)
    docs = cypher(built, "MATCH (d:Document) WHERE d.publishedAccuracy = 'unknown' RETURN d.id")
    assert ("afp-tanhuato-toll",) in ids(docs) and ("insightcrime-2015-05-25",) not in ids(docs)


def test_citations_and_relays_link_documents(built):
    cites = sparql(built, "SELECT ?outlet WHERE { id:insightcrime-2015-05-25 ikg:cites ?d . ?d ikg:publisher ?outlet }")
    assert ids(cites) == [("la-jornada",), ("milenio",), ("proceso",)]
    pg = cypher(built, """MATCH (:Document {id: 'insightcrime-2015-05-25'})-[:CITES]->(d:Document)-[:PUBLISHER]->(o:Agent)
        RETURN o.id""")
    assert ids(pg) == ids(cites)
    relays = cypher(built, "MATCH (a:Document)-[:RELAYS]->(b:Document)-[:PUBLISHER]->(o:Agent) RETURN a.id, o.id")
    assert ids(relays) == [("sipse-ap-rounds", "ap")]


def test_place_and_coordinates_are_contested_attributes(built):
    places = sparql(built, """SELECT ?claim ?place ?speaker WHERE { ?claim a ikg:AttributeClaim ; ikg:attribute "place" ;
        ikg:claimedPlace ?place . ?s ikg:claim ?claim ; ikg:speaker ?speaker }""")
    assert ids(places) == [("tanhuato-place-boundary", "tanhuato-ecuandureo-boundary", "cndh"),
                           ("tanhuato-place-ecuandureo", "ecuandureo", "wikipedia"),
                           ("tanhuato-place-tanhuato", "tanhuato", "cns"),
                           ("tanhuato-place-tanhuato", "tanhuato", "ucdp")]
    coords = cypher(built, """MATCH (c:Claim) WHERE c.kind = 'AttributeClaim' AND c.attribute = 'coordinates'
        MATCH (s:Statement)-[:CLAIM]->(c) MATCH (s)-[:SPEAKER]->(a:Agent)
        RETURN a.id, c.claimedLatitude, c.claimedLongitude""")
    assert sorted(coords) == [("ucdp", 20.20805, -102.29546), ("wikipedia", 20.173219, -102.285197)]
    column = model().labels["Claim"].column("claimedLatitude")
    assert column.type == "DOUBLE"


def test_equipment_and_open_categories(built):
    rounds = cypher(built, """MATCH (q:Quantity)-[:EQUIPMENT]->(e:Equipment)-[:OPERATOR]->(o:Agent)
        RETURN q.category, q.value, e.id, e.kind, o.id""")
    assert rounds == [("rounds_fired", 4001, "pf-black-hawk-pf102", "Aircraft", "pf")]
    helicopters = sparql(built, """SELECT ?speaker ?n WHERE { ?s ikg:speaker ?speaker ; ikg:quantity ?q .
        ?q ikg:category "aircraft_involved" ; ikg:value ?n }""")
    assert sorted((s.rsplit("/", 1)[-1], int(n)) for s, n in helicopters) == [("cndh", 1), ("la-opinion", 2)]
    # every category in the data is a concept of the scheme, labelled in English and Spanish
    scheme = load().scheme_of("category")
    used = {r[0] for r in sparql(built, "SELECT DISTINCT ?c WHERE { ?q ikg:category ?c }")}
    assert used <= set(scheme.notations())
    assert all({"en", "es"} <= set(c.labels) for c in scheme.concepts)
    labels = sparql(built, """PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?es WHERE {
        GRAPH <https://w3id.org/incidentkg/ontology> { ?c skos:notation "aircraft_involved" ; skos:prefLabel ?es
        FILTER (LANG(?es) = "es") } }""")
    assert labels == [("aeronaves involucradas",)]


def test_one_statement_several_claims(built):
    rdf = sparql(built, "SELECT ?c WHERE { id:rubido-toll-noventa-grados ikg:claim ?c }")
    pg = cypher(built, "MATCH (:Statement {id: 'rubido-toll-noventa-grados'})-[:CLAIM]->(c:Claim) RETURN c.id")
    assert ids(rdf) == ids(pg) == [("tanhuato-officer-killed",), ("tanhuato-toll-43",)]


def closure(pairs):
    following = {}
    for a, b in pairs:
        following.setdefault(a, set()).add(b)
    out = set()
    for start in following:
        todo, seen = list(following[start]), set()
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(following.get(node, ()))
        out |= {(start, node) for node in seen}
    return sorted(out)


@pytest.mark.parametrize("entailed, rel, asserted, chained", [
    ("replaces", "REPLACES", ["revises"], True),
    ("republishes", "REPUBLISHES", ["relays"], False),  # the case relays one wire at a time
    ("drawsOn", "DRAWS_ON", ["relays", "cites"], True),
])
def test_chains_are_closed_into_one_hop(analyst_a_graph, entailed, rel, asserted, chained):
    # the revisions and the reporting chains of tests/cases/analyst_a.yaml, closed transitively by the build, so
    # that a query reaches the first statement or every upstream document in one hop on either engine
    ensure_ladybug(analyst_a_graph)
    direct = sparql(analyst_a_graph, "SELECT ?a ?b WHERE { ?a " + "|".join(f"ikg:{p}" for p in asserted) + " ?b }")
    expected = closure(ids(direct))
    assert len(expected) > len(ids(direct)) if chained else expected == ids(direct)
    assert ids(sparql(analyst_a_graph, f"SELECT ?a ?b WHERE {{ ?a ikg:{entailed} ?b }}")) == expected
    assert ids(cypher(analyst_a_graph, f"MATCH (a)-[:{rel}]->(b) RETURN a.id, b.id")) == expected


def test_statements_side_with_what_they_assert_and_against_what_they_deny(analyst_a_graph):
    # a statement sides with each claim it asserts and with each claim contradicting one it denies (the stances
    # scheme), computed by the build so that a query reaches a claim's side in one hop on either engine
    asserted = sparql(analyst_a_graph, 'SELECT ?s ?c WHERE { ?s ikg:claim ?c ; ikg:stance "asserts" }')
    denied = sparql(analyst_a_graph, 'SELECT ?s ?c WHERE { ?s ikg:claim ?d ; ikg:stance "denies" . ?d ikg:contradicts ?c }')
    expected = sorted(set(ids(asserted)) | set(ids(denied)))
    assert ids(denied) and len(expected) > len(ids(denied))  # the case has both kinds
    assert ids(sparql(analyst_a_graph, "SELECT ?s ?c WHERE { ?s ikg:sidesWith ?c }")) == expected
    assert ids(cypher(analyst_a_graph, "MATCH (s:Statement)-[:SIDES_WITH]->(c:Claim) RETURN s.id, c.id")) == expected


def test_a_case_file_cannot_say_which_side_a_statement_takes(tmp_path):
    case = tmp_path / "case.yaml"
    text = (CASES / "analyst_a.yaml").read_text(encoding="utf-8")
    assert "stance: denies," in text
    case.write_text(text.replace("stance: denies,", "stance: denies, sidesWith: [aa-executions],", 1), encoding="utf-8")
    with pytest.raises(InputError, match="sidesWith.*unknown field"):
        build([case], tmp_path / "out")
