"""The property-graph projection of the ontology, shared by Neo4j and the embedded Ladybug engine.

Everything here is derived from `incidentkg.ontology.load()` (OWL for classes and properties, SHACL for which
properties are single-valued); nothing is kept by hand. The rules, also printed by `incidentkg ontology mapping`:

Nodes
  Every record is one node. Its *table label* is its top-level class (Incident, Agent, Place, Post, Document,
  Statement, Claim, Quantity, IdentityLink) and its `kind` property is its most specific class, so one saved
  Cypher query runs unchanged on Ladybug (one label per node) and Neo4j. Neo4j nodes also carry the labels of
  their specific class and every superclass (a Raid is :Incident:Raid, an ArmedForce :Agent:Organization:
  GovernmentAgency:ArmedForce). Every node has `id` (the record id) and `iri`.
Relationships
  Every object property is a relationship type, the UPPER_SNAKE form of its local name (reportedIn ->
  REPORTED_IN), from the subject's node to the object's node, without properties. Statements and quantities
  stay nodes, so each source's version of a fact is its own node and is never merged into one relationship.
  (Ladybug names tables case-insensitively, so its tables for CLAIM, INCIDENT, PLACE and QUANTITY are called
  CLAIM_REL and so on; queries keep saying CLAIM.)
Node properties
  Each datatype property P gives the column P with the value, typed by its rdfs:range (xsd:integer INT64,
  xsd:decimal DOUBLE, xsd:date DATE, xsd:boolean BOOL, anything else STRING). Text properties (no range or
  rdf:langString) keep their languages:
    P        the preferred value: the lexically smallest English value, else the smallest untagged one, else
             the smallest in any other language - the rule every saved query uses for names and texts;
    P_lang   the language tag of P (null when untagged);
    P_en ... one column per language the ontology labels itself in: the smallest value in that language.
  Properties that no SHACL shape limits to one value also give P_all: every value (as text), sorted.
Inference
  The projected graph is the built (inferred) store: superclass types become labels, the symmetric
  `contradicts` appears in both directions and `partOf` as its transitive closure, as SPARQL sees them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Iterable

from rdflib import RDF, RDFS, XSD, Literal, URIRef

from ..core.graph import EXPORTS, Term, graph_dir
from ..core.graphmodel import LADYBUG_SUFFIX, Column, GraphModel, NodeLabel, RelType, rel_type_name
from ..core.nt import read_literal
from ..core.namespaces import ID, SH, local_name
from . import Ontology, load
from .display import in_language, preferred_value

TEXT_RANGES = (None, RDF.langString)
COLUMN_TYPES = {XSD.integer: "INT64", XSD.decimal: "DOUBLE", XSD.date: "DATE", XSD.boolean: "BOOL"}
# ---------------------------------------------------------------- the model


@cache
def single_valued() -> frozenset[str]:
    """Properties some SHACL property shape limits to at most one value (sh:maxCount 1) and none allows more."""
    return frozenset(_single_valued(load()))


def _single_valued(onto: Ontology) -> set[str]:
    limits: dict[str, list[int]] = defaultdict(list)
    for shape in onto.shapes.subjects(SH.path, None):
        path = onto.shapes.value(shape, SH.path)
        count = onto.shapes.value(shape, SH.maxCount)
        if isinstance(path, URIRef) and count is not None and int(count) > 0:
            limits[local_name(path)].append(int(count))
    return {name for name, counts in limits.items() if max(counts) == 1}


def _languages(onto: Ontology) -> tuple[str, ...]:
    """The languages the ontology labels itself in (en, es): each text property gets one column per language."""
    tags = {o.language for o in onto.graph.objects(None, RDFS.label) if isinstance(o, Literal) and o.language}
    return tuple(sorted(tags, key=lambda t: (t != "en", t)))


def _columns(onto: Ontology, top: str, languages: tuple[str, ...], single: set[str]) -> tuple[Column, ...]:
    columns = [
        Column("id", "STRING", role="id", description="record id (primary key)"),
        Column("iri", "STRING", role="iri", description="the record's IRI"),
        Column("kind", "STRING", role="kind", description="most specific class"),
    ]
    for prop in onto.properties.values():
        if prop.is_object or (prop.domain and onto.top_class(prop.domain) != top):
            continue
        text = prop.range in TEXT_RANGES
        ctype = "STRING" if text else COLUMN_TYPES.get(prop.range, "STRING")
        if text:
            columns.append(Column(prop.name, ctype, prop.name, "value", "en, else untagged, else any (smallest)"))
            columns.append(Column(f"{prop.name}_lang", "STRING", prop.name, "lang", f"language of {prop.name}"))
            for lang in languages:
                columns.append(Column(f"{prop.name}_{lang}", "STRING", prop.name, f"lang:{lang}", f"@{lang} value"))
        else:
            note = "smallest value" if prop.name not in single else ""
            columns.append(Column(prop.name, ctype, prop.name, "value", note))
        if prop.name not in single:
            columns.append(Column(f"{prop.name}_all", "STRING[]", prop.name, "all", "every value, sorted"))
    return tuple(columns)


@cache
def model() -> GraphModel:
    onto = load()
    single = _single_valued(onto)
    languages = _languages(onto)
    tops = onto.top_classes()
    top_of = {name: onto.top_class(name) for name in onto.classes}
    ancestry = {name: tuple(reversed(onto.ancestors(name))) for name in onto.classes}
    labels = {}
    for top in tops:
        members = [top] + sorted(c for c in onto.classes if top_of[c] == top and c != top)
        labels[top] = NodeLabel(top, tuple(members), _columns(onto, top, languages, single))
    relationships = {}
    for prop in onto.properties.values():
        if not prop.is_object:
            continue
        sources = [top_of[prop.domain]] if prop.domain else tops
        range_name = prop.range_name
        targets = [top_of[range_name]] if range_name in onto.classes else tops
        name = rel_type_name(prop.name)
        table = name + LADYBUG_SUFFIX if name.lower() in {t.lower() for t in tops} else name
        relationships[name] = RelType(name, prop.name, tuple((s, t) for s in sources for t in targets), table)
    return GraphModel(labels, relationships, languages, top_of, ancestry)


# ---------------------------------------------------------------- values


def _python(literal, datatype: URIRef | None) -> Any:
    """An RDF literal (pyoxigraph or rdflib) as the Python value for its column type."""
    text = literal.value if hasattr(literal, "value") else str(literal)
    kind = COLUMN_TYPES.get(datatype, "STRING")
    try:
        if kind == "INT64":
            return int(text)
        if kind == "DOUBLE":
            return float(text)
        if kind == "DATE":
            return dt.date.fromisoformat(text[:10])
        if kind == "BOOL":
            return text.strip().lower() in ("true", "1")
    except ValueError:
        return text
    return text


def _language(literal) -> str:
    lang = getattr(literal, "language", None)
    return (lang or "").lower()


_templates: dict[str, tuple[GraphModel, dict[str, None], frozenset[str]]] = {}


def _row_template(cls: str) -> tuple[dict[str, None], frozenset[str]]:
    """A class's empty row (every column of its label, None) and its column names: made once per class and
    model (a reloaded ontology makes a new model)."""
    graph = model()
    found = _templates.get(cls)
    if found is None or found[0] is not graph:
        label = graph.labels[graph.label_of(cls)]
        found = _templates[cls] = (graph, {c.name: None for c in label.columns},
                                   frozenset(c.name for c in label.columns))
    return found[1], found[2]


def node_properties(cls: str, values: dict[str, list], record_id: str, iri: str) -> dict[str, Any]:
    """The full property row of one node: every column of its label, None where the record has no value.
    `values` maps datatype property names to their literals."""
    graph = model()
    onto = load()
    empty, names = _row_template(cls)
    row: dict[str, Any] = dict(empty)
    row.update(id=record_id, iri=iri, kind=cls)
    for prop_name, literals in values.items():
        prop = onto.properties[prop_name]
        if prop_name not in names:
            continue  # not a property of this label (only possible with data that skipped validation)
        if prop.range in TEXT_RANGES:
            tagged = sorted((str(getattr(lit, "value", lit)), _language(lit)) for lit in literals)
            text, lang = preferred_value(tagged)
            row[prop_name] = text
            row[f"{prop_name}_lang"] = lang or None
            for code in graph.languages:
                row[f"{prop_name}_{code}"] = in_language(tagged, code)
            all_values = sorted(t for t, _ in tagged)
        else:
            typed = sorted(_python(lit, prop.range) for lit in literals)
            row[prop_name] = typed[0]
            all_values = sorted(str(getattr(lit, "value", lit)) for lit in literals)
        if f"{prop_name}_all" in row:
            row[f"{prop_name}_all"] = all_values
    return row


# ---------------------------------------------------------------- conversion


@dataclass
class NodeBatch:
    label: str  # table label (top-level class)
    labels: tuple[str, ...]  # every Neo4j label: the table label first, the specific class last
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RelBatch:
    type: str
    source: str  # label of the start nodes
    target: str  # label of the end nodes
    rows: list[tuple[str, str]] = field(default_factory=list)  # (start id, end id)


@dataclass
class PropertyGraph:
    nodes: list[NodeBatch]
    relationships: list[RelBatch]

    @property
    def node_count(self) -> int:
        return sum(len(b.rows) for b in self.nodes)

    @property
    def relationship_count(self) -> int:
        return sum(len(b.rows) for b in self.relationships)


def from_triples(triples: Iterable[tuple]) -> PropertyGraph:
    """Project (subject, predicate, object) triples - pyoxigraph or rdflib terms - of a built graph."""
    def plain():
        for s, p, o in triples:
            target = _iri(o)
            yield _iri(s), _iri(p), target, o if target is None else None
    return _project(plain())


def from_ntriples(path) -> PropertyGraph:
    """Project a built graph's N-Triples export (what `from_store` projects, read as strings: several times
    quicker than one Python object per term of the store)."""
    terms: dict[str, Term] = {}  # objects repeat (categories, dates, outlets): one Term each

    def plain():
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                # canonical lines: subject and predicate hold no space, the object runs to " .\n"
                parts = line.split(" ", 2)
                if len(parts) < 3:
                    continue  # a blank line
                s, p, o = parts
                o = o[:-3] if o.endswith(" .\n") else o.rstrip("\n").removesuffix(" .")
                p = p[1:-1]
                subject = s[1:-1] if s.startswith("<") else None
                if o.startswith("<"):
                    yield subject, p, o[1:-1], None
                elif o.startswith('"'):
                    term = terms.get(o)
                    if term is None:
                        lexical, _, language = read_literal(o)
                        term = terms[o] = Term(lexical, language)
                    yield subject, p, None, term
    return _project(plain())


def _project(triples: Iterable[tuple[str | None, str | None, str | None, Any]]) -> PropertyGraph:
    """Project (subject IRI, predicate IRI, object IRI or None, literal or None) rows, None for a blank node:
    the one projection both readers share."""
    onto = load()
    graph = model()
    by_iri = {str(c.iri): c.name for c in onto.classes.values()}
    props = {str(p.iri): p for p in onto.properties.values()}
    id_ns, rdf_type = str(ID), str(RDF.type)
    types: dict[str, set[str]] = defaultdict(set)
    values: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    links: list[tuple[str, str, str]] = []
    for subject, predicate, target, literal in triples:
        if subject is None or not subject.startswith(id_ns):
            continue
        if predicate == rdf_type:
            cls = by_iri.get(target or "")
            if cls:
                types[subject].add(cls)
            continue
        prop = props.get(predicate or "")
        if prop is None:
            continue
        if prop.is_object:
            if target is not None and target.startswith(id_ns):
                links.append((subject, prop.name, target))
        elif literal is not None:
            values[subject][prop.name].append(literal)

    kinds: dict[str, str] = {}
    most_specific: dict[frozenset, str] = {}  # a few distinct sets of classes among many nodes
    for iri, classes in types.items():
        key = frozenset(classes)
        cls = most_specific.get(key)
        if cls is None:
            cls = most_specific[key] = onto.most_specific(classes)
        kinds[iri] = cls
    del types
    node_batches: dict[str, NodeBatch] = {}
    cut = len(id_ns)
    for iri in sorted(kinds):
        cls = kinds[iri]
        batch = node_batches.get(cls)
        if batch is None:
            batch = node_batches[cls] = NodeBatch(graph.label_of(cls), graph.neo4j_labels(cls))
        batch.rows.append(node_properties(cls, values.pop(iri, {}), iri[cut:], iri))
    del values

    rel_batches: dict[tuple[str, str, str], RelBatch] = {}
    rels: dict[str, RelType] = {}
    labels = {cls: graph.label_of(cls) for cls in set(kinds.values())}
    for subject, prop_name, target in sorted(set(links)):
        source_kind, target_kind = kinds.get(subject), kinds.get(target)
        if source_kind is None or target_kind is None:
            continue  # an end that is no typed record has no node
        rel = rels.get(prop_name)
        if rel is None:
            rel = rels[prop_name] = graph.rel_for(prop_name)
        key = (rel.name, labels[source_kind], labels[target_kind])
        batch = rel_batches.get(key)
        if batch is None:
            if key[1:] not in rel.pairs:
                continue  # outside the ontology's domain/range (only possible with data that skipped validation)
            batch = rel_batches[key] = RelBatch(*key)
        batch.rows.append((subject[cut:], target[cut:]))
    return PropertyGraph(list(node_batches.values()), list(rel_batches.values()))


def _iri(term) -> str | None:
    if isinstance(term, URIRef):
        return str(term)
    if type(term).__name__ == "NamedNode":
        return term.value
    return None


def from_store(store) -> PropertyGraph:
    """Project the default graph of a built Oxigraph store (the ontology itself lives in a named graph)."""
    import pyoxigraph as ox

    quads = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    return from_triples((q.subject, q.predicate, q.object) for q in quads)


def from_build(folder=None) -> PropertyGraph:
    """Project a build: its N-Triples export holds exactly its store's default graph."""
    return from_ntriples(graph_dir(folder) / EXPORTS["nt"])


