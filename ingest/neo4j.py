"""Load the property graph into Neo4j through the official driver (connection settings: core/neo4j.py).

The load creates label-scoped uniqueness constraints on `id` first, then MERGEs nodes and relationships in
UNWIND batches, each its own write transaction, so loading the same graph twice changes nothing: the second
load reports 0 nodes and 0 relationships created. Because every batch is idempotent, a batch that fails
because the server went away (a restart, a dropped connection, a busy cluster) is simply run again once the
server answers, with exponential backoff for a bounded time (`core.neo4j.retrying`); a load that gave up, or
was killed, is finished by running it again.

Labels and relationship types cannot be Cypher parameters; the ones written into the statements here come from
the ontology (validated names, backtick-quoted), never from data. All data values are parameters.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ServerError
from ..core.namespaces import ID
from ..core.neo4j import DEFAULT_BATCH, DEFAULT_RETRY_SECONDS, Neo4jConfig, connect, retrying, server_error
from ..core.runtime import Progress
from ..ontology.projection import PropertyGraph, from_build, model


# ---------------------------------------------------------------- Cypher generated from the projection


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def constraint_statements() -> list[str]:
    return [
        f"CREATE CONSTRAINT {_q('incidentkg_' + label + '_id')} IF NOT EXISTS "
        f"FOR (n:{_q(label)}) REQUIRE n.id IS UNIQUE"
        for label in model().labels
    ]


def node_statement(label: str, labels: tuple[str, ...]) -> str:
    # SET n = row replaces every property and the REMOVE drops class labels the record no longer has, so a
    # reload after a case file changed leaves exactly what a fresh load would.
    extra = "".join(f":{_q(name)}" for name in labels if name != label)
    stale = "".join(f":{_q(name)}" for name in model().labels[label].classes if name not in labels)
    text = f"UNWIND $rows AS row MERGE (n:{_q(label)} {{id: row.id}}) SET n = row"
    return text + (f" REMOVE n{stale}" if stale else "") + (f" SET n{extra}" if extra else "")


def rel_statement(rel_type: str, source: str, target: str) -> str:
    # Two MATCH clauses (not one comma pattern) so each end is found through its uniqueness index.
    return (
        f"UNWIND $rows AS row MATCH (a:{_q(source)} {{id: row.s}}) MATCH (b:{_q(target)} {{id: row.t}}) "
        f"MERGE (a)-[:{_q(rel_type)}]->(b)"
    )


def _clean(row: dict) -> dict:
    """Neo4j stores no nulls: absent values are simply absent."""
    return {k: v for k, v in row.items() if v is not None}


# ---------------------------------------------------------------- load


@dataclass
class LoadSummary:
    nodes: int  # nodes in the projected graph
    relationships: int
    nodes_created: int  # as the server counted them; a batch whose commit reply was lost counts 0 on its retry
    relationships_created: int
    constraints_added: int
    seconds: float
    database_nodes: int = 0  # incidentkg nodes in the database after the load
    database_relationships: int = 0


Confirm = Callable[[int], None]  # shown the number of incidentkg nodes about to be deleted; raises to stop


class _Session:
    """One session on a driver, through which every statement runs as its own explicit transaction under
    `core.neo4j.retrying`: a transient failure drops the session (its connection may be dead) and the same
    statement runs again on a new one once the server answers, within the retry time. Only idempotent
    statements go through here (MERGE by id with SET n = row, MERGE of a relationship, constraints IF NOT
    EXISTS, counting, batched deletes), so a batch that did commit before the failure changes nothing when
    it runs again."""

    def __init__(self, driver, config: Neo4jConfig, retry_seconds: float) -> None:
        self._driver = driver
        self._config = config
        self._retry_seconds = retry_seconds
        self._session = None
        self.doing = ""  # what the load was doing, for the error when the server does not come back

    def _drop(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            try:
                session.close()
            except Exception:  # noqa: BLE001 - the connection is already gone; nothing to tidy
                pass

    def run(self, statement: str, **params):
        """(records, summary counters) of `statement`, run and committed as one transaction."""

        def attempt():
            if self._session is None:
                self._session = self._driver.session(database=self._config.database)
            with self._session.begin_transaction() as tx:
                result = tx.run(statement, params)
                records = list(result)
                counters = result.consume().counters
                tx.commit()
            return records, counters

        return retrying(attempt, self._config, seconds=self._retry_seconds, what=lambda: self.doing,
                        recover=self._drop)

    def close(self) -> None:
        self._drop()


def _session(config: Neo4jConfig, retry_seconds: float):
    """A connected `_Session` and its driver. The first connection is not retried: a wrong URI, port or
    password fails at once with one line."""
    driver = connect(config)
    return driver, _Session(driver, config, retry_seconds)


def load(
    graph: PropertyGraph,
    config: Neo4jConfig,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
    retry_seconds: float = DEFAULT_RETRY_SECONDS,
) -> LoadSummary:
    """MERGE `graph` into the database; idempotent. Constraints first, then nodes, then relationships. A batch
    that fails because the server went away is retried for up to `retry_seconds`; a load that gives up
    (ServerError) can simply be run again and finishes what the first one started."""
    from neo4j import exceptions as ex

    if batch_size < 1:
        raise ServerError(f"batch size must be at least 1, got {batch_size}")
    step = progress or (lambda *_: None)
    started = time.perf_counter()
    total = graph.node_count + graph.relationship_count
    done = nodes_created = rels_created = added = 0
    driver, session = _session(config, retry_seconds)
    try:
        step("creating constraints", 0, total)
        session.doing = "creating constraints"
        for statement in constraint_statements():
            added += session.run(statement)[1].constraints_added
        for batch in graph.nodes:
            statement = node_statement(batch.label, batch.labels)
            for start in range(0, len(batch.rows), batch_size):
                rows = [_clean(r) for r in batch.rows[start:start + batch_size]]
                session.doing = f"nodes :{batch.labels[-1]}, {done} of {total} rows written; a rerun finishes the load"
                nodes_created += session.run(statement, rows=rows)[1].nodes_created
                done += len(rows)
                step(f"nodes :{batch.labels[-1]}", done, total)
        for rel in graph.relationships:
            statement = rel_statement(rel.type, rel.source, rel.target)
            for start in range(0, len(rel.rows), batch_size):
                rows = [{"s": s, "t": t} for s, t in rel.rows[start:start + batch_size]]
                session.doing = f"relationships :{rel.type}, {done} of {total} rows written; a rerun finishes the load"
                rels_created += session.run(statement, rows=rows)[1].relationships_created
                done += len(rows)
                step(f"relationships :{rel.type}", done, total)
        session.doing = "counting the loaded graph"
        db_nodes, db_rels = _counts(session)
    except (ex.Neo4jError, ex.DriverError, OSError) as error:
        raise server_error(config, error) from None
    finally:
        session.close()
        driver.close()
    return LoadSummary(
        graph.node_count, graph.relationship_count, nodes_created, rels_created, added,
        time.perf_counter() - started, db_nodes, db_rels,
    )


def _label_union() -> str:
    return "|".join(_q(label) for label in model().labels)


def _counts(session: _Session) -> tuple[int, int]:
    # Only our nodes: those under one of the projection's labels with an IRI in the incidentkg id namespace.
    nodes = session.run(
        f"MATCH (n:{_label_union()}) WHERE n.iri STARTS WITH $ns RETURN count(n) AS c", ns=str(ID)
    )[0][0]["c"]
    rels = session.run(
        f"MATCH (n:{_label_union()})-[r]->(m) WHERE n.iri STARTS WITH $ns AND m.iri STARTS WITH $ns "
        "RETURN count(r) AS c",
        ns=str(ID),
    )[0][0]["c"]
    return nodes, rels


def counts(config: Neo4jConfig, *, retry_seconds: float = DEFAULT_RETRY_SECONDS) -> tuple[int, int]:
    """(nodes, relationships) of the incidentkg graph in the database."""
    from neo4j import exceptions as ex

    driver, session = _session(config, retry_seconds)
    try:
        return _counts(session)
    except (ex.Neo4jError, ex.DriverError, OSError) as error:
        raise server_error(config, error) from None
    finally:
        session.close()
        driver.close()


def _clear(session: _Session, batch_size: int) -> int:
    statement = (
        f"MATCH (n:{_label_union()}) WHERE n.iri STARTS WITH $ns "
        "WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS c"
    )
    deleted = 0
    while True:
        session.doing = f"deleting the incidentkg graph, {deleted} nodes deleted so far"
        count = session.run(statement, ns=str(ID), limit=batch_size)[0][0]["c"]
        deleted += count
        if count < batch_size:
            return deleted


def clear(
    config: Neo4jConfig,
    batch_size: int = 10_000,
    *,
    confirm: Confirm | None = None,
    retry_seconds: float = DEFAULT_RETRY_SECONDS,
) -> int:
    """Delete the incidentkg nodes (and their relationships) from the database, in batches; other data stays.
    `confirm`, if given, is first shown how many nodes would go and stops the deletion by raising."""
    from neo4j import exceptions as ex

    driver, session = _session(config, retry_seconds)
    try:
        if confirm is not None:
            confirm(_counts(session)[0])
        return _clear(session, batch_size)
    except (ex.Neo4jError, ex.DriverError, OSError) as error:
        raise server_error(config, error) from None
    finally:
        session.close()
        driver.close()


def load_build(
    folder: Path | None,
    config: Neo4jConfig,
    *,
    batch_size: int = DEFAULT_BATCH,
    replace: bool = False,
    confirm: Confirm | None = None,
    progress: Progress | None = None,
    retry_seconds: float = DEFAULT_RETRY_SECONDS,
) -> LoadSummary:
    """Project a built graph folder and load it; `replace` first removes the incidentkg graph already there
    (after `confirm`, if given, saw how many nodes that deletes)."""
    graph = from_build(folder)
    if replace:
        clear(config, confirm=confirm, retry_seconds=retry_seconds)
    return load(graph, config, batch_size=batch_size, progress=progress, retry_seconds=retry_seconds)


__all__ = [
    "LoadSummary",
    "clear",
    "constraint_statements",
    "counts",
    "load",
    "load_build",
]
