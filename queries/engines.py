"""The Cypher engines that run the saved queries' `.cypher` twins: the embedded Ladybug database of a build, or a
Neo4j server through the official driver. Every value is a driver parameter; results come back as the plain
values SPARQL results use."""

from __future__ import annotations

import datetime as dt
import decimal
import sys
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from ..core.errors import QueryError
from ..core.neo4j import Neo4jConfig, connect, server_error
from .dialect import to_ladybug, union_all_parts
from .ladybug import STAMP, ensure_ladybug, ladybug_model, load_ladybug

# ---------------------------------------------------------------- results


def plain(value: Any) -> Any:
    """Driver values as the plain values SPARQL results use: record ids for nodes, ISO text for dates."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, decimal.Decimal):  # Ladybug's sum() of INT64 is an INT128, returned as a Decimal
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    if isinstance(value, dict):
        if "_LABEL" in value and ("_ID" in value or "_SRC" in value):  # Ladybug node / relationship
            return value.get("id", value["_LABEL"]) if "_SRC" not in value else value["_LABEL"]
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "labels") and hasattr(value, "get"):  # neo4j Node
        return value.get("id")
    if hasattr(value, "type") and hasattr(value, "start_node"):  # neo4j Relationship
        return value.type
    return str(value)


@dataclass
class Rows:
    columns: list[str]
    rows: list[dict[str, Any]]


# ---------------------------------------------------------------- engines


class LadybugEngine:
    name = "ladybug"

    def __init__(self, graph_dir: Path | None = None):
        import ladybug

        self.shared = True
        try:
            self.db, self.idle, self.model = _shared_database(ensure_ladybug(graph_dir))
        except PermissionError:  # a read-only build folder: keep the database in memory for this process
            sys.stderr.write(f"note: {graph_dir or 'the build'}: read-only and without an embedded Cypher (Ladybug) "
                             "copy, so one is made in memory for this query\n")
            from ..ontology.projection import from_build, model

            self.shared, self.idle = False, []
            self.db = ladybug.Database(":memory:")
            self.model = model()
            load_ladybug(ladybug.Connection(self.db), from_build(graph_dir))
        # A connection keeps the statements it prepared for parameterised queries: one left idle by an earlier
        # query (in this process, on this database) runs a query seen before without parsing and planning it.
        self.conn = self.idle.pop() if self.shared and self.idle else ladybug.Connection(self.db)

    def run(self, text: str, params: dict[str, Any]) -> Rows:
        columns, rows = self.stream(text, params)
        return Rows(columns, list(rows))

    def stream(self, text: str, params: dict[str, Any]) -> tuple[list[str], Iterator[dict[str, Any]]]:
        # Branch by branch (see union_all_parts); each is translated and planned on its own.
        parts = [to_ladybug(part, params, self.model) for part in union_all_parts(text)]
        first = self._execute(*parts[0])
        columns = first.get_column_names()

        def rows() -> Iterator[dict[str, Any]]:
            result = first
            try:
                for k, part in enumerate(parts):
                    if k:
                        result.close()
                        result = None  # closed already, should the next branch fail
                        result = self._execute(*part)
                    while result.has_next():
                        yield dict(zip(columns, map(plain, result.get_next())))
            finally:
                if result is not None:
                    result.close()  # before its connection closes: a result outliving it crashes Ladybug

        return columns, rows()

    def _execute(self, query: str, values: dict[str, Any]):
        try:
            return self.conn.execute(query, values)
        except RuntimeError as exc:
            raise QueryError(f"Ladybug: {' '.join(str(exc).split())}") from None

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:  # closed already
            return
        if self.shared and len(self.idle) < IDLE_CONNECTIONS:
            self.idle.append(conn)  # its results are closed: the rows were read to the end or dropped
            return
        conn.close()
        if not self.shared:
            self.db.close()


IDLE_CONNECTIONS = 4  # per database: enough for a few queries streaming at once in one process
_DATABASES: dict[str, tuple[tuple[int, int], Any, list, Any]] = {}


def _shared_database(path: Path) -> tuple[Any, list, Any]:
    """The build's Ladybug database, opened read-only once per process while it stays the same file (a rebuild
    publishes a new one, with a new stamp beside it): opening it costs more than most queries on it. With it,
    the list of its idle connections and the property-graph model it was made with."""
    import ladybug

    stamp = (path.parent / STAMP).stat()
    key, version = str(path.resolve()), (stamp.st_ino, stamp.st_mtime_ns)
    found = _DATABASES.get(key)
    if found is None or found[0] != version:
        found = _DATABASES[key] = (version, ladybug.Database(str(path), read_only=True), [],
                                   ladybug_model(path.parent.parent))
    return found[1], found[2], found[3]


class Neo4jEngine:
    name = "neo4j"

    def __init__(self, config=None):
        self.config = config or Neo4jConfig.from_env()
        self.driver = connect(self.config)

    def run(self, text: str, params: dict[str, Any]) -> Rows:
        import neo4j
        from neo4j import exceptions as ex

        try:
            records, _, keys = self.driver.execute_query(
                text, params, database_=self.config.database, routing_=neo4j.RoutingControl.READ
            )
        except ex.ClientError as exc:
            raise QueryError(f"Neo4j: {' '.join((exc.message or str(exc)).split())}") from None
        except (ex.Neo4jError, ex.DriverError, OSError) as exc:
            raise server_error(self.config, exc) from None
        return Rows(list(keys), [{k: plain(record[k]) for k in keys} for record in records])

    def stream(self, text: str, params: dict[str, Any]) -> tuple[list[str], Iterator[dict[str, Any]]]:
        found = self.run(text, params)  # the driver's eager result: Neo4j is the server-side option
        return found.columns, iter(found.rows)

    def close(self) -> None:
        self.driver.close()


def uses_ladybug(neo4j=None) -> bool:
    """Whether `engine(..., neo4j)` is the embedded Ladybug database."""
    return neo4j is False or (neo4j is None and not Neo4jConfig.configured())


def engine(graph_dir: Path | None = None, neo4j=None):
    """The Cypher engine to use. `neo4j`: None = Neo4j when NEO4J_URI is set, else Ladybug; False = Ladybug;
    True = Neo4j from the environment; a Neo4jConfig = that server."""
    if neo4j is None:
        neo4j = Neo4jConfig.configured()
    if neo4j is False:
        return LadybugEngine(graph_dir)
    return Neo4jEngine(None if neo4j is True else neo4j)


def run_text(text: str, params: dict[str, Any], graph_dir: Path | None = None, neo4j=None) -> Rows:
    columns, rows = stream_text(text, params, graph_dir, neo4j)
    return Rows(columns, list(rows))


def stream_text(text: str, params: dict[str, Any], graph_dir: Path | None = None,
                neo4j=None) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """(columns, rows read as they are consumed); the engine closes after the last row (or on an error)."""
    chosen = engine(graph_dir, neo4j)
    try:
        columns, rows = chosen.stream(text, params)
    except BaseException:
        chosen.close()
        raise

    def closing() -> Iterator[dict[str, Any]]:
        try:
            yield from rows
        finally:
            chosen.close()

    return columns, closing()


__all__ = ["LadybugEngine", "Neo4jEngine", "Rows", "engine", "plain", "run_text", "stream_text", "uses_ladybug"]
