"""Query results as plain values, the same from every SPARQL source (the embedded store, a remote endpoint)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import XSD, Literal, URIRef

from ..core.namespaces import term_id


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


__all__ = ["Result", "python_value"]
