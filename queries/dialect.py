"""Cypher in Neo4j's dialect, translated for Ladybug (the embedded engine, the maintained Kuzu fork).

Both engines hold the property graph of `incidentkg.ontology.projection`. The saved `.cypher` queries are
written in Neo4j's dialect; `to_ladybug()` is the one place that bridges Ladybug's gaps:

- labels: a Ladybug node has exactly one label (its table, the top-level class), so `(n:Raid)`,
  `(n:Agent:Organization)` or `(n:Person|Organization)` become the table label plus a `n.kind IN [...]`
  condition derived from the ontology;
- label conditions (`WHERE n:Person`, `CASE WHEN n:Organization`) become `kind` conditions too;
- `type(r)` is `label(r)`, and relationship tables whose name would clash with a node table (Ladybug's
  catalog is case-insensitive: CLAIM vs Claim) carry a suffix that patterns and `type(r)` hide;
- lists and strings count from 1 (`xs[0]` -> `xs[1]`, `substring(s, 0, 2)` -> `substring(s, 1, 2)`),
  `round(x)` needs a precision (`round(x, 0)`), `reduce(acc = i, x IN xs | ...)` is a `list_reduce` and
  `toString`/`toInteger`/`toFloat` are `to_string`/`to_int64`/`to_double`;
- there is no `SET n += map`: it becomes one `SET n.k = ...` per key;
- property maps in MATCH patterns become WHERE conditions, and `MATCH (a {..}), (b {..})` becomes
  `MATCH (a) WHERE .. MATCH (b) WHERE ..`, which Ladybug plans as index lookups rather than a filtered product;
- a null parameter cannot be typed by Ladybug's binder, so it is written as the literal NULL (the only value
  ever inlined; every other value stays a parameter), and the test `$p IS NULL` of a parameter given a value
  is written false (`IS NOT NULL` true), so that `$p IS NULL OR n.id = $p` plans as a key look-up;
- every OPTIONAL MATCH after another clause gets a `WITH *` in front: without that barrier Ladybug plans the
  optional pattern over its whole relationship tables and joins it afterwards, so one incident's statements
  cost as much as all of them; with it the pattern is expanded from the rows at hand (same rows either way);
- an OPTIONAL MATCH of several paths gets `n.id IS NOT NULL` (always true: `id` is every table's key) for
  each new node next to a bound one: Ladybug only expands a pattern node by node from a node an expansion
  reached when a condition was checked on the way, and otherwise hash-joins each further node with a scan
  of its whole table (a statement's claim, speaker and document: three scans per row of the incident);
- a UNION ALL is run by the engine one branch at a time (`union_all_parts`): Ladybug's threads interleave the
  branches' rows under load, and the saved queries promise them branch by branch, each branch in its order.

"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..core.errors import QueryError
from ..core.graphmodel import LADYBUG_SUFFIX, GraphModel

# ---------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<comment>//[^\n]*|/\*.*?\*/)
    |(?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    |(?P<quoted>`(?:[^`]|``)*`)
    |(?P<param>\$(?:\w+|`(?:[^`]|``)*`))
    |(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    |(?P<word>[A-Za-z_][A-Za-z_0-9]*)
    |(?P<op>\+=|<>|<=|>=|=~|->|<-|\.\.|\S)""",
    re.S | re.X,
)
OPEN, CLOSE = ("(", "[", "{"), (")", "]", "}")
# Keywords that end a MATCH pattern (or its WHERE) at the same nesting depth.
CLAUSE_WORDS = {
    "MATCH", "OPTIONAL", "WITH", "RETURN", "UNWIND", "CALL", "ORDER", "SKIP", "LIMIT", "UNION", "CREATE",
    "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "FOREACH",
}


@dataclass
class Tok:
    kind: str
    text: str

    def word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def tokenize(text: str) -> list[Tok]:
    return [Tok(m.lastgroup or "op", m.group(0)) for m in _TOKEN.finditer(text)]


def _text(tokens: list[Tok]) -> str:
    return "".join(t.text for t in tokens)


def _plain(tokens: list[Tok]) -> str:
    """The text without its comments, for a clause rewritten onto one line (a line comment would swallow the
    rest of it)."""
    return "".join(" " if t.kind == "comment" else t.text for t in tokens).strip()


