"""Build: records → validated, inferred RDF → on-disk Oxigraph store plus Turtle, N-Triples and JSON-LD exports.

Nothing is written where the user can see it until everything has succeeded: the build goes to a temporary
folder beside the target (`finish`, e.g. the embedded Cypher copy, is made in it too), which then replaces the
previous build in one atomic exchange (core.fsops). One build at a time per target (a lock beside it); a build
first cleans up, or restores from, what killed builds left there.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from ..core import fsops
from ..core.errors import InputError
from ..core.graph import CONTEXT_FILE, EXPORTS, MANIFEST, STORE_DIR, default_graph_dir
from ..core.namespaces import ID, IKG, ONTOLOGY_IRI
from ..core.nt import RDF_TYPE, nt_iri, to_bytes
from ..core.runtime import Progress, paused_gc
from ..ontology import ONTOLOGY_FILE, VOCABULARY_FILE, load
from ..ontology.rules import Display, Entailment, jsonld_context
from ..ontology.shacl import COMPILED_ABOVE_RECORDS, sparql_violations, validate
from . import bulk
from .case import Converter, Record, case_files, duplicate_id, read_cases
from .spool import Spool

BUNDLED_DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass
class BuildSummary:
    out: Path
    triples: int
    inferred: int
    classes: dict[str, int]
    contradictions: int
    disputed_quantities: int
    inputs: list[str]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def bundled_case() -> Path:
    return BUNDLED_DATA


# ---------------------------------------------------------------- the build


def collect(inputs: Iterable[Path]) -> list[Record]:
    return read_cases(inputs)


def build(
    inputs: list[Path] | None = None,
    out: Path | None = None,
    *,
    records: list[Record] | Spool | None = None,
    progress: Progress | None = None,
    fast: bool | None = None,
    finish: Callable[[Path, Progress], None] | None = None,
    note: Callable[[str], None] | None = None,
) -> BuildSummary:
    """Build the graph from case files (and ready-made records: a list, or a spool the build reads back a chunk
    at a time, the case files' records added to it) into `out`, atomically. `fast` validates with
    the SHACL shapes compiled to Python (fastshacl) instead of pyshacl; by default it does so above
    COMPILED_ABOVE_RECORDS records, where pyshacl would take minutes. `finish(folder, progress)` adds to the
    complete build folder before it is published (its failure keeps the previous build); `note` gets one line
    per leftover of a killed build cleaned up or restored. A second build into `out` meanwhile is refused."""
    out = Path(out or default_graph_dir())
    out.parent.mkdir(parents=True, exist_ok=True)
    with fsops.locked(out):
        fsops.recover(out, lambda folder: (folder / MANIFEST).is_file(), note)
        return _build(inputs, out, records, progress, fast, finish)


# Records per chunk of a streaming build: each chunk is converted, validated, entailed, loaded and written on
# its own, so a build holds one chunk's triples at a time, and of records given in a spool, one chunk's records
# (the bundled case is a single chunk).
CHUNK_RECORDS = 25_000


def _build(inputs, out: Path, records, progress, fast, finish) -> BuildSummary:
    started = time.perf_counter()
    timings: dict[str, float] = dict.fromkeys(("read", "convert", "validate", "infer", "export", "store"), 0.0)
    step = progress or (lambda *_: None)
    inputs = list(inputs) if inputs else ([] if records is not None else [bundled_case()])
    total = 7

    def mark(name: str, t0: float) -> float:
        now = time.perf_counter()
        timings[name] += now - t0
        return now

    t = time.perf_counter()
    step("reading input", 0, total)
    if isinstance(records, Spool):
        all_records = records
        all_records.extend(collect(inputs) if inputs else [])
    else:
        all_records = list(records or []) + (collect(inputs) if inputs else [])
    if not all_records:
        raise InputError(", ".join(map(str, inputs)) or "(no input)", None, None, None, "no records to build")
    t = mark("read", t)

    tmp = fsops.make_temp(out)
    loader = exports = None
    # Millions of tuples and strings and no cycles: the collector's full passes would rescan them all.
    with paused_gc():
        try:
            # Filling the on-disk store is the slowest step: Oxigraph loads each validated chunk in the background
            # while Python converts, validates and writes the next; the SPARQL-based constraints then run on the
            # loaded store.
            store = ox.Store(str(tmp / STORE_DIR))
            loader = bulk.Loader(store)
            exports = bulk.Exports(tmp, EXPORTS, jsonld_context(), CONTEXT_FILE)
            if isinstance(all_records, Spool):  # its ids are known and checked: the records stay on disk
                if all_records.duplicate is not None:
                    raise duplicate_id(all_records.duplicate, all_records.find(all_records.duplicate.id))
                converter = Converter([], classes=all_records.classes)
            else:
                converter = Converter(all_records)
            fast = len(all_records) > COMPILED_ABOVE_RECORDS if fast is None else fast
            entailment, display = Entailment(), Display()
            tally = _Tally()
            closing: list[tuple[str, str, str]] = []
            inferred = 0
            # pyshacl sees one graph: it cannot be told the types of nodes outside a chunk
            size = CHUNK_RECORDS if fast else len(all_records)
            chunks, first, reading = -(-len(all_records) // size), 0, iter(all_records)
            for number in range(1, chunks + 1):
                chunk = list(islice(reading, size))
                step(f"converting, validating and writing records {first + 1}-{first + len(chunk)}",
                     number, chunks)
                first += len(chunk)
                asserted = converter.convert(chunk)
                t = mark("convert", t)
                # The compiled validator's SPARQL-based constraints wait for the store (below).
                violations = validate(asserted, compiled=fast, sparql=False, outside=converter.asserted_types)
                if violations:
                    raise _violation_error(violations[0], all_records, len(violations))
                t = mark("validate", t)
                derived = _derive(asserted, entailment, display)
                inferred += len(derived)
                triples = asserted + derived
                del asserted, derived
                triples.sort()
                t = mark("infer", t)
                # One serialisation per chunk, for the store and the sorted run alike.
                data = to_bytes(triples)
                loader.load(data)
                tally.add(triples)
                exports.add(triples, data)
                del triples, data
                t = mark("export", t)
            closing = entailment.closing() + display.closing()  # what only every chunk together gives
            inferred += len(closing)
            tally.add(closing)
            loader.load(to_bytes(closing))
            for path in (ONTOLOGY_FILE, VOCABULARY_FILE):  # the ontology and its vocabularies, their own named graph
                loader.load_graph(path, str(ONTOLOGY_IRI))
            step("writing exports", 4, total)
            exports.finish(closing)
            t = mark("export", t)

            step("completing the store", 5, total)
            loader.finish()
            # pyshacl ran the SPARQL-based constraints itself. These select DISTINCT focus nodes and values of
            # asserted properties in the default graph: the entailed types and edges beside them change nothing.
            # (No optimize() of the store: on a large build it costs seconds and speeds up no saved query.)
            if fast:
                violations = sparql_violations(store)
                if violations:
                    raise _violation_error(violations[0], all_records, len(violations))
            t = mark("store", t)
            exports.wait()
            t = mark("export", t)

            classes, contradictions, disputed = tally.result()
            summary = BuildSummary(
                out=out,
                triples=exports.count,
                inferred=inferred,
                classes=classes,
                contradictions=contradictions,
                disputed_quantities=disputed,
                inputs=[str(p) for p in inputs],
                seconds=0.0,
                timings=timings,
            )
            (tmp / MANIFEST).write_text(json.dumps(_manifest(summary, inputs), indent=2), encoding="utf-8")
            store = loader = None  # closes the store before its folder moves
            if finish is not None:
                finish(tmp, step)
            step("swapping in the new build", 6, total)
            _check_target(out)
            fsops.publish(tmp, out)
        except BaseException:
            if loader is not None:
                loader.cancel()
            if exports is not None:
                exports.cancel()
            store = loader = None  # closes the store first: closing writes to its folder
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    summary.seconds = time.perf_counter() - started
    step("done", total, total)
    return summary


def _derive(asserted: list[tuple[str, str, str]], entailment: Entailment,
            display: Display) -> list[tuple[str, str, str]]:
    """Every triple a build adds to one chunk's asserted triples: the one place where derived triples are made
    (what the ontology entails of the chunk alone, and its records' display values; `entailment` and `display`
    keep what needs the whole graph)."""
    return entailment.chunk(asserted) + display.chunk(asserted)


class _Tally:
    """Records per top class, contradicting claim pairs, and disputed figures, counted from a build's triples a
    chunk at a time (the same questions on the fresh on-disk store take seconds on a large build). Disputed
    figures are groups of (incident, category, party) where more than one statement gives more than one
    distinct value, as the saved query disputed_quantities defines them (a test holds the two equal): a count
    without a party grouped by its scope, and a statement that another revises left out; a statement's quantities
    are inline records, so they are in its chunk, but the statement revising it may come in any chunk. Per group
    the first statement and value are kept, and the others only when there are others."""

    def __init__(self) -> None:
        onto = load()
        self._tops = {nt_iri(str(onto.classes[name].iri)): name for name in onto.top_classes()}
        self.classes = dict.fromkeys(self._tops.values(), 0)
        self._contradicts = nt_iri(str(IKG.contradicts))
        self._wanted = {nt_iri(str(IKG[name])): name for name in ("incident", "quantity", "category", "value", "party",
                                                                   "partyScope", "revises")}
        self.pairs = 0
        self._groups: dict[tuple, list] = {}  # group -> [first statement, first value, the other (statement, value)s]
        self._revised: set[str] = set()

    def add(self, triples: list[tuple[str, str, str]]) -> None:
        tops, classes, contradicts, wanted = self._tops, self.classes, self._contradicts, self._wanted
        by: dict[str, dict[str, list[str]]] = {name: {} for name in wanted.values()}
        for s, p, o in triples:
            if p == RDF_TYPE:
                if o in tops:
                    classes[tops[o]] += 1
            elif p == contradicts:
                self.pairs += s < o
            elif p in wanted:
                by[wanted[p]].setdefault(s, []).append(o)
        groups = self._groups
        for olds in by["revises"].values():
            self._revised.update(olds)
        for statement, incidents in by["incident"].items():
            for quantity in by["quantity"].get(statement, ()):
                parties = by["party"].get(quantity) or by["partyScope"].get(quantity) or ['"not-stated"']
                for category in by["category"].get(quantity, ()):
                    for value in by["value"].get(quantity, ()):
                        for party in parties:
                            for incident in incidents:
                                found = groups.get((incident, category, party))
                                if found is None:
                                    groups[(incident, category, party)] = [statement, value, None]
                                elif (statement, value) != (found[0], found[1]):
                                    if found[2] is None:
                                        found[2] = []
                                    found[2].append((statement, value))

    def result(self) -> tuple[dict[str, int], int, int]:
        revised, disputed = self._revised, 0
        for first, value, others in self._groups.values():
            if others is None:
                continue
            kept = [(s, v) for s, v in [(first, value), *others] if s not in revised]
            disputed += len({s for s, _ in kept}) > 1 and len({v for _, v in kept}) > 1
        return self.classes, self.pairs, disputed


def _manifest(summary: BuildSummary, inputs: list[Path]) -> dict:
    digests = {str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in case_files(inputs)}
    return {
        "triples": summary.triples,
        "inferred": summary.inferred,
        "classes": summary.classes,
        "contradictions": summary.contradictions,
        "disputed_quantities": summary.disputed_quantities,
        "inputs": digests,
    }


def _check_target(out: Path) -> None:
    if out.exists() and not (out / MANIFEST).exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(str(out), None, None, None, "exists and is not an incidentkg build; refusing to replace it")


def _violation_error(violation, records: Iterable[Record], count: int) -> InputError:
    focus, base = violation.focus, str(ID)
    parent = focus.rsplit("/", 2)[0] if focus.startswith(base) else None
    by_iri = {iri: r for r in records if (iri := base + r.id) == focus or iri == parent}  # one pass over a spool
    record = by_iri.get(focus)
    more = f" (and {count - 1} more violations)" if count > 1 else ""
    message = f"{violation.message}{more}"
    if record is None:  # inline child: report against its parent record
        record = by_iri.get(parent) if parent else None
        if record is None:
            return InputError("(graph)", None, focus, violation.path, message)
        child = focus[len(str(record.iri)) + 1:]
        return record.origin.error(child.split("/")[0], f"{child}: {violation.path or ''} {message}".strip())
    return record.origin.error(violation.path, message)


__all__ = ["BuildSummary", "build", "bundled_case"]
