"""What changed between two builds (`incidentkg diff OLD NEW`): records added and removed, records whose fields
changed (each field before and after), and, statement by statement, the figures that changed (before → after),
so that a re-import shows what it did. Read from the builds' sorted N-Triples, entailed triples included, so a
record's class change shows too."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.graph import Term, build_records
from ..core.namespaces import term_id
from ..ontology import load


@dataclass
class Changed:
    id: str
    cls: str
    fields: dict[str, tuple[list[str], list[str]]]  # field -> (values before, values after)


@dataclass
class Figure:
    statement: str
    incident: str
    category: str
    party: str
    before: str | None  # "42", "40–45", None when the statement had no such figure
    after: str | None


@dataclass
class Diff:
    added: list[tuple[str, str]] = field(default_factory=list)  # (id, class)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.figures)

    def as_json(self) -> dict:
        return {
            "added": [{"id": i, "class": c} for i, c in self.added],
            "removed": [{"id": i, "class": c} for i, c in self.removed],
            "changed": [{"id": c.id, "class": c.cls,
                         "fields": {k: {"before": b, "after": a} for k, (b, a) in c.fields.items()}}
                        for c in self.changed],
            "figures": [vars(f) for f in self.figures],
        }

    def rows(self) -> list[dict]:
        """One row per change, for a table or CSV: change, id, class, what, before, after."""
        out = [{"change": "added", "id": i, "class": c, "what": "", "before": "", "after": ""} for i, c in self.added]
        out += [{"change": "removed", "id": i, "class": c, "what": "", "before": "", "after": ""}
                for i, c in self.removed]
        for c in self.changed:
            out += [{"change": "changed", "id": c.id, "class": c.cls, "what": k, "before": "; ".join(b),
                     "after": "; ".join(a)} for k, (b, a) in c.fields.items()]
        for f in self.figures:
            what = f"{f.incident} {f.category}" + (f" ({f.party})" if f.party else "")
            out.append({"change": "figure", "id": f.statement, "class": "Statement", "what": what,
                        "before": f.before or "", "after": f.after or ""})
        return out


ROW_COLUMNS = ["change", "id", "class", "what", "before", "after"]


def _text(term: Term) -> str:
    return term_id(term.value) if term.iri else (f"{term.value}@{term.language}" if term.language else term.value)


def _records(folder: Path) -> tuple[dict[str, str], dict[str, dict[str, list[str]]], dict[str, dict[str, list[Term]]]]:
    onto = load()
    types, values = build_records(folder)
    classes = {term_id(s): onto.most_specific(c) for s, c in types.items()}
    shown = {term_id(s): {p: sorted(_text(t) for t in terms) for p, terms in props.items()}
             for s, props in values.items()}
    raw = {term_id(s): props for s, props in values.items()}
    return classes, shown, raw


def _figures(classes: dict[str, str], raw: dict[str, dict[str, list[Term]]]) -> dict[tuple, str]:
    """(statement, incident, category, party) -> the figure a statement gives ("42", "40–45", "≤ 4")."""
    out = {}
    for record, cls in classes.items():
        if not cls or load().top_class(cls) != "Statement":
            continue
        props = raw.get(record, {})
        incidents = [term_id(t.value) for t in props.get("incident", [])] or [""]
        for q in props.get("quantity", []):
            qp = raw.get(term_id(q.value), {})
            one = {k: (qp[k][0].value if qp.get(k) else None) for k in ("category", "value", "low", "high")}
            parties = [term_id(t.value) for t in qp.get("party", [])] or [""]
            figure = one["value"] or ""
            if one["low"] is not None or one["high"] is not None:
                bounds = f"{one['low'] or ''}–{one['high'] or ''}"
                figure = f"{figure} ({bounds})" if figure else bounds
            for incident in incidents:
                for party in parties:
                    out[(record, incident, one["category"] or "", party)] = figure
    return out


def diff(old: Path, new: Path) -> Diff:
    old_classes, old_fields, old_raw = _records(old)
    new_classes, new_fields, new_raw = _records(new)
    result = Diff()
    derived = {name for name, prop in load().properties.items() if prop.materialised}
    result.added = sorted((i, new_classes[i]) for i in new_classes.keys() - old_classes.keys())
    result.removed = sorted((i, old_classes[i]) for i in old_classes.keys() - new_classes.keys())
    for record in sorted(old_classes.keys() & new_classes.keys()):
        before, after = old_fields.get(record, {}), new_fields.get(record, {})
        if old_classes[record] != new_classes[record]:
            fields = {"class": ([old_classes[record]], [new_classes[record]])}
        else:
            fields = {}
        for prop in sorted(before.keys() | after.keys()):
            if prop in derived:  # follows from the fields shown (and from other records' names)
                continue
            if before.get(prop, []) != after.get(prop, []):
                fields[prop] = (before.get(prop, []), after.get(prop, []))
        if fields:
            result.changed.append(Changed(record, new_classes[record], fields))
    old_figures, new_figures = _figures(old_classes, old_raw), _figures(new_classes, new_raw)
    for key in sorted(old_figures.keys() | new_figures.keys()):
        statement = key[0]
        if statement not in old_classes or statement not in new_classes:
            continue  # an added or removed statement is listed as such
        if old_figures.get(key) != new_figures.get(key):
            result.figures.append(Figure(*key, old_figures.get(key), new_figures.get(key)))
    return result


__all__ = ["Changed", "Diff", "Figure", "ROW_COLUMNS", "diff"]