def _significant(tokens: list[Tok]) -> list[int]:
    return [i for i, t in enumerate(tokens) if t.kind not in ("ws", "comment")]


def _next_sig(tokens: list[Tok], i: int) -> int | None:
    return next((j for j in range(i + 1, len(tokens)) if tokens[j].kind not in ("ws", "comment")), None)


def _prev_sig(tokens: list[Tok], i: int) -> int | None:
    return next((j for j in range(i - 1, -1, -1) if tokens[j].kind not in ("ws", "comment")), None)


def _matching(tokens: list[Tok], i: int) -> int:
    """Index of the bracket closing the one at i."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].kind == "op" and tokens[j].text in OPEN:
            depth += 1
        elif tokens[j].kind == "op" and tokens[j].text in CLOSE:
            depth -= 1
            if depth == 0:
                return j
    raise QueryError("unbalanced brackets in Cypher query")


def at_top(tokens: list[Tok]) -> Iterator[tuple[int, Tok]]:
    """(index, token) of every token outside all brackets, the brackets themselves left out."""
    depth = 0
    for i, tok in enumerate(tokens):
        if tok.kind == "op" and tok.text in OPEN:
            depth += 1
        elif tok.kind == "op" and tok.text in CLOSE:
            depth -= 1
        elif depth == 0:
            yield i, tok


def _split_top(tokens: list[Tok], sep: str = ",") -> list[list[Tok]]:
    parts: list[list[Tok]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.kind == "op" and tok.text in OPEN:
            depth += 1
        elif tok.kind == "op" and tok.text in CLOSE:
            depth -= 1
        if depth == 0 and tok.kind == "op" and tok.text == sep:
            parts.append([])
        else:
            parts[-1].append(tok)
    return parts


def union_all_parts(text: str) -> list[str]:
    """The branches of a query whose top level is joined by UNION ALL only, in order; else the query alone
    (a plain UNION removes duplicates across branches, so it cannot be split)."""
    return list(_union_all_parts(text))


@functools.lru_cache(maxsize=256)  # a saved query is split again each time it runs
def _union_all_parts(text: str) -> tuple[str, ...]:
    tokens = tokenize(text)
    cuts: list[tuple[int, int]] = []
    for i, tok in at_top(tokens):
        if tok.word("UNION"):
            nxt = _next_sig(tokens, i)
            if nxt is None or not tokens[nxt].word("ALL"):
                return (text,)
            cuts.append((i, nxt + 1))
    if not cuts:
        return (text,)
    starts = [0] + [end for _, end in cuts]
    ends = [start for start, _ in cuts] + [len(tokens)]
    return tuple(_text(tokens[a:b]) for a, b in zip(starts, ends))


# ---------------------------------------------------------------- Neo4j dialect -> Ladybug dialect


def _ident(tok: Tok) -> str:
    return tok.text[1:-1].replace("``", "`") if tok.kind == "quoted" else tok.text


def _map_entries(tokens: list[Tok]) -> list[tuple[str, str]] | None:
    """`k: expr, ...` (the inside of a map literal) -> [(k, expr text)]; None when it is not that shape."""
    entries = []
    for entry in _split_top(tokens):
        sig = _significant(entry)
        if not sig:
            continue
        if len(sig) < 3 or entry[sig[0]].kind not in ("word", "quoted") or entry[sig[1]].text != ":":
            return None
        entries.append((entry[sig[0]].text, _text(entry[sig[1] + 1:]).strip()))
    return entries


def _literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class _Rewriter:
    def __init__(self, graph: GraphModel):
        self.graph = graph
        self.counter = 0

    def fresh(self) -> str:
        self.counter += 1
        return f"_lb{self.counter}"

    def element(self, inner: list[Tok], node: bool) -> tuple[str, list[str]] | None:
        """Rewrite the inside of a node `( )` or relationship `[ ]` pattern: returns (new inside, conditions),
        or None when nothing needs to change (or the form is not one this translator knows)."""
        sig = _significant(inner)
        i, var = 0, None
        if i < len(sig) and inner[sig[i]].kind in ("word", "quoted"):
            var = inner[sig[i]].text
            i += 1
        label_toks: list[Tok] = []
        while i < len(sig):
            tok = inner[sig[i]]
            if tok.text in (":", "|", "&") or (label_toks and label_toks[-1].text in (":", "|", "&")
                                               and tok.kind in ("word", "quoted")):
                label_toks.append(tok)
                i += 1
            else:
                break
        labels_text = original = "".join(t.text for t in label_toks)
        props = i < len(sig) and inner[sig[i]].text == "{" and _matching(inner, sig[i]) == sig[-1]
        rest = "" if props or i == len(sig) else _text(inner[sig[i]:]).strip()
        conditions: list[str] = []
        if not node:  # relationship types whose Ladybug table carries the clash suffix; `*1..3` etc. kept
            rels = self.graph.relationships
            labels_text = "".join(
                rels[_ident(t)].table if t.kind in ("word", "quoted") and _ident(t) in rels else t.text
                for t in label_toks
            )
            if rest:
                return (f"{var or ''}{labels_text}{rest}", []) if labels_text != original else None
        elif rest:
            return None  # e.g. a WHERE inside the node pattern: not a form handled here
        if node and label_toks:
            relabelled = self.labels(label_toks)
            if relabelled is not None:
                labels_text, kinds = relabelled
                if kinds is not None:
                    var = var or self.fresh()
                    conditions.append(f"{var}.kind IN [{', '.join(map(_literal, kinds))}]" if kinds else "false")
        if props:
            entries = _map_entries(inner[sig[i] + 1: sig[-1]])
            if entries is None:
                return None
            var = var or self.fresh()
            conditions += [f"{var}.{key} = ({value})" if " " in value else f"{var}.{key} = {value}"
                           for key, value in entries]
        if not conditions and labels_text == original:
            return None
        return f"{var or ''}{labels_text}", conditions

    def labels(self, toks: list[Tok]) -> tuple[str, list[str] | None] | None:
        """Label expression -> (Ladybug label text, kinds to require or None). None: leave it unchanged."""
        names = [_ident(t) for t in toks if t.kind in ("word", "quoted")]
        ops = {t.text for t in toks if t.text in ("|", "&")}
        colons = sum(1 for t in toks if t.text == ":")
        if any(n not in self.graph.top for n in names):
            return None  # not an ontology class: Ladybug reports it
        if "|" in ops and ("&" in ops or colons not in (1, len(names))):
            return None  # mixed conjunction and disjunction: not supported here
        tables = list(dict.fromkeys(self.graph.label_of(n) for n in names))
        if "|" in ops:  # any of the classes
            kinds = {k for n in names for k in self.graph.kinds(n)}
        else:  # all of the classes: a single table, and an empty kind set when the tops differ
            kinds = set.intersection(*(set(self.graph.kinds(n)) for n in names))
            tables = tables[:1]
        every = {k for t in tables for k in self.graph.labels[t].classes}
        return ":" + "|".join(tables), (None if kinds == every else sorted(kinds))

    def match_clause(self, tokens: list[Tok], start: int) -> tuple[int, int, str] | None:
        """Rewrite the MATCH clause whose MATCH keyword is at `start`: (first index, end index, new text)."""
        optional = False
        first = start
        prev = _prev_sig(tokens, start)
        if prev is not None and tokens[prev].word("OPTIONAL"):
            optional, first = True, prev
        depth, i, where, end = 0, start + 1, None, len(tokens)
        while i < len(tokens):
            tok = tokens[i]
            if tok.kind == "op" and tok.text in OPEN:
                depth += 1
            elif tok.kind == "op" and tok.text in CLOSE:
                depth -= 1
                if depth < 0:
                    end = i
                    break
            elif depth == 0 and tok.kind == "word":
                upper = tok.text.upper()
                if upper == "WHERE" and where is None:
                    where = i
                elif upper in CLAUSE_WORDS:
                    end = i
                    break
            i += 1
        pattern = tokens[start + 1: where if where is not None else end]
        where_text = _plain(tokens[where + 1: end]) if where is not None else ""
        parts, part_conditions, changed = [], [], False
        paths = _split_top(pattern)
        for part in paths:
            new_part, conditions = [], []
            j = 0
            while j < len(part):
                tok = part[j]
                if tok.kind == "op" and tok.text in "([":
                    close = _matching(part, j)
                    result = self.element(part[j + 1: close], node=tok.text == "(")
                    if result is None:
                        new_part.extend(part[j: close + 1])
                    else:
                        changed = True
                        inside, conds = result
                        new_part.append(Tok("op", f"{tok.text}{inside}{part[close].text}"))
                        conditions.extend(conds)
                    j = close + 1
                    continue
                new_part.append(tok)
                j += 1
            parts.append(_plain(new_part))
            part_conditions.append(conditions)
        if optional and len(paths) > 1:  # see the module docstring
            before = {_ident(t) for k, t in enumerate(tokens[:first]) if t.kind in ("word", "quoted")
                      and not (k and tokens[k - 1].text == ".")}
            guards = [f"{var}.id IS NOT NULL" for var in _first_hops(paths, before)]
            if guards:
                part_conditions[0] = guards + part_conditions[0]
                changed = True
        if not changed:
            return None
        keyword = "OPTIONAL MATCH" if optional else "MATCH"
        trailing = " " if end < len(tokens) else ""
        if not optional and len(parts) > 1 and any(part_conditions):
            clauses = []
            for index, (part, conds) in enumerate(zip(parts, part_conditions)):
                if index == len(parts) - 1 and where_text:
                    conds = conds + [f"({where_text})"]
                clauses.append(f"MATCH {part}" + (f" WHERE {' AND '.join(conds)}" if conds else ""))
            return first, end, " ".join(clauses) + trailing
        conds = [c for cs in part_conditions for c in cs] + ([f"({where_text})"] if where_text else [])
        text = f"{keyword} {', '.join(parts)}" + (f" WHERE {' AND '.join(conds)}" if conds else "")
        return first, end, text + trailing


RENAMED = {"tostring": "to_string", "tointeger": "to_int64", "tofloat": "to_double"}
EXPRESSION_WORDS = CLAUSE_WORDS - {"MATCH", "MERGE", "CREATE"} | {"WHERE"}


def _kinds(graph: GraphModel, toks: list[Tok]) -> list[str] | None:
    """The `kind` values a label expression (`:A:B`, `:A&B`, `:A|B`) admits; None if it names no class."""
    names = [_ident(t) for t in toks if t.kind in ("word", "quoted")]
    if not names or any(n not in graph.top for n in names):
        return None
    sets = [set(graph.kinds(n)) for n in names]
    return sorted(set.union(*sets) if any(t.text == "|" for t in toks) else set.intersection(*sets))


def _label_predicates(tokens: list[Tok], graph: GraphModel) -> None:
    """`n:Label` used as a condition (WHERE n:Person, CASE WHEN n:Organization ...) -> `(n.kind IN [...])`.
    Node patterns (after MATCH, MERGE, CREATE) and map literals are left alone."""
    modes = ["expr"]
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.word("MATCH", "MERGE", "CREATE"):
            modes[-1] = "pattern"
        elif tok.kind == "word" and tok.text.upper() in EXPRESSION_WORDS:
            modes[-1] = "expr"
        elif tok.kind == "op" and tok.text in OPEN:
            prev = _prev_sig(tokens, i)
            subquery = prev is not None and tokens[prev].word("EXISTS", "COUNT", "COLLECT")
            modes.append("map" if tok.text == "{" and not subquery else "expr" if subquery else modes[-1])
        elif tok.kind == "op" and tok.text in CLOSE and len(modes) > 1:
            modes.pop()
        elif modes[-1] == "expr" and tok.kind in ("word", "quoted"):
            j = _next_sig(tokens, i)
            if j is not None and tokens[j].text == ":":
                label_toks, k = [], j
                while k is not None and (tokens[k].text in (":", "|", "&") or tokens[k].kind in ("word", "quoted")
                                         and label_toks and label_toks[-1].text in (":", "|", "&")):
                    label_toks.append(tokens[k])
                    last, k = k, _next_sig(tokens, k)
                kinds = _kinds(graph, label_toks)
                if kinds is not None:
                    text = f"({tok.text}.kind IN [{', '.join(map(_literal, kinds))}])" if kinds else "false"
                    tokens[i: last + 1] = tokenize(text)
        i += 1


def _clauses(tokens: list[Tok]) -> list[tuple[int, int, str]]:
    """The top-level clauses: (first index, end index, keyword), OPTIONAL MATCH as one clause."""
    found = []
    for i, tok in at_top(tokens):
        if tok.kind == "word" and tok.text.upper() in CLAUSE_WORDS:
            word = tok.text.upper()
            prev = _prev_sig(tokens, i)
            if word == "MATCH" and prev is not None and tokens[prev].word("OPTIONAL"):
                continue  # the MATCH of OPTIONAL MATCH
            if word == "OPTIONAL":
                word = "OPTIONAL MATCH"
            if found:
                found[-1] = (found[-1][0], i, found[-1][2])
            found.append((i, len(tokens), word))
    return found


def _pattern_variables(tokens: list[Tok]) -> set[str]:
    """The node and relationship variables a MATCH pattern names."""
    names = set()
    for i, tok in enumerate(tokens):
        if tok.kind == "op" and tok.text in ("(", "["):
            j = _next_sig(tokens, i)
            if j is not None and tokens[j].kind in ("word", "quoted"):
                k = _next_sig(tokens, j)
                if k is not None and tokens[k].text in (":", ")", "]", "{", "*"):
                    names.add(_ident(tokens[j]))
    return names


def _node_chain(tokens: list[Tok]) -> list[str | None]:
    """The nodes of one path pattern, in order: each one's variable, None for an anonymous node."""
    chain: list[str | None] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "op" and tok.text in ("(", "["):
            close = _matching(tokens, i)
            if tok.text == "(":
                j = _next_sig(tokens, i)
                named = j is not None and j < close and tokens[j].kind in ("word", "quoted")
                chain.append(_ident(tokens[j]) if named else None)
            i = close + 1
            continue
        i += 1
    return chain


