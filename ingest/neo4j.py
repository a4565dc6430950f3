"""Load the property graph into Neo4j through the official driver (connection settings: core/neo4j.py).

The load creates label-scoped uniqueness constraints on `id` first, then MERGEs nodes and relationships in
UNWIND batches inside managed write transactions (`execute_write` retries transient failures), so loading the
same graph twice changes nothing: the second load reports 0 nodes and 0 relationships created.

Labels and relationship types cannot be Cypher parameters; the ones written into the statements here come from
the ontology (validated names, backtick-quoted), never from data. All data values are parameters.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ServerError
from ..core.namespaces import ID
from ..core.neo4j import Neo4jConfig, connect, server_error
from ..core.runtime import Progress
from ..ontology.projection import PropertyGraph, from_build, model

DEFAULT_BATCH = 1000


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
    nodes_created: int
    relationships_created: int
    constraints_added: int
    seconds: float
    database_nodes: int = 0  # incidentkg nodes in the database after the load
    database_relationships: int = 0


def _write(session, statement: str, rows: list) -> tuple[int, int]:
    def work(tx):
        counters = tx.run(statement, rows=rows).consume().counters
        return counters.nodes_created, counters.relationships_created

    return session.execute_write(work)


def load(
    graph: PropertyGraph,
    config: Neo4jConfig,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
) -> LoadSummary:
    """MERGE `graph` into the database; idempotent. Constraints first, then nodes, then relationships."""
    from neo4j import exceptions as ex

    if batch_size < 1:
        raise ServerError(f"batch size must be at least 1, got {batch_size}")
    step = progress or (lambda *_: None)
    started = time.perf_counter()
    total = graph.node_count + graph.relationship_count
    done = nodes_created = rels_created = added = 0
    driver = connect(config)
    try:
        with driver.session(database=config.database) as session:
            step("creating constraints", 0, total)
            for statement in constraint_statements():
                added += session.run(statement).consume().counters.constraints_added
            for batch in graph.nodes:
                statement = node_statement(batch.label, batch.labels)
                for start in range(0, len(batch.rows), batch_size):
                    rows = [_clean(r) for r in batch.rows[start:start + batch_size]]
                    created, _ = _write(session, statement, rows)
                    nodes_created += created
                    done += len(rows)
                    step(f"nodes :{batch.labels[-1]}", done, total)
            for rel in graph.relationships:
                statement = rel_statement(rel.type, rel.source, rel.target)
                for start in range(0, len(rel.rows), batch_size):
                    rows = [{"s": s, "t": t} for s, t in rel.rows[start:start + batch_size]]
                    _, created = _write(session, statement, rows)
                    rels_created += created
                    done += len(rows)
                    step(f"relationships :{rel.type}", done, total)
            db_nodes, db_rels = _counts(session)
    except (ex.Neo4jError, ex.DriverError, OSError) as error:
        raise server_error(config, error) from None
    finally:
        driver.close()
    return LoadSummary(
        graph.node_count, graph.relationship_count, nodes_created, rels_created, added,
        time.perf_counter() - started, db_nodes, db_rels,
    )


def _label_union() -> str:
    return "|".join(_q(label) for label in model().labels)


def _counts(session) -> tuple[int, int]:
    # Only our nodes: those under one of the projection's labels with an IRI in the incidentkg id namespace.
    nodes = session.run(
        f"MATCH (n:{_label_union()}) WHERE n.iri STARTS WITH $ns RETURN count(n) AS c", ns=str(ID)
    ).single()["c"]
    rels = session.run(
        f"MATCH (n:{_label_union()})-[r]->(m) WHERE n.iri STARTS WITH $ns AND m.iri STARTS WITH $ns "
        "RETURN count(r) AS c",
        ns=str(ID),
    ).single()["c"]
    return nodes, rels


def counts(config: Neo4jConfig) -> tuple[int, int]:
    """(nodes, relationships) of the incidentkg graph in the database."""
    from neo4j import exceptions as ex

    driver = connect(config)
    try:
        with driver.session(database=config.database) as session:
            return _counts(session)
    except (ex.Neo4jError, ex.DriverError, OSError) as error:
        raise server_error(config, error) from None
    finally:
        driver.close()


def clear(config: Neo4jConfig, batch_size: int = 10_000) -> int:
    """Delete the incidentkg nodes (and their relationships) from the database, in batches; other data stays."""
    from neo4j import exceptions as ex

    statement = (
        f"MATCH (n:{_label_union()}) WHERE n.iri STARTS WITH $ns "
        "WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS c"
    )
    deleted = 0
    driver = connect(config)
    try:
        with driver.session(database=config.database) as session:
            while True:
                count = session.execute_write(
                    lambda tx: tx.run(statement, ns=str(ID), limit=batch_size).single()["c"]
                )
                deleted += count
                if count < batch_size:
                    return deleted
    except (ex.Neo4jError, ex.DriverError, OSError) as error:
        raise server_error(config, error) from None
    finally:
        driver.close()


def load_build(
    folder: Path | None,
    config: Neo4jConfig,
    *,
    batch_size: int = DEFAULT_BATCH,
    replace: bool = False,
    progress: Progress | None = None,
) -> LoadSummary:
    """Project a built graph folder and load it; `replace` first removes the incidentkg graph already there."""
    graph = from_build(folder)
    if replace:
        clear(config)
    return load(graph, config, batch_size=batch_size, progress=progress)


__all__ = [
    "LoadSummary",
    "clear",
    "constraint_statements",
    "counts",
    "load",
    "load_build",
]
