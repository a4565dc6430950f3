"""The `incidentkg` command line: a thin typer layer over build, queries and viz. Errors from any layer print
as one line on stderr with a non-zero exit code (2 bad input or query, 3 no graph built, 4 server)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .errors import IncidentKGError, QueryError

app = typer.Typer(
    name="incidentkg",
    help="Knowledge graph of contested violent incidents: build it, query it (SPARQL/Cypher), draw it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
query_app = typer.Typer(help="List and run the saved queries in queries/.", no_args_is_help=True)
app.add_typer(query_app, name="query")

out_console = Console(soft_wrap=True)
err_console = Console(stderr=True)

GraphOption = typer.Option(
    None, "--graph", "-g", envvar="INCIDENTKG_GRAPH", help="Built graph folder (default: ./build)."
)


def _fail(error: IncidentKGError) -> None:
    err_console.print(f"[bold red]error:[/] {error}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(error.exit_code)


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
    out: Optional[Path] = typer.Option(None, "--out", "-o", envvar="INCIDENTKG_GRAPH", help="Output folder (default: ./build)."),
) -> None:
    """Validate case files and build the graph: Oxigraph store plus Turtle, N-Triples and JSON-LD exports."""
    from .build import build as run_build

    try:
        with _progress() as progress:
            task = progress.add_task("building", total=6)

            def step(description: str, done: int, total: int) -> None:
                progress.update(task, description=description, completed=done, total=total)

            summary = run_build(inputs or None, out, progress=step)
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
    from .. import queries

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
) -> None:
    """Run a saved query against the built graph."""
    from .. import queries

    if fmt not in ("table", "csv", "json"):
        _fail(QueryError(f"unknown format '{fmt}' (table, csv or json)"))
    try:
        result = queries.run(name, param, graph)
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
