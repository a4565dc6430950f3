"""The `incidentkg` command line: a thin typer layer over ingest, queries and viz, the leaf of the layers (nothing
imports it). Errors from any layer print as one line on stderr with a non-zero exit code (2 bad input, query or
usage, 3 no graph built, 4 server). Each command imports the layers it runs when it runs, so that starting one
command does not load the libraries of all the others (the registries its help text lists are light)."""

from __future__ import annotations

import csv
import json
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import queries
from .core.errors import DataWarning, IncidentKGError, PathError, UsageError
from .core.neo4j import DEFAULT_BATCH, DEFAULT_RETRY_SECONDS, Neo4jConfig
from .ingest import EXPORTERS, EXTRACTORS, IMPORTERS  # names only: nothing loads until one is used
from .queries import ENGINES
from .queries.results import STREAM_FORMATS, write_rows


def _fail(error: IncidentKGError) -> None:
    # One line, whatever the message holds: data text may carry newlines or rich markup such as "[/]". An error
    # about several records (unreviewed proposals) has one line for each.
    for line in getattr(error, "lines", None) or [str(error)]:
        text = " ".join(line.split("\n"))
        err_console.print(f"[bold red]error:[/] {escape(text)}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(error.exit_code)


STDOUT = "standard output"


def _os_error(error: OSError, ctx: typer.Context) -> PathError:
    """The path an OSError is about. Errors from writes and flushes carry no file name: then it is the
    command's output (its --out, the default graph folder for a build, else standard output)."""
    from .core.graph import default_graph_dir

    out = ctx.params.get("out")
    if out is None:
        out = default_graph_dir() if ctx.command.name in ("build", "ingest") else STDOUT
    return PathError.from_os_error(error, str(out))


class _Command(typer.core.TyperCommand):
    """Every command runs through here, so an operating-system fault anywhere in it (permission, a full disk,
    a missing folder, a file that vanished) ends as one line naming the path, exit 2, and no traceback."""

    def invoke(self, ctx: typer.Context):
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", DataWarning)
                result = super().invoke(ctx)
            _notes(caught)  # only after success: a failure is its one error line
            sys.stdout.flush()  # a full or closed standard output fails here, not silently at exit
            return result
        except OSError as error:
            failure = _os_error(error, ctx)
            if failure.path == STDOUT:
                _discard_stdout()
        except RuntimeError as error:
            # Ladybug reports a failed write (a full disk) as RuntimeError("IO exception: ... path: ...").
            if not str(error).startswith("IO exception:"):
                raise
            failure = PathError(None, str(error))
        _fail(failure)


def _notes(caught: list[warnings.WarningMessage], limit: int = 10) -> None:
    notes = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    for w in caught:  # anything else is shown as Python would have
        if not issubclass(w.category, DataWarning):
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    for note in notes[:limit]:
        err_console.print(f"note: {note}", highlight=False, markup=False, soft_wrap=True)
    if len(notes) > limit:
        err_console.print(f"note: ... and {len(notes) - limit} more", highlight=False, markup=False)


def _discard_stdout() -> None:
    # What is still buffered for a failed standard output would fail again when Python exits.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file descriptor (e.g. under a test runner)


class _Typer(typer.Typer):
    def command(self, *args, **kwargs):
        kwargs.setdefault("cls", _Command)
        return super().command(*args, **kwargs)


app = _Typer(
    name="incidentkg",
    help="Knowledge graph of contested violent incidents: build it, query it (SPARQL/Cypher), draw it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
query_app = _Typer(help="List and run the saved queries in queries/.", no_args_is_help=True)
app.add_typer(query_app, name="query")

out_console = Console(soft_wrap=True)
err_console = Console(stderr=True)

FORMATS = ("table", "csv", "json")
QUERY_FORMATS = ("table", *STREAM_FORMATS)  # what query results can also be written as
GraphOption = typer.Option(
    None, "--graph", "-g", envvar="INCIDENTKG_GRAPH", help="Built graph folder (default: ./graph)."
)


def _note(line: str) -> None:
    err_console.print(f"note: {line}", highlight=False, markup=False, soft_wrap=True)


def _check_format(fmt: str, formats: tuple[str, ...] = FORMATS) -> None:
    if fmt not in formats:
        _fail(UsageError(f"unknown format '{fmt}' ({', '.join(formats[:-1])} or {formats[-1]})"))


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description:<32}"),
        BarColumn(),
        MofNCompleteColumn(),  # "3000/?" while the total is unknown
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
        disable=not err_console.is_terminal,
    )


# ---------------------------------------------------------------- build


