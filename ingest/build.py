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
from pathlib import Path

import pyoxigraph as ox

from ..core import fsops
from ..core.errors import InputError
from ..core.graph import CONTEXT_FILE, EXPORTS, MANIFEST, STORE_DIR, default_graph_dir
from ..core.namespaces import ID, IKG, ONTOLOGY_IRI
from ..core.nt import RDF_TYPE, nt_iri, to_bytes
from ..core.runtime import Progress, paused_gc
from ..ontology import ONTOLOGY_FILE, VOCABULARY_FILE, load
from ..ontology.rules import displayed, entailed, jsonld_context
from ..ontology.shacl import COMPILED_ABOVE_RECORDS, sparql_violations, validate
from . import bulk
from .case import Record, case_files, read_cases, to_ntriples

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
    records: list[Record] | None = None,
    progress: Progress | None = None,
    fast: bool | None = None,
    finish: Callable[[Path, Progress], None] | None = None,
    note: Callable[[str], None] | None = None,
) -> BuildSummary:
    """Build the graph from case files (or ready-made records) into `out`, atomically. `fast` validates with
    the SHACL shapes compiled to Python (fastshacl) instead of pyshacl; by default it does so above
    COMPILED_ABOVE_RECORDS records, where pyshacl would take minutes. `finish(folder, progress)` adds to the
    complete build folder before it is published (its failure keeps the previous build); `note` gets one line
    per leftover of a killed build cleaned up or restored. A second build into `out` meanwhile is refused."""
    out = Path(out or default_graph_dir())
    out.parent.mkdir(parents=True, exist_ok=True)
    with fsops.locked(out):
        fsops.recover(out, lambda folder: (folder / MANIFEST).is_file(), note)
        return _build(inputs, out, records, progress, fast, finish)


def _build(inputs, out: Path, records, progress, fast, finish) -> BuildSummary:
    started = time.perf_counter()
    timings: dict[str, float] = {}
    step = progress or (lambda *_: None)
    inputs = list(inputs) if inputs else ([] if records is not None else [bundled_case()])
    total = 7

    def mark(name: str, t0: float) -> float:
        now = time.perf_counter()
        timings[name] = now - t0
        return now

    t = time.perf_counter()
    step("reading input", 0, total)
    all_records = list(records or []) + (collect(inputs) if inputs else [])
    if not all_records:
        raise InputError(", ".join(map(str, inputs)) or "(no input)", None, None, None, "no records to build")
    t = mark("read", t)

    tmp = fsops.make_temp(out)
    loader = None
    # Millions of tuples and strings and no cycles: the collector's full passes would rescan them all.
    with paused_gc():
        try:
            # Filling the on-disk store is the slowest step: Oxigraph loads the asserted triples in the background,
            # as they are made, while Python validates them and writes the exports; the SPARQL-based constraints
            # then run on the loaded store, and the entailed triples follow once everything has passed.
            store = ox.Store(str(tmp / STORE_DIR))
            loader = bulk.Loader(store)
            step("converting to RDF", 1, total)
            asserted = to_ntriples(all_records, flush=loader.add)
            t = mark("convert", t)

            step("validating with SHACL", 2, total)
            fast = len(all_records) > COMPILED_ABOVE_RECORDS if fast is None else fast
            # The compiled validator's SPARQL-based constraints wait for the store (below).
            violations = validate(asserted, compiled=fast, sparql=False)
            if violations:
                raise _violation_error(violations[0], all_records, len(violations))
            t = mark("validate", t)

            step("inferring", 3, total)
            inferred = entailed(asserted) + displayed(asserted)
            triples = asserted + inferred
            del asserted
            triples.sort()
            t = mark("infer", t)

            step("writing exports", 4, total)
            bulk.write_exports(triples, tmp, EXPORTS, jsonld_context(), CONTEXT_FILE)
            classes, contradictions, disputed = _summarise(triples)
            t = mark("export", t)

            step("completing the store", 5, total)
            loader.finish()
            if fast:  # pyshacl ran the SPARQL-based constraints itself; these need the asserted triples alone
                violations = sparql_violations(store)
                if violations:
                    raise _violation_error(violations[0], all_records, len(violations))
            _complete_store(store, to_bytes(inferred))
            t = mark("store", t)

            summary = BuildSummary(
                out=out,
                triples=len(triples),
                inferred=len(inferred),
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
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    summary.seconds = time.perf_counter() - started
    step("done", total, total)
    return summary


def _complete_store(store: ox.Store, inferred: bytes) -> None:
    """Add the entailed triples and the ontology (as its own named graph) to the store. (No optimize(): on a
    large build it costs seconds and measurably speeds up no saved query.)"""
    if inferred:
        store.bulk_load(inferred, format=ox.RdfFormat.N_TRIPLES)
    for path in (ONTOLOGY_FILE, VOCABULARY_FILE):  # the vocabularies beside it: labels of categories, roles, ...
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_IRI)))


