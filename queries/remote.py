"""A remote RDF store (Apache Jena Fuseki, GraphDB, Virtuoso, another `incidentkg serve`...) as the SPARQL side's
shared server, the way Neo4j is the Cypher side's.

- `load(graph_dir, remote)` pushes a build through the SPARQL 1.1 Graph Store Protocol in chunks of N-Triples:
  the first chunk PUT (replacing the default graph), the rest POSTed, then the ontology PUT into its own named
  graph as the embedded store keeps it. A rerun, even after an interrupted load, starts with that PUT, so it
  leaves exactly one copy.
- `select(text, remote)` runs a query over the SPARQL 1.1 Protocol and gives the same plain rows as the embedded
  store (the saved queries' VALUES-bound text, so parameters stay terms).

The connection comes from INCIDENTKG_SPARQL_ENDPOINT (the query URL, e.g. http://host:3030/ds/sparql), an
optional INCIDENTKG_SPARQL_STORE (the Graph Store URL; by default the endpoint's /sparql or /query replaced by
/data) and INCIDENTKG_SPARQL_USERNAME / INCIDENTKG_SPARQL_PASSWORD for HTTP basic authentication.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Literal, URIRef

from ..core.errors import QueryError, ServerError, UsageError
from ..core.graph import EXPORTS
from ..core.graph import graph_dir as build_dir
from ..core.namespaces import ONTOLOGY_IRI, PREFIXES
from ..core.runtime import Progress
from ..ontology import ONTOLOGY_FILE
from .results import python_value

CHUNK_TRIPLES = 50_000
TIMEOUT = 60


@dataclass(frozen=True)
class RemoteConfig:
    endpoint: str  # the SPARQL query URL
    store: str  # the Graph Store Protocol URL
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_env(cls, endpoint: str | None = None, store: str | None = None) -> "RemoteConfig":
        env = os.environ
        endpoint = endpoint or env.get("INCIDENTKG_SPARQL_ENDPOINT")
        if not endpoint:
            raise UsageError("no SPARQL endpoint: pass --endpoint URL or set INCIDENTKG_SPARQL_ENDPOINT")
        if not endpoint.startswith(("http://", "https://")):
            raise UsageError(f"invalid SPARQL endpoint '{endpoint}': expected an http:// or https:// URL")
        store = store or env.get("INCIDENTKG_SPARQL_STORE") or _store_url(endpoint)
        return cls(endpoint, store, env.get("INCIDENTKG_SPARQL_USERNAME") or None,
                   env.get("INCIDENTKG_SPARQL_PASSWORD") or None)

    def _request(self, url: str, data: bytes | None, headers: dict[str, str], method: str,
                 query: bool = False) -> bytes:
        headers = dict(headers)
        if self.username is not None:
            token = base64.b64encode(f"{self.username}:{self.password or ''}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            detail = " ".join(error.read(2000).decode("utf-8", "replace").split())[:300]
            if error.code in (401, 403):
                who = f"user '{self.username}'" if self.username else "anonymous access"
                raise ServerError(f"SPARQL store at {url} refused {who} (HTTP {error.code}; check "
                                  "INCIDENTKG_SPARQL_USERNAME/INCIDENTKG_SPARQL_PASSWORD)") from None
            if error.code == 400 and query:
                raise QueryError(f"SPARQL store at {url} rejected the query: {detail}") from None
            raise ServerError(f"SPARQL store at {url}: HTTP {error.code} {error.reason}: {detail}") from None
        except (urllib.error.URLError, socket.timeout, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            raise ServerError(f"cannot reach the SPARQL store at {url}: {reason} (is it running? check "
                              "--endpoint / INCIDENTKG_SPARQL_ENDPOINT)") from None


def _store_url(endpoint: str) -> str:
    for tail in ("/sparql", "/query"):
        if endpoint.rstrip("/").endswith(tail):
            return endpoint.rstrip("/")[: -len(tail)] + "/data"
    return endpoint.rstrip("/") + "/data"


# ---------------------------------------------------------------- loading


def _chunks(path: Path, size: int) -> Iterator[bytes]:
    batch: list[bytes] = []
    with path.open("rb") as handle:
        for line in handle:
            batch.append(line)
            if len(batch) >= size:
                yield b"".join(batch)
                batch = []
    if batch:
        yield b"".join(batch)


@dataclass
class LoadSummary:
    triples: int  # triples sent
    chunks: int
    store_triples: int  # triples in the remote default graph afterwards


def load(graph_dir: Path | None, remote: RemoteConfig, *, chunk: int = CHUNK_TRIPLES,
         progress: Progress | None = None) -> LoadSummary:
    """Replace the remote default graph with the build's triples (and the ontology graph with the ontology)."""
    if chunk < 1:
        raise UsageError(f"chunk size must be at least 1, got {chunk}")
    step = progress or (lambda *_: None)
    folder = build_dir(graph_dir)
    nt = folder / EXPORTS["nt"]
    total = sum(1 for _ in nt.open("rb"))
    sent = chunks = 0
    default = remote.store + ("&" if "?" in remote.store else "?") + "default"
    headers = {"Content-Type": "application/n-triples"}
    for body in _chunks(nt, chunk):
        remote._request(default, body, headers, "PUT" if chunks == 0 else "POST")
        chunks += 1
        sent += body.count(b"\n")
        step("loading triples", sent, total)
    if chunks == 0:  # an empty build still replaces what was there
        remote._request(default, b"", headers, "PUT")
    named = remote.store + ("&" if "?" in remote.store else "?") + urllib.parse.urlencode({"graph": str(ONTOLOGY_IRI)})
    remote._request(named, ONTOLOGY_FILE.read_bytes(), {"Content-Type": "text/turtle"}, "PUT")
    count = select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", remote)
    return LoadSummary(sent, chunks, int(count[1][0]["n"]))


# ---------------------------------------------------------------- querying


def _term(binding: dict):
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if binding.get("xml:lang"):
        return Literal(value, lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    return Literal(value, datatype=URIRef(datatype)) if datatype else Literal(value)


def query_terms(text: str, remote: RemoteConfig) -> tuple[list[str], list[dict]]:
    """Run a SELECT or ASK on the remote endpoint: (variables, rows of rdflib terms); ASK gives one `ask` row."""
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    body = urllib.parse.urlencode({"query": prologue + text}).encode()
    raw = remote._request(remote.endpoint, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                  "Accept": "application/sparql-results+json"}, "POST", query=True)
    try:
        data = json.loads(raw)
    except ValueError:
        raise ServerError(f"SPARQL store at {remote.endpoint} did not answer with SPARQL JSON results") from None
    if "boolean" in data:
        return ["ask"], [{"ask": Literal(bool(data["boolean"]))}]
    columns = list(data.get("head", {}).get("vars", []))
    rows = [{c: (_term(b[c]) if c in b else None) for c in columns} for b in data.get("results", {}).get("bindings", [])]
    return columns, rows


def select(text: str, remote: RemoteConfig) -> tuple[list[str], list[dict]]:
    """`query_terms` with plain values, as the embedded store's results are given."""
    columns, rows = query_terms(text, remote)
    return columns, [{c: python_value(v) for c, v in row.items()} for row in rows]


__all__ = ["LoadSummary", "RemoteConfig", "load", "query_terms", "select"]