@app.command()
def build(
    inputs: Optional[list[Path]] = typer.Argument(
        None, help="Case files or folders of them (default: the bundled Tanhuato case)."
    ),
    out: Optional[Path] = typer.Option(None, "--out", "-o", envvar="INCIDENTKG_GRAPH", help="Output folder (default: ./graph)."),
    ladybug: bool = typer.Option(
        True, "--ladybug/--no-ladybug", help="Also make the embedded Cypher (Ladybug) database (default); with --no-ladybug, `incidentkg cypher-index` makes it later, or the first Cypher query does (saying so)."
    ),
    with_bundled: bool = typer.Option(
        False, "--with-bundled", help="Build the bundled case too, with the given files (e.g. a reviewed draft)."
    ),
) -> None:
    """Validate case files and build the graph: Oxigraph store plus Turtle, N-Triples and JSON-LD exports.

    Records of a draft from `incidentkg extract` still marked `review: pending` are refused, one line each."""
    from .ingest.build import build as run_build
    from .ingest.build import bundled_case
    from .queries.ladybug import finish_build

    if with_bundled:
        inputs = [bundled_case(), *(inputs or [])]

    try:
        with _progress() as progress:
            task = progress.add_task("building", total=6)

            def step(description: str, done: int, total: int) -> None:
                progress.update(task, description=description, completed=done, total=total)

            summary = run_build(inputs or None, out, progress=step, finish=finish_build if ladybug else None,
                                note=_note)
    except IncidentKGError as error:
        _fail(error)
    table = Table(title=f"Built {summary.out}", show_header=True)
    table.add_column("class")
    table.add_column("count", justify="right")
    for name, count in summary.classes.items():
        table.add_row(name, str(count))
    out_console.print(table)
    out_console.print(
        f"{summary.triples} triples ({summary.inferred} inferred); "
        f"{summary.contradictions} contradicting claim pairs; "
        f"{summary.disputed_quantities} quantities on which sources disagree; "
        f"{summary.seconds:.2f} s"
    )


@app.command("cypher-index")
def cypher_index(
    out: Optional[Path] = typer.Option(None, "--out", "-o", "--graph", "-g", envvar="INCIDENTKG_GRAPH",
                                       help="The built graph folder (default: ./graph)."),
    force: bool = typer.Option(False, "--force", help="Make it again even when it is up to date."),
) -> None:
    """Make the embedded Cypher (Ladybug) copy of a build made with --no-ladybug (or stale), with progress.

    Holds the build's lock meanwhile (waiting for a build into the same folder to end); a copy already up to date is kept unless --force.
    """
    import time

    from .queries.ladybug import ensure_ladybug, is_current
    from .core.graph import graph_dir

    try:
        folder = graph_dir(out)
        if not force and is_current(folder):
            out_console.print(f"{folder}: the embedded Cypher (Ladybug) copy is up to date")
            return
        started = time.perf_counter()
        with _progress() as progress:
            task = progress.add_task("ladybug", total=None)

            def step(description: str, done: int, total: int) -> None:
                progress.update(task, description=description, completed=done, total=total or None)

            path = ensure_ladybug(folder, step, force=True)
    except IncidentKGError as error:
        _fail(error)
    out_console.print(f"Made {path} in {time.perf_counter() - started:.1f} s")


# ---------------------------------------------------------------- queries


QueriesOption = typer.Option(
    None, "--queries", "-Q", help="A folder of more saved queries (.rq/.cypher with the same header); repeatable. "
    f"Also read from {queries.QUERIES_ENV} (folders separated by '{os.pathsep}')."
)
ColumnsOption = typer.Option(
    None, "--columns", "-c", help="Comma-separated columns for the table (default: the query's key columns; "
    "csv and json always have every column)."
)
EndpointOption = typer.Option(
    None, "--endpoint", envvar="INCIDENTKG_SPARQL_ENDPOINT", help="Run on this remote SPARQL store (its query "
    "URL, e.g. http://localhost:3030/ds/sparql) instead of the build's; see `incidentkg sparql-load`."
)
NeoOption = typer.Option(
    None,
    "--neo4j/--ladybug",
    help="Cypher on the Neo4j server of NEO4J_URI etc., or on the embedded Ladybug database "
    "(default: Neo4j when NEO4J_URI is set). --neo4j implies --engine cypher.",
)


@query_app.command("list")
def query_list(extra: Optional[list[Path]] = QueriesOption) -> None:
    """List the saved queries with their parameters."""
    try:
        catalog = queries.catalog(extra or ())
    except IncidentKGError as error:
        _fail(error)
    table = Table(show_header=True)
    table.add_column("name", no_wrap=True)
    table.add_column("description")
    table.add_column("parameters (type = default)")
    for q in catalog.values():
        params = "\n".join(f"{p.name}: {p.type} = {p.default}" for p in q.params.values())
        table.add_row(q.name, q.description, params or "-")
    out_console.print(table)


QueryFormatOption = typer.Option(
    "table", "--format", "-f", help="table, csv, tsv, json (one array) or jsonl (an object per line). All but "
    "table are written row by row as the engine returns them.")
LimitOption = typer.Option(None, "--limit", "-n", min=0, help="At most this many rows (applied inside the query).")
OffsetOption = typer.Option(None, "--offset", min=0, help="Skip this many rows first (applied inside the query).")


