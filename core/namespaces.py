"""The IRIs incidentkg mints and reads, and the one rule for turning a record IRI into its case-file id."""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, XSD, Namespace, URIRef

IKG = Namespace("https://w3id.org/incidentkg/ontology#")
IKGS = Namespace("https://w3id.org/incidentkg/shapes#")
ID = Namespace("https://w3id.org/incidentkg/id/")
ONTOLOGY_IRI = URIRef("https://w3id.org/incidentkg/ontology")
SH = Namespace("http://www.w3.org/ns/shacl#")
RDF_TYPE_IRI = str(RDF.type)

PREFIXES = {
    "ikg": str(IKG),
    "id": str(ID),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
}


def local_name(iri: URIRef | str) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


def term_id(iri: URIRef | str) -> str:
    """The case-file id of a data IRI (the part after /id/), or the IRI unchanged."""
    text = str(iri)
    return text[len(str(ID)):] if text.startswith(str(ID)) else text


__all__ = ["ID", "IKG", "IKGS", "ONTOLOGY_IRI", "PREFIXES", "RDF_TYPE_IRI", "SH", "local_name", "term_id"]
