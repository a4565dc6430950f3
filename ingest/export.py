"""`incidentkg export`: the built graph in the formats other tools read.

Turtle, N-Triples and JSON-LD are written by every build (graph.ttl, graph.nt, graph.jsonld with the published
context.jsonld); exporting them copies the build's file. GraphML and GEXF are for Gephi and other network
tools: one node per record with its label and type as attributes (plus its other literal fields), one edge per
relation labelled with the property. FtM is the FollowTheMoney entity stream of ingest/ftm.py.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from pathlib import Path

import networkx as nx

from ..ontology import load
from .build import EXPORTS, default_graph_dir, open_store, term_id
from .bulk import read_records
from .errors import QueryError

FORMATS = ("ttl", "nt", "jsonld", "graphml", "gexf", "ftm")
LABEL_FIELDS = ("name", "title", "quote", "text", "role", "category")  # first found labels the node


def network(graph_dir: Path | None = None) -> nx.MultiDiGraph:
    """The records as a network: nodes carry `label`, `type` (most specific class) and literal fields
    (several values joined by '; '); edges carry `label` (the property) between records."""
    onto = load()
    folder = Path(graph_dir or default_graph_dir())
    open_store(folder)  # a clear error when nothing is built
    by_iri, values = read_records(folder / EXPORTS["nt"])
    types = {term_id(s): classes for s, classes in by_iri.items()}
    fields: dict[str, dict[str, list[tuple[str, str]]]] = {}  # node -> field -> (value, language)
    edges: list[tuple[str, str, str]] = []
    for s, props in values.items():
        node = term_id(s)
        for name, terms in props.items():
            for term in terms:
                if term.iri:
                    edges.append((node, term_id(term.value), name))
                else:
                    fields.setdefault(node, {}).setdefault(name, []).append((term.value, term.language or ""))
    graph = nx.MultiDiGraph()
    descendants = {c: set(onto.descendants(c)) - {c} for c in onto.classes}
    most_specific: dict[frozenset, str] = {}
    for node, classes in sorted(types.items()):
        # the most specific class: one none of whose subclasses is also among the node's types
        key = frozenset(classes)
        if key not in most_specific:
            most_specific[key] = min((c for c in classes if c in onto.classes and not descendants[c] & classes),
                                     default="")
        specific = [most_specific[key]] if most_specific[key] else []
        found = fields.get(node, {})
        attrs = {k: "; ".join(sorted({value for value, _ in v})) for k, v in sorted(found.items())}
        label = next((preferred(found[k]) for k in LABEL_FIELDS if k in found), node)
        if specific and specific[0] == "Quantity":
            label = f"{attrs.get('category', 'quantity')}: {attrs.get('value') or attrs.get('high', '')}"
        attrs.pop("label", None)
        graph.add_node(node, **attrs, label=label, type=specific[0] if specific else "")
    for s, o, name in edges:
        if s in graph and o in graph:
            graph.add_edge(s, o, key=name, label=name)
    return graph


def preferred(values: list[tuple[str, str]]) -> str:
    """English, else untagged, else any language; the smallest within that rank (as the saved queries do)."""
    return min(values, key=lambda v: ({"en": 0, "": 1}.get(v[1], 2), v[0]))[0]


def _target(out: Path | None):
    return open(out, "wb") if out else contextlib.nullcontext(sys.stdout.buffer)


def graphml(out: Path | None, graph_dir: Path | None = None) -> None:
    with _target(out) as handle:
        nx.write_graphml(network(graph_dir), handle, encoding="utf-8")


def gexf(out: Path | None, graph_dir: Path | None = None) -> None:
    with _target(out) as handle:
        nx.write_gexf(network(graph_dir), handle, encoding="utf-8", version="1.2draft")


def ftm(out: Path | None, graph_dir: Path | None = None) -> None:
    from . import ftm as ftm_module

    if out:
        ftm_module.write(out, graph_dir)
    else:
        import json

        for entity in ftm_module.export_entities(graph_dir):
            sys.stdout.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")


def rdf(fmt: str, out: Path | None, graph_dir: Path | None = None) -> None:
    """Copy the build's own Turtle, N-Triples or JSON-LD file."""
    folder = Path(graph_dir or default_graph_dir())
    open_store(folder)  # a clear error when nothing is built
    source = folder / EXPORTS[fmt]
    if out:
        shutil.copyfile(source, out)
        if fmt == "jsonld":
            context = folder / "context.jsonld"
            if context.exists() and Path(out).parent.resolve() != folder.resolve():
                shutil.copyfile(context, Path(out).parent / context.name)
    else:
        with source.open("rb") as handle:
            shutil.copyfileobj(handle, sys.stdout.buffer)


def export(fmt: str, out: Path | None = None, graph_dir: Path | None = None) -> None:
    if fmt not in FORMATS:
        raise QueryError(f"unknown export format '{fmt}' (one of {', '.join(FORMATS)})")
    if fmt in EXPORTS:
        rdf(fmt, out, graph_dir)
    else:
        {"graphml": graphml, "gexf": gexf, "ftm": ftm}[fmt](out, graph_dir)


__all__ = ["FORMATS", "export", "ftm", "gexf", "graphml", "network", "rdf"]