@query_app.command("run")
def query_run(
    name: str = typer.Argument(..., help="Saved query name (see `incidentkg query list`)."),
    param: list[str] = typer.Option([], "--param", "-p", help="Parameter as name=value; repeatable."),
    fmt: str = QueryFormatOption,
    columns: Optional[str] = ColumnsOption,
    limit: Optional[int] = LimitOption,
    offset: Optional[int] = OffsetOption,
    graph: Optional[Path] = GraphOption,
    engine: Optional[str] = typer.Option(None, "--engine", "-e", help=f"One of: {ENGINES.help()} (default: sparql)."),
    neo4j: Optional[bool] = NeoOption,
    extra: Optional[list[Path]] = QueriesOption,
    endpoint: Optional[str] = EndpointOption,
) -> None:
    """Run a saved query against the built graph (SPARQL), its Ladybug copy or a Neo4j server (Cypher), or a
    remote SPARQL store (--endpoint). --limit and --offset page the ordered result inside the query."""
    _check_format(fmt, QUERY_FORMATS)
    engine = engine or ("cypher" if neo4j is not None else "sparql")
    if engine == "sparql" and neo4j is not None:
        _fail(UsageError("--neo4j/--ladybug choose a Cypher engine; they do not apply with --engine sparql"))
    try:
        remote = None
        if endpoint and engine == "sparql":
            from .queries.remote import RemoteConfig

            remote = RemoteConfig.from_env(endpoint)
        key = queries.get(name, extra or ()).columns
        result = queries.stream(name, param, graph, engine=engine, neo4j=neo4j, extra=extra or (), remote=remote,
                                limit=limit, offset=offset)
        emit(result.columns, result.rows, fmt, key=key, chosen=columns)
    except IncidentKGError as error:
        _fail(error)


@query_app.command("show")
def query_show(
    name: str = typer.Argument(..., help="Saved query name (see `incidentkg query list`)."),
    target: str = typer.Option(..., "--for", help=f"Who runs it: {' or '.join(queries.SHOW_TARGETS)}."),
    param: list[str] = typer.Option([], "--param", "-p", help="Parameter as name=value; repeatable."),
    extra: Optional[list[Path]] = QueriesOption,
) -> None:
    """Print a saved query with its defaults applied, to paste into a SPARQL client or Neo4j Browser.

    For sparql, a VALUES block binds every parameter that has a value; for neo4j-browser, one `:param` line per parameter precedes the Cypher. Pasted as printed, it returns what `incidentkg query run` returns.
    """
    try:
        sys.stdout.write(queries.show(name, target, param, extra or ()))
    except IncidentKGError as error:
        _fail(error)


def emit(columns: list[str], rows, fmt: str, *, key: list[str] | None = None,
         chosen: str | None = None) -> None:
    """Rows (a list or an iterator) as csv, tsv, json or jsonl (every column, written as they come), or as a
    table of the key columns (or `chosen`, comma-separated) with long text wrapped, so that it fits the
    terminal (the table reads every row first)."""
    if fmt in STREAM_FORMATS:
        write_rows(columns, rows, fmt, sys.stdout)
        return
    shown = [c.strip() for c in chosen.split(",") if c.strip()] if chosen else [c for c in key or [] if c in columns]
    unknown = [c for c in shown if c not in columns]
    if unknown:
        _fail(UsageError(f"unknown column '{unknown[0]}' (columns: {', '.join(columns)})"))
    rows = list(rows)
    shown = shown or columns
    table = Table(show_header=True)
    for col in shown:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in shown))
    out_console.print(table)
    hidden = len(columns) - len(shown)
    more = f"; {hidden} more columns (--columns, or --format csv/json for all)" if hidden else ""
    out_console.print(f"{len(rows)} rows{more}", highlight=False)


# ---------------------------------------------------------------- ad-hoc queries


def _query_text(query: str) -> tuple[str, str]:
    """(text, where) of a QUERY|FILE argument: a file's content when it names one, else the text itself."""
    path = Path(query)
    try:
        if len(query) < 4096 and "\n" not in query and path.is_file():
            return path.read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as error:
        _fail(UsageError(f"{path}: cannot read the query: {error}"))
    return query, "query"


AdhocParamOption = typer.Option([], "--param", "-p", help="name=value (a string) or name:type=value (type: id, "
                                "iri, string, integer, decimal, date, boolean); repeatable.")


@app.command("sparql")
def sparql(
    query: str = typer.Argument(..., metavar="QUERY|FILE", help="A SPARQL query, or a file holding one."),
    param: list[str] = AdhocParamOption,
    fmt: str = QueryFormatOption,
    columns: Optional[str] = ColumnsOption,
    limit: Optional[int] = LimitOption,
    offset: Optional[int] = OffsetOption,
    graph: Optional[Path] = GraphOption,
    endpoint: Optional[str] = EndpointOption,
) -> None:
    """Run an ad-hoc SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) on the build; updates are refused.

    Parameters are bound as RDF terms in a VALUES block, never spliced into the text. With --endpoint it runs on a remote store (SELECT and ASK).
    """
    _adhoc(query, "sparql", param, fmt, columns, limit, offset, graph, None, endpoint)


