"""The investigator's workbench: self-contained, offline HTML pages of the built graph (pyvis / vis-network).

`render()` draws the whole graph, one incident's neighbourhood, or the records a saved query returns, with
search, filters, a contradiction board, a timeline and a map. model.py reads and selects the records (from
the store, per view), layout.py places them, workbench.py derives the panels' data, overview.py groups a
selection above the node cap, and page.py turns all of it into a safe HTML file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from ..core.errors import PathError, UsageError
from ..core.graph import manifest
from .model import GraphData, View
from .overview import Overview, overview
from .page import page_html, write_atomic


def default_out(incident: str | None = None, query: str | None = None) -> Path:
    """graph.html, incident-<id>.html or query-<name>.html in the current folder."""
    if incident:
        return Path(f"incident-{_file_safe(incident)}.html")
    if query:
        return Path(f"query-{_file_safe(query)}.html")
    return Path("graph.html")


DEFAULT_MAX_NODES = 5000


def select(
    graph_dir: Path | None = None,
    *,
    incident: str | None = None,
    query: str | None = None,
    params: Iterable[str] | dict[str, Any] = (),
    engine: str = "sparql",
    max_nodes: int = DEFAULT_MAX_NODES,
) -> View | Overview:
    """What to draw, without drawing it: read from the build's store record by record (never the whole
    build); above `max_nodes` records, the selection's incidents grouped by state and year instead."""
    if incident and query:
        raise UsageError("give --incident or --query, not both")
    if params and not query:
        raise UsageError("--param only applies together with --query")
    if max_nodes < 1:
        raise UsageError(f"--max-nodes must be at least 1, got {max_nodes}")
    graph = GraphData.load(graph_dir)
    focus: list[str] = []
    if incident:
        graph.check_incident(incident)
        ids, heading, focus = graph.incident_selection(incident), f"incidentkg: {graph.name(incident)}", [incident]
    elif query:
        ids, heading = graph.query(query, params, graph_dir, engine)
    else:
        heading = "incidentkg: whole graph"
        counts = manifest(graph_dir).get("classes", {})  # the build counted its records by class
        drawn = sum(n for cls, n in counts.items() if cls != "IdentityLink")
        if drawn > max_nodes:
            return overview(graph, None, heading, drawn, max_nodes)
        ids = set(graph.record_ids())
    drawn = len(ids - set(graph.ids_of_class("IdentityLink")))  # identity links are drawn as edges
    if drawn > max_nodes:
        return overview(graph, ids, heading, drawn, max_nodes)
    return graph.view(ids, heading, focus)


def render(
    graph_dir: Path | None = None,
    *,
    incident: str | None = None,
    query: str | None = None,
    params: Iterable[str] | dict[str, Any] = (),
    engine: str = "sparql",
    out: Path | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> Path:
    """Draw a selection of the built graph in `graph_dir` to a self-contained HTML file; returns its path."""
    out = Path(out) if out is not None else default_out(incident, query)
    if out.is_dir():
        out = out / default_out(incident, query)
    view = select(graph_dir, incident=incident, query=query, params=params, engine=engine, max_nodes=max_nodes)
    if not out.parent.is_dir():  # a mistyped folder is refused rather than created
        raise PathError(str(out.parent), "no such folder")
    write_atomic(out, page_html(view))
    return out


def _file_safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "view"


__all__ = ["DEFAULT_MAX_NODES", "default_out", "render", "select"]
