"""Load the property graph into Neo4j through the official driver, and the connection settings every Neo4j user
(loader, Cypher queries, tests) shares.

The connection comes from NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD and NEO4J_DATABASE (or matching CLI options);
`neo4j://` routing URIs work for clusters and Aura, `bolt://` for a single server. The load creates label-scoped
uniqueness constraints on `id` first, then MERGEs nodes and relationships in UNWIND batches inside managed
write transactions (`execute_write` retries transient failures), so loading the same graph twice changes
nothing: the second load reports 0 nodes and 0 relationships created.

Labels and relationship types cannot be Cypher parameters; the ones written into the statements here come from
the ontology (validated names, backtick-quoted), never from data. All data values are parameters.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..ontology.projection import PropertyGraph, from_build, model
from .errors import ServerError

Progress = Callable[[str, int, int], None]  # (description, done, total)
DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_BATCH = 1000


@dataclass(frozen=True)
class Neo4jConfig:
    uri: str
    username: str = "neo4j"
    password: str = ""
    database: str | None = None  # None: the server's default database

    @classmethod
    def from_env(
        cls,
        uri: str | None = None,
        username: str | None = None,
        password: str | None = None,
        database: str | None = None,
    ) -> "Neo4jConfig":
        """Explicit values win over NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD and NEO4J_DATABASE."""
        env = os.environ
        return cls(
            uri=uri or env.get("NEO4J_URI") or DEFAULT_URI,
            username=username or env.get("NEO4J_USERNAME") or env.get("NEO4J_USER") or "neo4j",
            password=password if password is not None else env.get("NEO4J_PASSWORD", ""),
            database=database or env.get("NEO4J_DATABASE") or None,
        )

    @staticmethod
    def configured() -> bool:
        """Whether the environment names a Neo4j server (NEO4J_URI set)."""
        return bool(os.environ.get("NEO4J_URI"))


def _one_line(error: BaseException) -> str:
    text = getattr(error, "message", None) or str(error) or type(error).__name__
    return " ".join(str(text).split())


def server_error(config: Neo4jConfig, error: BaseException) -> ServerError:
    """A driver exception as the one-line error the CLI prints."""
    from neo4j import exceptions as ex

    where = f"Neo4j at {config.uri}"
    if isinstance(error, ex.AuthError):
        return ServerError(
            f"{where} refused the credentials of user '{config.username}' (check NEO4J_USERNAME/NEO4J_PASSWORD)"
        )
    if isinstance(error, ex.ServiceUnavailable):
        return ServerError(f"cannot reach {where}: {_one_line(error)} (is the server running? check NEO4J_URI)")
    if isinstance(error, ex.ConfigurationError | ValueError):
        return ServerError(f"invalid Neo4j connection settings for {config.uri}: {_one_line(error)}")
    if isinstance(error, ex.ClientError) and "DatabaseNotFound" in (error.code or ""):
        return ServerError(f"{where} has no database '{config.database}' (check NEO4J_DATABASE)")
    return ServerError(f"{where}: {_one_line(error)}")


SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def connect(config: Neo4jConfig):
    """An open, verified driver; ServerError when the server is unreachable or refuses the credentials."""
    import logging

    import neo4j
    from neo4j import exceptions as ex

    # The driver logs routing failures as warnings; with no handler Python would print them to stderr beside
    # our one-line error.
    logger = logging.getLogger("neo4j")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    scheme = config.uri.split("://", 1)[0] if "://" in config.uri else ""
    if scheme not in SCHEMES:
        raise ServerError(f"invalid NEO4J_URI '{config.uri}': expected {', '.join(s + '://' for s in SCHEMES)}")
    try:
        driver = neo4j.GraphDatabase.driver(
            config.uri, auth=(config.username, config.password), connection_timeout=10, max_transaction_retry_time=15
        )
    except (ex.ConfigurationError, ValueError) as error:
        raise server_error(config, error) from None
    try:
        # verify_connectivity fails fast (execute_query would retry an unreachable server for seconds); the tiny
        # query then checks the credentials and the database name.
        driver.verify_connectivity()
        driver.execute_query("RETURN 1", database_=config.database, routing_=neo4j.RoutingControl.READ)
    except (ex.Neo4jError, ex.DriverError, OSError, ValueError) as error:
        driver.close()
        raise server_error(config, error) from None
    return driver


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
    from ..ontology import ID

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

    from ..ontology import ID

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
    "Neo4jConfig",
    "clear",
    "connect",
    "constraint_statements",
    "counts",
    "load",
    "load_build",
    "server_error",
]