def _first_hops(paths: list[list[Tok]], bound: set[str]) -> list[str]:
    """The named nodes of a pattern's paths that are new and next to a node bound before the pattern."""
    found: list[str] = []
    for path in paths:
        chain = _node_chain(path)
        for k, var in enumerate(chain):
            near = [v for v in chain[max(k - 1, 0): k + 2] if v]
            if var and var not in bound and var not in found and any(v in bound for v in near):
                found.append(var)
    return found


def _merge_matches(tokens: list[Tok]) -> None:
    """`MATCH a WHERE x MATCH b WHERE y`, where b shares a variable with a, -> `MATCH a, b WHERE (x) AND (y)`:
    Ladybug orders the joins of one pattern as a whole, from its selective end, while it joins a later MATCH
    clause to the rows at hand by scanning all of the second pattern's edges. Same rows: Ladybug matches
    patterns without Neo4j's relationship uniqueness, so one clause or two is the same match."""
    merged = True
    while merged:  # one pair at a time, the clauses found again after each (a merge moves what follows)
        merged = False
        clauses = _clauses(tokens)
        for (s1, e1, w1), (s2, e2, w2) in zip(clauses, clauses[1:]):
            if w1 != "MATCH" or w2 != "MATCH":
                continue
            first, second = _split_where(tokens[s1 + 1: e1]), _split_where(tokens[s2 + 1: e2])
            if not _pattern_variables(first[0]) & _pattern_variables(second[0]):
                continue
            conditions = [f"({_plain(w)})" for w in (first[1], second[1]) if w is not None]
            text = f"MATCH {_plain(first[0])}, {_plain(second[0])}"
            text += (" WHERE " + " AND ".join(conditions) if conditions else "") + " "
            tokens[s1:e2] = tokenize(text)
            merged = True
            break


