"""Saved queries are data: `.rq` (SPARQL) files here, each with a `#+` YAML header declaring its name, description
and typed parameters. This module reads the catalogue, checks and types parameter values, and runs a query
against the built graph on one of the `ENGINES`. Parameters are always bound as RDF terms (a VALUES block) or
driver parameters, never spliced as text.

The Cypher side is in three modules: `dialect` (Neo4j's Cypher translated for Ladybug), `ladybug` (the embedded
database of a build) and `engines` (Ladybug and Neo4j behind one `run_text`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from ..core.errors import QueryError, UsageError
from ..core.graph import shared_store
from ..core.namespaces import ID, PREFIXES
from ..core.registry import Plugin, Registry
from .paging import Page, page_cypher, page_sparql
from .results import Result, Stream, ox_rows, ox_value

# What only some commands need loads when first used (PEP 562): the Cypher engines (Ladybug, Neo4j), name
# look-up, the remote SPARQL store and rdflib's Graph view of the store.
_LAZY = {
    "run_text": ("incidentkg.queries.engines", "run_text"),
    "stream_text": ("incidentkg.queries.engines", "stream_text"),
    "resolve_id": ("incidentkg.queries.lookup", "resolve_id"),
    "RemoteConfig": ("incidentkg.queries.remote", "RemoteConfig"),
    "remote_select": ("incidentkg.queries.remote", "select"),
    "open_graph": ("incidentkg.core.graph", "open_graph"),
}


def __getattr__(name: str):
    found = _LAZY.get(name)
    if found is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(found[0]), found[1])
    globals()[name] = value
    return value

HERE = Path(__file__).resolve().parent
PARAM_TYPES = ("id", "iri", "string", "integer", "decimal", "date", "boolean")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: Any = None
    description: str = ""
    variable: str | None = None  # the SPARQL variable it binds, when not its name (header key `variable`)

    @property
    def required(self) -> bool:
        return False  # every parameter has a default; None means "no filter"

    @property
    def sparql_variable(self) -> str:
        return self.variable or self.name


@dataclass
class SavedQuery:
    name: str
    description: str
    params: dict[str, Param]
    sparql: str | None  # the .rq text; None for a query with a .cypher file only
    path: Path  # the .rq (or the .cypher when there is no .rq)
    texts: dict[str, str] = field(default_factory=dict)  # engine language -> query text ("sparql", "cypher")
    columns: list[str] = field(default_factory=list)  # the key columns the default table shows


@dataclass(frozen=True)
class Header:
    name: str
    description: str
    params: dict[str, Param]
    columns: tuple[str, ...]


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where installed: the same safe subset
HEADER = re.compile(r"^\s*(#|//)\+ ?(.*)$")
QUERIES_ENV = "INCIDENTKG_QUERIES"
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_header(text: str, path: Path) -> Header:
    """Read the `#+` (SPARQL) or `//+` (Cypher) header lines as YAML: name, description, typed params with
    defaults, and optionally the key `columns` a table shows."""
    lines = [m.group(2) for m in map(HEADER.match, text.splitlines()) if m]
    try:
        meta = yaml.load("\n".join(lines), Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise QueryError(f"{path}: header is not valid YAML: {problem}") from None
    if not isinstance(meta, dict):
        raise QueryError(f"{path}: header must be a mapping (name, description, params, columns)")
    for key in ("name", "description"):
        if not meta.get(key):
            raise QueryError(f"{path}: header lacks '{key}'")
    params = {}
    specs = meta.get("params") or {}
    if not isinstance(specs, dict):
        raise QueryError(f"{path}: header 'params' must map parameter names to {{type, default, description}}")
    for pname, spec in specs.items():
        spec = spec or {}
        if not isinstance(spec, dict):
            raise QueryError(f"{path}: parameter '{pname}' must be a mapping {{type, default, description}}")
        ptype = spec.get("type", "string")
        if ptype not in PARAM_TYPES:
            raise QueryError(f"{path}: parameter '{pname}' has unknown type '{ptype}' (one of {', '.join(PARAM_TYPES)})")
        variable = spec.get("variable")
        if variable is not None and not (isinstance(variable, str) and _VARIABLE.fullmatch(variable)):
            raise QueryError(f"{path}: parameter '{pname}' has variable {variable!r}, not a SPARQL variable name")
        params[pname] = Param(pname, ptype, spec.get("default"), spec.get("description", ""), variable)
    columns = meta.get("columns") or []
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise QueryError(f"{path}: header 'columns' must be a list of result column names")
    return Header(str(meta["name"]), str(meta["description"]), params, tuple(columns))


def query_folders(extra: Iterable[Path] = (), *, bundled: bool = True) -> list[Path]:
    """The bundled queries, then the folders of INCIDENTKG_QUERIES (separated by the OS path separator), then
    `extra` (the CLI's --queries); only `extra` without `bundled`."""
    folders = [HERE] if bundled else []
    if bundled:
        folders += [Path(p) for p in os.environ.get(QUERIES_ENV, "").split(os.pathsep) if p]
    folders += [Path(p) for p in extra]
    for folder in folders:
        if folder == HERE:
            continue
        if not folder.is_dir():
            raise UsageError(f"{folder}: not a folder of saved queries (.rq, .cypher)")
    return folders


def catalog(extra: Iterable[Path] = (), *, bundled: bool = True) -> dict[str, SavedQuery]:
    """Every saved query of the bundled folder and the extra ones (see query_folders), by name. A name defined
    twice is an error naming both files."""
    queries: dict[str, SavedQuery] = {}
    for folder in query_folders(extra, bundled=bundled):
        stems = sorted({p.stem for p in folder.glob("*.rq")} | {p.stem for p in folder.glob("*.cypher")})
        for stem in stems:
            query = _load(folder / f"{stem}.rq", folder / f"{stem}.cypher")
            if query.name in queries:
                raise QueryError(f"{query.path}: query '{query.name}' is already defined by {queries[query.name].path}")
            queries[query.name] = query
    return queries


_LOADED: dict[tuple, SavedQuery] = {}


def _load(rq: Path, cypher: Path) -> SavedQuery:
    """A query from its .rq and/or .cypher file; when both exist their headers must declare the same. Read
    once per process while the files stay as they are."""
    key = (rq, cypher, *(_file_stamp(p) for p in (rq, cypher)))
    found = _LOADED.get(key)
    if found is None:
        found = _LOADED[key] = _read(rq, cypher)
    return found


def _file_stamp(path: Path) -> tuple | None:
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_mtime_ns, found.st_size, found.st_ino


def _read(rq: Path, cypher: Path) -> SavedQuery:
    texts, headers = {}, {}
    for language, path in (("sparql", rq), ("cypher", cypher)):
        if path.exists():
            texts[language] = path.read_text(encoding="utf-8")
            headers[language] = parse_header(texts[language], path)
            if headers[language].name != path.stem:
                raise QueryError(f"{path}: header name '{headers[language].name}' differs from the file name")
    first = headers.get("sparql") or headers["cypher"]
    if len(headers) == 2 and headers["cypher"] != headers["sparql"]:
        what = next(k for k in ("name", "description", "params", "columns")
                    if getattr(headers["cypher"], k) != getattr(headers["sparql"], k))
        raise QueryError(f"{cypher}: header {what} differs from {rq.name}")
    return SavedQuery(first.name, first.description, first.params, texts.get("sparql"),
                      rq if rq.exists() else cypher, texts, list(first.columns))


def get(name: str, extra: Iterable[Path] = ()) -> SavedQuery:
    queries = catalog(extra)
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
    if param.type == "id" and not text:
        raise QueryError(f"parameter '{param.name}' expects a record id such as 'tanhuato-2015', or a name")
    if param.type == "iri" and not re.match(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", text):
        raise QueryError(f"parameter '{param.name}' expects an absolute IRI, got '{text}'")
    return text


_XSD = "http://www.w3.org/2001/XMLSchema#"
_DATATYPES = {"integer": "integer", "decimal": "decimal", "date": "date", "boolean": "boolean"}


def to_term(param: Param, value: Any) -> ox.NamedNode | ox.Literal:
    """A typed parameter value as the RDF term it is bound to (`str()` of it is its N-Triples form)."""
    if param.type == "id":
        return ox.NamedNode(f"{ID}{value}")
    if param.type == "iri":
        return ox.NamedNode(value)
    if param.type == "decimal":  # positional notation: str(1e-07) is no valid xsd:decimal lexical form
        lexical = format(Decimal(repr(float(value))), "f")
    elif param.type == "boolean":
        lexical = "true" if value else "false"
    else:
        lexical = str(value)
    datatype = _DATATYPES.get(param.type)
    return ox.Literal(lexical, datatype=ox.NamedNode(_XSD + datatype)) if datatype else ox.Literal(lexical)


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def sparql_bindings(query: SavedQuery, values: dict[str, Any]) -> dict[str, Any]:
    """The given parameters as RDF terms, keyed by the SPARQL variable each binds (unset ones are left out)."""
    return {query.params[name].sparql_variable: to_term(query.params[name], value)
            for name, value in values.items() if value is not None}


def bind_sparql(text: str, bindings: dict[str, Any], subselects: bool = False) -> str:
    """Insert a VALUES block binding the parameters at the top of the outermost WHERE group, so filters in
    that group see them. Each value is an RDF term serialised by rdflib (escaped), never user text. With
    `subselects`, each sub-select that returns a bound variable by name (not `*`, not `(... AS ?v)`) gets the
    same block for it inside its WHERE: the meaning of binding the variable everywhere, which is what Oxigraph's
    substitutions do, and the only way Oxigraph starts a sub-select's joins from the value rather than reading
    all of it and keeping the rows that match."""
    if not bindings:
        return text
    body = "\n".join(line for line in text.splitlines() if not HEADER.match(line))
    # Comments, strings and IRIs are blanked (same length, so offsets hold): a "where {" or a "select" in
    # prose or in a literal is never matched, and a `#` inside an IRI starts no comment.
    masked = _MASKED.sub(lambda m: " " * len(m.group(0)), body)
    match = _WHERE.search(masked)
    if match is None:
        raise QueryError("query has no WHERE clause to bind parameters in")
    inserts = [(match.end(), _values_block(bindings))]
    if subselects:
        for select in _SUBSELECT.finditer(masked, match.end()):
            where = _WHERE.search(masked, select.end())
            if where is None:
                continue
            returned = _returned(masked[select.end():where.start()])
            own = {name: term for name, term in bindings.items() if name in returned}
            if own:
                inserts.append((where.end(), _values_block(own)))
    for at, block in sorted(inserts, reverse=True):
        body = body[:at] + block + body[at:]
    return body


_MASKED = re.compile(r"""<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*""")
_SUBSELECT = re.compile(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?(?=[?$(])", re.IGNORECASE)


def _values_block(bindings: dict[str, Any]) -> str:
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    return f"\n  VALUES ({names}) {{ ({terms}) }}\n"


def _returned(projection: str) -> set[str]:
    """The variables a SELECT clause returns by name: those outside its parenthesised expressions."""
    names, depth = set(), 0
    for token in re.finditer(r"[()]|[?$]([A-Za-z_][A-Za-z0-9_]*)", projection):
        if token.group(0) == "(":
            depth += 1
        elif token.group(0) == ")":
            depth -= 1
        elif depth == 0:
            names.add(token.group(1))
    return names


def _body(text: str) -> str:
    """A query's text without its `#+` header."""
    return "\n".join(line for line in text.splitlines() if not HEADER.match(line))


def run_sparql(query: SavedQuery, values: dict[str, Any], graph_dir: Path | None = None, neo4j=None,
               remote=None, page: Page | None = None) -> Result:
    """Run a saved `.rq` on the build's Oxigraph store, or on the `remote` SPARQL store (`neo4j` is for the
    engines' common signature)."""
    return stream_sparql(query, values, graph_dir, neo4j, remote, page).result()


def stream_sparql(query: SavedQuery, values: dict[str, Any], graph_dir: Path | None = None, neo4j=None,
                  remote=None, page: Page | None = None) -> Stream:
    """`run_sparql` with the rows read as they are consumed. The parameters are VALUES blocks, at the top of
    the query and of each sub-select that returns their variable (`bind_sparql`), so a selective parameter
    narrows every part of the query from the start (the saved queries use a parameter's variable only for that
    parameter); on the build's store they are Oxigraph substitutions as well."""
    if query.sparql is None:
        raise QueryError(f"query '{query.name}' has no SPARQL version ({query.path.with_suffix('.rq').name})")
    bindings = sparql_bindings(query, values)
    if remote is not None:
        return Stream(*_remote(page_sparql(bind_sparql(query.sparql, bindings, subselects=True), page), remote))
    return sparql_stream(page_sparql(_body(query.sparql), page), graph_dir, str(query.path), bindings,
                         subselects=True)


def _remote(text: str, remote) -> tuple[list[str], Any]:
    columns, rows = __getattr__("remote_select")(text, remote)
    return columns, iter(rows)


def sparql_rows(text: str, graph_dir: Path | None, where: str, remote=None,
                bindings: dict[str, Any] | None = None) -> Result:
    """A read-only SPARQL query's results as plain rows: SELECT variables, ASK as one `ask` column,
    CONSTRUCT/DESCRIBE as subject, predicate, object (on a remote store: SELECT and ASK)."""
    if remote is not None:
        return Result(*__getattr__("remote_select")(text, remote))
    return sparql_stream(text, graph_dir, where, bindings).result()


def sparql_stream(text: str, graph_dir: Path | None, where: str, bindings: dict[str, Any] | None = None,
                  subselects: bool = False) -> Stream:
    """`sparql_rows` on the build's store, the rows converted as they are read. `bindings` (variable name ->
    term) are a VALUES block, and Oxigraph substitutions for the variables the query returns."""
    store = shared_store(graph_dir)
    try:
        substitutions = {}
        if bindings:
            # Oxigraph substitutes only variables the query returns; the others are bound by a VALUES block.
            # Which ones it returns is asked of an empty store, where the query costs nothing.
            probe = ox.Store().query(text, prefixes=PREFIXES)
            returned = {v.value for v in probe.variables} if isinstance(probe, ox.QuerySolutions) else set()
            substitutions = {ox.Variable(n): t for n, t in bindings.items() if n in returned}
            # Every parameter also goes in a VALUES block: Oxigraph plans its joins from there (a substitution
            # alone is applied to the rows, not used to start from the index); with `subselects` (a saved query)
            # in each sub-select that returns it as well.
            text = bind_sparql(text, bindings, subselects)
        result = store.query(text, prefixes=PREFIXES, substitutions=substitutions)
    except (SyntaxError, ValueError, RuntimeError, OSError) as exc:
        raise QueryError(f"{where}: {' '.join(str(exc).split())}") from None
    if isinstance(result, ox.QueryBoolean):
        return Stream(["ask"], iter([{"ask": bool(result)}]))
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        return Stream(columns, _guarded(ox_rows(columns, result), where))
    columns = ["subject", "predicate", "object"]
    triples = ({"subject": ox_value(t.subject), "predicate": ox_value(t.predicate), "object": ox_value(t.object)}
               for t in result)
    return Stream(columns, _guarded(triples, where))


def _guarded(rows, where: str):
    """Rows whose evaluation errors (raised while they are read) become one-line QueryErrors."""
    try:
        yield from rows
    except (ValueError, RuntimeError, OSError) as exc:
        raise QueryError(f"{where}: {' '.join(str(exc).split())}") from None


def run_cypher(query: SavedQuery, values: dict[str, Any], graph_dir: Path | None = None, neo4j=None,
               remote=None, page: Page | None = None) -> Result:
    """Run a query's `.cypher` twin on Ladybug or Neo4j (see engines.engine for `neo4j`); every value is a
    driver parameter."""
    return stream_cypher(query, values, graph_dir, neo4j, remote, page).result()


def stream_cypher(query: SavedQuery, values: dict[str, Any], graph_dir: Path | None = None, neo4j=None,
                  remote=None, page: Page | None = None) -> Stream:
    """`run_cypher` with the rows read as they are consumed (the engine is closed after the last one)."""
    if remote is not None:
        raise UsageError("a SPARQL endpoint runs SPARQL: --endpoint does not go with --engine cypher")
    text = query.texts.get("cypher")
    if text is None:
        raise QueryError(f"query '{query.name}' has no Cypher twin ({query.path.with_suffix('.cypher').name})")
    params = {name: coerce(query.params[name], value) for name, value in values.items()}
    return cypher_stream(text, params, graph_dir, neo4j, page)


def cypher_stream(text: str, params: dict[str, Any], graph_dir: Path | None, neo4j, page: Page | None) -> Stream:
    """Cypher on Ladybug or Neo4j, paged inside the query where its form allows (else while reading). Ladybug
    crashes on a large SKIP together with a LIMIT, so there the query gets LIMIT offset + limit and the first
    `offset` rows are skipped as they are read."""
    inner, outer = page, None
    if page is not None and page.offset and page.limit is not None:
        from .engines import uses_ladybug

        if uses_ladybug(neo4j):
            inner, outer = Page(page.offset + page.limit, 0), Page(None, page.offset)
    paged = page_cypher(text, inner)
    if paged is None:
        paged, outer = text, page
    columns, rows = __getattr__("stream_text")(paged, params, graph_dir, neo4j)
    return Stream(columns, rows if outer is None else outer.slice(rows))


# The query engines by name: `--engine` offers, checks and describes exactly these. Each runs (query, typed
# values, build folder, neo4j choice) -> Result.
ENGINES = Registry("engine", {
    "sparql": Plugin("incidentkg.queries", "stream_sparql", "the .rq on the build's Oxigraph store"),
    "cypher": Plugin("incidentkg.queries", "stream_cypher", "the .cypher twin on Ladybug, or on Neo4j"),
})


def values_of(query: SavedQuery, params: list[str] | dict[str, Any] | None) -> dict[str, Any]:
    """Typed values of every parameter: the defaults, overridden by `k=v` strings or a dict of raw values."""
    if not isinstance(params, dict):
        return parse_params(query, params or [])
    values = {n: p.default for n, p in query.params.items()}
    for key, raw in params.items():
        if key not in query.params:
            raise QueryError(f"query '{query.name}' has no parameter '{key}'")
        values[key] = coerce(query.params[key], raw)
    return values


def run(name: str, *args, **kwargs) -> Result:
    """`stream`, with every row read: the whole Result."""
    return stream(name, *args, **kwargs).result()


def stream(
    name: str,
    params: list[str] | dict[str, Any] | None = None,
    graph_dir: Path | None = None,
    engine: str = "sparql",
    neo4j=None,
    *,
    extra: Iterable[Path] = (),
    remote=None,
    limit: int | None = None,
    offset: int | None = None,
) -> Stream:
    """Run a saved query by name with `k=v` strings or a dict of raw values, the rows read as they are consumed
    (for writing a long result as it comes). `engine` is "sparql" (Oxigraph) or "cypher"; for Cypher, `neo4j`
    None picks Neo4j when NEO4J_URI is set and Ladybug otherwise, False forces Ladybug, True or a Neo4jConfig
    forces Neo4j. `extra`: more query folders (see query_folders). `remote`: a SPARQL store to run the .rq on
    instead of the build's own (see queries.remote). `limit`/`offset`: only those rows of the ordered result,
    selected inside the query."""
    chosen = ENGINES.get(engine)
    page = Page.of(limit, offset)
    query = get(name, extra)
    values = values_of(query, params)
    for key, value in values.items():  # names stand for ids; unknown ids fail here instead of matching nothing
        if value is not None and query.params[key].type == "id":
            values[key] = __getattr__("resolve_id")(key, value, graph_dir)
    return chosen(query, values, graph_dir, neo4j=neo4j, remote=remote, page=page)


# ---------------------------------------------------------------- a saved query for other tools

SHOW_TARGETS = ("sparql", "neo4j-browser")


def show(name: str, target: str, params: list[str] | dict[str, Any] | None = None,
         extra: Iterable[Path] = ()) -> str:
    """The saved query as another tool runs it, with its defaults (and `params`) applied the way that tool
    expects: for a SPARQL client the .rq with a VALUES block binding every set parameter (so a parameter left
    at null stays unbound, meaning "all", as in `query run`); for Neo4j Browser one `:param` line per
    parameter, then the .cypher text."""
    if target not in SHOW_TARGETS:
        raise UsageError(f"unknown target '{target}' (one of: {', '.join(SHOW_TARGETS)})")
    query = get(name, extra)
    values = values_of(query, params)
    shown = ", ".join(f"{k}={'null' if v is None else v}" for k, v in values.items()) or "none"
    if target == "sparql":
        if query.sparql is None:
            raise QueryError(f"query '{query.name}' has no SPARQL version")
        bindings = sparql_bindings(query, values)
        text = bind_sparql(query.sparql, bindings, subselects=True) if bindings else "\n".join(
            line for line in query.sparql.splitlines() if not HEADER.match(line))
        return f"# incidentkg saved query {query.name}; parameters: {shown}\n" + text.rstrip("\n") + "\n"
    text = query.texts.get("cypher")
    if text is None:
        raise QueryError(f"query '{query.name}' has no Cypher twin")
    lines = [f":param {k} => {_cypher_literal(v)}" for k, v in values.items()]
    body = "\n".join(line for line in text.splitlines() if not HEADER.match(line)).strip()
    return "\n".join([f"// incidentkg saved query {query.name}: run the :param lines first", *lines, "", body]) + "\n"


def _cypher_literal(value: Any) -> str:
    """A parameter value as a Cypher literal (JSON's forms are Cypher's for these types)."""
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------- ad-hoc queries

_CYPHER_WRITES = {"CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "LOAD", "COPY", "ALTER",
                  "INSTALL", "FOREACH", "IMPORT", "EXPORT", "ATTACH", "CHECKPOINT"}


def adhoc_params(pairs: list[str]) -> dict[str, tuple[Param, Any]]:
    """`name=value` (a string) or `name:type=value` (type one of PARAM_TYPES) -> (param, typed value)."""
    found = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise QueryError(f"parameter '{pair}' must be written as name=value or name:type=value")
        name, _, ptype = key.partition(":")
        ptype = ptype or "string"
        if ptype not in PARAM_TYPES:
            raise QueryError(f"parameter '{name}': unknown type '{ptype}' (one of {', '.join(PARAM_TYPES)})")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", name):
            raise QueryError(f"parameter name '{name}' must be a plain identifier")
        param = Param(name, ptype)
        found[name] = (param, coerce(param, raw))
    return found


def run_adhoc(text: str, language: str, params: list[str] | None = None, graph_dir: Path | None = None,
              neo4j=None, where: str = "query", remote=None, limit: int | None = None,
              offset: int | None = None) -> Result:
    """An ad-hoc SPARQL or Cypher query, read-only: an update is refused before anything runs. Parameters
    are bound as RDF terms (a VALUES block) or driver parameters, like a saved query's; `limit`/`offset` are
    applied inside the query."""
    return stream_adhoc(text, language, params, graph_dir, neo4j, where, remote, limit, offset).result()


def stream_adhoc(text: str, language: str, params: list[str] | None = None, graph_dir: Path | None = None,
                 neo4j=None, where: str = "query", remote=None, limit: int | None = None,
                 offset: int | None = None) -> Stream:
    """`run_adhoc` with the rows read as they are consumed."""
    typed = adhoc_params(params or [])
    page = Page.of(limit, offset)
    if language == "sparql":
        _refuse_sparql_update(text, where)
        bindings = {name: to_term(param, value) for name, (param, value) in typed.items() if value is not None}
        bound = bind_sparql(text, bindings)
        if remote is not None:
            return Stream(*_remote(page_sparql(bound, page), remote))
        return sparql_stream(page_sparql(bound, page), graph_dir, where)
    if language == "cypher":
        if remote is not None:
            raise UsageError("a SPARQL endpoint runs SPARQL, not Cypher")
        _refuse_cypher_write(text, where)
        return cypher_stream(text, {name: value for name, (_, value) in typed.items()}, graph_dir, neo4j, page)
    raise UsageError(f"unknown query language '{language}' (sparql or cypher)")


def _refuse_sparql_update(text: str, where: str) -> None:
    """Refuse an update. Oxigraph's parser decides first (a query parses: fine); only text it does not take as
    a query is given to rdflib's parser, to tell an update from a syntax error (which the engine then reports)."""
    try:
        ox.Store().query(text, prefixes=PREFIXES)  # an empty in-memory store: parses, runs on nothing
        return
    except SyntaxError:
        pass
    except Exception:  # noqa: BLE001 - it parsed; any other failure is the real store's to report
        return
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # noqa: BLE001
        return
    raise QueryError(f"{where}: SPARQL updates are refused; the graph is read-only (rebuild it instead)")


def _refuse_cypher_write(text: str, where: str) -> None:
    from .dialect import tokenize  # the Cypher side loads the ontology; SPARQL runs need neither

    words = {tok.text.upper() for tok in tokenize(text) if tok.kind == "word"}
    writes = sorted(words & _CYPHER_WRITES)
    if writes:
        raise QueryError(f"{where}: Cypher that writes ({', '.join(writes)}) is refused; the graph is read-only")


__all__ = ["ENGINES", "Page", "Param", "Result", "SHOW_TARGETS", "SavedQuery", "Stream", "catalog", "get",
           "parse_params", "run", "run_adhoc", "run_cypher", "run_sparql", "show", "stream", "stream_adhoc",
           "stream_cypher", "stream_sparql", "values_of"]
