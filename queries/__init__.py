"""Saved queries are data: `.rq` (SPARQL) files here, each with a `#+` YAML header declaring its name, description
and typed parameters. This module reads the catalogue, checks and types parameter values, and runs a query
against the built graph on one of the `ENGINES`. Parameters are always bound as RDF terms (a VALUES block) or
driver parameters, never spliced as text.

The Cypher side is in three modules: `dialect` (Neo4j's Cypher translated for Ladybug), `ladybug` (the embedded
database of a build) and `engines` (Ladybug and Neo4j behind one `run_text`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from rdflib import XSD, Literal, URIRef

from ..core.errors import QueryError
from ..core.graph import open_graph
from ..core.namespaces import ID, PREFIXES, term_id
from ..core.registry import Plugin, Registry
from .engines import run_text

HERE = Path(__file__).resolve().parent
PARAM_TYPES = ("id", "iri", "string", "integer", "decimal", "date", "boolean")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: Any = None
    description: str = ""

    @property
    def required(self) -> bool:
        return False  # every parameter has a default; None means "no filter"


@dataclass
class SavedQuery:
    name: str
    description: str
    params: dict[str, Param]
    sparql: str
    path: Path
    texts: dict[str, str] = field(default_factory=dict)  # engine language -> query text ("sparql", "cypher")


HEADER = re.compile(r"^\s*(#|//)\+ ?(.*)$")


def parse_header(text: str, path: Path) -> tuple[str, str, dict[str, Param]]:
    """Read the `#+` (SPARQL) or `//+` (Cypher) header lines as YAML."""
    lines = [m.group(2) for m in map(HEADER.match, text.splitlines()) if m]
    try:
        meta = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as exc:
        raise QueryError(f"{path}: header is not valid YAML: {exc}") from None
    for key in ("name", "description"):
        if not meta.get(key):
            raise QueryError(f"{path}: header lacks '{key}'")
    params = {}
    for pname, spec in (meta.get("params") or {}).items():
        spec = spec or {}
        ptype = spec.get("type", "string")
        if ptype not in PARAM_TYPES:
            raise QueryError(f"{path}: parameter '{pname}' has unknown type '{ptype}' (one of {', '.join(PARAM_TYPES)})")
        params[pname] = Param(pname, ptype, spec.get("default"), spec.get("description", ""))
    return str(meta["name"]), str(meta["description"]), params


def catalog(folder: Path = HERE) -> dict[str, SavedQuery]:
    queries: dict[str, SavedQuery] = {}
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        name, description, params = parse_header(text, path)
        if name != path.stem:
            raise QueryError(f"{path}: header name '{name}' differs from the file name")
        queries[name] = SavedQuery(name, description, params, text, path, {"sparql": text})
        twin = path.with_suffix(".cypher")
        if twin.exists():
            queries[name].texts["cypher"] = _cypher_twin(twin, name, description, params)
    return queries


def _cypher_twin(path: Path, name: str, description: str, params: dict[str, Param]) -> str:
    """A `.cypher` twin's text, after checking its `//+` header declares what its `.rq` declares."""
    text = path.read_text(encoding="utf-8")
    twin_name, twin_description, twin_params = parse_header(text, path)
    for what, mine, theirs in (("name", twin_name, name), ("description", twin_description, description),
                               ("params", twin_params, params)):
        if mine != theirs:
            raise QueryError(f"{path}: header {what} differs from {path.with_suffix('.rq').name}")
    return text


def get(name: str) -> SavedQuery:
    queries = catalog()
    if name not in queries:
        raise QueryError(f"unknown query '{name}' (known: {', '.join(queries)})")
    return queries[name]


def parse_params(query: SavedQuery, pairs: list[str]) -> dict[str, Any]:
    """`k=v` strings from the command line → typed values, with defaults filled in."""
    values: dict[str, Any] = {name: p.default for name, p in query.params.items()}
    for pair in pairs:
        if "=" not in pair:
            raise QueryError(f"parameter '{pair}' must be written as name=value")
        key, raw = pair.split("=", 1)
        if key not in query.params:
            known = ", ".join(query.params) or "none"
            raise QueryError(f"query '{query.name}' has no parameter '{key}' (parameters: {known})")
        values[key] = coerce(query.params[key], raw)
    return values