def _split_where(tokens: list[Tok]) -> tuple[list[Tok], list[Tok] | None]:
    """A MATCH clause's body (after the keyword): its pattern and its WHERE condition (None without one)."""
    for i, tok in at_top(tokens):
        if tok.word("WHERE"):
            return tokens[:i], tokens[i + 1:]
    return tokens, None


def _barrier_optionals(tokens: list[Tok]) -> None:
    """`WITH *` before each OPTIONAL MATCH that follows a clause other than WITH in the same query part (see
    the module docstring). Last first, so earlier indexes stay valid."""
    starts, previous = [], None  # previous: the keyword of the clause before, None at the start of a part
    for start, _end, word in _clauses(tokens):
        if word == "OPTIONAL MATCH" and previous not in (None, "WITH"):
            starts.append(start)
        previous = None if word == "UNION" else word
    for i in reversed(starts):
        tokens[i:i] = tokenize("WITH * ")


def _rewrite_calls(tokens: list[Tok]) -> None:
    """Functions Ladybug names or counts differently. Last call first, so nested calls are rewritten before
    the call around them is re-read."""
    for i in range(len(tokens) - 1, -1, -1):
        tok, nxt, prev = tokens[i], _next_sig(tokens, i), _prev_sig(tokens, i)
        if tok.kind != "word" or nxt is None or tokens[nxt].text != "(":
            continue
        if prev is not None and tokens[prev].text in (".", ":"):
            continue
        name = tok.text.lower()
        if name in RENAMED:
            tok.text = RENAMED[name]
            continue
        if name not in ("type", "round", "substring", "reduce"):
            continue
        close = _matching(tokens, nxt)
        parts = _split_top(tokens[nxt + 1: close])
        args = [_text(p).strip() for p in parts]
        if name == "type":
            new = f"regexp_replace(label({args[0]}), {_literal(LADYBUG_SUFFIX + '$')}, '')"
        elif name == "round":
            if len(args) != 1:
                continue
            new = f"round({args[0]}, 0)"
        elif name == "substring":  # Neo4j counts from 0, Ladybug from 1, and needs a length
            length = args[2] if len(args) > 2 else f"size({args[0]})"
            new = f"substring({args[0]}, ({args[1]}) + 1, {length})"
        else:  # reduce(acc = init, x IN list | body) -> a fold over the list with init prepended
            init_part = _split_top(parts[0], "=") if len(parts) == 2 else []
            over = _split_top(parts[1], "|") if len(parts) == 2 else []
            in_at = next((k for k, t in enumerate(over[0]) if t.word("IN")), None) if len(over) == 2 else None
            if len(init_part) != 2 or in_at is None:
                raise QueryError("Cypher: reduce() must read reduce(acc = init, x IN list | expression)")
            acc, init = _text(init_part[0]).strip(), _text(init_part[1]).strip()
            var, items = _text(over[0][:in_at]).strip(), _text(over[0][in_at + 1:]).strip()
            new = f"list_reduce(list_prepend({items}, {init}), ({acc}, {var}) -> {_text(over[1]).strip()})"
        tokens[i: close + 1] = tokenize(new)


