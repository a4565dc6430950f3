"""The ontology parses, is OWL-RL consistent with the data, labels every term in English and Spanish, and its
SHACL shapes accept the bundled case and a minimal case while rejecting broken variants of them."""

from pathlib import Path

import owlrl
import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH

from incidentkg.ingest.build import bundled_case
from incidentkg.ingest.case import read_cases, to_ntriples
from incidentkg.core.nt import to_bytes
from incidentkg.core.namespaces import IKG
from incidentkg.ontology import ONTOLOGY_FILE, load
from incidentkg.ontology.shacl import validate

MINI = Path(__file__).parent / "cases" / "mini.yaml"
ERR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")


def graph_of(paths) -> Graph:
    return Graph().parse(data=to_bytes(to_ntriples(read_cases(paths))).decode("utf-8"), format="nt")


def test_ontology_and_shapes_parse():
    onto = load()
    assert len(onto.graph) > 300 and len(onto.shapes) > 200
    assert {"Incident", "Raid", "Ambush", "ArmedClash", "Statement", "Claim", "Quantity", "Post"} <= set(onto.classes)
    assert onto.properties["contradicts"].symmetric
    assert onto.properties["speaker"].is_object and not onto.properties["quote"].is_object


def test_every_term_has_english_and_spanish_label_and_comment():
    graph = Graph().parse(ONTOLOGY_FILE)
    terms = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        terms |= {t for t in graph.subjects(RDF.type, kind) if str(t).startswith(str(IKG))}
    assert len(terms) > 60
    for term in terms:
        for predicate in (RDFS.label, RDFS.comment):
            langs = {o.language for o in graph.objects(term, predicate) if isinstance(o, Literal)}
            assert {"en", "es"} <= langs, f"{term} lacks an en/es {predicate}"


def test_every_class_has_a_shape():
    onto = load()
    targeted = {str(c) for c in onto.shapes.objects(None, SH.targetClass)}
    missing = [name for name, c in onto.classes.items() if str(c.iri) not in targeted]
    assert missing == []


def test_every_property_has_a_shape():
    onto = load()
    paths = {str(p) for p in onto.shapes.objects(None, SH.path)}
    assert [name for name, prop in onto.properties.items() if str(prop.iri) not in paths] == []


def test_every_scheme_value_is_labelled_in_english_and_spanish():
    onto = load()
    assert {"quantity-categories", "stances", "participant-roles", "date-accuracies", "party-scopes",
            "incident-attributes"} <= set(onto.schemes)
    for scheme in onto.schemes.values():
        assert {"en", "es"} <= set(scheme.labels), scheme.name
        for concept in scheme.concepts:
            assert {"en", "es"} <= set(concept.labels), (scheme.name, concept.notation)
    assert onto.scheme_of("category").name == "quantity-categories"
    assert onto.scheme_of("participantRole").notations() == [
        "armed-group", "bystanders", "civilians", "state-force", "victims"]


def test_class_hierarchy_and_alignments():
    onto = load()
    assert onto.ancestors("ArmedForce") == ["ArmedForce", "GovernmentAgency", "Organization", "Agent"]
    assert onto.top_class("Recommendation") == "Document"
    assert set(onto.top_classes()) == {
        "Incident", "Place", "Agent", "Post", "Document", "Statement", "Claim", "Quantity", "IdentityLink",
        "Participation", "Equipment",
    }
    schema = "https://schema.org/"
    assert URIRef(schema + "Event") in set(onto.graph.objects(IKG.Incident, RDFS.subClassOf))
    prov = "http://www.w3.org/ns/prov#"
    assert URIRef(prov + "wasAttributedTo") in set(onto.graph.objects(IKG.speaker, RDFS.subPropertyOf))


@pytest.mark.parametrize("case", [MINI, bundled_case()], ids=["mini", "bundled"])
def test_owl_rl_closure_is_consistent(case):
    graph = Graph().parse(ONTOLOGY_FILE)
    graph += graph_of([case])
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    errors = [str(o) for m in graph.subjects(RDF.type, ERR) for o in graph.objects(m)]
    assert errors == []
    # The closure entails what the build materialises: symmetric contradictions and superclass types.
    pairs = list(graph.subject_objects(IKG.contradicts))
    assert pairs and all((b, a) in set(pairs) for a, b in pairs)
    assert set(graph.subjects(RDF.type, IKG.Raid)) <= set(graph.subjects(RDF.type, IKG.Incident))


def test_owl_rl_detects_an_inconsistency():
    """The consistency check above can fail: a claim contradicting itself breaks owl:IrreflexiveProperty."""
    graph = Graph().parse(ONTOLOGY_FILE)
    graph += graph_of([MINI])
    claim = URIRef("https://w3id.org/incidentkg/id/claim-fight")
    graph.add((claim, IKG.contradicts, claim))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    assert list(graph.subjects(RDF.type, ERR))


@pytest.mark.parametrize("case", [MINI, bundled_case()], ids=["mini", "bundled"])
def test_shapes_accept_valid_cases(case):
    assert validate(graph_of([case])) == []


def _without(graph: Graph, s, p) -> Graph:
    graph.remove((s, p, None))
    return graph


ID = "https://w3id.org/incidentkg/id/"


def _mutations():
    st, q = URIRef(ID + "st-chief"), URIRef(ID + "st-chief/quantity/1")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    return {
        "negative count": (lambda g: g.set((q, IKG.value, Literal("-3", datatype=URIRef(xsd + "integer")))), "value"),
        "future date": (lambda g: g.set((st, IKG.date, Literal("2999-01-01", datatype=URIRef(xsd + "date")))), "date"),
        "missing speaker": (lambda g: _without(g, st, IKG.speaker), "speaker"),
        "bad stance": (lambda g: g.set((st, IKG.stance, Literal("maybe"))), "stance"),
        "untagged quote": (lambda g: g.set((st, IKG.quote, Literal("no language"))), "quote"),
        "two speakers": (lambda g: g.add((st, IKG.speaker, URIRef(ID + "police"))), "speaker"),
        "speaker is a document": (lambda g: g.set((st, IKG.speaker, URIRef(ID + "doc-a"))), "speaker"),
        "low above value": (lambda g: g.add((q, IKG.low, Literal(50))), None),
        "bad INEGI code": (lambda g: g.set((URIRef(ID + "town-x"), IKG.inegiCode, Literal("16-86"))), "inegiCode"),
        "latitude out of range": (
            lambda g: g.set((URIRef(ID + "ranch-x"), IKG.latitude, Literal("95.0", datatype=URIRef(xsd + "decimal")))),
            "latitude",
        ),
        "statement without claim or quantity": (
            lambda g: (_without(g, st, IKG.claim), _without(g, st, IKG.quantity)),
            None,
        ),
        "document without publisher": (lambda g: _without(g, URIRef(ID + "doc-a"), IKG.publisher), "publisher"),
        "post ends before it starts": (
            lambda g: g.set((URIRef(ID + "chief-post"), IKG.endDate, Literal("2010-01-01", datatype=URIRef(xsd + "date")))),
            None,
        ),
    }


@pytest.mark.parametrize("name", list(_mutations()))
def test_shapes_reject_broken_variants(name):
    mutate, path = _mutations()[name]
    graph = graph_of([MINI])
    mutate(graph)
    violations = validate(graph)
    assert violations, f"{name} was accepted"
    if path:
        assert path in {v.path for v in violations}
