"""A built graph folder, as every reader sees it: where its parts are, opening its store read-only, its
manifest, and its records read back from the sorted N-Triples export. `ingest.build` writes this layout."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from .errors import GraphMissingError
from .namespaces import IKG, PREFIXES, RDF_TYPE_IRI
from .nt import read_literal, split_line
from .runtime import paused_gc

DEFAULT_OUT = Path("graph")
STORE_DIR = "store"
MANIFEST = "manifest.json"
EXPORTS = {"ttl": "graph.ttl", "nt": "graph.nt", "jsonld": "graph.jsonld"}
CONTEXT_FILE = "context.jsonld"


def default_graph_dir() -> Path:
    return Path(os.environ.get("INCIDENTKG_GRAPH", DEFAULT_OUT))


def graph_dir(folder: Path | None = None) -> Path:
    """`folder`, or the default (INCIDENTKG_GRAPH, else ./graph); a clear error when it holds no build."""
    folder = Path(folder or default_graph_dir())
    if not (folder / MANIFEST).exists():
        raise GraphMissingError(f"{folder}: no built graph here; run `incidentkg build` first (or pass --graph)")
    return folder


def open_store(folder: Path | None = None) -> ox.Store:
    """The built Oxigraph store, read-only; a clear error when there is no build yet."""
    return ox.Store.read_only(str(graph_dir(folder) / STORE_DIR))


_OPEN: dict[str, tuple[tuple[int, int], ox.Store]] = {}


def build_stamp(folder: Path) -> tuple[int, int]:
    """What identifies one build in a folder: its manifest's inode and modification time (a rebuild publishes a
    new folder in its place, with a new manifest)."""
    found = (folder / MANIFEST).stat()
    return found.st_ino, found.st_mtime_ns


def shared_store(folder: Path | None = None) -> ox.Store:
    """`open_store`, kept open for the process while the build in the folder stays the same: queries run one
    after another (the endpoint, a benchmark, a notebook) open the store once."""
    folder = graph_dir(folder)
    key, stamp = str(folder.resolve()), build_stamp(folder)
    found = _OPEN.get(key)
    if found is None or found[0] != stamp:
        found = _OPEN[key] = (stamp, open_store(folder))
    return found[1]


def open_graph(folder: Path | None = None):
    """The built graph as an rdflib Graph over the Oxigraph store, for rdflib's model API (the saved queries
    run on the store itself)."""
    from oxrdflib import OxigraphStore  # registers rdflib plugins; only rdflib's view needs it
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    graph = Graph(store=OxigraphStore(store=open_store(folder)), identifier=DATASET_DEFAULT_GRAPH_ID)
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    return graph


def manifest(folder: Path | None = None) -> dict:
    return json.loads((graph_dir(folder) / MANIFEST).read_text(encoding="utf-8"))


class Term(NamedTuple):
    value: str  # an IRI or a literal's lexical form
    language: str | None = None
    iri: bool = False


@paused_gc()  # a million small objects and no cycles
def read_records(ntriples: Path) -> tuple[dict[str, set[str]], dict[str, dict[str, list[Term]]]]:
    """A build's records from its sorted N-Triples export (reading it is far quicker than iterating the
    on-disk store): subject IRI -> its ikg class names, and subject IRI -> ikg property name -> values."""
    ikg, cut = str(IKG), len(str(IKG))
    rdf_type = RDF_TYPE_IRI
    types: dict[str, set[str]] = {}
    fields: dict[str, dict[str, list[Term]]] = {}
    terms: dict[str, Term] = {}  # objects repeat (categories, dates, outlets): one Term each
    with ntriples.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            s, p, o = split_line(line.rstrip("\n"))
            s = s[1:-1] if s.startswith("<") else s
            if p == rdf_type:
                if o.startswith(f"<{ikg}"):
                    types.setdefault(s, set()).add(o[cut + 1:-1])
            elif p.startswith(ikg):
                term = terms.get(o)
                if term is None:
                    if o.startswith('"'):
                        lexical, _, language = read_literal(o)
                        term = Term(lexical, language)
                    else:
                        term = Term(o[1:-1] if o.startswith("<") else o, None, o.startswith("<"))
                    terms[o] = term
                fields.setdefault(s, {}).setdefault(p[cut:], []).append(term)
    return types, fields


def build_records(folder: Path | None = None):
    """`read_records` of a build folder's N-Triples export."""
    return read_records(graph_dir(folder) / EXPORTS["nt"])


__all__ = ["CONTEXT_FILE", "DEFAULT_OUT", "EXPORTS", "MANIFEST", "STORE_DIR", "Term", "build_records",
           "build_stamp", "default_graph_dir", "graph_dir", "manifest", "open_graph", "open_store", "read_records",
           "shared_store"]
