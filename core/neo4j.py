"""The Neo4j connection every Neo4j user shares (the loader, the Cypher engine, the tests): settings from
NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD and NEO4J_DATABASE (or matching CLI options), a verified driver,
driver exceptions as the one-line `ServerError` the CLI prints, and the retry of idempotent work across transient
faults (`transient`, `retrying`). `neo4j://` routing URIs work for clusters and Aura, `bolt://` for a single
server."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .errors import ServerError

DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_BATCH = 1000
DEFAULT_RETRY_SECONDS = 60.0  # how long a write waits for a lost server to come back before giving up

T = TypeVar("T")


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


def transient(error: BaseException) -> bool:
    """Whether retrying the same work later can succeed: the server is busy, restarting or briefly unreachable.

    Wrong credentials, a missing database or a bad statement are not transient and fail at once.
    `IncompleteCommit` (a ServiceUnavailable: the connection died after the commit was sent) counts as
    transient here, which is only safe because every statement retried through `retrying` is idempotent."""
    from neo4j import exceptions as ex

    if isinstance(error, ex.ServiceUnavailable | ex.SessionExpired):
        return True
    if isinstance(error, ex.TransientError):
        # The driver marks the transient codes a client caused (a terminated transaction) as not retryable.
        return error.is_retryable()
    return isinstance(error, ConnectionError)  # resets, aborts and broken pipes under the driver


def retrying(
    work: Callable[[], T],
    config: Neo4jConfig,
    *,
    seconds: float = DEFAULT_RETRY_SECONDS,
    what: Callable[[], str] = lambda: "",
    recover: Callable[[], None] = lambda: None,
) -> T:
    """Run idempotent `work`, retrying transient failures with exponential backoff (0.5 s doubling up to 8 s)
    for at most `seconds` after the first failure; then a one-line ServerError saying what was being done.
    `recover` runs after each failure (e.g. to drop a session whose connection died)."""
    failed_at = None
    delay = 0.5
    while True:
        try:
            return work()
        except Exception as error:  # noqa: BLE001 - sorted into transient or not just below
            if not transient(error):
                raise
            recover()
            now = time.monotonic()
            failed_at = failed_at if failed_at is not None else now
            left = failed_at + seconds - now
            if left <= 0:
                doing = what()
                raise ServerError(
                    f"lost Neo4j at {config.uri} and it did not come back within {seconds:g} s of retries"
                    + (f" ({doing})" if doing else "")
                    + f": {_one_line(error)}"
                ) from None
            time.sleep(min(delay, left))
            delay = min(delay * 2, 8.0)


__all__ = [
    "DEFAULT_BATCH", "DEFAULT_RETRY_SECONDS", "DEFAULT_URI", "Neo4jConfig", "SCHEMES", "connect", "retrying",
    "server_error", "transient",
]
