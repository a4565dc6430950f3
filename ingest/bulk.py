"""A build's RDF files and its store, filled as the build's chunks come.

The build keeps triples as tuples of N-Triples strings (core/nt.py), a chunk at a time. `Exports` writes each
sorted chunk to a run file and to the JSON-LD (streamed one subject at a time under the published context), then
merges the runs into the sorted N-Triples export, which Oxigraph re-serialises as Turtle (in a thread, or for a
large build in a child process, as its loop holds the GIL). `Loader` fills the on-disk store from the same bytes
with one bulk load reading a pipe in the background.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import os
import queue
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from ..core.namespaces import ID, PREFIXES
from ..core.nt import RDF_TYPE, XSD_STRING, read_literal, to_bytes
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


# The JSON-LD writer remembers each predicate's converted objects, since types, categories, stances and agents
# come again and again; it starts a predicate afresh past this many, so the objects that come once (incidents,
# claims, texts) do not pile up with the build's size.
MEMO_OBJECTS = 4096


class JsonLdWriter:
    """Compact JSON-LD under `context` (the published one), streamed from sorted triples one subject at a time:
    node ids and references as record ids relative to @base, properties and classes by their context terms,
    literal values coerced as the context says. `write` takes the triples a run of subjects at a time (a
    subject given again in a later call becomes a second node object of the same @id, which JSON-LD merges)."""

    def __init__(self, path: Path, context: dict) -> None:
        terms = context["@context"]
        self._base = str(ID)
        self._by_iri: dict[str, tuple[str, str | None]] = {}  # property IRI -> (term, coerced type)
        self._class_terms: dict[str, str] = {}
        for name, entry in terms.items():
            if isinstance(entry, dict):
                self._by_iri[f"<{entry['@id']}>"] = (name, entry.get("@type"))
            elif isinstance(entry, str) and not name.startswith("@") and name not in PREFIXES:
                self._class_terms[f"<{entry}>"] = name
        self._memo: dict[str, dict[str, tuple[str, object]]] = {}  # predicate -> object -> (term, value)
        # One C-level encode per batch of nodes: a json.dumps call per node costs more than the encoding itself.
        self._encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        self._handle = path.open("w", encoding="utf-8")
        self._handle.write('{"@context":' + json.dumps(terms, ensure_ascii=False) + ',"@graph":[')
        self._separator = ""

    def _ref(self, term: str) -> str:
        if not term.startswith("<"):
            return term  # a blank node, _:x
        iri = term[1:-1]
        return iri[len(self._base):] if iri.startswith(self._base) else iri

    def _convert(self, p: str, o: str) -> tuple[str, object]:
        """The JSON-LD term and value of one predicate and object."""
        if p == RDF_TYPE and o.startswith("<"):
            return "@type", self._class_terms.get(o, o[1:-1])
        term, coerce = self._by_iri.get(p, (p[1:-1], None))
        if o.startswith('"'):
            lexical, datatype, language = read_literal(o)
            if language:
                return term, {"@value": lexical, "@language": language}
            if coerce == datatype or (coerce is None and datatype == XSD_STRING):
                return term, lexical
            return term, {"@value": lexical, "@type": datatype}
        return term, self._ref(o) if coerce == "@id" else {"@id": self._ref(o)}

    def write(self, triples: Iterable[tuple[str, str, str]]) -> None:
        memo, ref, convert, handle = self._memo, self._ref, self._convert, self._handle
        batch: list[dict] = []
        key, node = None, None
        for s, p, o in triples:
            if s != key:
                if len(batch) >= 5000:
                    handle.write(self._separator + self._encode(batch)[1:-1])
                    self._separator, batch = ",", []
                key, node = s, {"@id": ref(s)}
                batch.append(node)
            known = memo.get(p)
            if known is None or len(known) > MEMO_OBJECTS:  # bounded: see MEMO_OBJECTS
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
            handle.write(self._separator + self._encode(batch)[1:-1])
            self._separator = ","

    def close(self) -> None:
        self._handle.write("]}")
        self._handle.close()

    def abandon(self) -> None:
        self._handle.close()


def write_jsonld(triples: list[tuple[str, str, str]], path: Path, context: dict) -> None:
    """Compact JSON-LD of sorted triples (see JsonLdWriter)."""
    writer = JsonLdWriter(path, context)
    try:
        writer.write(triples)
    finally:
        writer.close()


class Loader:
    """Fills an on-disk store with one bulk load that reads N-Quads from a pipe, in a background thread, while
    the build writes chunks into the pipe (`load`, waiting when the pipe is full). One load, not one per chunk:
    each bulk load into a non-empty store merges with what is there, so chunk by chunk the cost grew with the
    store. Oxigraph reads the pipe itself (/dev/fd) and loads without the GIL while Python converts and
    validates. `finish()` waits and re-raises a loading error; `cancel()` makes the load fail at once."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        read, write = os.pipe()
        self._read = read
        self._pipe = os.fdopen(write, "wb")
        # Between the build and the pipe, a few chunks of slack: the bulk load stops reading while it sorts
        # and writes a batch, and the build should go on converting meanwhile rather than wait on the pipe.
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=3)
        self._thread = Background(self._run)
        self._writer = Background(self._write)

    def _run(self) -> None:
        try:
            if os.path.exists(f"/dev/fd/{self._read}"):
                self._store.bulk_load(path=f"/dev/fd/{self._read}", format=ox.RdfFormat.N_QUADS)
            else:  # no /dev/fd: Oxigraph reads the pipe through Python, taking the GIL per read
                with os.fdopen(os.dup(self._read), "rb") as pipe:
                    self._store.bulk_load(pipe, format=ox.RdfFormat.N_QUADS)
        finally:
            os.close(self._read)

    def add(self, triples: list[tuple[str, str, str]]) -> None:
        self.load(to_bytes(triples))

    def _write(self) -> None:
        try:
            while (data := self._queue.get()) is not None:
                self._pipe.write(data)
        except BrokenPipeError:  # the load stopped (its own error says why): keep draining the queue
            while self._queue.get() is not None:
                pass
        finally:
            with contextlib.suppress(OSError):
                self._pipe.close()

    def load(self, data: bytes) -> None:
        """N-Triples (or N-Quads) bytes for the load, queued (waiting while three chunks are queued)."""
        if data:
            self._queue.put(data)

    def load_graph(self, path: Path, graph: str) -> None:
        """A Turtle file into the named graph `graph`."""
        name = ox.NamedNode(graph)
        quads = (ox.Quad(q.subject, q.predicate, q.object, name)
                 for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        self.load(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))

    def finish(self) -> None:
        self._queue.put(None)
        self._writer.result()
        self._thread.result()

    def cancel(self) -> None:
        # Drop what is queued; a line that is no N-Quads makes the load stop with a parse error at once
        # instead of loading what it has.
        with contextlib.suppress(queue.Empty):
            while True:
                self._queue.get_nowait()
        self._queue.put(b"\n\x00 cancelled\n")
        self._queue.put(None)
        self._writer.join()
        self._thread.join()


