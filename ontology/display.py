"""How a record is shown, decided once (like FollowTheMoney's `Schema.caption`) for every projection: the
property graph, the GraphML/GEXF and FtM exports and the visualisation.

- `preferred(values)`: of a text's values in several languages, the English one, else the untagged one, else any;
  the lexically smallest within that rank, so the choice is stable;
- `LABEL_FIELDS`: the fields that name a record, first present wins (`preferred_name`, `name`);
- `caption(...)`: the one-line caption of a record, composed for the classes that have no name of their own
  (statements, quantities, posts, identity links).

Values come as (text, language) pairs, the language '' or None when untagged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

LABEL_FIELDS = ("name", "title", "text", "role")
# What `caption` and `namers` read besides LABEL_FIELDS: the build collects exactly these to materialise them.
CAPTION_FIELDS = LABEL_FIELDS + ("abbreviation", "date", "value", "low", "high", "category")
CAPTION_LINKS = ("speaker", "party", "holder", "links")
_RANK = {"en": 0, "": 1}

Texts = Sequence[tuple[str, str | None]]


def language_rank(language: str | None) -> int:
    return _RANK.get(language or "", 2)


def preferred_value(values: Iterable[tuple[str, str | None]]) -> tuple[str, str | None] | None:
    """The preferred (text, language) pair: English, else untagged, else any language; the smallest text within
    that rank (then the smallest tag). None without values."""
    values = values if isinstance(values, (list, tuple)) else list(values)
    if len(values) == 1:  # the usual case, worth skipping min() for on large graphs
        return values[0]
    if not values:
        return None
    return min(values, key=lambda v: (language_rank(v[1]), v[0], v[1] or ""))


def preferred(values: Iterable[tuple[str, str | None]]) -> str | None:
    """The text of `preferred_value`."""
    found = preferred_value(values)
    return found[0] if found else None


def in_language(values: Iterable[tuple[str, str | None]], language: str) -> str | None:
    """The smallest value in one language (the property graph's P_en, P_es columns)."""
    found = [text for text, lang in values if (lang or "").lower() == language]
    return min(found) if found else None


def preferred_name(literals: Mapping[str, Texts]) -> str | None:
    """What a record is shown by in query results (the build materialises it as ikg:preferredName): the
    preferred value of its first label field that has values, an empty text included, so that a record named
    "" is still listed under that name."""
    for field in LABEL_FIELDS:
        values = literals.get(field)
        if values:
            return preferred(values)
    return None


def name(literals: Mapping[str, Texts]) -> str | None:
    """A record's name: the preferred value of its first label field that has one."""
    for field in LABEL_FIELDS:
        text = preferred(literals.get(field) or ())
        if text:
            return text
    return None


def quantity_caption(literals: Mapping[str, Texts], parties: Sequence[str]) -> str:
    """'43 killed (CJNG)', '2–4 wounded', 'at least 3 arrested': a figure with its bounds, category and party."""
    value, low, high = (preferred(literals.get(k) or ()) for k in ("value", "low", "high"))
    if value is None:
        value = f"{low}–{high}" if low is not None else f"up to {high}"
    elif low is not None and high is not None:
        value = f"{value} ({low}–{high})"
    elif low is not None:
        value = f"at least {value}" if low == value else f"{value} (at least {low})"
    elif high is not None:
        value = f"up to {value}" if high == value else f"{value} (at most {high})"
    category = (preferred(literals.get("category") or ()) or "").replace("_", " ")
    party = ", ".join(parties)
    return f"{value} {category}" + (f" ({party})" if party else "")


def namers(fields: Mapping[str, Mapping[str, Texts]]) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """`caption`'s `name_of` and `short_name_of` over records' fields (record id -> field -> texts): a record's
    name, else its id; its abbreviation, else its name."""
    def name_of(node: str) -> str:
        return name(fields.get(node, {})) or node

    def short_name_of(node: str) -> str:
        return name({"name": fields.get(node, {}).get("abbreviation", [])}) or name_of(node)

    return name_of, short_name_of


def caption(top: str, record_id: str, literals: Mapping[str, Texts], links: Mapping[str, Sequence[str]],
            name_of: Callable[[str], str], short_name_of: Callable[[str], str] | None = None) -> str:
    """The caption of a record of top class `top`: a statement is 'speaker, date', a quantity its figure, a post
    'role (holder)', an identity link 'same as: a = b', anything else its name (or its id). `name_of` names
    linked records; `short_name_of` (abbreviation first) names a quantity's parties."""
    if top == "Statement":
        speaker = ", ".join(name_of(s) for s in links.get("speaker", [])) or "unknown speaker"
        date = preferred(literals.get("date") or ())
        return f"{speaker}, {date}" if date else speaker
    if top == "Quantity":
        return quantity_caption(literals, [(short_name_of or name_of)(p) for p in links.get("party", [])])
    if top == "Post":
        role = preferred(literals.get("role") or ()) or record_id
        holders = ", ".join(name_of(h) for h in links.get("holder", []))
        return f"{role} ({holders})" if holders else role
    if top == "IdentityLink":
        return "same as: " + " = ".join(name_of(i) for i in links.get("links", []))
    return name(literals) or record_id


__all__ = ["CAPTION_FIELDS", "CAPTION_LINKS", "LABEL_FIELDS", "caption", "in_language", "language_rank", "name", "namers", "preferred",
           "preferred_name", "preferred_value", "quantity_caption"]
