"""N-Triples terms as plain strings: the build's working form of RDF.

Records become (subject, predicate, object) tuples of N-Triples term strings, which hash and compare in C, sort
into the published N-Triples order, and load into Oxigraph without building a Python object per term. These
helpers write and read those strings; nothing else in the build needs rdflib terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

XSD_NS = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD_NS + "string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def nt_iri(iri: str) -> str:
    return f"<{iri}>"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def nt_literal(lexical: str, datatype: str | None = None, lang: str | None = None) -> str:
    """A literal in canonical N-Triples form; xsd:string is written plain, as RDF 1.1 equates them."""
    body = f'"{_escape(lexical)}"'
    if lang:
        return f"{body}@{lang.lower()}"
    if datatype and datatype != XSD_STRING:
        return f"{body}^^<{datatype}>"
    return body


def nt_term(term) -> str:
    """An rdflib term as an N-Triples string (for terms read from the ontology and shapes graphs)."""
    from rdflib import BNode, Literal, URIRef  # only readers of rdflib graphs call this

    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return nt_literal(str(term), str(term.datatype) if term.datatype else None, term.language)
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"not an RDF term: {term!r}")


_UNESCAPE = re.compile(r'\\(["\\nrtbf\']|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})')
_UNESCAPED = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "'": "'"}


def _unescape(match: re.Match) -> str:
    code = match.group(1)
    return chr(int(code[1:], 16)) if code[0] in "uU" else _UNESCAPED[code]


def read_literal(nt: str) -> tuple[str, str, str | None]:
    """(lexical form, datatype IRI, language) of an N-Triples literal; the datatype of a language-tagged
    string is rdf:langString and of a plain one xsd:string."""
    end = nt.rfind('"')
    body = nt[1:end]
    lexical = _UNESCAPE.sub(_unescape, body) if "\\" in body else body
    rest = nt[end + 1:]
    if rest.startswith("@"):
        return lexical, LANG_STRING, rest[1:]
    if rest.startswith("^^<"):
        return lexical, rest[3:-1], None
    return lexical, XSD_STRING, None


# For checks that meet the same literals over and over; bounded, as a large build meets millions once each.
parse_literal = lru_cache(maxsize=1 << 18)(read_literal)


def is_literal(nt: str) -> bool:
    return nt.startswith('"')


def term_text(nt: str) -> str:
    """The IRI or lexical form of a term, as SPARQL's STR() gives it."""
    if nt.startswith("<"):
        return nt[1:-1]
    if is_literal(nt):
        return parse_literal(nt)[0]
    return nt


def split_line(line: str) -> tuple[str, str, str]:
    """Subject, predicate IRI and object of a canonical N-Triples line (one triple, no comment)."""
    cut = line.index(" ")
    end = line.index("> ", cut + 1)
    return line[:cut], line[cut + 2:end], line[end + 2:].removesuffix(" .")


def lines(triples: Iterable[tuple[str, str, str]]) -> list[str]:
    return [f"{s} {p} {o} .\n" for s, p, o in triples]


def to_bytes(triples: Iterable[tuple[str, str, str]]) -> bytes:
    return "".join(lines(triples)).encode("utf-8")


__all__ = ["LANG_STRING", "RDF_TYPE", "XSD_STRING", "is_literal", "lines", "nt_iri", "nt_literal", "nt_term", "parse_literal",
           "read_literal", "split_line", "term_text", "to_bytes"]
