"""`--limit` and `--offset` applied inside a query, so the engine stops early instead of the caller slicing a
full result. The query text is tokenised (strings, IRIs and comments kept whole), never searched as raw text:
the solution modifiers of the outermost query (after its last top-level `}` in SPARQL; after the final RETURN
in Cypher) are found as tokens, an existing LIMIT/OFFSET (SKIP) there is combined with the new one, and the
numbers written are validated integers. Only the numbers are ever inserted; no user text is spliced."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.errors import UsageError

_SPARQL_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<comment>\#[^\n]*)
    |(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    |(?P<iri><[^<>"{}|^`\\\s]*>)
    |(?P<number>\d+)
    |(?P<word>[A-Za-z_][A-Za-z_0-9]*)
    |(?P<op>\S)""",
    re.S | re.X,
)


@dataclass(frozen=True)
class Page:
    """Which rows of a result: skip `offset`, then at most `limit` (None: all the rest)."""
    limit: int | None = None
    offset: int = 0

    @classmethod
    def of(cls, limit, offset) -> Page | None:
        """A validated page, or None when neither bound is given."""
        for name, value in (("limit", limit), ("offset", offset)):
            if value is not None and (type(value) is not int or value < 0):
                raise UsageError(f"--{name} expects a whole number of rows (0 or more), got {value!r}")
        if limit is None and not offset:
            return None
        return cls(limit, offset or 0)

    def within(self, limit: int | None, offset: int) -> Page:
        """This page taken out of a query's own LIMIT/OFFSET window."""
        start = offset + self.offset
        if limit is None:
            return Page(self.limit, start)
        room = max(limit - self.offset, 0)
        return Page(room if self.limit is None else min(room, self.limit), start)

    def slice(self, rows):
        """The page of an iterator of rows, for what cannot be paged inside the query."""
        import itertools

        stop = None if self.limit is None else self.offset + self.limit
        return itertools.islice(rows, self.offset, stop)


def _sparql_tokens(text: str) -> list[tuple[str, str, int, int]]:
    return [(m.lastgroup or "op", m.group(0), m.start(), m.end()) for m in _SPARQL_TOKEN.finditer(text)]


def page_sparql(text: str, page: Page | None) -> str:
    """The query with its outermost LIMIT/OFFSET set to `page` (within any it already has). A trailing VALUES
    block stays last."""
    if page is None:
        return text
    tokens = [t for t in _sparql_tokens(text) if t[0] not in ("ws", "comment")]
    # The solution modifiers follow the last top-level group, except for a trailing VALUES block (a group of
    # its own at the top level, after them).
    depth, last_close = 0, -1
    for i, (kind, value, _, _) in enumerate(tokens):
        if kind == "op" and value == "{":
            depth += 1
        elif kind == "op" and value == "}":
            depth -= 1
            if depth == 0:
                last_close = i
        elif depth == 0 and last_close >= 0 and kind == "word" and value.upper() == "VALUES":
            break
    tail = tokens[last_close + 1:]
    limit, offset, cut, values_at = None, 0, None, None
    i = 0
    while i < len(tail):
        kind, value, start, _ = tail[i]
        word = value.upper() if kind == "word" else ""
        if word in ("LIMIT", "OFFSET") and i + 1 < len(tail) and tail[i + 1][0] == "number":
            cut = start if cut is None else cut
            if word == "LIMIT":
                limit = int(tail[i + 1][1])
            else:
                offset = int(tail[i + 1][1])
            i += 2
            continue
        if word == "VALUES":
            values_at = start
            break
        if cut is not None:  # LIMIT/OFFSET come last among the modifiers: anything else here is not ours to read
            raise UsageError("cannot apply --limit/--offset to this query: unexpected text after its LIMIT/OFFSET")
        i += 1
    wanted = page.within(limit, offset)
    clause = (f"\nLIMIT {int(wanted.limit)}" if wanted.limit is not None else "") + (
        f"\nOFFSET {int(wanted.offset)}" if wanted.offset else "")
    if cut is not None:
        end = values_at if values_at is not None else len(text)
        return text[:cut] + clause.lstrip("\n") + "\n" + text[end:]
    if values_at is not None:
        return text[:values_at] + clause.lstrip("\n") + "\n" + text[values_at:]
    return text.rstrip() + "\n" + clause.lstrip("\n") + "\n"


def page_cypher(text: str, page: Page | None) -> str | None:
    """The query with SKIP/LIMIT after its final RETURN set to `page` (within any it already has), or None
    when the query is a UNION (a trailing SKIP/LIMIT would page its last part only, and Ladybug has no CALL
    subquery to wrap it in): the caller then pages the rows as it reads them."""
    if page is None:
        return text
    from .dialect import at_top, tokenize  # the Cypher side loads the ontology; SPARQL paging needs neither

    tokens = tokenize(text)
    significant = [i for i, t in enumerate(tokens) if t.kind not in ("ws", "comment")]
    last_return = None
    for i, tok in at_top(tokens):
        if tok.word("UNION"):
            return None
        if tok.word("RETURN"):
            last_return = i
    if last_return is None:
        return None
    after = [i for i in significant if i > last_return]
    limit, offset, cut = None, 0, None
    k = 0
    while k < len(after):
        tok = tokens[after[k]]
        if tok.word("SKIP", "LIMIT") and k + 1 < len(after) and tokens[after[k + 1]].kind == "number" \
                and tokens[after[k + 1]].text.isdigit():
            cut = after[k] if cut is None else cut
            number = int(tokens[after[k + 1]].text)
            if tok.word("LIMIT"):
                limit = number
            else:
                offset = number
            k += 2
            continue
        if tok.word("SKIP", "LIMIT"):  # a parameter or an expression: page the rows instead
            return None
        if cut is not None:
            return None
        k += 1
    wanted = page.within(limit, offset)
    clause = (f" SKIP {int(wanted.offset)}" if wanted.offset else "") + (
        f" LIMIT {int(wanted.limit)}" if wanted.limit is not None else "")
    if cut is not None:
        return "".join(t.text for t in tokens[:cut]).rstrip() + clause + "\n"
    # after the last significant token (a trailing comment would swallow the clause), before a final ';'
    last = significant[-1]
    if tokens[last].kind == "op" and tokens[last].text == ";":
        last = next(i for i in reversed(significant) if i < last)
    at = sum(len(t.text) for t in tokens[:last + 1])
    return text[:at] + clause + text[at:]


__all__ = ["Page", "page_cypher", "page_sparql"]