def coerce(param: Param, raw: Any) -> Any:
    if raw is None:
        return None
    text = str(raw).strip()
    try:
        if param.type == "integer":
            return int(text)
        if param.type == "decimal":
            value = float(text)
            if not math.isfinite(value):  # "nan" and "inf" parse as floats but are no decimals
                raise ValueError(text)
            return value
        if param.type == "date":
            return dt.date.fromisoformat(text).isoformat()
        if param.type == "boolean":
            if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(text)
            return text.lower() in ("true", "1", "yes")
    except ValueError:
        raise QueryError(f"parameter '{param.name}' expects {param.type}, got '{text}'") from None
    if param.type == "id" and not ID_PATTERN.match(text):
        raise QueryError(f"parameter '{param.name}' expects a record id such as 'tanhuato-2015', got '{text}'")
    if param.type == "iri" and not re.match(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", text):
        raise QueryError(f"parameter '{param.name}' expects an absolute IRI, got '{text}'")
    return text


def to_term(param: Param, value: Any):
    """A typed parameter value as the RDF term it is bound to."""
    if param.type == "id":
        return ID[value]
    if param.type == "iri":
        return URIRef(value)
    if param.type == "decimal":  # positional notation: str(1e-07) is no valid xsd:decimal lexical form
        return Literal(format(Decimal(repr(float(value))), "f"), datatype=XSD.decimal)
    datatype = {"integer": XSD.integer, "decimal": XSD.decimal, "date": XSD.date, "boolean": XSD.boolean}.get(
        param.type
    )
    return Literal(value, datatype=datatype) if datatype else Literal(value)


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bind_sparql(text: str, bindings: dict[str, Any]) -> str:
    """Insert a VALUES block binding the parameters at the top of the outermost WHERE group, so filters in
    that group see them. Each value is an RDF term serialised by rdflib (escaped), never user text."""
    if not bindings:
        return text
    body = "\n".join(line for line in text.splitlines() if not HEADER.match(line))
    # Whole-line comments are blanked (same length, so offsets hold) so a "where {" in prose is never matched.
    match = _WHERE.search(re.sub(r"(?m)^\s*#.*$", lambda m: " " * len(m.group(0)), body))
    if match is None:
        raise QueryError("query has no WHERE clause to bind parameters in")
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    values = f"\n  VALUES ({names}) {{ ({terms}) }}\n"
    return body[: match.end()] + values + body[match.end():]


def python_value(term) -> Any:
    """Result terms as plain JSON-friendly values: record ids for our IRIs, numbers, ISO dates, strings."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return term_id(term)
    if isinstance(term, Literal):
        if term.datatype in (XSD.integer, XSD.int, XSD.long, XSD.nonNegativeInteger):
            return int(term)
        if term.datatype in (XSD.decimal, XSD.double, XSD.float):
            return float(term)
        if term.datatype == XSD.boolean:
            return term.toPython()
        return str(term)
    return str(term)


@dataclass
class Result:
    columns: list[str]
    rows: list[dict[str, Any]]


def run_sparql(query: SavedQuery, values: dict[str, Any], graph_dir: Path | None = None, neo4j=None) -> Result:
    """Run a saved `.rq` on the build's Oxigraph store (`neo4j` is for the engines' common signature)."""
    bindings = {name: to_term(query.params[name], v) for name, v in values.items() if v is not None}
    graph = open_graph(graph_dir)
    text = bind_sparql(query.sparql, bindings)
    try:
        result = graph.query(text, initNs=PREFIXES)
    except (SyntaxError, ValueError, RuntimeError) as exc:
        raise QueryError(f"{query.path}: {exc}") from None
    columns = [str(v) for v in result.vars]
    rows = [{col: python_value(row[i]) for i, col in enumerate(columns)} for row in result]
    return Result(columns, rows)


def run_cypher(query: SavedQuery, values: dict[str, Any], graph_dir: Path | None = None, neo4j=None) -> Result:
    """Run a query's `.cypher` twin on Ladybug or Neo4j (see engines.engine for `neo4j`); every value is a
    driver parameter."""
    text = query.texts.get("cypher")
    if text is None:
        raise QueryError(f"query '{query.name}' has no Cypher twin ({query.path.with_suffix('.cypher').name})")
    params = {name: coerce(query.params[name], value) for name, value in values.items()}
    rows = run_text(text, params, graph_dir, neo4j)
    return Result(rows.columns, rows.rows)


# The query engines by name: `--engine` offers, checks and describes exactly these. Each runs (query, typed
# values, build folder, neo4j choice) -> Result.
ENGINES = Registry("engine", {
    "sparql": Plugin("incidentkg.queries", "run_sparql", "the .rq on the build's Oxigraph store"),
    "cypher": Plugin("incidentkg.queries", "run_cypher", "the .cypher twin on Ladybug, or on Neo4j"),
})


def run(
    name: str,
    params: list[str] | dict[str, Any] | None = None,
    graph_dir: Path | None = None,
    engine: str = "sparql",
    neo4j=None,
) -> Result:
    """Run a saved query by name with `k=v` strings or a dict of raw values. `engine` is "sparql" (Oxigraph) or
    "cypher"; for Cypher, `neo4j` None picks Neo4j when NEO4J_URI is set and Ladybug otherwise, False forces
    Ladybug, True or a Neo4jConfig forces Neo4j."""
    chosen = ENGINES.get(engine)
    query = get(name)
    if isinstance(params, dict):
        values = {n: p.default for n, p in query.params.items()}
        for key, raw in params.items():
            if key not in query.params:
                raise QueryError(f"query '{name}' has no parameter '{key}'")
            values[key] = coerce(query.params[key], raw)
    else:
        values = parse_params(query, params or [])
    return chosen(query, values, graph_dir, neo4j)


__all__ = ["ENGINES", "Param", "Result", "SavedQuery", "catalog", "get", "parse_params", "run", "run_cypher",
           "run_sparql"]
