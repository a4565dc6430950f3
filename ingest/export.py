"""`incidentkg export`: the built graph in the formats other tools read.

Turtle, N-Triples and JSON-LD are written by every build (graph.ttl, graph.nt, graph.jsonld with the published
context.jsonld); exporting them copies the build's file. GraphML and GEXF are for Gephi and other network
tools: one node per record with its label and type as attributes (plus its other literal fields), one edge per
relation labelled with the property. Both are streamed, valid against the GraphML 1.0 / GEXF 1.2draft schemas and
open in Gephi without warnings (tests/gephi checks that). GraphML ids must be XML NMTOKENs, so there record ids
are escaped by `graphml_id` (ucdp/event/218178 -> ucdp:event:218178); GEXF keeps them as they are. FtM is the
FollowTheMoney entity stream of ingest/ftm.py. The formats are named in `ingest.EXPORTERS`.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sys
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

from rdflib import XSD

from ..core.fsops import atomic_output
from ..core.graph import CONTEXT_FILE, EXPORTS, build_records
from ..core.graph import graph_dir as graph_dir_of
from ..core.namespaces import term_id
from ..ontology import load
from ..ontology.display import caption, namers
from ..ontology.projection import single_valued
from . import EXPORTERS


class Network(NamedTuple):
    """The records as a network: nodes (id, attributes) in id order, whose attributes are `label`, `type` (the
    most specific class) and the literal fields (several values joined by '; '); edges (source, target,
    property) between those nodes; the field names in use, sorted (without label and type); and the type of
    each field's column where it is not text: "long", "double" or "boolean" for a single-valued property of
    that range in the ontology (several values joined by '; ' would be no number)."""

    nodes: list[tuple[str, dict[str, str]]]
    edges: list[tuple[str, str, str]]
    fields: list[str]
    types: dict[str, str] = {}


# Column types of GraphML (attr.type) and GEXF (attribute type) for the ontology's datatypes; both formats
# name these three alike.
COLUMN_TYPES = {str(XSD.integer): "long", str(XSD.decimal): "double", str(XSD.boolean): "boolean"}


def column_types(fields: Iterable[str]) -> dict[str, str]:
    onto, single = load(), single_valued()
    found = {}
    for name in fields:
        prop = onto.properties.get(name)
        kind = COLUMN_TYPES.get(str(prop.range)) if prop is not None and name in single else None
        if kind:
            found[name] = kind
    return found


def records_network(graph_dir: Path | None = None) -> Network:
    onto = load()
    by_iri, values = build_records(graph_dir)
    types = {term_id(s): classes for s, classes in by_iri.items()}
    fields: dict[str, dict[str, list[tuple[str, str]]]] = {}  # node -> field -> (value, language)
    links: dict[str, dict[str, list[str]]] = {}  # node -> property -> target nodes
    edges: list[tuple[str, str, str]] = []
    for s, props in values.items():
        node = term_id(s)
        for prop, terms in props.items():
            for term in terms:
                if term.iri:
                    target = term_id(term.value)
                    edges.append((node, target, prop))
                    links.setdefault(node, {}).setdefault(prop, []).append(target)
                else:
                    fields.setdefault(node, {}).setdefault(prop, []).append((term.value, term.language or ""))

    name_of, short_name_of = namers(fields)

    most_specific: dict[frozenset, str] = {}
    nodes: list[tuple[str, dict[str, str]]] = []
    names: set[str] = set()
    for node, classes in sorted(types.items()):
        key = frozenset(classes)
        if key not in most_specific:
            most_specific[key] = onto.most_specific(classes)
        cls = most_specific[key]
        found = fields.get(node, {})
        attrs = {k: "; ".join(sorted({value for value, _ in v})) for k, v in sorted(found.items())}
        top = onto.top_class(cls) if cls else ""
        label = caption(top, node, found, links.get(node, {}), name_of, short_name_of)
        for reserved in ("label", "type"):  # the network's own attributes win over fields of those names
            attrs.pop(reserved, None)
        names.update(attrs)
        nodes.append((node, {"label": label, "type": cls, **attrs}))
    known = set(types)
    fields = sorted(names)
    # an edge a sub-property's edge between the same nodes entails (withinOrganization beside
    # subOrganizationOf) says nothing more, and Gephi would merge the two parallel edges into one
    implied = {(s, o, q) for s, o, p in edges for q in onto.super_properties(p)}
    # a materialised link (sidesWith beside claim) is the build's index for queries, not a fact of the network
    derived = {name for name, prop in onto.properties.items() if prop.materialised}
    edges = [e for e in edges if e[0] in known and e[1] in known and e not in implied and e[2] not in derived]
    return Network(nodes, edges, fields, column_types(fields))


# Characters XML 1.0 cannot carry at all, not even as references: written as U+FFFD.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NMTOKEN_PLAIN = re.compile(r"[A-Za-z0-9./-]+")
_ATTR_ENTITIES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


# Escaping is memoised: ids, types, categories and names recur across hundreds of thousands of elements.
@lru_cache(maxsize=1 << 18)
def _text(value: str) -> str:
    """Element content, escaped (a raw CR would be read back as LF)."""
    return escape(_NOT_XML.sub("\ufffd", value), {"\r": "&#13;"})


@lru_cache(maxsize=1 << 18)
def _attr(value: str) -> str:
    """A quoted attribute value, escaped (raw tabs and newlines in attributes are read back as spaces)."""
    return '"' + escape(_NOT_XML.sub("\ufffd", value), _ATTR_ENTITIES) + '"'


@lru_cache(maxsize=1 << 18)
def graphml_id(record_id: str) -> str:
    """A record id as a GraphML id, which must be an XML NMTOKEN: '/' becomes ':', '_' is doubled and any other
    character outside [A-Za-z0-9.-] becomes _<hex code>_. Reversible, and the usual ids stay readable
    (ucdp/event/218178 -> ucdp:event:218178)."""
    if _NMTOKEN_PLAIN.fullmatch(record_id):
        return record_id.replace("/", ":")
    return "".join(c if c.isascii() and (c.isalnum() or c in ".-") else ":" if c == "/" else "__" if c == "_"
                   else f"_{ord(c):x}_" for c in record_id)


def _write(out: Path | None, lines: Iterable[str]) -> None:
    with _target(out) as handle:
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) >= 20_000:
                handle.write("".join(batch).encode("utf-8"))
                batch.clear()
        handle.write("".join(batch).encode("utf-8"))


def _graphml_lines(net: Network) -> Iterator[str]:
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
           ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org'
           '/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    # Key ids are the attribute names, so Gephi's columns get them as ids too (not d0, d1, ...).
    keys = {name: graphml_id(name) for name in ["label", "type", *net.fields]}
    for name, key in keys.items():
        yield f'  <key id={_attr(key)} for="node" attr.name={_attr(name)} attr.type="{net.types.get(name, "string")}"/>\n'
    yield '  <key id="edgelabel" for="edge" attr.name="label" attr.type="string"/>\n'
    yield '  <graph edgedefault="directed">\n'
    for node, attrs in net.nodes:
        data = "".join(f'<data key="{keys[k]}">{_text(v)}</data>' for k, v in attrs.items())
        yield f"    <node id={_attr(graphml_id(node))}>{data}</node>\n"
    # Edge ids must be unique: Gephi keeps only the first edge of each id.
    for i, (s, o, name) in enumerate(net.edges):
        yield (f'    <edge id="e{i}" source={_attr(graphml_id(s))} target={_attr(graphml_id(o))}>'
               f'<data key="edgelabel">{_text(name)}</data></edge>\n')
    yield "  </graph>\n</graphml>\n"


def _gexf_lines(net: Network) -> Iterator[str]:
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n<gexf xmlns="http://www.gexf.net/1.2draft"'
           ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
           ' xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n'
           "  <meta><creator>incidentkg</creator></meta>\n"
           '  <graph defaultedgetype="directed" mode="static">\n    <attributes class="node" mode="static">\n')
    # The label is the node's own GEXF label; type and the fields are attributes with their names as ids.
    for name in ["type", *net.fields]:
        yield f'      <attribute id={_attr(name)} title={_attr(name)} type="{net.types.get(name, "string")}"/>\n'
    yield "    </attributes>\n    <nodes>\n"
    for node, attrs in net.nodes:
        values = "".join(f"<attvalue for={_attr(k)} value={_attr(v)}/>" for k, v in attrs.items() if k != "label")
        yield f"      <node id={_attr(node)} label={_attr(attrs['label'])}><attvalues>{values}</attvalues></node>\n"
    yield "    </nodes>\n    <edges>\n"
    for i, (s, o, name) in enumerate(net.edges):
        yield f'      <edge id="e{i}" source={_attr(s)} target={_attr(o)} label={_attr(name)}/>\n'
    yield "    </edges>\n  </graph>\n</gexf>\n"


def _target(out: Path | None):
    return atomic_output(out) if out else contextlib.nullcontext(sys.stdout.buffer)


def write_network(net: Network, fmt: str, out: Path | None = None) -> None:
    """Write a network as "graphml" or "gexf" to `out` (stdout without it)."""
    _write(out, {"graphml": _graphml_lines, "gexf": _gexf_lines}[fmt](net))


def graphml(out: Path | None, graph_dir: Path | None = None) -> None:
    write_network(records_network(graph_dir), "graphml", out)


def gexf(out: Path | None, graph_dir: Path | None = None) -> None:
    write_network(records_network(graph_dir), "gexf", out)


def rdf(fmt: str, out: Path | None, graph_dir: Path | None = None) -> None:
    """Copy the build's own Turtle, N-Triples or JSON-LD file."""
    folder = graph_dir_of(graph_dir)
    source = folder / EXPORTS[fmt]
    files = [(source, out)]
    if out and fmt == "jsonld":
        context = folder / CONTEXT_FILE
        if context.exists() and Path(out).parent.resolve() != folder.resolve():
            files.append((context, Path(out).parent / context.name))
    for path, target in files:
        with path.open("rb") as handle, _target(target) as written:
            shutil.copyfileobj(handle, written)


def ttl(out: Path | None, graph_dir: Path | None = None) -> None:
    rdf("ttl", out, graph_dir)


def nt(out: Path | None, graph_dir: Path | None = None) -> None:
    rdf("nt", out, graph_dir)


def jsonld(out: Path | None, graph_dir: Path | None = None) -> None:
    rdf("jsonld", out, graph_dir)


def export(fmt: str, out: Path | None = None, graph_dir: Path | None = None) -> None:
    """Write the build in `fmt`, one of `ingest.EXPORTERS`, to `out` (standard output without it)."""
    EXPORTERS.get(fmt)(out, graph_dir)


__all__ = [
    "Network",
    "export",
    "gexf",
    "graphml",
    "graphml_id",
    "jsonld",
    "nt",
    "rdf",
    "records_network",
    "ttl",
    "write_network",
]
