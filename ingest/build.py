"""Build: records → validated, inferred RDF → on-disk Oxigraph store plus Turtle, N-Triples and JSON-LD exports.

Nothing is written where the user can see it until everything has succeeded: the build goes to a temporary
folder beside the target, which then replaces the previous build in one rename.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from ..ontology import ID, IKG, ONTOLOGY_FILE, ONTOLOGY_IRI, PREFIXES, load, validate
from . import bulk, fastshacl
from .case import RDF_TYPE, Record, case_files, read_cases, to_ntriples
from .errors import GraphMissingError, InputError
from .nt import nt_iri, to_bytes
from .tabular import paused_gc

DEFAULT_OUT = Path("graph")
BUNDLED_DATA = Path(__file__).resolve().parent.parent / "data"
STORE_DIR = "store"
MANIFEST = "manifest.json"
EXPORTS = {"ttl": "graph.ttl", "nt": "graph.nt", "jsonld": "graph.jsonld"}
CONTEXT_FILE = "context.jsonld"
# Above this many records the build validates with fastshacl (the bundled case has a few hundred).
BULK_RECORDS = 2_000

Progress = Callable[[str, int, int], None]  # (step description, done, total)


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


def default_graph_dir() -> Path:
    return Path(os.environ.get("INCIDENTKG_GRAPH", DEFAULT_OUT))


def bundled_case() -> Path:
    return BUNDLED_DATA


# ---------------------------------------------------------------- inference


def entailed(triples: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The triples the ontology entails that queries rely on and `triples` lack: ikg superclass types, then
    symmetric and transitive properties (in ontology order; a property both symmetric and transitive is
    closed over both). Read from the ontology, so a new subclass or property needs no code."""
    onto = load()
    supers = {nt_iri(str(c.iri)): [nt_iri(str(onto.classes[a].iri)) for a in onto.ancestors(n)[1:]]
              for n, c in onto.classes.items()}
    closed = {nt_iri(str(prop.iri)): prop for prop in onto.properties.values() if prop.symmetric or prop.transitive}
    types: set[tuple[str, str]] = set()
    edges: dict[str, set[tuple[str, str]]] = {p: set() for p in closed}
    for s, p, o in triples:
        if p == RDF_TYPE:
            types.add((s, o))
        elif p in edges:
            edges[p].add((s, o))
    new: dict[tuple[str, str, str], None] = {}
    for s, o in types:
        for parent in supers.get(o, ()):
            if (s, parent) not in types:
                new[(s, RDF_TYPE, parent)] = None
    for p, prop in closed.items():
        pairs = set(edges[p])
        if prop.symmetric:
            pairs |= {(o, s) for s, o in pairs}
        if prop.transitive:
            pairs = _closure(pairs)
        for s, o in pairs - edges[p]:
            new[(s, p, o)] = None
    return list(new)


def _closure(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The transitive closure of a relation given as pairs."""
    following: dict[str, set[str]] = {}
    for s, o in pairs:
        following.setdefault(s, set()).add(o)
    out = set()
    for start in following:
        seen, todo = set(), list(following[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(following.get(node, ()))
        out.update((start, node) for node in seen)
    return out


# ---------------------------------------------------------------- serialisation


def jsonld_context() -> dict:
    """The published JSON-LD context: every ontology term by its local name, typed as in the ontology."""
    onto = load()
    context: dict = {k: v for k, v in PREFIXES.items()}
    context["@base"] = str(ID)
    for name, cls in onto.classes.items():
        context[name] = str(cls.iri)
    for name, prop in onto.properties.items():
        entry: dict = {"@id": str(prop.iri)}
        if prop.is_object:
            entry["@type"] = "@id"
        elif prop.range is not None and prop.range != RDF.langString:
            entry["@type"] = str(prop.range)
        context[name] = entry
    return {"@context": context}


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
) -> BuildSummary:
    """Build the graph from case files (or ready-made records) into `out`, atomically. `fast` validates with
    the SHACL shapes compiled to Python (fastshacl) instead of pyshacl; by default it does so above
    BULK_RECORDS records, where pyshacl would take minutes."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    step = progress or (lambda *_: None)
    inputs = list(inputs) if inputs else ([] if records is not None else [bundled_case()])
    out = Path(out or default_graph_dir())
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

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
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
            fast = len(all_records) > BULK_RECORDS if fast is None else fast
            if fast:
                violations = fastshacl.validate(asserted)
            else:
                violations = validate(Graph().parse(data=to_bytes(asserted).decode("utf-8"), format="nt"))
            if violations:
                raise _violation_error(violations[0], all_records, len(violations))
            t = mark("validate", t)

            step("inferring", 3, total)
            inferred = entailed(asserted)
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
                violations = fastshacl.compiled().sparql_violations(store)
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
            step("swapping in the new build", 6, total)
            _swap(tmp, out)
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
    store.bulk_load(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_IRI)))


def _summarise(triples: list[tuple[str, str, str]]) -> tuple[dict[str, int], int, int]:
    """Records per top class, contradicting claim pairs, and disputed figures: groups of (incident, category,
    party) where more than one statement gives more than one distinct value, as the saved query
    disputed_quantities defines them (a test holds the two equal). Counted here from the triples: the same
    question on the fresh on-disk store takes seconds on a large build."""
    onto = load()
    tops = {nt_iri(str(onto.classes[name].iri)): name for name in onto.top_classes()}
    classes = dict.fromkeys(tops.values(), 0)
    contradicts = nt_iri(str(IKG.contradicts))
    wanted = {nt_iri(str(IKG[name])): name for name in ("incident", "quantity", "category", "value", "party")}
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
    for statement, incidents in by["incident"].items():
        for quantity in by["quantity"].get(statement, ()):
            for category in by["category"].get(quantity, ()):
                for value in by["value"].get(quantity, ()):
                    for party in by["party"].get(quantity, [None]):
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


def _swap(tmp: Path, out: Path) -> None:
    """Replace `out` with `tmp`. The old build is renamed aside first and removed only after the new one is in."""
    if out.exists() and not (out / MANIFEST).exists() and any(out.iterdir()):
        raise InputError(str(out), None, None, None, "exists and is not an incidentkg build; refusing to replace it")
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        if old.exists():
            os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


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


# ---------------------------------------------------------------- reading a build


def open_store(folder: Path | None = None) -> ox.Store:
    """The built Oxigraph store, read-only; a clear error when there is no build yet."""
    folder = Path(folder or default_graph_dir())
    if not (folder / MANIFEST).exists():
        raise GraphMissingError(f"{folder}: no built graph here; run `incidentkg build` first (or pass --graph)")
    return ox.Store.read_only(str(folder / STORE_DIR))


def open_graph(folder: Path | None = None) -> Graph:
    """The built graph as an rdflib Graph over the Oxigraph store (the model API used by queries and viz)."""
    from oxrdflib import OxigraphStore

    graph = Graph(store=OxigraphStore(store=open_store(folder)), identifier=DATASET_DEFAULT_GRAPH_ID)
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    return graph


def manifest(folder: Path | None = None) -> dict:
    folder = Path(folder or default_graph_dir())
    open_store(folder)
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def term_id(iri: URIRef | str) -> str:
    """The case-file id of a data IRI (the part after /id/), or the IRI unchanged."""
    text = str(iri)
    return text[len(str(ID)):] if text.startswith(str(ID)) else text


__all__ = [
    "BuildSummary",
    "build",
    "bundled_case",
    "default_graph_dir",
    "entailed",
    "jsonld_context",
    "manifest",
    "open_graph",
    "open_store",
    "term_id",
]