def _summarise(triples: list[tuple[str, str, str]]) -> tuple[dict[str, int], int, int]:
    """Records per top class, contradicting claim pairs, and disputed figures: groups of (incident, category,
    party or party scope) where more than one statement that no other revises gives more than one distinct value,
    as the saved query disputed_quantities defines them (a test holds the two equal). Counted here from the triples: the same
    question on the fresh on-disk store takes seconds on a large build."""
    onto = load()
    tops = {nt_iri(str(onto.classes[name].iri)): name for name in onto.top_classes()}
    classes = dict.fromkeys(tops.values(), 0)
    contradicts = nt_iri(str(IKG.contradicts))
    wanted = {nt_iri(str(IKG[name])): name
              for name in ("incident", "quantity", "category", "value", "party", "partyScope", "revises")}
    by: dict[str, dict[str, list[str]]] = {name: {} for name in wanted.values()}
    pairs = 0
    for s, p, o in triples:
        if p == RDF_TYPE:
            if o in tops:
                classes[tops[o]] += 1
        elif p == contradicts:
            pairs += s < o
        elif p in wanted:
            by[wanted[p]].setdefault(s, []).append(o)
    groups: dict[tuple, tuple[set, set]] = {}
    revised = {old for olds in by["revises"].values() for old in olds}  # superseded: a revision, not a dispute
    for statement, incidents in by["incident"].items():
        if statement in revised:
            continue
        for quantity in by["quantity"].get(statement, ()):
            # a count without a party is grouped by its scope (all, not-stated), as the saved query does
            parties = by["party"].get(quantity) or by["partyScope"].get(quantity) or ['"not-stated"']
            for category in by["category"].get(quantity, ()):
                for value in by["value"].get(quantity, ()):
                    for party in parties:
                        for incident in incidents:
                            found = groups.setdefault((incident, category, party), (set(), set()))
                            found[0].add(statement)
                            found[1].add(value)
    disputed = sum(1 for statements, values in groups.values() if len(statements) > 1 and len(values) > 1)
    return classes, pairs, disputed


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


def _violation_error(violation, records: list[Record], count: int) -> InputError:
    by_iri = {str(r.iri): r for r in records}
    focus = violation.focus
    record = by_iri.get(focus)
    more = f" (and {count - 1} more violations)" if count > 1 else ""
    message = f"{violation.message}{more}"
    if record is None:  # inline child: report against its parent record
        parent = focus.rsplit("/", 2)[0] if focus.startswith(str(ID)) else None
        record = by_iri.get(parent) if parent else None
        if record is None:
            return InputError("(graph)", None, focus, violation.path, message)
        child = focus[len(str(record.iri)) + 1:]
        return record.origin.error(child.split("/")[0], f"{child}: {violation.path or ''} {message}".strip())
    return record.origin.error(violation.path, message)


__all__ = ["BuildSummary", "build", "bundled_case"]