# Translations already made: (query text, model, which parameters are null) -> (model, text, parameters used).
# Translating a long saved query costs more than running it selectively; the result depends on the values only
# through which are null (and the keys of a map for `+=`, never cached), so a repeated query skips it.
_TRANSLATED: dict[tuple, tuple[GraphModel, str, frozenset[str]]] = {}
TRANSLATED_MAX = 512


def to_ladybug(text: str, params: dict[str, Any] | None = None, graph: GraphModel | None = None) -> tuple[str, dict]:
    """Translate a Neo4j-dialect Cypher query (and its parameters) for Ladybug. See the module docstring."""
    if graph is None:  # callers with a build pass the model saved with its Ladybug copy (no ontology parse)
        from ..ontology.projection import model

        graph = model()
    params = dict(params or {})
    if any(isinstance(value, dict) for value in params.values()):
        return _translate(text, params, graph)
    key = (text, id(graph), tuple(sorted((name, value is None) for name, value in params.items()
                                         if f"${name}" in text)))  # a parameter the text never names: no matter
    found = _TRANSLATED.get(key)
    if found is None or found[0] is not graph:  # the entry holds its model, so an id is never reused under it
        out, used = _translate(text, params, graph)
        if len(_TRANSLATED) >= TRANSLATED_MAX:
            _TRANSLATED.clear()
        found = _TRANSLATED[key] = (graph, out, frozenset(used))
    return found[1], {name: params[name] for name in found[2]}