class Exports:
    """graph.nt, graph.ttl, graph.jsonld and the JSON-LD context of a build, written as its chunks come (each
    chunk sorted, every subject with all its triples). Each chunk goes to the JSON-LD file and to a sorted run
    file; `finish` adds the triples only the whole graph entails and merges the runs into the sorted N-Triples,
    from which the Turtle is written. A build of one chunk (the bundled case) holds it until the end and writes
    the three files from one sorted list, so its output is exactly that of a build in one piece."""

    def __init__(self, folder: Path, files: dict[str, str], context: dict, context_file: str) -> None:
        self._folder, self._files = folder, files
        (folder / context_file).write_text(json.dumps(context, indent=2, ensure_ascii=False), encoding="utf-8")
        self._jsonld = JsonLdWriter(folder / files["jsonld"], context)
        self._runs: list[Path] = []
        self._first: list[tuple[str, str, str]] | None = None  # the first chunk, until a second one comes
        self._turtle = None
        self.count = 0

    def add(self, triples: list[tuple[str, str, str]], data: bytes | None = None) -> None:
        """One chunk's triples, sorted (and `data`, them as N-Triples bytes, when the caller has them)."""
        self.count += len(triples)
        if self._first is None and not self._runs:
            self._first = (triples, data)
            return
        if self._first is not None:
            self._spill(*self._first)
            self._first = None
        self._spill(triples, data)

    def _spill(self, triples: list[tuple[str, str, str]], data: bytes | None = None) -> None:
        run = self._folder / f".run-{len(self._runs):05d}.nt"
        run.write_bytes(data if data is not None else to_bytes(triples))
        self._runs.append(run)
        self._jsonld.write(triples)

    def finish(self, closing: list[tuple[str, str, str]]) -> None:
        """Add the last triples (unsorted; subjects of any chunk), complete the N-Triples and JSON-LD, and start
        the Turtle (`wait` for it)."""
        self.count += len(closing)
        nt = self._folder / self._files["nt"]
        if not self._runs:
            triples = (self._first[0] if self._first else []) + closing
            triples.sort()
            self._first = None
            nt.write_bytes(to_bytes(triples))
            self._jsonld.write(triples)
        else:
            if closing:
                self._spill(sorted(closing))  # their subjects' second node objects, at the end of the JSON-LD
            merge_sorted(self._runs, nt)
            for run in self._runs:
                run.unlink()
        self._jsonld.close()
        ttl = self._folder / self._files["ttl"]
        self._turtle = _TurtleProcess(nt, ttl) if self.count > TURTLE_PROCESS_TRIPLES else \
            Background(write_turtle, nt, ttl)

    def wait(self) -> None:
        self._turtle.result()

    def cancel(self) -> None:
        self._jsonld.abandon()
        if self._turtle is not None:
            self._turtle.join()


def merge_sorted(runs: list[Path], out: Path) -> None:
    """Merge sorted N-Triples files into one, by code point (UTF-8 byte) order, which orders the lines as
    Python orders their triples. GNU sort merges in C without holding the files; Python's heapq otherwise."""
    sort = shutil.which("sort")
    if sort is not None:
        process = subprocess.run(
            [sort, "-m", f"--batch-size={min(max(len(runs), 2), 1000)}", "-T", str(out.parent), "-o", str(out),
             *map(str, runs)], env=dict(os.environ, LC_ALL="C"), stderr=subprocess.PIPE)
        if process.returncode == 0:
            return
        if process.returncode != 2 or b"batch-size" not in process.stderr:  # 2 with that: not GNU sort
            last = process.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise OSError(f"{out}: merging the sorted N-Triples failed: {last[0]}")
    handles = [run.open("rb") for run in runs]
    try:
        with out.open("wb") as written:
            written.writelines(heapq.merge(*handles))
    finally:
        for handle in handles:
            handle.close()


__all__ = ["Exports", "JsonLdWriter", "Loader", "merge_sorted", "write_jsonld", "write_turtle"]


if __name__ == "__main__":  # the Turtle child process: N-Triples file, Turtle file
    write_turtle(Path(sys.argv[1]), Path(sys.argv[2]))
