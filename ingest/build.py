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
from rdflib.plugins.serializers.nt import _nt_row

from ..ontology import ID, IKG, ONTOLOGY_FILE, ONTOLOGY_IRI, PREFIXES, load, local_name, validate
from . import bulk, fastshacl
from .case import Record, case_files, read_cases, to_triples
from .errors import GraphMissingError, InputError

DEFAULT_OUT = Path("graph")
BUNDLED_DATA = Path(__file__).resolve().parent.parent / "data"
STORE_DIR = "store"
MANIFEST = "manifest.json"
EXPORTS = {"ttl": "graph.ttl", "nt": "graph.nt", "jsonld": "graph.jsonld"}
CONTEXT_FILE = "context.jsonld"

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


def inference_rules() -> list[str]:
    """SPARQL updates that materialise what the ontology entails and queries rely on: ikg superclass types,
    symmetric and transitive properties. Generated from the ontology, so a new subclass needs no code."""
    onto = load()
    rules = []
    for cls in onto.classes.values():
        for parent in cls.parents:
            rules.append(
                f"INSERT {{ ?x a <{onto.classes[parent].iri}> }} WHERE {{ ?x a <{cls.iri}> }}"
            )
    for prop in onto.properties.values():
        if prop.symmetric:
            rules.append(f"INSERT {{ ?b <{prop.iri}> ?a }} WHERE {{ ?a <{prop.iri}> ?b }}")
        if prop.transitive:
            rules.append(f"INSERT {{ ?a <{prop.iri}> ?c }} WHERE {{ ?a <{prop.iri}>+ ?c }}")
    return rules


def _infer(store: ox.Store) -> None:
    onto = load()
    # Superclass rules run leaves-first so a Raid becomes an Incident in one pass however deep the tree is.
    depth = {name: len(onto.ancestors(name)) for name in onto.classes}
    rules = inference_rules()
    class_rules = [r for r in rules if " a <" in r.split("WHERE")[0]]
    other_rules = [r for r in rules if r not in class_rules]
    class_rules.sort(key=lambda r: -depth[local_name(r.split("WHERE { ?x a <")[1].split(">")[0])])
    for rule in class_rules + other_rules:
        store.update(rule)


# ---------------------------------------------------------------- serialisation


def _sorted_ntriples(graph: Graph) -> str:
    return "".join(sorted(_nt_row(t) for t in graph))


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


def _write_exports(graph: Graph, folder: Path) -> None:
    nt = _sorted_ntriples(graph)
    (folder / EXPORTS["nt"]).write_text(nt, encoding="utf-8")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    graph.serialize(folder / EXPORTS["ttl"], format="turtle")
    context = jsonld_context()
    (folder / CONTEXT_FILE).write_text(json.dumps(context, indent=2, ensure_ascii=False), encoding="utf-8")
    graph.serialize(
        folder / EXPORTS["jsonld"], format="json-ld", context=context["@context"], auto_compact=True
    )


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
    """Build the graph from case files (or ready-made records) into `out`, atomically. `fast` picks the
    large-input path (N-Triples strings, SHACL compiled to Python, exports from Oxigraph); by default it is
    taken above bulk.BULK_RECORDS records."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    step = progress or (lambda *_: None)
    inputs = list(inputs) if inputs else ([] if records is not None else [bundled_case()])
    out = Path(out or default_graph_dir())
    total = 6

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

    step("converting to RDF", 1, total)
    fast = len(all_records) > bulk.BULK_RECORDS if fast is None else fast
    if fast:
        triples = bulk.ntriples(all_records)
    else:
        graph = Graph()
        for triple in to_triples(all_records):
            graph.add(triple)
    t = mark("convert", t)

    step("validating with SHACL", 2, total)
    violations = fastshacl.validate(triples) if fast else validate(graph)
    if violations:
        raise _violation_error(violations[0], all_records, len(violations))
    t = mark("validate", t)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        step("loading the store and inferring", 3, total)
        asserted = len(triples) if fast else len(graph)
        store = ox.Store(str(tmp / STORE_DIR))
        if fast:
            # SPARQL-based checks, inference and exports run several times faster in memory than on disk;
            # the on-disk store is bulk-loaded with the final triples in the background (Oxigraph releases
            # the GIL) while the exports are written.
            work = ox.Store()
            bulk.load(work, triples)
            del triples
            violations = fastshacl.compiled().sparql_violations(work)  # before inference adds triples
            if violations:
                raise _violation_error(violations[0], all_records, len(violations))
            _infer(work)
            final = bulk.dump(work)
            loading = bulk.Background(store.bulk_load, final, format=ox.RdfFormat.N_TRIPLES)
        else:
            store.bulk_load(_sorted_ntriples(graph).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
            _infer(store)
            store.bulk_load(
                path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_IRI))
            )
            store.optimize()
        t = mark("store", t)

        step("writing exports", 4, total)
        if fast:
            count = bulk.write_exports(work, final, tmp, EXPORTS, jsonld_context(), CONTEXT_FILE)
            del final
            loading.result()
            store.bulk_load(
                path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_IRI))
            )
            store.optimize()
        else:
            full = Graph()
            for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
                full.add(_from_ox(quad))
            _write_exports(full, tmp)
            count = len(full)
        classes, contradictions, disputed = _summarise(work if fast else store)
        t = mark("export", t)

        summary = BuildSummary(
            out=out,
            triples=count,
            inferred=count - asserted,
            classes=classes,
            contradictions=contradictions,
            disputed_quantities=disputed,
            inputs=[str(p) for p in inputs],
            seconds=0.0,
            timings=timings,
        )
        (tmp / MANIFEST).write_text(json.dumps(_manifest(summary, inputs), indent=2), encoding="utf-8")
        del store
        step("swapping in the new build", 5, total)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    summary.seconds = time.perf_counter() - started
    step("done", total, total)
    return summary


def _from_ox(quad: ox.Quad) -> tuple:
    from oxrdflib._converter import from_ox

    return from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)


def _summarise(store: ox.Store) -> tuple[dict[str, int], int, int]:
    onto = load()
    classes = {}
    for name in onto.top_classes():
        row = next(iter(store.query(f"SELECT (COUNT(?x) AS ?n) WHERE {{ ?x a <{onto.classes[name].iri}> }}")))
        classes[name] = int(row["n"].value)
    pairs = next(iter(store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{IKG.contradicts}> ?b FILTER(STR(?a) < STR(?b)) }}"
    )))
    disputed = next(iter(store.query(f"""
        PREFIX ikg: <{IKG}>
        SELECT (COUNT(*) AS ?n) WHERE {{
          SELECT ?incident ?party ?category WHERE {{
            ?s ikg:incident ?incident ; ikg:quantity ?q .
            ?q ikg:category ?category ; ikg:value ?v .
            OPTIONAL {{ ?q ikg:party ?party }}
          }} GROUP BY ?incident ?party ?category HAVING (COUNT(DISTINCT ?s) > 1 && COUNT(DISTINCT ?v) > 1)
        }}""")))
    return classes, int(pairs["n"].value), int(disputed["n"].value)


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
    "inference_rules",
    "jsonld_context",
    "manifest",
    "open_graph",
    "open_store",
    "term_id",
]