@app.command("cypher")
def cypher(
    query: str = typer.Argument(..., metavar="QUERY|FILE", help="A Cypher query, or a file holding one."),
    param: list[str] = AdhocParamOption,
    fmt: str = QueryFormatOption,
    columns: Optional[str] = ColumnsOption,
    limit: Optional[int] = LimitOption,
    offset: Optional[int] = OffsetOption,
    graph: Optional[Path] = GraphOption,
    neo4j: Optional[bool] = NeoOption,
) -> None:
    """Run an ad-hoc Cypher query (Neo4j's dialect) on the embedded Ladybug copy or on Neo4j; writes are refused.

    Parameters are driver parameters ($name), never spliced into the text.
    """
    _adhoc(query, "cypher", param, fmt, columns, limit, offset, graph, neo4j)


def _adhoc(query: str, language: str, param: list[str], fmt: str, columns: str | None, limit: int | None,
           offset: int | None, graph: Path | None, neo4j: bool | None, endpoint: str | None = None) -> None:
    _check_format(fmt, QUERY_FORMATS)
    text, where = _query_text(query)
    try:
        remote = None
        if endpoint:
            from .queries.remote import RemoteConfig

            remote = RemoteConfig.from_env(endpoint)
        result = queries.stream_adhoc(text, language, param, graph, neo4j, where=where, remote=remote,
                                      limit=limit, offset=offset)
        emit(result.columns, result.rows, fmt, chosen=columns)
    except IncidentKGError as error:
        _fail(error)


