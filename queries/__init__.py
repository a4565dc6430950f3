"""Saved queries are data: `.rq` (SPARQL) files here, each with a `#+` YAML header declaring its name, description
and typed parameters. This module reads the catalogue, checks and types parameter values, and runs a query
against the built graph. Parameters are always bound as RDF terms (a VALUES block), never spliced as text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import XSD, Literal, URIRef

from ..ingest.build import open_graph, term_id
from ..ingest.errors import QueryError
from ..ontology import ID, PREFIXES

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
    return queries


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
            return float(text)
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
    match = _WHERE.search(body)
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


def run_sparql(query: SavedQuery, values: dict[str, Any], graph_dir: Path | None = None) -> Result:
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


def run(name: str, params: list[str] | dict[str, Any] | None = None, graph_dir: Path | None = None) -> Result:
    """Run a saved query by name with `k=v` strings or a dict of raw values."""
    query = get(name)
    if isinstance(params, dict):
        values = {n: p.default for n, p in query.params.items()}
        for key, raw in params.items():
            if key not in query.params:
                raise QueryError(f"query '{name}' has no parameter '{key}'")
            values[key] = coerce(query.params[key], raw)
    else:
        values = parse_params(query, params or [])
    return run_sparql(query, values, graph_dir)


__all__ = ["Param", "Result", "SavedQuery", "catalog", "get", "parse_params", "run", "run_sparql"]
