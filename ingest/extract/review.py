"""`incidentkg review DRAFT`: the draft's proposals with their spans, and the edits a reviewer makes to them.

Edits are applied in the order accept, set, drop, and the file is replaced in one step (written beside it,
then renamed), so an interrupted review leaves the draft as it was. Dropping a record also takes its id out
of the optional references to it (a statement's claim, a claim's `contradicts`, one of several reportedIn or
source documents, a figure's party); a record that others need (a speaker, a publisher, an incident, a
statement's only document) is not dropped until they are dropped or edited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ...core.errors import InputError, UsageError
from ...core.fsops import atomic_output
from ..case import ACCEPTED, PROPOSAL_KEY, REVIEW_KEY, read_utf8
from .draft import SECTIONS, dump

REQUIRED = ("speaker", "publisher", "incident", "holder", "organization")
OPTIONAL = ("claim", "contradicts", "party", "place", "participant", "author", "reportedIn", "source")


def load(path: Path) -> dict:
    try:
        data = yaml.safe_load(read_utf8(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(str(path), mark.line + 1 if mark else None, None, None, f"YAML error: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(str(path), 1, None, None, "not a draft (a mapping of case sections)")
    return data


def records(draft: dict):
    for section in SECTIONS:
        for record in draft.get(section) or []:
            if isinstance(record, dict):
                yield section, record


def listing(draft: dict, everything: bool = False) -> list[dict]:
    """One row per proposal (pending ones, or all with `everything`): id, section, status, span, words,
    confidence, and a short summary of what it proposes."""
    rows = []
    for section, record in records(draft):
        status = record.get(REVIEW_KEY)
        if status is None or (status == ACCEPTED and not everything):
            continue
        meta = record.get(PROPOSAL_KEY) or {}
        span = meta.get("span")
        rows.append({
            "id": record.get("id"), "section": section, "review": status,
            "span": f"{span[0]}-{span[1]}" if span else "", "text": meta.get("text", ""),
            "confidence": meta.get("confidence"), "summary": _summary(section, record, meta),
        })
    return rows


def _summary(section: str, record: dict, meta: dict) -> str:
    if section == "statements":
        parts = [f"{record.get('speaker')} {record.get('stance')}"]
        via = [v.get("outlet") for v in meta.get("via", [])]
        if via:
            parts.append("via " + ", ".join(str(v) for v in via))
        for quantity in record.get("quantity", []):
            party = f" {quantity['party']}" if quantity.get("party") else ""
            parts.append(f"{quantity.get('category')}{party}={quantity.get('value')}")
        against = meta.get("against")
        if against:
            parts.append("held" if against.get("held") else ("known claim " + against["claim"] if against.get("claim") else "new"))
        return "; ".join(parts)
    if section == "claims" and record.get("contradicts"):
        return f"contradicts {record['contradicts']}"
    if section == "agents":
        return f"new {record.get('type')}"
    if section == "sources":
        return f"{record.get('type')} by {record.get('publisher')}"
    return section[:-1]


def apply(path: Path, accept: list[str], drop: list[str], sets: list[str], accept_all: bool = False) -> dict:
    """Apply the edits to the draft at `path` and write it back atomically; returns the draft."""
    for edit in sets:
        head, sep, _ = edit.partition("=")
        if not sep or ":" not in head or not head.partition(":")[2]:
            raise UsageError(f"--set '{edit}': expected ID:FIELD=VALUE")
    draft = load(path)
    by_id = {record.get("id"): (section, record) for section, record in records(draft)}
    for record_id in [*accept, *drop, *(s.split(":", 1)[0] for s in sets)]:
        if record_id not in by_id:
            raise UsageError(f"{path}: no record '{record_id}' in this draft")
    for section, record in by_id.values():
        if accept_all and record.get(REVIEW_KEY) not in (None, ACCEPTED):
            record[REVIEW_KEY] = ACCEPTED
    for record_id in accept:
        by_id[record_id][1][REVIEW_KEY] = ACCEPTED
    for edit in sets:
        _set(path, by_id, edit)
    dropping = set(drop)
    for record_id in drop:  # a dropped statement takes its own proposed claim along, if nothing else uses it
        section, record = by_id[record_id]
        claim = record.get("claim") if section == "statements" else None
        if claim in by_id and by_id[claim][1].get(REVIEW_KEY) not in (None, ACCEPTED) and not any(
                r.get("claim") == claim or claim in _as_list(r.get("contradicts"))
                for _, r in records(draft) if r.get("id") not in dropping and r.get("id") != claim):
            dropping.add(claim)
    for record_id in [*drop, *sorted(dropping - set(drop))]:
        _drop(path, draft, record_id, dropping)
    with atomic_output(path, "w", encoding="utf-8") as handle:
        handle.write(dump(draft))
    return draft


def _set(path: Path, by_id: dict, edit: str) -> None:
    head, sep, raw = edit.partition("=")
    record_id, colon, key = head.partition(":")
    if not sep or not colon or not key:
        raise UsageError(f"--set '{edit}': expected ID:FIELD=VALUE")
    if key in ("id", REVIEW_KEY, PROPOSAL_KEY):
        raise UsageError(f"--set '{edit}': '{key}' is not edited this way (use --accept or --drop)")
    record = by_id[record_id][1]
    try:
        value: Any = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    old = record.get(key)
    if isinstance(old, dict) and isinstance(value, str) and len(old) == 1:
        value = {next(iter(old)): value}  # the text keeps its language
    if value is None:
        record.pop(key, None)
    else:
        record[key] = value
    if isinstance(record.get(PROPOSAL_KEY), dict):
        record[PROPOSAL_KEY].setdefault("edited", []).append(key)


def _drop(path: Path, draft: dict, record_id: str, dropping: set[str]) -> None:
    needed = []
    for section, record in records(draft):
        if record.get("id") in dropping:
            continue
        for key in REQUIRED:
            if record.get(key) == record_id:
                needed.append(f"{record.get('id')} ({key})")
        for key in ("reportedIn", "source"):
            value = record.get(key)
            if value == record_id or value == [record_id]:
                needed.append(f"{record.get('id')} ({key})")
    if needed:
        raise UsageError(f"{path}: cannot drop '{record_id}': {', '.join(needed)} need it; drop or edit them too")
    for section in SECTIONS:
        items = draft.get(section) or []
        kept = [r for r in items if not (isinstance(r, dict) and r.get("id") == record_id)]
        for record in kept:
            if isinstance(record, dict):
                _unlink(record, record_id)
        if kept:
            draft[section] = kept
        elif section in draft:
            del draft[section]


def _as_list(value) -> list:
    return value if isinstance(value, list) else ([] if value is None else [value])


def _unlink(record: dict, record_id: str) -> None:
    for key in OPTIONAL:
        value = record.get(key)
        if value == record_id:
            del record[key]
        elif isinstance(value, list) and record_id in value:
            rest = [v for v in value if v != record_id]
            record[key] = rest[0] if len(rest) == 1 and key in ("reportedIn", "contradicts") else rest
    for quantity in record.get("quantity") or []:
        if isinstance(quantity, dict) and quantity.get("party") == record_id:
            del quantity["party"]


__all__ = ["apply", "listing", "load"]