@app.command()
def find(
    text: str = typer.Argument(..., help="A name, alias, abbreviation or title, or part of one, in any language."),
    cls: Optional[str] = typer.Option(None, "--class", "-C", help="Only records of this class (and its "
                                      "subclasses), e.g. Person, GovernmentAgency, Incident, Document."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="At most this many records."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    graph: Optional[Path] = GraphOption,
) -> None:
    """Find records by name, accent- and case-insensitive, best match first, with their ids and classes.

    Saved queries' id parameters take such a name too when it names one record (-p "speaker=Enrique Galindo").
    """
    from .queries.lookup import find as find_records

    _check_format(fmt)
    try:
        found = find_records(text, cls, graph, limit)
    except IncidentKGError as error:
        _fail(error)
    columns = ["id", "class", "name", "matched", "score"]
    emit(columns, [dict(zip(columns, (m.id, m.cls, m.name, m.matched, m.score))) for m in found], fmt)


@app.command()
def serve(
    port: int = typer.Option(7878, "--port", "-P", min=0, max=65535, help="TCP port (0: any free one)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: loopback only)."),
    graph: Optional[Path] = GraphOption,
    log: bool = typer.Option(False, "--log/--quiet", help="Log each request on stderr."),
) -> None:
    """Serve the build as a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql (GET or POST), with CORS.

    Prints the endpoint's URL, then serves until interrupted (Ctrl-C). Updates are refused with 403.
    """
    from .queries.endpoint import Endpoint

    try:
        endpoint = Endpoint(graph, host, port, log)
    except IncidentKGError as error:
        _fail(error)
    except OSError as error:
        _fail(UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}"))
    sys.stdout.write(f"{endpoint.url}\n")
    sys.stdout.flush()
    try:
        endpoint.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        endpoint.close()


@app.command("diff")
def diff_builds(
    old: Path = typer.Argument(..., metavar="OLD_BUILD", help="The earlier build folder."),
    new: Path = typer.Argument(..., metavar="NEW_BUILD", help="The later build folder."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
) -> None:
    """Show what changed between two builds: records added, removed and changed (field by field), and each
    statement's figures before and after.

    The JSON has added, removed, changed (with every changed field's values before and after) and figures.
    """
    from .queries.diff import ROW_COLUMNS, diff

    _check_format(fmt)
    try:
        found = diff(old, new)
    except IncidentKGError as error:
        _fail(error)
    if fmt == "json":
        sys.stdout.write(json.dumps(found.as_json(), ensure_ascii=False, indent=2) + "\n")
        return
    emit(ROW_COLUMNS, found.rows(), fmt)
    if fmt == "table":
        out_console.print(f"{len(found.added)} added, {len(found.removed)} removed, {len(found.changed)} changed "
                          f"records; {len(found.figures)} figures changed", highlight=False)


@app.command("sparql-load")
def sparql_load(
    endpoint: Optional[str] = typer.Option(None, "--endpoint", envvar="INCIDENTKG_SPARQL_ENDPOINT",
                                           help="The store's SPARQL query URL, e.g. http://localhost:3030/ds/sparql."),
    store: Optional[str] = typer.Option(None, "--store", envvar="INCIDENTKG_SPARQL_STORE", help="Its Graph Store "
                                        "Protocol URL (default: the endpoint's /sparql or /query replaced by /data)."),
    graph: Optional[Path] = GraphOption,
    chunk: int = typer.Option(50_000, "--chunk", min=1, help="Triples per HTTP request."),
) -> None:
    """Push the build into a remote RDF store (Fuseki, GraphDB, ...) through the Graph Store Protocol.

    The store's default graph is replaced (first chunk PUT, the rest POSTed), so loading again, even after an interrupted load, leaves one copy; the ontology goes into its own named graph. Credentials for HTTP basic auth come from INCIDENTKG_SPARQL_USERNAME and INCIDENTKG_SPARQL_PASSWORD.
    """
    from .queries import remote

    try:
        config = remote.RemoteConfig.from_env(endpoint, store)
        with _progress() as progress:
            task = progress.add_task("loading triples", total=None)

            def step(description: str, done: int, total: int) -> None:
                progress.update(task, description=description, completed=done, total=total or None)

            summary = remote.load(graph, config, chunk=chunk, progress=step)
    except IncidentKGError as error:
        _fail(error)
    out_console.print(f"{config.store}: {summary.triples} triples sent in {summary.chunks} requests; the default "
                      f"graph now holds {summary.store_triples}", highlight=False)


# ---------------------------------------------------------------- viz


@app.command()
def viz(
    incident: Optional[str] = typer.Option(
        None, "--incident", "-i", help="Draw one incident's neighbourhood (its id, e.g. tanhuato-2015)."
    ),
    query: Optional[str] = typer.Option(
        None, "--query", "-q", help="Draw the records a saved query returns (see `incidentkg query list`)."
    ),
    param: list[str] = typer.Option([], "--param", "-p", help="Query parameter as name=value; repeatable."),
    engine: str = typer.Option("sparql", "--engine", "-e", help=f"Engine running --query, one of: {ENGINES.help()}."),
    out: Optional[Path] = typer.Option(
        None, "--out", "-o", help="HTML file to write (default: graph.html, incident-ID.html or query-NAME.html)."
    ),
    max_nodes: int = typer.Option(
        5000, "--max-nodes", min=1,
        help="Above this many records the page shows the selection's incidents grouped by state and year instead.",
    ),
    graph: Optional[Path] = GraphOption,
) -> None:
    """Draw the graph as a self-contained, offline HTML page (whole graph, one incident, or a query's result).

    Nodes are shaped and coloured by ontology class; tooltips show each record's sources. The page has a search
    box, filters (class, stance, speaker kind, outlet, dates), a contradiction board, a timeline and a map.

    Contradicting claims are joined by red dashed edges; statement-to-claim edges are green (asserts) or orange
    (denies); identity links are pink dotted "same as" edges.

    Prints the path of the page written.
    """
    from .viz import render

    try:
        path = render(graph, incident=incident, query=query, params=param, engine=engine, out=out,
                      max_nodes=max_nodes)
    except IncidentKGError as error:
        _fail(error)
    sys.stdout.write(f"{path}\n")


# ---------------------------------------------------------------- neo4j and the property-graph mapping

neo4j_app = _Typer(help="Load the graph into a Neo4j server (NEO4J_URI, NEO4J_USERNAME, ...).", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
ontology_app = _Typer(help="Inspect the ontology and what is generated from it.", no_args_is_help=True)
app.add_typer(ontology_app, name="ontology")

UriOption = typer.Option(None, "--uri", envvar="NEO4J_URI", help="bolt:// or neo4j:// URI (default bolt://localhost:7687).")
UserOption = typer.Option(None, "--username", "-u", envvar="NEO4J_USERNAME", help="User (default neo4j).")
PasswordOption = typer.Option(None, "--password", envvar="NEO4J_PASSWORD", help="Password.")
DatabaseOption = typer.Option(None, "--database", "-d", envvar="NEO4J_DATABASE", help="Database (default: the server's).")
YesOption = typer.Option(False, "--yes", "-y", help="Delete without asking (needed when there is no terminal to ask on).")
RetryOption = typer.Option(
    DEFAULT_RETRY_SECONDS, "--retry-time", min=0,
    help="Seconds to keep retrying a write while the server is unreachable or busy (then exit 4; rerun to finish).",
)


def _confirm_delete(config: Neo4jConfig, yes: bool, action: str) -> Callable[[int], None]:
    """The `confirm` callback of the deleting commands: shown the number of incidentkg nodes, it asks first
    unless --yes; with no terminal to ask on it refuses rather than delete unasked (exit 2)."""
    where = config.uri + (f" (database {config.database})" if config.database else "")

    def confirm(nodes: int) -> None:
        if yes:
            return
        if not sys.stdin.isatty():
            raise UsageError(
                f"{action} would delete {nodes} incidentkg nodes from Neo4j at {where}; "
                "no terminal to confirm on: pass --yes to delete them"
            )
        if not typer.confirm(f"Delete {nodes} incidentkg nodes and their relationships from Neo4j at {where}?"):
            raise UsageError(f"not confirmed: nothing deleted from Neo4j at {where}")

    return confirm


@neo4j_app.command("load")
def neo4j_load(
    graph: Optional[Path] = GraphOption,
    batch_size: int = typer.Option(
        DEFAULT_BATCH, "--batch-size", "-b", min=1, help="Rows per UNWIND write transaction."
    ),
    replace: bool = typer.Option(
        False, "--replace", help="First delete the incidentkg nodes already in the database (asks, unless --yes)."
    ),
    yes: bool = YesOption,
    retry_time: float = RetryOption,
    uri: Optional[str] = UriOption,
    username: Optional[str] = UserOption,
    password: Optional[str] = PasswordOption,
    database: Optional[str] = DatabaseOption,
) -> None:
    """MERGE the built graph into Neo4j: uniqueness constraints first, then batched write transactions, each
    retried while the server is briefly away.

    Loading twice changes nothing (the second load creates 0 nodes and 0 relationships), so a load that failed
    midway is finished by running it again.
    """
    from .ingest.neo4j import load_build

    config = Neo4jConfig.from_env(uri, username, password, database)
    try:
        with _progress() as progress:
            task = progress.add_task("loading", total=None)

            def step(description: str, done: int, total: int) -> None:
                progress.update(task, description=description, completed=done, total=total)

            ask = _confirm_delete(config, yes, "neo4j load --replace")

            def confirm(nodes: int) -> None:
                progress.stop()  # so that the bar does not redraw over the question
                try:
                    ask(nodes)
                finally:
                    progress.start()

            summary = load_build(
                graph, config, batch_size=batch_size, replace=replace, progress=step, retry_seconds=retry_time,
                confirm=confirm,
            )
    except IncidentKGError as error:
        _fail(error)
    out_console.print(
        f"{config.uri}: {summary.nodes_created} nodes and {summary.relationships_created} relationships created "
        f"({summary.nodes} nodes and {summary.relationships} relationships in the graph; the database now holds "
        f"{summary.database_nodes} and {summary.database_relationships}); "
        f"{summary.constraints_added} constraints added; {summary.seconds:.2f} s"
    )


@neo4j_app.command("clear")
def neo4j_clear(
    yes: bool = YesOption,
    retry_time: float = RetryOption,
    uri: Optional[str] = UriOption,
    username: Optional[str] = UserOption,
    password: Optional[str] = PasswordOption,
    database: Optional[str] = DatabaseOption,
) -> None:
    """Delete the incidentkg nodes (IRIs under https://w3id.org/incidentkg/id/) and their relationships, after
    showing how many and asking (unless --yes)."""
    from .ingest.neo4j import clear

    config = Neo4jConfig.from_env(uri, username, password, database)
    try:
        deleted = clear(config, confirm=_confirm_delete(config, yes, "neo4j clear"), retry_seconds=retry_time)
    except IncidentKGError as error:
        _fail(error)
    out_console.print(f"{config.uri}: {deleted} nodes deleted")


@ontology_app.command("mapping")
def ontology_mapping(fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json.")) -> None:
    """Print the property-graph mapping generated from the ontology: labels, properties, relationship types."""
    from .ontology import projection

    _check_format(fmt)
    if fmt == "table":  # the rules first, then what they generate
        out_console.print(projection.__doc__.strip(), markup=False, highlight=False)
    mapping_rows = projection.mapping_rows
    columns = ["element", "name", "from", "notes"]
    emit(columns, [dict(zip(columns, row)) for row in mapping_rows()], fmt)


@ontology_app.command("docs")
def ontology_docs(
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the reference into (created if missing)."),
    case: Optional[list[Path]] = typer.Option(None, "--case", help="Case files or folders to take the YAML "
                                              "examples from (default: the bundled case)."),
) -> None:
    """Write the ontology's HTML reference (pyLODE), one page per language (en/, es/) and an index, with a YAML
    example per class taken from the case."""
    from .ingest.build import bundled_case
    from .ingest.case import read_cases, yaml_examples
    from .ontology.docs import write_docs

    try:
        examples = yaml_examples(read_cases(case or [bundled_case()]))
        written = write_docs(out, examples)
    except IncidentKGError as error:
        _fail(error)
    except OSError as error:
        _fail(PathError(str(out), error.strerror or str(error)))
    for path in written:
        out_console.print(str(path), highlight=False, markup=False)


# ---------------------------------------------------------------- importers, resolution, exports

SHOWN_NOTES = 10


def _print_notes(notes: list[str], notes_file: Path | None) -> None:
    """The first import notes on stderr, each on its own unwrapped line; all of them in `notes_file`."""
    for note in notes[:SHOWN_NOTES]:
        err_console.print(f"note: {note}", highlight=False, markup=False, soft_wrap=True)
    if notes_file is not None:
        try:
            notes_file.write_text("".join(f"{note}\n" for note in notes), encoding="utf-8")
        except OSError as error:
            _fail(UsageError(f"{notes_file}: cannot write the notes: {error.strerror or error}"))
    if len(notes) > SHOWN_NOTES:
        where = f"all {len(notes)} in {notes_file}" if notes_file else "--notes FILE writes them all"
        err_console.print(f"note: ... and {len(notes) - SHOWN_NOTES} more ({where})", highlight=False,
                          markup=False, soft_wrap=True)


@app.command()
def ingest(
    fmt: str = typer.Argument(..., metavar="FORMAT", help=f"One of: {IMPORTERS.help()}."),
    file: Path = typer.Argument(..., metavar="FILE", help="The file to import."),
    case: Optional[list[Path]] = typer.Option(
        None, "--case", "-c", help="Case files or folders to build with it (default: the bundled case); repeatable."
    ),
    no_case: bool = typer.Option(False, "--no-case", help="Build the imported records alone."),
    add: Optional[list[str]] = typer.Option(
        None, "--add", "-a", metavar="FORMAT:FILE", help="Another dataset file to import into the same graph "
        "(e.g. cide:confrontations.csv), so resolution links across them; repeatable."
    ),
    resolve: bool = typer.Option(
        True, "--resolve/--no-resolve", help="Link records that denote the same agent, place or incident across "
        "sources with IdentityLink records (see `incidentkg resolve`)."
    ),
    published: Optional[str] = typer.Option(
        None, "--published", help="Publication date of the dataset (YYYY-MM-DD) when the file does not state it."
    ),
    out: Optional[Path] = typer.Option(None, "--out", "-o", envvar="INCIDENTKG_GRAPH", help="Output folder (default: ./graph)."),
    ladybug: bool = typer.Option(
        True, "--ladybug/--no-ladybug", help="Also make the embedded Cypher (Ladybug) database (default); with --no-ladybug, `incidentkg cypher-index` makes it later, or the first Cypher query does (saying so)."
    ),
    notes_file: Optional[Path] = typer.Option(
        None, "--notes", help="Write every import note (oddities kept, not rejected) to this file, one a line."
    ),
) -> None:
    """Import a dataset file (UCDP GED, CIDE-PPD, ACLED, FollowTheMoney) and build it with the case files.

    Every event becomes an incident with its place, dates, parties and figures, each figure attributed to the dataset (and, for UCDP, to the outlets whose reports it cites).

    Errors name the file, line and column; nothing is written unless everything is valid.
    """
    from .ingest.importers import import_and_build
    from .queries.ladybug import finish_build

    sources = [(fmt, file)]
    for extra in add or []:
        extra_fmt, _, extra_file = extra.partition(":")
        if not extra_file:
            _fail(UsageError(f"--add '{extra}': write it as FORMAT:FILE, e.g. cide:confrontations.csv"))
        sources.append((extra_fmt, Path(extra_file)))
    notes: list[str] = []
    try:
        with _progress() as progress:
            task = progress.add_task(f"reading {file.name}", total=None)

            def reading(path: Path, rows: int) -> None:
                progress.update(task, description=f"reading {path.name} (rows)", completed=rows, total=None)

            def step(description: str, done: int, total: int) -> None:
                progress.update(task, description=description, completed=done, total=total or None)

            summary = import_and_build(sources, case=case, no_case=no_case, resolve=resolve, published=published,
                                       out=out, warn=notes.append, reading=reading, progress=step,
                                       finish=finish_build if ladybug else None, note=_note)
    except IncidentKGError as error:
        _fail(error)
    _print_notes(notes, notes_file)
    links_made = summary.classes.get("IdentityLink", 0)
    out_console.print(
        f"Built {summary.out} from {', '.join(str(path) for _, path in sources)}: "
        f"{summary.classes.get('Incident', 0)} incidents, "
        f"{summary.triples} triples ({summary.inferred} inferred); {links_made} identity links; "
        f"{summary.disputed_quantities} quantities on which sources disagree; {summary.seconds:.2f} s"
    )


@app.command()
def export(
    fmt: str = typer.Option(..., "--format", "-f", help=f"One of: {EXPORTERS.help()}."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="File to write (default: standard output)."),
    graph: Optional[Path] = GraphOption,
) -> None:
    """Export the built graph as RDF, GraphML, GEXF or FollowTheMoney entities.

    ttl, nt and jsonld copy the build's own files (JSON-LD with its published context.jsonld beside it).

    graphml and gexf are for Gephi: a node per record with its label and type as attributes, an edge per relation.

    ftm writes FollowTheMoney entities (JSON lines) that `ftm validate` accepts.
    """
    from .ingest.export import export as run_export

    try:
        run_export(fmt, out, graph)
    except IncidentKGError as error:
        _fail(error)
    if out:
        err_console.print(f"wrote {out}", highlight=False)


@app.command()
def resolve(
    kind: Optional[str] = typer.Option(None, "--kind", "-k", help="Only Agent, Place or Incident links."),
    min_score: float = typer.Option(0.0, "--min-score", help="Only links scored at least this (0-1)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    graph: Optional[Path] = GraphOption,
) -> None:
    """Report candidate duplicates: records from different sources linked as the same agent, place or incident.

    Each row gives the two records, the method (identifier, alias, attributes or manual), the evidence and the score.

    Links are made by `incidentkg ingest` (or by hand in a case file's `links:` section); records are never merged, so each source's version stays attributed.

    Runs the saved query candidate_duplicates.
    """
    _check_format(fmt)
    params = {"min_score": min_score}
    if kind:
        params["kind"] = kind
    try:
        result = queries.run("candidate_duplicates", params, graph)
    except IncidentKGError as error:
        _fail(error)
    emit(result.columns, result.rows, fmt, key=queries.get("candidate_duplicates").columns)


# ---------------------------------------------------------------- from text to statements


@app.command()
def extract(
    file: Path = typer.Argument(..., help="A news text: plain text (UTF-8) or an HTML page (its main text is read)."),
    document: Optional[str] = typer.Option(None, "--document", "-d", help="Id of the document: an existing one "
                                           "(its outlet and date are used) or a new id (default: made from outlet, date and file name)."),
    outlet: Optional[str] = typer.Option(None, "--outlet", help="Agent id of the outlet that published the text."),
    incident: Optional[str] = typer.Option(None, "--incident", "-i", help="Incident id the statements are about "
                                           "(default: a new incident is proposed)."),
    title: Optional[str] = typer.Option(None, "--title", help="The document's headline (default: from the HTML or the first line)."),
    date: Optional[str] = typer.Option(None, "--date", help="Publication date YYYY-MM-DD (default: from the HTML or a dateline)."),
    url: Optional[str] = typer.Option(None, "--url", help="The document's URL (default: from the HTML or the text)."),
    language: str = typer.Option("auto", "--language", "-l", help="es, en or auto (told from the text's words)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Draft file to write (default: standard output)."),
    against: Optional[Path] = typer.Option(None, "--against", help="A build folder: mark what it already holds "
                                           "and propose candidate contradictions."),
    case: Optional[list[Path]] = typer.Option(None, "--case", "-c", help="Case files or folders whose agents, "
                                              "documents and incidents are known (default: the bundled case); repeatable."),
    extractor: str = typer.Option("rules", "--extractor", help=f"Which extractor: {EXTRACTORS.help()}."),
) -> None:
    """Propose attributed statements from a news text: a draft in the case format for review.

    Each statement has its speaker (a known agent, matched by name or alias, or a proposed new one), the
    reporting chain ("according to Proceso", "told La Jornada"), the stance, the quote, its figures, the exact
    character span and a confidence, and `review: pending`: `incidentkg build` refuses it until
    `incidentkg review` accepts it.
    """
    from .ingest.extract.draft import Options, write
    from .ingest.extract.pipeline import extract as run_extract

    try:
        draft = run_extract(file, Options(document, outlet, incident, title, date, url), language=language,
                            case=case or None, against=against, extractor=extractor)
        text = write(draft, out)
    except IncidentKGError as error:
        _fail(error)
    if out is None:
        sys.stdout.write(text)
    statements = draft.get("statements", [])
    figures = sum(len(s.get("quantity", [])) for s in statements)
    line = (f"{len(statements)} statements, {figures} figures, {len(draft.get('agents', []))} new agents, "
            f"{len(draft.get('sources', []))} new documents")
    summary = draft.get("extraction", {}).get("against")
    if summary:
        line += (f"; against {summary['build']}: {summary['held_statements']} statements and "
                 f"{summary['held_figures']} of {summary['figures']} figures held, "
                 f"{summary['candidate_contradictions']} candidate contradictions "
                 f"({summary['held_contradictions']} held)")
    err_console.print(line + (f"; wrote {out}" if out else ""), highlight=False, markup=False, soft_wrap=True)


@app.command()
def review(
    draft: Path = typer.Argument(..., help="A draft written by `incidentkg extract`."),
    accept: Optional[list[str]] = typer.Option(None, "--accept", "-a", help="Accept this proposal (an id); repeatable."),
    drop: Optional[list[str]] = typer.Option(None, "--drop", help="Drop this proposal; repeatable."),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Edit a field: ID:FIELD=VALUE (a YAML value; "
                                             "text keeps its language); repeatable."),
    accept_all: bool = typer.Option(False, "--accept-all", help="Accept every proposal still pending."),
    everything: bool = typer.Option(False, "--all", help="List accepted proposals too."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    columns: Optional[str] = ColumnsOption,
) -> None:
    """List a draft's proposals with their text spans; accept, edit or drop them.

    Edits (accept, then set, then drop) are written back to the draft in one atomic step; the listing that
    follows shows what is still pending. Dropping a record that others need fails with one line naming them.
    """
    from .ingest.extract.review import apply, listing, load

    _check_format(fmt)
    try:
        if accept or drop or set_ or accept_all:
            data = apply(draft, list(accept or []), list(drop or []), list(set_ or []), accept_all)
        else:
            data = load(draft)
    except IncidentKGError as error:
        _fail(error)
    rows = listing(data, everything)
    emit(["id", "section", "review", "span", "confidence", "text", "summary"], rows, fmt,
         key=["id", "review", "span", "text", "summary"], chosen=columns)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
