"""The large-build path: records → N-Triples strings → Oxigraph, with exports written from the store.

`build()` keeps rdflib graphs and pyshacl for small builds (a case file or two). Imported datasets bring
hundreds of thousands of triples, where an rdflib Graph, pyshacl and rdflib's serialisers take minutes; here
triples stay N-Triples strings (validated by `fastshacl`), the store is bulk-loaded from them, and the Turtle,
N-Triples and JSON-LD exports are written by Oxigraph or streamed from the store. Both paths produce the same
graph: tests build one input both ways and compare.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import RDF

from ..ontology import ID, IKG, PREFIXES
from .case import Record, to_triples
from .fastshacl import nt_term, read_literal
from .tabular import paused_gc

# Above this many records build() takes the bulk path (the bundled case has a few hundred).
BULK_RECORDS = 2_000


def ntriples(records: list[Record]) -> list[tuple[str, str, str]]:
    """The records' triples (as `to_triples` checks and yields them) as N-Triples term strings.
    Converted terms are memoised by object identity: to_triples reuses one object per record IRI, property
    and repeated literal, so most lookups hit; the cache holds each term so its id cannot be reused."""
    cache: dict[int, tuple[object, str]] = {}
    get = cache.get

    def convert(term) -> str:
        hit = cache[id(term)] = (term, nt_term(term))
        return hit[1]

    out: dict[tuple[str, str, str], None] = {}  # a graph is a set; keep first-seen order
    with paused_gc():
        for s, p, o in to_triples(records):
            hs, hp, ho = get(id(s)), get(id(p)), get(id(o))
            out[(hs[1] if hs else convert(s), hp[1] if hp else convert(p), ho[1] if ho else convert(o))] = None
        return list(out)


def ntriples_bytes(triples: Iterable[tuple[str, str, str]]) -> bytes:
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode("utf-8")


def load(store: ox.Store, triples: list[tuple[str, str, str]]) -> None:
    # lenient: every IRI was built from a checked record id or an ontology term
    store.load(ntriples_bytes(triples), format=ox.RdfFormat.N_TRIPLES, lenient=True)


def dump(store: ox.Store) -> bytes:
    """The default graph as N-Triples."""
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())


# ---------------------------------------------------------------- exports


def sorted_lines(text: bytes) -> list[bytes]:
    """The N-Triples lines sorted (as bytes: UTF-8 byte order is code point order), so builds diff cleanly
    and each subject's triples are adjacent."""
    return sorted(line for line in text.splitlines() if line)


def write_ntriples(lines: list[bytes], path: Path) -> None:
    path.write_bytes(b"\n".join(lines) + b"\n" if lines else b"")


def write_turtle(store: ox.Store, path: Path) -> None:
    store.dump(str(path), format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)


def _split(line: str) -> tuple[str, str, str]:
    """Subject, predicate IRI and object of a canonical N-Triples line (as Oxigraph writes them)."""
    cut = line.index(" ")
    subject = line[:cut]
    end = line.index("> ", cut + 1)
    return subject, line[cut + 2:end], line[end + 2:].removesuffix(" .")


