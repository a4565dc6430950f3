"""Finding records by what people call them: names, aliases, abbreviations and titles in every language,
accent- and case-insensitive (`incidentkg find`), and the id parameters of saved queries, which accept an
unambiguous name in place of a record id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..core.errors import GraphMissingError, QueryError, UsageError
from ..core.graph import shared_store
from ..core.namespaces import ID, IKG, RDF_TYPE_IRI, term_id
from ..core.text import fold

NAME_FIELDS = ("name", "alias", "abbreviation", "title")


@dataclass(frozen=True)
class Match:
    id: str
    cls: str  # most specific class
    name: str  # the record's preferred name
    matched: str  # the name or alias that matched
    score: int  # 100 the whole name, 90 its start, 80 every word, 60 a part of it


def _score(query: str, text: str) -> int:
    if text == query:
        return 100
    if text.startswith(query):
        return 90
    words, wanted = text.split(), query.split()
    if all(w in words for w in wanted):
        return 80
    if query in text:
        return 60
    if all(any(word.startswith(w) for word in words) for w in wanted):
        return 50
    return 0


def _names(graph_dir: Path | None) -> dict[str, tuple[str, dict[str, list[tuple[str, str | None]]]]]:
    """record id -> (most specific class, {field: [(text, language)]}) for the NAME_FIELDS."""
    from ..ontology import load  # the ontology (and rdflib) only for a search, not for an id given as it is

    onto = load()
    store = shared_store(graph_dir)
    values = " ".join(f"<{IKG[f]}>" for f in NAME_FIELDS)
    rows = store.query(f"SELECT ?s ?p ?v WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?v }}")
    cut = len(str(IKG))
    texts: dict[str, dict[str, list[tuple[str, str | None]]]] = {}
    for row in rows:
        fields = texts.setdefault(row["s"].value, {})
        fields.setdefault(row["p"].value[cut:], []).append((row["v"].value, getattr(row["v"], "language", None)))
    ikg = str(IKG)
    types: dict[str, list[str]] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE_IRI), None):
        if quad.object.value.startswith(ikg) and quad.subject.value in texts:
            types.setdefault(quad.subject.value, []).append(quad.object.value[len(ikg):])
    return {term_id(s): (onto.most_specific(types.get(s, [])), found) for s, found in texts.items()}


def find(text: str, cls: str | None = None, graph_dir: Path | None = None, limit: int = 20) -> list[Match]:
    """Records whose name, alias, abbreviation or title matches `text`, best first (then shorter names, then
    ids); `cls` keeps records of that class and its subclasses."""
    from ..ontology import load
    from ..ontology.display import name as record_name
    from ..ontology.display import preferred

    onto = load()
    if cls is not None and cls not in onto.classes:
        raise UsageError(f"unknown class '{cls}' (one of: {', '.join(sorted(onto.classes))})")
    query = fold(text)
    if not query:
        raise UsageError("give some text to find")
    found = []
    for record, (kind, fields) in _names(graph_dir).items():
        if cls is not None and not (kind and onto.is_a(kind, cls)):
            continue
        best = max(((_score(query, fold(text)), text) for values in fields.values() for text, _ in values),
                   key=lambda s: (s[0], -len(s[1])))
        if best[0]:
            shown = record_name(fields) or preferred(fields.get("abbreviation", ())) or record
            found.append(Match(record, kind, shown, best[1], best[0]))
    found.sort(key=lambda m: (-m.score, len(m.matched), m.id))
    return found[:limit]


ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


def resolve_id(name: str, value: str, graph_dir: Path | None = None) -> str:
    """The record id an id parameter means: `value` itself when a record has that id, else the one record
    whose name, alias, abbreviation or title is `value` (accents and case aside). Unknown or ambiguous values
    are a QueryError listing the candidates. Without a local build (Cypher on a Neo4j server alone) an
    id-shaped value is taken as it is."""
    try:
        store = shared_store(graph_dir)
    except GraphMissingError:
        if ID_PATTERN.match(value):
            return value
        raise
    if ID_PATTERN.match(value) and next(iter(store.quads_for_pattern(ox.NamedNode(f"{ID}{value}"), None, None)),
                                        None) is not None:
        return value
    candidates = find(value, graph_dir=graph_dir, limit=8)
    exact = [m for m in candidates if m.score == 100]
    if len(exact) == 1:
        return exact[0].id
    listed = ", ".join(f"{m.id} ({m.cls}: {m.name})" for m in (exact or candidates)[:5])
    if exact:
        raise QueryError(f"parameter '{name}': '{value}' names several records: {listed}; give the id")
    hint = f"; did you mean: {listed}" if listed else "; `incidentkg find TEXT` lists names and ids"
    raise QueryError(f"parameter '{name}': no record has the id or name '{value}'{hint}")


__all__ = ["Match", "find", "resolve_id"]
