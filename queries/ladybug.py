"""The embedded Ladybug database of a build: its schema generated from the property-graph projection, filled by
COPY FROM Arrow tables, kept inside the build folder (<build>/ladybug) and rebuilt when the build or the schema
changes. `incidentkg build` makes it in the build's temporary folder before publishing (`finish_build`); after a
`--no-ladybug` build, `incidentkg cypher-index` makes it, or else the first Cypher query does, saying so on stderr
with its progress, never silently. Either takes the build's lock meanwhile."""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..core import fsops
from ..core.errors import IncidentKGError, PathError
from ..core.graph import MANIFEST
from ..core.graph import graph_dir as build_dir
from ..core.runtime import Progress
from ..core.graphmodel import GraphModel, model_digest, model_from_json, model_to_json

if TYPE_CHECKING:
    from ..ontology.projection import PropertyGraph

LADYBUG_DIR = "ladybug"
LADYBUG_DB = "graph.lbug"
STAMP = "stamp.json"
MODEL = "model.json"  # the property-graph model the database was made with, read by the Cypher translation


def _projection():
    # The projection loads rdflib and parses the ontology: needed to make a copy, not to query one.
    from ..ontology import projection

    return projection


def ladybug_schema(graph: GraphModel | None = None) -> list[str]:
    """CREATE statements for every node and relationship table, generated from the projection."""
    graph = graph or _projection().model()
    statements = []
    for label in graph.labels.values():
        columns = ", ".join(
            f"{c.name} {c.type}" + (" PRIMARY KEY" if c.role == "id" else "") for c in label.columns
        )
        statements.append(f"CREATE NODE TABLE {label.name}({columns})")
    for rel in graph.relationships.values():
        pairs = ", ".join(f"FROM {s} TO {t}" for s, t in rel.pairs)
        statements.append(f"CREATE REL TABLE {rel.table}({pairs})")
    return statements


def _arrow_type(ladybug_type: str):
    import pyarrow as pa

    base = {"STRING": pa.string(), "INT64": pa.int64(), "DOUBLE": pa.float64(), "DATE": pa.date32(), "BOOL": pa.bool_()}
    if ladybug_type.endswith("[]"):
        return pa.list_(base[ladybug_type[:-2]])
    return base[ladybug_type]


def node_table(label: str, rows: list[dict], graph: GraphModel | None = None):
    """Rows of one label as an Arrow table typed by the schema (so all-null columns still have a type)."""
    import pyarrow as pa

    graph = graph or _projection().model()
    columns = graph.labels[label].columns
    schema = pa.schema([(c.name, _arrow_type(c.type)) for c in columns])
    return pa.Table.from_pylist(rows, schema=schema)  # row dicts to columns in C++, not a Python loop per cell


def copy_statements(pgraph: PropertyGraph) -> list[tuple[str, object]]:
    """(COPY statement, Arrow table) pairs: one per label and one per relationship type and label pair."""
    import pyarrow as pa

    graph = _projection().model()
    by_label: dict[str, list[dict]] = {}
    for batch in pgraph.nodes:
        by_label.setdefault(batch.label, []).extend(batch.rows)
    copies = [(f"COPY {label} FROM $rows", node_table(label, rows, graph)) for label, rows in by_label.items()]
    for rel in pgraph.relationships:
        table = pa.table({"from": [s for s, _ in rel.rows], "to": [t for _, t in rel.rows]})
        rel_type = graph.relationships[rel.type]
        options = f" (from='{rel.source}', to='{rel.target}')" if len(rel_type.pairs) > 1 else ""
        copies.append((f"COPY {rel_type.table} FROM $rows{options}", table))
    return copies


def load_ladybug(conn, pgraph: PropertyGraph, progress: Progress | None = None, *, schema: bool = True) -> None:
    """Create the schema and COPY the property graph in, one Arrow table per label and relationship pair."""
    step = progress or (lambda *_: None)
    if schema:
        for statement in ladybug_schema():
            conn.execute(statement)
    copies = copy_statements(pgraph)
    for done, (statement, table) in enumerate(copies, start=1):
        conn.execute(statement, {"rows": table})
        step(f"ladybug: {statement.split()[1]}", done, len(copies))


def _stamp(graph_dir: Path) -> dict:
    import ladybug

    manifest = (graph_dir / MANIFEST).read_bytes()
    return {
        "build": hashlib.sha256(manifest).hexdigest(),
        "schema": model_digest(),  # the schema is generated from the model, the model from these files
        "ladybug": getattr(ladybug, "__version__", ""),
    }


def ladybug_path(graph_dir: Path) -> Path:
    return Path(graph_dir) / LADYBUG_DIR / LADYBUG_DB


