"""The Neo4j connection every Neo4j user shares (the loader, the Cypher engine, the tests): settings from
NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD and NEO4J_DATABASE (or matching CLI options), a verified driver, and
driver exceptions as the one-line `ServerError` the CLI prints. `neo4j://` routing URIs work for clusters and
Aura, `bolt://` for a single server."""

from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import ServerError

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


__all__ = ["DEFAULT_URI", "Neo4jConfig", "SCHEMES", "connect", "server_error"]