def write_jsonld(lines: list[bytes], path: Path, context: dict) -> None:
    """Compact JSON-LD under `context` (the published one), streamed from the sorted N-Triples lines one
    subject at a time: node ids and references as record ids relative to @base, properties and classes by
    their context terms, literal values coerced as the context says."""
    terms = context["@context"]
    base = str(ID)
    cut = len(base)
    by_iri: dict[str, tuple[str, str | None]] = {}  # property IRI -> (term, coerced type)
    class_terms: dict[str, str] = {}
    for name, entry in terms.items():
        if isinstance(entry, dict):
            by_iri[entry["@id"]] = (name, entry.get("@type"))
        elif isinstance(entry, str) and not name.startswith("@") and name not in PREFIXES:
            class_terms[entry] = name

    def ref(term: str) -> str:
        if not term.startswith("<"):
            return term  # a blank node, _:x
        iri = term[1:-1]
        return iri[cut:] if iri.startswith(base) else iri

    rdf_type = str(RDF.type)
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"@context":' + json.dumps(terms, ensure_ascii=False) + ',"@graph":[')
        key, node, first = None, None, True
        for raw in lines:
            s, p, o = _split(raw.decode("utf-8"))
            if s != key:
                if node is not None:
                    handle.write(("" if first else ",") + _node_json(node))
                    first = False
                key, node = s, {"@id": ref(s)}
            if p == rdf_type and o.startswith("<"):
                term, value = "@type", class_terms.get(o[1:-1], o[1:-1])
            else:
                term, coerce = by_iri.get(p, (p, None))
                if o.startswith('"'):
                    lexical, datatype, language = read_literal(o)
                    if language:
                        value = {"@value": lexical, "@language": language}
                    elif coerce == datatype or (coerce is None and datatype == _XSD_STRING):
                        value = lexical
                    else:
                        value = {"@value": lexical, "@type": datatype}
                elif coerce == "@id":
                    value = ref(o)
                else:
                    value = {"@id": ref(o)}
            values = node.get(term)
            if values is None:
                node[term] = [value]
            else:
                values.append(value)
        if node is not None:
            handle.write(("" if first else ",") + _node_json(node))
        handle.write("]}")


def _node_json(node: dict) -> str:
    return json.dumps({k: v[0] if type(v) is list and len(v) == 1 else v for k, v in node.items()},
                      ensure_ascii=False, separators=(",", ":"))


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class Term(NamedTuple):
    value: str  # an IRI or a literal's lexical form
    language: str | None = None
    iri: bool = False


def read_records(ntriples: Path) -> tuple[dict[str, set[str]], dict[str, dict[str, list[Term]]]]:
    """A build's records from its sorted N-Triples export (reading it is far quicker than iterating the
    on-disk store): subject IRI -> its ikg class names, and subject IRI -> ikg property name -> values."""
    ikg, cut = str(IKG), len(str(IKG))
    rdf_type = str(RDF.type)
    types: dict[str, set[str]] = {}
    fields: dict[str, dict[str, list[Term]]] = {}
    with ntriples.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            s, p, o = _split(line.rstrip("\n"))
            s = s[1:-1] if s.startswith("<") else s
            if p == rdf_type:
                if o.startswith(f"<{ikg}"):
                    types.setdefault(s, set()).add(o[cut + 1:-1])
            elif p.startswith(ikg):
                if o.startswith('"'):
                    lexical, _, language = read_literal(o)
                    term = Term(lexical, language)
                else:
                    term = Term(o[1:-1] if o.startswith("<") else o, None, o.startswith("<"))
                fields.setdefault(s, {}).setdefault(p[cut:], []).append(term)
    return types, fields


class Background(threading.Thread):
    """Run `work(*args, **kwargs)` in a thread; `result()` waits and re-raises its error. Worth it for
    Oxigraph calls, which release the GIL while Python keeps working."""

    def __init__(self, work, *args, **kwargs) -> None:
        super().__init__(daemon=True)
        self._call = (work, args, kwargs)
        self._error: BaseException | None = None
        self._value = None
        self.start()

    def run(self) -> None:
        work, args, kwargs = self._call
        try:
            self._value = work(*args, **kwargs)
        except BaseException as error:  # handed to the caller by result()
            self._error = error

    def result(self):
        self.join()
        if self._error is not None:
            raise self._error
        return self._value


def write_exports(store: ox.Store, ntriples_text: bytes, folder: Path, files: dict[str, str], context: dict,
                  context_file: str) -> int:
    """Write the build's N-Triples, Turtle and JSON-LD exports (file names as in build.EXPORTS) and the
    published JSON-LD context; returns the number of triples in the default graph."""
    turtle = Background(write_turtle, store, folder / files["ttl"])
    lines = sorted_lines(ntriples_text)
    write_ntriples(lines, folder / files["nt"])
    (folder / context_file).write_text(json.dumps(context, indent=2, ensure_ascii=False), encoding="utf-8")
    write_jsonld(lines, folder / files["jsonld"], context)
    turtle.result()
    return len(lines)


__all__ = ["BULK_RECORDS", "Background", "Term", "dump", "load", "ntriples", "ntriples_bytes", "read_records",
           "sorted_lines",
           "write_exports", "write_jsonld", "write_ntriples", "write_turtle"]