def _translate(text: str, params: dict[str, Any], graph: GraphModel) -> tuple[str, dict]:
    tokens = tokenize(text)
    new_params: dict[str, Any] = {}

    # SET n += $map / {k: v}: one assignment per key.
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "op" and tok.text == "+=":
            var_i, value_i = _prev_sig(tokens, i), _next_sig(tokens, i)
            if var_i is None or value_i is None:
                raise QueryError("Cypher: '+=' needs a variable and a map")
            var = tokens[var_i].text
            value = tokens[value_i]
            if value.kind == "param":
                name = value.text[1:]
                mapping = params.get(name)
                if not isinstance(mapping, dict) or not mapping:
                    raise QueryError(f"Cypher: SET {var} += ${name} needs a non-empty map parameter")
                assigns = []
                for key, item in mapping.items():
                    if not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", str(key)):
                        raise QueryError(f"Cypher: property name '{key}' in ${name} is not a plain identifier")
                    new_params[f"{name}__{key}"] = item
                    assigns.append(f"{var}.{key} = ${name}__{key}")
                end = value_i
            elif value.text == "{":
                end = _matching(tokens, value_i)
                entries = _map_entries(tokens[value_i + 1: end])
                if not entries:
                    raise QueryError(f"Cypher: SET {var} += {{...}} needs a non-empty map of name: value")
                assigns = [f"{var}.{key} = {expr}" for key, expr in entries]
            else:
                raise QueryError("Cypher: '+=' needs a map parameter or a map literal")
            tokens[var_i: end + 1] = tokenize(", ".join(assigns))
            i = var_i
        i += 1

    # 1-based indexes, null parameters.
    for i, tok in enumerate(tokens):
        nxt = _next_sig(tokens, i)
        if tok.kind == "op" and tok.text == "[" and i > 0 and (
            tokens[i - 1].kind in ("word", "quoted", "param") or tokens[i - 1].text in (")", "]")
        ):
            if nxt is not None and tokens[nxt].kind == "number" and tokens[nxt].text.isdigit():
                close = _next_sig(tokens, nxt)
                if close is not None and tokens[close].text == "]":
                    tokens[nxt].text = str(int(tokens[nxt].text) + 1)
        elif tok.kind == "param":
            name = tok.text[1:].strip("`")
            if name in params and params[name] is None:
                tok.kind, tok.text = "word", "NULL"
            elif name in params:
                _fold_null_test(tokens, i)

    # MATCH patterns, innermost (last) first so earlier indexes stay valid.
    rewriter = _Rewriter(graph)
    positions = [i for i, t in enumerate(tokens) if t.word("MATCH")]
    for start in reversed(positions):
        result = rewriter.match_clause(tokens, start)
        if result is not None:
            first, end, replacement = result
            tokens[first:end] = tokenize(replacement)

    _label_predicates(tokens, graph)
    _rewrite_calls(tokens)
    _merge_matches(tokens)
    _barrier_optionals(tokens)

    out = _text(tokens)
    used = {t.text[1:].strip("`") for t in tokenize(out) if t.kind == "param"}
    merged = {k: v for k, v in {**params, **new_params}.items() if k in used}
    return out, merged


def _fold_null_test(tokens: list[Tok], i: int) -> None:
    """`$p IS NULL` / `$p IS NOT NULL` of a parameter given a value, written as false / true: Ladybug folds
    `false OR n.id = $p` to the key look-up, while the test on a parameter makes it scan the table and filter."""
    is_ = _next_sig(tokens, i)
    if is_ is None or not tokens[is_].word("IS"):
        return
    word = _next_sig(tokens, is_)
    negated = word is not None and tokens[word].word("NOT")
    if negated:
        word = _next_sig(tokens, word)
    if word is None or not tokens[word].word("NULL"):
        return
    tokens[i] = Tok("word", "true" if negated else "false")
    for j in range(i + 1, word + 1):
        tokens[j] = Tok("ws", "")


__all__ = ["Tok", "at_top", "to_ladybug", "tokenize", "union_all_parts"]
