"""Interactive HTML drawings of the built graph (pyvis / vis-network), self-contained and offline.

`render()` draws the whole graph, one incident's neighbourhood, or the records a saved query returns, with
nodes styled by ontology class, provenance tooltips and contradictions highlighted. model.py decides what
is drawn and what it says; page.py turns that into a safe HTML file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from ..core.errors import PathError, UsageError
from .model import GraphData, View
from .page import page_html, write_atomic


def default_out(incident: str | None = None, query: str | None = None) -> Path:
    """graph.html, incident-<id>.html or query-<name>.html in the current folder."""
    if incident:
        return Path(f"incident-{_file_safe(incident)}.html")
    if query:
        return Path(f"query-{_file_safe(query)}.html")
    return Path("graph.html")


def select(
    graph_dir: Path | None = None,
    *,
    incident: str | None = None,
    query: str | None = None,
    params: Iterable[str] | dict[str, Any] = (),
    engine: str = "sparql",
) -> View:
    """What to draw, without drawing it."""
    if incident and query:
        raise UsageError("give --incident or --query, not both")
    if params and not query:
        raise UsageError("--param only applies together with --query")
    graph = GraphData.load(graph_dir)
    if incident:
        return graph.incident(incident)
    if query:
        return graph.query(query, params, graph_dir, engine)
    return graph.whole()


def render(
    graph_dir: Path | None = None,
    *,
    incident: str | None = None,
    query: str | None = None,
    params: Iterable[str] | dict[str, Any] = (),
    engine: str = "sparql",
    out: Path | None = None,
) -> Path:
    """Draw a selection of the built graph in `graph_dir` to a self-contained HTML file; returns its path."""
    view = select(graph_dir, incident=incident, query=query, params=params, engine=engine)
    out = Path(out) if out is not None else default_out(incident, query)
    if out.is_dir():
        out = out / default_out(incident, query)
    if not out.parent.is_dir():  # a mistyped folder is refused rather than created
        raise PathError(str(out.parent), "no such folder")
    write_atomic(out, page_html(view))
    return out


def _file_safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "view"


__all__ = ["default_out", "render", "select"]
