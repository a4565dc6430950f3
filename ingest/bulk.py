"""A build's RDF files, written from its sorted triples, and the loader that fills its store.

The build keeps triples as tuples of N-Triples strings (nt.py). Sorted, they are the N-Triples export as they
stand; Oxigraph re-serialises that file as Turtle beside the JSON-LD writer (in a thread, or for a large build
in a child process, as its loop holds the GIL), and the compact JSON-LD is streamed one subject at a time under
the published context. `Loader` fills the on-disk store from the same strings in the background.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from ..core.namespaces import ID, PREFIXES
from ..core.nt import RDF_TYPE, XSD_STRING, lines, read_literal, to_bytes
from ..core.runtime import Background


# ---------------------------------------------------------------- exports


# Oxigraph's parse → serialize loop holds the GIL, so beside the JSON-LD writer it would only take turns with
# it; above this many triples the Turtle is written by a child process from the N-Triples file instead.
TURTLE_PROCESS_TRIPLES = 200_000


def write_turtle(ntriples: Path, path: Path) -> None:
    ox.serialize(ox.parse(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES), str(path),
                 format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


class _TurtleProcess:
    """write_turtle in a child Python (this module run as a script), so it runs beside this one."""

    def __init__(self, ntriples: Path, path: Path) -> None:
        self._path = path
        self._child = subprocess.Popen([sys.executable, "-m", __name__, str(ntriples), str(path)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def result(self) -> None:
        _, error = self._child.communicate()
        if self._child.returncode != 0:
            last = error.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise RuntimeError(f"{self._path}: writing Turtle failed: {last[0]}")

    def join(self) -> None:
        self._child.kill()
        self._child.wait()


def write_jsonld(triples: list[tuple[str, str, str]], path: Path, context: dict) -> None:
    """Compact JSON-LD under `context` (the published one), streamed from the sorted triples one subject at
    a time: node ids and references as record ids relative to @base, properties and classes by their context
    terms, literal values coerced as the context says."""
    terms = context["@context"]
    base = str(ID)
    cut = len(base)
    by_iri: dict[str, tuple[str, str | None]] = {}  # property IRI -> (term, coerced type)
    class_terms: dict[str, str] = {}
    for name, entry in terms.items():
        if isinstance(entry, dict):
            by_iri[f"<{entry['@id']}>"] = (name, entry.get("@type"))
        elif isinstance(entry, str) and not name.startswith("@") and name not in PREFIXES:
            class_terms[f"<{entry}>"] = name
    rdf_type = RDF_TYPE

    def ref(term: str) -> str:
        if not term.startswith("<"):
            return term  # a blank node, _:x
        iri = term[1:-1]
        return iri[cut:] if iri.startswith(base) else iri

    def convert(p: str, o: str) -> tuple[str, object]:
        """The JSON-LD term and value of one predicate and object."""
        if p == rdf_type and o.startswith("<"):
            return "@type", class_terms.get(o, o[1:-1])
        term, coerce = by_iri.get(p, (p[1:-1], None))
        if o.startswith('"'):
            lexical, datatype, language = read_literal(o)
            if language:
                return term, {"@value": lexical, "@language": language}
            if coerce == datatype or (coerce is None and datatype == XSD_STRING):
                return term, lexical
            return term, {"@value": lexical, "@type": datatype}
        return term, ref(o) if coerce == "@id" else {"@id": ref(o)}

    memo: dict[str, dict[str, tuple[str, object]]] = {}  # predicate -> object -> (term, value)
    # One C-level encode per batch of nodes: a json.dumps call per node costs more than the encoding itself.
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"@context":' + json.dumps(terms, ensure_ascii=False) + ',"@graph":[')
        batch: list[dict] = []
        separator = ""
        key, node = None, None
        for s, p, o in triples:
            if s != key:
                if len(batch) >= 5000:
                    handle.write(separator + encode(batch)[1:-1])
                    separator, batch = ",", []
                key, node = s, {"@id": ref(s)}
                batch.append(node)
            known = memo.get(p)
            if known is None:
                known = memo[p] = {}
            hit = known.get(o)
            if hit is None:
                hit = known[o] = convert(p, o)
            term, value = hit
            present = node.get(term)  # one value as itself, several as a list (values are never lists)
            if present is None:
                node[term] = value
            elif type(present) is list:
                present.append(value)
            else:
                node[term] = [present, value]
        if batch:
            handle.write(separator + encode(batch)[1:-1])
        handle.write("]}")


class Loader:
    """Bulk-loads N-Triples chunks into an on-disk store, in order, in a background thread: filling the store
    is the slowest step of a large build, and Oxigraph does it without the GIL while Python converts and
    validates. `finish()` waits and re-raises a loading error; `cancel()` drops what is still queued."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self._queue: queue.Queue[bytes | None] = queue.Queue()
        self._cancelled = False
        self._thread = Background(self._run)

    def add(self, triples: list[tuple[str, str, str]]) -> None:
        if triples:
            self._queue.put(to_bytes(triples))

    def _run(self) -> None:
        while (chunk := self._queue.get()) is not None:
            if not self._cancelled:
                self._store.bulk_load(chunk, format=ox.RdfFormat.N_TRIPLES)

    def finish(self) -> None:
        self._queue.put(None)
        self._thread.result()

    def cancel(self) -> None:
        self._cancelled = True
        self._queue.put(None)
        self._thread.join()


def write_exports(triples: list[tuple[str, str, str]], folder: Path, files: dict[str, str], context: dict,
                  context_file: str) -> None:
    """Write the N-Triples, Turtle and JSON-LD exports of sorted, distinct `triples` (file names as in
    core.graph.EXPORTS) and the published JSON-LD context."""
    nt, ttl = folder / files["nt"], folder / files["ttl"]
    nt.write_bytes("".join(lines(triples)).encode("utf-8"))
    large = len(triples) > TURTLE_PROCESS_TRIPLES
    turtle = _TurtleProcess(nt, ttl) if large else Background(write_turtle, nt, ttl)
    try:
        (folder / context_file).write_text(json.dumps(context, indent=2, ensure_ascii=False), encoding="utf-8")
        write_jsonld(triples, folder / files["jsonld"], context)
    except BaseException:
        turtle.join()
        raise
    turtle.result()


__all__ = ["Loader", "write_exports", "write_jsonld", "write_turtle"]


if __name__ == "__main__":  # the Turtle child process: N-Triples file, Turtle file
    write_turtle(Path(sys.argv[1]), Path(sys.argv[2]))
