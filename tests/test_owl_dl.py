"""The ontology is OWL 2 DL: owlready2 loads it (as RDF/XML, converted by rdflib) with the SKOS vocabularies beside
it, without reparenting a term that is declared two ways, and HermiT (the jar owlready2 bundles, on Java 17)
classifies it, consistent, with no unsatisfiable class. HermiT refuses any datatype outside the OWL 2 datatype map,
which is why dates and years are the ontology's own datatypes ikg:Date and ikg:Year."""

from __future__ import annotations

import contextlib
import io

import owlready2
import pytest
from rdflib import Graph

from incidentkg.ontology import ONTOLOGY_FILE, VOCABULARY_FILE

IKG = "https://w3id.org/incidentkg/ontology#"


@pytest.fixture(scope="module")
def classified(tmp_path_factory):
    graph = Graph()
    for path in (ONTOLOGY_FILE, VOCABULARY_FILE):
        graph.parse(path, format="turtle")
    owl = tmp_path_factory.mktemp("owl") / "incidentkg.owl"
    graph.serialize(owl, format="xml")
    world = owlready2.World()
    log = io.StringIO()
    with contextlib.redirect_stderr(log):
        onto = world.get_ontology(owl.as_uri()).load()
        with onto:
            # raises (CalledProcessError / OwlReadyInconsistentOntologyError) on a datatype HermiT cannot handle,
            # on anything outside OWL 2 DL it refuses, or on an inconsistency
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=1)
    return world, log.getvalue()


def test_hermit_classifies_the_ontology(classified):
    world, log = classified
    assert "HermiT took" in log
    assert list(world.inconsistent_classes()) == []


def test_no_term_is_declared_two_ways(classified):
    # owlready2 warns "belongs to more than one entity types" when, say, ikg:name is both a datatype property
    # and (as a sub-property of rdfs:label) an annotation property: that is not OWL 2 DL
    _, log = classified
    assert "more than one entity types" not in log and "WARNING" not in log


def test_classification_keeps_the_class_tree(classified):
    world, _ = classified
    aircraft = world[IKG + "Aircraft"]
    raid = world[IKG + "Raid"]
    assert world[IKG + "Equipment"] in aircraft.ancestors()
    assert world[IKG + "Incident"] in raid.ancestors()
    assert world[IKG + "Claim"] in world[IKG + "AttributeClaim"].ancestors()
    # the roll-up property is transitive and subOrganizationOf one of its sub-properties
    within = world[IKG + "withinOrganization"]
    assert owlready2.TransitiveProperty in within.is_a
    assert within in world[IKG + "subOrganizationOf"].is_a
