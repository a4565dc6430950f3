"""Query results as plain values, the same from every SPARQL source (the embedded store, a remote endpoint):
record ids for our IRIs, numbers, booleans, ISO dates and other text as strings. Terms come as pyoxigraph
terms (the embedded store) or as (kind, value, datatype) of SPARQL JSON results (a remote store)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..core.namespaces import ID

_XSD = "http://www.w3.org/2001/XMLSchema#"
_ID = str(ID)
_CUT = len(_ID)
# datatype IRI -> how its lexical form becomes a Python value
_CONVERT = {
    **{_XSD + t: int for t in ("integer", "int", "long", "nonNegativeInteger")},
    **{_XSD + t: float for t in ("decimal", "double", "float")},
    _XSD + "boolean": lambda text: text.strip() in ("true", "1"),
}


def literal_value(lexical: str, datatype: str | None) -> Any:
    """A literal's plain value by its datatype (numbers and booleans; anything else its lexical form)."""
    convert = _CONVERT.get(datatype) if datatype else None
    if convert is None:
        return lexical
    try:
        return convert(lexical)
    except ValueError:  # an ill-typed literal stays text
        return lexical


def iri_value(iri: str) -> str:
    """A record IRI as its record id; any other IRI unchanged."""
    return iri[_CUT:] if iri.startswith(_ID) else iri


def ox_value(term) -> Any:
    """A pyoxigraph result term (or None) as a plain value."""
    if term is None:
        return None
    kind = type(term).__name__
    if kind == "NamedNode":
        return iri_value(term.value)
    if kind == "Literal":
        return literal_value(term.value, term.datatype.value)
    return term.value  # a blank node's id


def python_value(term) -> Any:
    """An rdflib result term (or None) as a plain value, as `ox_value` gives it for pyoxigraph's."""
    if term is None:
        return None
    kind = type(term).__name__
    if kind == "URIRef":
        return iri_value(str(term))
    if kind == "Literal":
        return literal_value(str(term), str(term.datatype) if term.datatype is not None else None)
    return str(term)


def ox_rows(columns: list[str], solutions: Iterable) -> Iterator[dict[str, Any]]:
    """pyoxigraph solutions as row dicts, converted as they are read (so that a long result streams)."""
    convert = ox_value
    for solution in solutions:
        yield {column: convert(value) for column, value in zip(columns, solution)}


@dataclass
class Result:
    columns: list[str]
    rows: list[dict[str, Any]]


@dataclass
class Stream:
    """A result whose rows are read as they are consumed (once); `Result` holds them all."""
    columns: list[str]
    rows: Iterator[dict[str, Any]]

    def result(self) -> Result:
        return Result(self.columns, list(self.rows))


# ---------------------------------------------------------------- writing rows as they come

STREAM_FORMATS = ("csv", "tsv", "json", "jsonl")
_FLUSH_EVERY = 4096  # rows: the first row is flushed at once, then output goes out in blocks


def write_rows(columns: list[str], rows: Iterable[dict[str, Any]], fmt: str, out) -> int:
    """Write rows to the text stream `out` as they are read, in one of STREAM_FORMATS; the number written.
    json is one JSON array (exactly what json.dumps(rows, indent=2) gives, written row by row), jsonl one
    compact object per line; csv and tsv have a header line and every column (tsv quotes a field holding a
    tab, a newline or a quote, as csv does)."""
    import csv
    import json

    count = 0
    if fmt in ("csv", "tsv"):
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
            count += 1
            if count == 1 or count % _FLUSH_EVERY == 0:
                out.flush()
        return count
    if fmt == "jsonl":
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        for row in rows:
            out.write(dumps(row) + "\n")
            count += 1
            if count == 1 or count % _FLUSH_EVERY == 0:
                out.flush()
        return count
    if fmt == "json":
        dumps = json.JSONEncoder(ensure_ascii=False, indent=2).encode
        for row in rows:
            # json.dumps' own layout of a list of objects: every object line indented by two more spaces
            out.write(("[\n  " if count == 0 else ",\n  ") + dumps(row).replace("\n", "\n  "))
            count += 1
            if count == 1 or count % _FLUSH_EVERY == 0:
                out.flush()
        out.write("\n]\n" if count else "[]\n")
        return count
    raise ValueError(f"not a streaming format: {fmt}")


__all__ = ["Result", "STREAM_FORMATS", "Stream", "write_rows", "iri_value", "literal_value", "ox_rows", "ox_value", "python_value"]
