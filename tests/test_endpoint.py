"""`incidentkg serve`: a real server process, queried by real SPARQL clients (rdflib's SPARQLStore and plain
HTTP), answering like the embedded store, refusing updates, sending CORS headers."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from incidentkg import queries

RAIDS = "SELECT ?raid WHERE { ?raid a <https://w3id.org/incidentkg/ontology#Raid> } ORDER BY ?raid"


@pytest.fixture(scope="module")
def endpoint(bundled_graph):
    server = subprocess.Popen([sys.executable, "-m", "incidentkg", "serve", "--port", "0", "--graph",
                               str(bundled_graph)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/sparql"), server.stderr.read()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def http(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_rdflib_sparqlstore_reads_the_endpoint(endpoint, bundled_graph):
    remote = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    raids = [str(row[0]) for row in remote.query(RAIDS)]
    local = [f"https://w3id.org/incidentkg/id/{r['raid']}" for r in
             queries.run_adhoc(RAIDS, "sparql", [], bundled_graph).rows]
    assert raids == local and "https://w3id.org/incidentkg/id/tanhuato-2015" in raids
    # a saved query as `query show` prints it answers over HTTP as it does in process
    text = queries.show("disputed_quantities", "sparql", ["incident=tanhuato-2015"])
    remote_rows = list(remote.query(text))
    assert len(remote_rows) == len(queries.run("disputed_quantities", ["incident=tanhuato-2015"], bundled_graph).rows)


def test_get_post_and_formats(endpoint):
    status, headers, body = http(endpoint + "?" + urllib.parse.urlencode({"query": RAIDS}),
                                 headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    bindings = json.loads(body)["results"]["bindings"]
    assert {"type": "uri", "value": "https://w3id.org/incidentkg/id/tanhuato-2015"} in [b["raid"] for b in bindings]
    status, headers, body = http(endpoint, RAIDS.encode(), {"Content-Type": "application/sparql-query",
                                                            "Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv") and body.startswith(b"raid\r\n")
    form = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    status, _, body = http(endpoint, form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and json.loads(body)["boolean"] is True
    status, headers, body = http(endpoint + "?" + urllib.parse.urlencode(
        {"query": "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 3"}), headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert len(Graph().parse(data=body.decode(), format="turtle")) == 3


@pytest.mark.parametrize("how", ["form", "body", "get"])
def test_updates_are_refused(endpoint, how, bundled_graph):
    update = "DELETE WHERE { ?s ?p ?o }"
    if how == "form":
        status, _, body = http(endpoint, urllib.parse.urlencode({"update": update}).encode(),
                               {"Content-Type": "application/x-www-form-urlencoded"})
    elif how == "body":
        status, _, body = http(endpoint, update.encode(), {"Content-Type": "application/sparql-update"})
    else:
        status, _, body = http(endpoint + "?" + urllib.parse.urlencode({"update": update}))
    assert status == 403 and b"read-only" in body
    status, _, body = http(endpoint + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}))
    assert json.loads(body)["boolean"] is True


def test_cors_and_errors(endpoint):
    status, headers, _ = http(endpoint, method="OPTIONS", headers={"Origin": "http://localhost:3000",
                                                                   "Access-Control-Request-Method": "POST"})
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    status, headers, body = http(endpoint + "?" + urllib.parse.urlencode({"query": "SELECT ?x WHERE {"}))
    assert status == 400 and headers["Access-Control-Allow-Origin"] == "*" and body
    assert http(endpoint)[0] == 400  # no query
    assert http(endpoint.replace("/sparql", "/elsewhere"))[0] == 404


def test_serve_without_a_build_is_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "incidentkg", "serve", "--port", "0", "--graph",
                           str(tmp_path / "none")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 3 and len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
