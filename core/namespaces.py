"""The IRIs incidentkg mints and reads, and the one rule for turning a record IRI into its case-file id."""

from __future__ import annotations


class Namespace(str):
    """An IRI prefix whose terms (`IKG.name`, `ID["x"]`) are rdflib URIRefs, as with rdflib's Namespace; rdflib
    itself is imported only when a term is first made, so that commands which never touch rdflib (running a
    saved query) do not pay for loading it."""

    __slots__ = ()

    def __getitem__(self, name):
        if not isinstance(name, str):
            return str.__getitem__(self, name)
        from rdflib import URIRef

        return URIRef(str(self) + name)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]

    def term(self, name: str):
        return self[name]

    @property
    def title(self):  # str.title would shadow the term, as rdflib's Namespace also knows
        return self["title"]


IKG = Namespace("https://w3id.org/incidentkg/ontology#")
IKGS = Namespace("https://w3id.org/incidentkg/shapes#")
ID = Namespace("https://w3id.org/incidentkg/id/")
ONTOLOGY_IRI = "https://w3id.org/incidentkg/ontology"
SH = Namespace("http://www.w3.org/ns/shacl#")
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE_IRI = RDF_NS + "type"

PREFIXES = {
    "ikg": str(IKG),
    "id": str(ID),
    "rdf": RDF_NS,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
}


def local_name(iri) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


def term_id(iri) -> str:
    """The case-file id of a data IRI (the part after /id/), or the IRI unchanged."""
    text = str(iri)
    return text[len(str(ID)):] if text.startswith(str(ID)) else text


__all__ = ["ID", "IKG", "IKGS", "ONTOLOGY_IRI", "PREFIXES", "RDF_TYPE_IRI", "SH", "local_name", "term_id"]