def ensure_ladybug(graph_dir: Path | None = None, progress: Progress | None = None, *, force: bool = False,
                   lock: bool = True) -> Path:
    """The Ladybug database of a build, made (atomically, beside the build's other files) when missing or stale,
    or always with `force`. `graph_dir` may be a build not yet published (`lock=False`: its build holds the lock);
    else the build's lock is taken while the copy is made (waiting for a build or a copy under way, then looking
    again). Without `progress` (a query meeting a build without its copy) a line on stderr says it is being
    made, with its progress there."""
    graph_dir = build_dir(graph_dir)  # a clear error when there is no build
    if not force and is_current(graph_dir):
        return ladybug_path(graph_dir)
    if not lock:
        return _make(graph_dir, progress)
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(fsops.locked(graph_dir, wait=True))
        except PermissionError:  # stays one, for callers that then keep the copy in memory
            raise
        except OSError as error:  # a read-only disk: the copy cannot be made either; name the build, not the lock
            error.filename, error.filename2 = str(graph_dir), None
            raise
        if not force and is_current(graph_dir):  # made meanwhile by whoever held the lock
            return ladybug_path(graph_dir)
        if progress is not None:
            return _make(graph_dir, progress)
        started = time.perf_counter()
        sys.stderr.write(f"note: {graph_dir}: making the embedded Cypher (Ladybug) copy of this build first, as it "
                         "has none (`incidentkg cypher-index` makes it ahead)\n")
        sys.stderr.flush()
        path = _make(graph_dir, _stderr_progress)
        _stderr_progress(f"ladybug: done in {time.perf_counter() - started:.1f} s", 1, 1, end=True)
        return path


def ladybug_model(graph_dir: Path) -> GraphModel:
    """The property-graph model a build's Ladybug database was made with (current when `is_current`)."""
    return model_from_json((Path(graph_dir) / LADYBUG_DIR / MODEL).read_text(encoding="utf-8"))


def is_current(graph_dir: Path) -> bool:
    """Whether a build has its Ladybug copy, made from this build with this schema and Ladybug version."""
    try:
        return json.loads((Path(graph_dir) / LADYBUG_DIR / STAMP).read_text(encoding="utf-8")) == _stamp(graph_dir)
    except (OSError, ValueError):
        return False


def _stderr_progress(description: str, done: int, total: int, end: bool = False) -> None:
    """Progress on stderr: one line rewritten in place on a terminal, else the last line only."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\x1b[K{description} {done}/{total}" + ("\n" if end else ""))
    elif end:
        sys.stderr.write(description + "\n")
    sys.stderr.flush()


def _make(graph_dir: Path, progress: Progress | None) -> Path:
    import ladybug

    step = progress or (lambda *_: None)
    folder = graph_dir / LADYBUG_DIR
    stamp = _stamp(graph_dir)
    step("ladybug: projecting the graph", 0, 1)
    pgraph = _projection().from_build(graph_dir)
    tmp = fsops.make_temp(folder)
    try:
        # One checkpoint at the end instead of one per COPY: several times faster for ~60 small COPYs.
        db = ladybug.Database(str(tmp / LADYBUG_DB), auto_checkpoint=False)
        conn = ladybug.Connection(db)
        load_ladybug(conn, pgraph, step)
        del pgraph
        conn.execute("CHECKPOINT")
        conn.close()
        db.close()
        (tmp / MODEL).write_text(model_to_json(_projection().model()), encoding="utf-8")
        (tmp / STAMP).write_text(json.dumps(stamp), encoding="utf-8")
        fsops.publish(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder / LADYBUG_DB


def finish_build(folder: Path, progress: Progress | None = None) -> None:
    """The `finish` step of ingest.build: the Ladybug copy made inside the complete, unpublished build folder.
    A failure becomes one line (exit 2 when Ladybug cannot write, e.g. a full disk; else 1) and the build is
    not published, so the previous one stays."""
    try:
        ensure_ladybug(folder, progress, force=True, lock=False)
    except IncidentKGError:
        raise
    except Exception as error:  # Ladybug and Arrow raise RuntimeError, OverflowError, ValueError...
        detail = " ".join(str(error).split()) or type(error).__name__
        if isinstance(error, RuntimeError) and detail.startswith("IO exception:"):  # e.g. a full disk: exit 2
            raise PathError(None, "the embedded Cypher (Ladybug) copy could not be written, so the build was not "
                                  f"published and the previous one is kept: {detail}") from None
        raise IncidentKGError(f"the embedded Cypher (Ladybug) copy failed, so the build was not published and the "
                              f"previous one is kept: {type(error).__name__}: {detail}") from None


__all__ = ["LADYBUG_DIR", "copy_statements", "ensure_ladybug", "finish_build", "is_current", "ladybug_path",
           "ladybug_model", "ladybug_schema", "load_ladybug", "node_table"]
