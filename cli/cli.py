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
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import queries
from .core.errors import DataWarning, IncidentKGError, PathError, UsageError
from .ingest import EXPORTERS, IMPORTERS
from .queries import ENGINES


def _fail(error: IncidentKGError) -> None:
    # One line, whatever the message holds: data text may carry newlines or rich markup such as "[/]".
    text = " ".join(str(error).split("\n"))
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
GraphOption = typer.Option(
    None, "--graph", "-g", envvar="INCIDENTKG_GRAPH", help="Built graph folder (default: ./graph)."
)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        _fail(UsageError(f"unknown format '{fmt}' (table, csv or json)"))


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description:<32}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
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
        True, "--ladybug/--no-ladybug", help="Also make the embedded Cypher (Ladybug) database; otherwise it is made on first use."
    ),
) -> None:
    """Validate case files and build the graph: Oxigraph store plus Turtle, N-Triples and JSON-LD exports."""
    from .ingest.build import build as run_build
    from .queries.ladybug import ensure_ladybug

    try:
        with _progress() as progress:
            task = progress.add_task("building", total=6)

            def step(description: str, done: int, total: int) -> None:
                progress.update(task, description=description, completed=done, total=total)

            summary = run_build(inputs or None, out, progress=step)
            if ladybug:
                ensure_ladybug(summary.out, step)
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


# ---------------------------------------------------------------- queries


@query_app.command("list")
def query_list() -> None:
    """List the saved queries with their parameters."""
    try:
        catalog = queries.catalog()
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


@query_app.command("run")
def query_run(
    name: str = typer.Argument(..., help="Saved query name (see `incidentkg query list`)."),
    param: list[str] = typer.Option([], "--param", "-p", help="Parameter as name=value; repeatable."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    graph: Optional[Path] = GraphOption,
    engine: Optional[str] = typer.Option(None, "--engine", "-e", help=f"One of: {ENGINES.help()} (default: sparql)."),
    neo4j: Optional[bool] = typer.Option(
        None,
        "--neo4j/--ladybug",
        help="Cypher on the Neo4j server of NEO4J_URI etc., or on the embedded Ladybug database "
        "(default: Neo4j when NEO4J_URI is set). --neo4j implies --engine cypher.",
    ),
) -> None:
    """Run a saved query against the built graph (SPARQL), its Ladybug copy or a Neo4j server (Cypher)."""
    _check_format(fmt)
    engine = engine or ("cypher" if neo4j is not None else "sparql")
    if engine == "sparql" and neo4j is not None:
        _fail(UsageError("--neo4j/--ladybug choose a Cypher engine; they do not apply with --engine sparql"))
    try:
        result = queries.run(name, param, graph, engine=engine, neo4j=neo4j)
    except IncidentKGError as error:
        _fail(error)
    emit(result.columns, result.rows, fmt)


def emit(columns: list[str], rows: list[dict], fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(show_header=True)
        for col in columns:
            table.add_column(col)
        for row in rows:
            table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
        out_console.print(table)
        out_console.print(f"{len(rows)} rows")


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
    graph: Optional[Path] = GraphOption,
) -> None:
    """Draw the graph as a self-contained, offline HTML page (whole graph, one incident, or a query's result).

    Nodes are shaped and coloured by ontology class; tooltips show each record's sources.

    Contradicting claims are joined by red dashed edges; statement-to-claim edges are green (asserts) or orange (denies).

    Prints the path of the page written.
    """
    from .viz import render

    try:
        path = render(graph, incident=incident, query=query, params=param, engine=engine, out=out)
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


@neo4j_app.command("load")
def neo4j_load(
    graph: Optional[Path] = GraphOption,
    batch_size: int = typer.Option(1000, "--batch-size", "-b", min=1, help="Rows per UNWIND write transaction."),
    replace: bool = typer.Option(False, "--replace", help="First delete the incidentkg nodes already in the database."),
    uri: Optional[str] = UriOption,
    username: Optional[str] = UserOption,
    password: Optional[str] = PasswordOption,
    database: Optional[str] = DatabaseOption,
) -> None:
    """MERGE the built graph into Neo4j: uniqueness constraints first, then batched, retried write transactions.

    Loading twice changes nothing (the second load creates 0 nodes and 0 relationships).
    """
    from .core.neo4j import Neo4jConfig
    from .ingest.neo4j import load_build

    config = Neo4jConfig.from_env(uri, username, password, database)
    try:
        with _progress() as progress:
            task = progress.add_task("loading", total=None)

            def step(description: str, done: int, total: int) -> None:
                progress.update(task, description=description, completed=done, total=total)

            summary = load_build(graph, config, batch_size=batch_size, replace=replace, progress=step)
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
    uri: Optional[str] = UriOption,
    username: Optional[str] = UserOption,
    password: Optional[str] = PasswordOption,
    database: Optional[str] = DatabaseOption,
) -> None:
    """Delete the incidentkg nodes (IRIs under https://w3id.org/incidentkg/id/) and their relationships."""
    from .core.neo4j import Neo4jConfig
    from .ingest.neo4j import clear

    config = Neo4jConfig.from_env(uri, username, password, database)
    try:
        deleted = clear(config)
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


# ---------------------------------------------------------------- importers, resolution, exports

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
) -> None:
    """Import a dataset file (UCDP GED, CIDE-PPD, ACLED, FollowTheMoney) and build it with the case files.

    Every event becomes an incident with its place, dates, parties and figures, each figure attributed to the dataset (and, for UCDP, to the outlets whose reports it cites).

    Errors name the file, line and column; nothing is written unless everything is valid.
    """
    from .ingest.importers import import_and_build

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
                progress.update(task, description=f"reading {path.name}: {rows} rows")

            def step(description: str, done: int, total: int) -> None:
                progress.update(task, description=description, completed=done, total=total or None)

            summary = import_and_build(sources, case=case, no_case=no_case, resolve=resolve, published=published,
                                       out=out, warn=notes.append, reading=reading, progress=step)
    except IncidentKGError as error:
        _fail(error)
    for note in notes[:10]:
        err_console.print(f"note: {note}", highlight=False, markup=False)
    if len(notes) > 10:
        err_console.print(f"note: ... and {len(notes) - 10} more", highlight=False, markup=False)
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
    emit(result.columns, result.rows, fmt)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
