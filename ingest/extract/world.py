"""What is already known, in one form whether it comes from case files or from a build: every record's class
and fields (ids for references, plain strings for values, quotes with their language). The extractor reads
agents, documents and incidents from it; `--against` reads statements, claims and figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ...core.graph import build_records
from ...core.namespaces import ID
from ...ontology import Ontology, load
from ..case import Record, read_cases


@dataclass
class Entry:
    id: str
    cls: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    langs: dict[str, list[str | None]] = field(default_factory=dict)  # the language of each text value

    def first(self, key: str) -> str | None:
        values = self.fields.get(key)
        return values[0] if values else None

    def text(self, key: str, lang: str | None = None) -> str | None:
        """A text field in `lang` if it has one, else its first value."""
        values = self.fields.get(key) or []
        for value, value_lang in zip(values, self.langs.get(key, [])):
            if value_lang == lang:
                return value
        return values[0] if values else None


class World:
    def __init__(self, entries: dict[str, Entry], onto: Ontology | None = None) -> None:
        self.onto = onto or load()
        self.entries = entries

    def get(self, record_id: str) -> Entry | None:
        return self.entries.get(record_id)

    def of(self, cls: str) -> list[Entry]:
        return [e for e in self.entries.values() if self.onto.is_a(e.cls, cls)]

    def is_a(self, record_id: str, cls: str) -> bool:
        entry = self.entries.get(record_id)
        return entry is not None and self.onto.is_a(entry.cls, cls)

    def merged(self, other: "World") -> "World":
        return World({**self.entries, **other.entries}, self.onto)

    @classmethod
    def from_cases(cls, paths: list[Path]) -> "World":
        return cls.from_records(read_cases(paths))

    @classmethod
    def from_records(cls, records: list[Record]) -> "World":
        onto = load()
        entries: dict[str, Entry] = {}
        for record in records:
            _add_record(entries, record.id, record.cls, record.fields, onto)
        return cls(entries, onto)

    @classmethod
    def from_build(cls, folder: Path) -> "World":
        onto = load()
        types, fields = build_records(folder)
        cut = len(str(ID))
        entries: dict[str, Entry] = {}
        for iri, classes in types.items():
            if not iri.startswith(str(ID)):
                continue
            entry = Entry(iri[cut:], onto.most_specific(classes))
            for key, terms in fields.get(iri, {}).items():
                entry.fields[key] = [t.value[cut:] if t.iri and t.value.startswith(str(ID)) else t.value
                                     for t in terms]
                entry.langs[key] = [t.language for t in terms]
            entries[entry.id] = entry
        return cls(entries, onto)


def _add_record(entries: dict[str, Entry], record_id: str, cls: str, raw: dict, onto: Ontology) -> None:
    entry = entries[record_id] = Entry(record_id, cls)
    for key, value in raw.items():
        prop = onto.properties.get(key)
        values = value if isinstance(value, list) else [value]
        if prop is not None and prop.is_object and any(isinstance(v, dict) for v in values):
            child_cls = prop.range_name or key
            ids = []
            for index, child in enumerate(values, start=1):
                child_id = f"{record_id}/{key}/{index}"
                _add_record(entries, child_id, str(child.get("type", child_cls)),
                            {k: v for k, v in child.items() if k not in ("id", "type")}, onto)
                ids.append(child_id)
            entry.fields[key] = ids
            entry.langs[key] = [None] * len(ids)
            continue
        out, langs = [], []
        for item in values:
            if item is None:
                continue
            if isinstance(item, dict):  # {lang: text}
                for lang, text in item.items():
                    out.append(str(text))
                    langs.append(str(lang))
            elif isinstance(item, (dt.date, dt.datetime)):
                out.append(item.isoformat()[:10])
                langs.append(None)
            else:
                out.append(str(item))
                langs.append(None)
        entry.fields[key] = out
        entry.langs[key] = langs


__all__ = ["Entry", "World"]
