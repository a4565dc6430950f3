"""A read-only SPARQL 1.1 Protocol endpoint over a build (`incidentkg serve`), so that YASGUI, rdflib's
SPARQLStore, SPARQLWrapper or any other SPARQL client can query it.

- Queries by GET (`?query=`), by POST of a form (`query=`) or of `application/sparql-query`; `default-graph-uri`
  and `named-graph-uri` are refused rather than ignored.
- Results in the format the client's Accept header asks for: SPARQL JSON (the default), XML, CSV or TSV for
  SELECT and ASK; N-Triples, Turtle or RDF/XML for CONSTRUCT and DESCRIBE.
- Updates (`update=` or `application/sparql-update`) get 403: the store is opened read-only and a build is
  only ever replaced whole.
- CORS headers for browser clients; it listens on the loopback address unless told otherwise.
"""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from ..core.graph import open_store
from ..core.namespaces import PREFIXES

PATH = "/sparql"
MAX_BODY = 1 << 20  # a query larger than this is no query
RESULT_FORMATS = [ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.CSV,
                  ox.QueryResultsFormat.TSV]
GRAPH_FORMATS = [ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML]


def _choose(accept: str, formats: list):
    """The first of `formats` the Accept header names (by media type, or a wildcard); the first otherwise."""
    wanted = [part.split(";")[0].strip().lower() for part in (accept or "").split(",") if part.strip()]
    for media in wanted:
        for fmt in formats:
            if media == fmt.media_type.split(";")[0] or (media == "application/json" and fmt == ox.QueryResultsFormat.JSON):
                return fmt
    return formats[0]


class _Handler(BaseHTTPRequestHandler):
    server_version = "incidentkg-sparql"
    store: ox.Store  # set on the subclass made per server
    quiet = True

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        if not self.quiet:
            super().log_message(format, *args)

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")

    def _reply(self, status: HTTPStatus, body: bytes, media: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self._cors()
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._reply(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def do_OPTIONS(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(HTTPStatus.NO_CONTENT)
        self._cors()
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path != PATH:
            text = f"incidentkg read-only SPARQL endpoint: {PATH}?query=... (GET or POST)\n"
            status = HTTPStatus.OK if url.path == "/" else HTTPStatus.NOT_FOUND
            return self._reply(status, text.encode("utf-8"), "text/plain; charset=utf-8")
        self._answer(parse_qs(url.query))

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path != PATH:
            return self._error(HTTPStatus.NOT_FOUND, f"no endpoint here; use {PATH}")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "query too large")
        body = self.rfile.read(length).decode("utf-8", "replace")
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media == "application/sparql-update":
            return self._error(HTTPStatus.FORBIDDEN, "updates are refused: this endpoint is read-only")
        if media == "application/sparql-query":
            return self._answer({**parse_qs(url.query), "query": [body]})
        if media == "application/x-www-form-urlencoded":
            return self._answer({**parse_qs(url.query), **parse_qs(body)})
        self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send application/sparql-query or a form with query=")

    def _answer(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            return self._error(HTTPStatus.FORBIDDEN, "updates are refused: this endpoint is read-only")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return self._error(HTTPStatus.BAD_REQUEST, "default-graph-uri and named-graph-uri are not supported")
        texts = params.get("query") or []
        if len(texts) != 1:
            return self._error(HTTPStatus.BAD_REQUEST, "give exactly one query parameter")
        try:
            result = self.store.query(texts[0], prefixes=PREFIXES)
        except SyntaxError as error:
            return self._error(HTTPStatus.BAD_REQUEST, " ".join(str(error).split()))
        except (OSError, ValueError, RuntimeError) as error:
            return self._error(HTTPStatus.INTERNAL_SERVER_ERROR, " ".join(str(error).split()))
        accept = self.headers.get("Accept") or ""
        if isinstance(result, ox.QueryTriples):
            fmt = _choose(accept, GRAPH_FORMATS)
        else:
            fmt = _choose(accept, RESULT_FORMATS)
        media = fmt.media_type if "charset" in fmt.media_type else fmt.media_type + "; charset=utf-8"
        self._reply(HTTPStatus.OK, result.serialize(format=fmt), media)


class Endpoint:
    """A running endpoint; `url` is its query address. `serve_forever()` blocks, `start()` runs it in a thread,
    `close()` stops it."""

    def __init__(self, graph_dir: Path | None = None, host: str = "127.0.0.1", port: int = 7878,
                 log: bool = False) -> None:
        handler = type("Handler", (_Handler,), {"store": open_store(graph_dir), "quiet": not log})
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{PATH}"

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def start(self) -> "Endpoint":
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


__all__ = ["Endpoint", "PATH"]
