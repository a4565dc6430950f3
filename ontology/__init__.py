"""The incidentkg ontology as data.

`load()` reads the OWL and SHACL Turtle files beside this module once and exposes a small model of them
(classes, properties, ranges, case sections) that every projection derives from: the case reader, the RDF
build, the property graph and the visualisation all ask this module instead of keeping their own mapping.
The rules that follow from it live beside it, each once: `shacl.validate()` (the shapes, checked by pyshacl or
compiled to Python), `rules` (what the build entails, the JSON-LD context), `display` (preferred text, names
and captions) and `projection` (the property graph).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from ..core.namespaces import IKG, IKGS, SH, local_name

HERE = Path(__file__).resolve().parent
ONTOLOGY_FILE = HERE / "incidentkg.ttl"
SHAPES_FILE = HERE / "shapes.ttl"
VOCABULARY_FILE = HERE / "vocabularies.ttl"
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")


@dataclass(frozen=True)
class Term:
    iri: URIRef
    name: str
    labels: dict[str, str]
    comments: dict[str, str]

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or next(iter(self.labels.values()), self.name)


@dataclass(frozen=True)
class ClassInfo(Term):
    parents: tuple[str, ...] = ()  # direct ikg superclasses
    section: str | None = None  # YAML case section, on top-level classes
    inline: bool = False


@dataclass(frozen=True)
class PropertyInfo(Term):
    kind: str = "datatype"  # "object" or "datatype"
    range: URIRef | None = None  # a class IRI for object properties, a datatype IRI (or None = free text) else
    domain: str | None = None
    symmetric: bool = False
    transitive: bool = False
    materialised: bool = False  # computed by the build (ikg:materialised), never written in case files

    @property
    def is_object(self) -> bool:
        return self.kind == "object"

    @cached_property
    def range_name(self) -> str | None:
        return local_name(self.range) if self.range is not None else None

    @cached_property
    def value_kind(self) -> str:
        """How a datatype property's values are written: 'lang' (language-tagged text only), 'text' (plain or
        tagged text) or 'typed' (a literal of the range datatype)."""
        if self.range == RDF.langString:
            return "lang"
        return "text" if self.range is None else "typed"


def _texts(graph: Graph, subject: URIRef, predicate: URIRef) -> dict[str, str]:
    return {(o.language or ""): str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


@dataclass(frozen=True)
class Concept:
    iri: URIRef
    notation: str  # the value written in case files and stored in the graph
    labels: dict[str, str]
    definitions: dict[str, str]


@dataclass(frozen=True)
class Scheme:
    """A SKOS concept scheme of vocabularies.ttl: the allowed values of the properties whose shapes name it."""

    iri: URIRef
    name: str
    labels: dict[str, str]
    concepts: tuple[Concept, ...]  # sorted by notation

    def notations(self) -> list[str]:
        return [c.notation for c in self.concepts]


@dataclass
class Ontology:
    graph: Graph
    shapes: Graph
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    properties: dict[str, PropertyInfo] = field(default_factory=dict)
    vocabularies: Graph = field(default_factory=Graph)
    schemes: dict[str, Scheme] = field(default_factory=dict)

    _ancestors: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _supers: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def ancestors(self, name: str) -> list[str]:
        """The class itself, then its ikg superclasses, nearest first (memoised: importers ask per value)."""
        known = self._ancestors.get(name)
        if known is None:
            known, todo = [], [name]
            while todo:
                current = todo.pop(0)
                if current not in known:
                    known.append(current)
                    todo.extend(self.classes[current].parents)
            self._ancestors[name] = known
        return list(known)

    def top_class(self, name: str) -> str:
        """The root of `name`'s ikg class tree (Incident, Place, Agent, Statement, ...)."""
        return self.ancestors(name)[-1]

    def top_classes(self) -> list[str]:
        return [c.name for c in self.classes.values() if not c.parents]

    def most_specific(self, classes) -> str:
        """The most specific of a record's classes: the deepest ikg class among them, ties by name (the
        smallest), so the choice is stable. Unknown names are ignored; '' when none is known."""
        known = [c for c in classes if c in self.classes]
        if not known:
            return ""
        return min(known, key=lambda c: (-len(self.ancestors(c)), c))

    def descendants(self, name: str) -> list[str]:
        return [c for c in self.classes if name in self.ancestors(c)]

    def is_a(self, name: str, ancestor: str) -> bool:
        if name not in self._ancestors:
            self.ancestors(name)
        return ancestor in self._ancestors[name]

    def section_class(self, section: str) -> ClassInfo | None:
        return next((c for c in self.classes.values() if c.section == section), None)

    def sections(self) -> list[str]:
        return [c.section for c in self.classes.values() if c.section]

    def super_properties(self, prop: str) -> list[str]:
        """The ikg properties `prop` is declared a sub-property of (subOrganizationOf: withinOrganization)."""
        found = self._supers.get(prop)
        if found is None:
            if prop not in self.properties:
                return []
            iri = self.properties[prop].iri
            ikg = {p.iri: p.name for p in self.properties.values()}
            found = self._supers[prop] = sorted(ikg[q] for q in self.graph.objects(iri, RDFS.subPropertyOf) if q in ikg)
        return found

    def scheme_of(self, prop: str) -> Scheme | None:
        """The concept scheme a property's values come from (named by `ikgs:inScheme` in its shapes)."""
        path = self.properties[prop].iri if prop in self.properties else None
        for shape in self.shapes.subjects(SH.path, path) if path is not None else ():
            scheme = self.shapes.value(shape, IKGS.inScheme)
            if scheme is not None:
                return self.schemes.get(local_name(scheme))
        return None