# ---------------------------------------------------------------- documentation


def mapping_rows() -> list[tuple[str, str, str, str]]:
    """(kind, graph name, source, notes) rows describing the generated mapping, for `ontology mapping`."""
    graph = model()
    onto = load()
    rows = []
    for label in graph.labels.values():
        subclasses = ", ".join(
            f"{c} (:{':'.join(graph.neo4j_labels(c))})" for c in label.classes[1:]
        ) or "-"
        notes = f"kind values: {label.name}; subclasses: {subclasses}"
        rows.append(("node label", label.name, f"ikg:{label.name}", notes))
        for column in label.columns:
            source = f"ikg:{column.prop}" if column.prop else "-"
            notes = column.type + (f" - {column.description}" if column.description else "")
            rows.append(("property", f"{label.name}.{column.name}", source, notes))
    for rel in graph.relationships.values():
        pairs = ", ".join(f"{s}->{t}" for s, t in rel.pairs)
        notes = pairs
        prop = onto.properties[rel.prop]
        if prop.symmetric:
            notes = "symmetric: stored both ways; " + notes
        if prop.transitive:
            notes = "transitive: closure stored; " + notes
        if rel.table != rel.name:
            notes += f"; Ladybug table {rel.table}"
        rows.append(("relationship", rel.name, f"ikg:{rel.prop}", notes))
    return rows


__all__ = [
    "Column",
    "GraphModel",
    "NodeBatch",
    "NodeLabel",
    "PropertyGraph",
    "RelBatch",
    "RelType",
    "from_build",
    "from_ntriples",
    "from_store",
    "from_triples",
    "mapping_rows",
    "model",
    "node_properties",
    "rel_type_name",
    "single_valued",
]