@cache
def load() -> Ontology:
    graph = Graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    shapes = Graph()
    shapes.parse(SHAPES_FILE, format="turtle")
    vocabularies = Graph()
    vocabularies.parse(VOCABULARY_FILE, format="turtle")
    onto = Ontology(graph=graph, shapes=shapes, vocabularies=vocabularies)
    for scheme in sorted(set(vocabularies.subjects(RDF.type, SKOS.ConceptScheme))):
        concepts = sorted((Concept(c, str(vocabularies.value(c, SKOS.notation)), _texts(vocabularies, c, SKOS.prefLabel),
                                   _texts(vocabularies, c, SKOS.definition))
                           for c in vocabularies.subjects(SKOS.inScheme, scheme)), key=lambda c: c.notation)
        onto.schemes[local_name(scheme)] = Scheme(scheme, local_name(scheme), _texts(vocabularies, scheme, SKOS.prefLabel),
                                                  tuple(concepts))

    for cls in sorted(set(graph.subjects(RDF.type, OWL.Class))):
        if not str(cls).startswith(str(IKG)):
            continue
        parents = tuple(
            local_name(p) for p in sorted(graph.objects(cls, RDFS.subClassOf)) if str(p).startswith(str(IKG))
        )
        section = graph.value(cls, IKG.caseSection)
        inline = graph.value(cls, IKG.inline)
        onto.classes[local_name(cls)] = ClassInfo(
            iri=cls,
            name=local_name(cls),
            labels=_texts(graph, cls, RDFS.label),
            comments=_texts(graph, cls, RDFS.comment),
            parents=parents,
            section=str(section) if section is not None else None,
            inline=bool(inline is not None and inline.toPython()),
        )

    for kind, owl_type in (("object", OWL.ObjectProperty), ("datatype", OWL.DatatypeProperty)):
        for prop in sorted(set(graph.subjects(RDF.type, owl_type))):
            if not str(prop).startswith(str(IKG)):
                continue  # a term of an aligned vocabulary, declared only to keep the ontology OWL 2 DL
            types = set(graph.objects(prop, RDF.type))
            domain = graph.value(prop, RDFS.domain)
            range_ = graph.value(prop, RDFS.range)
            # an ikg datatype (kept OWL 2 DL) stands for the XML Schema type its values are written with
            range_ = graph.value(range_, IKG.literalDatatype) or range_ if range_ is not None else None
            onto.properties[local_name(prop)] = PropertyInfo(
                iri=prop,
                name=local_name(prop),
                labels=_texts(graph, prop, RDFS.label),
                comments=_texts(graph, prop, RDFS.comment),
                kind=kind,
                range=range_,
                domain=local_name(domain) if domain is not None else None,
                symmetric=OWL.SymmetricProperty in types,
                transitive=OWL.TransitiveProperty in types,
                materialised=bool(graph.value(prop, IKG.materialised)),
            )
    return onto


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str | None = None



def shapes_for_today() -> tuple[Graph, frozenset]:
    """The shapes as validators run them today, and the shapes whose date bound is today (see _shapes_for)."""
    import datetime as dt

    return _shapes_for(dt.date.today().isoformat())


@cache
def _shapes_for(today: str) -> tuple[Graph, frozenset]:
    """The shapes with each `ikgs:notInFuture` (a SPARQL component, portable to any SHACL engine) replaced by
    the equivalent core `sh:maxInclusive today`, which validators check far faster than a SPARQL query, and each
    `ikgs:inScheme S` by the core `sh:in` of S's notations (so both validators name the allowed values)."""
    onto = load()
    shapes = Graph()
    shapes += onto.shapes
    for shape, scheme in list(shapes.subject_objects(IKGS.inScheme)):
        found = onto.schemes.get(local_name(scheme))
        if found is None:
            raise ValueError(f"{SHAPES_FILE.name}: shape uses ikgs:inScheme {scheme}, no concept scheme of "
                             f"{VOCABULARY_FILE.name}")
        shapes.remove((shape, IKGS.inScheme, scheme))
        items = BNode()
        Collection(shapes, items, [Literal(n) for n in found.notations()])
        shapes.add((shape, SH["in"], items))
    dated = frozenset(shapes.subjects(IKGS.notInFuture, Literal(True)))
    for shape in dated:
        shapes.remove((shape, IKGS.notInFuture, None))
        shapes.add((shape, SH.maxInclusive, Literal(today, datatype=XSD.date)))
    return shapes, dated


__all__ = [
    "ClassInfo",
    "Concept",
    "Scheme",
    "VOCABULARY_FILE",
    "ONTOLOGY_FILE",
    "Ontology",
    "PropertyInfo",
    "SHAPES_FILE",
    "Violation",
    "load",
    "shapes_for_today",
]
