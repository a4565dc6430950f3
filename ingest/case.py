"""Case files (YAML) and dataset importers both produce `Record`s; `to_triples` turns records into RDF.

The mapping is read from the ontology, not written here: a YAML section is the class annotated with that
`ikg:caseSection`, `type:` picks a subclass, and every other key is an ontology property's local name.
Object-property values are record ids (or, for `ikg:inline` classes, nested records); datatype values are
typed by the property's `rdfs:range`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import RDF, XSD, Literal, URIRef

from ..ontology import ID, Ontology, PropertyInfo, load
from .errors import InputError

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._/-]*$")
LANG_PATTERN = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
META_KEYS = {"case", "title", "description"}
# Imported datasets repeat the same numbers, dates and words hundreds of thousands of times, and rdflib builds
# a new Literal each time: checked literals are memoised per (lexical form, property), bounded in size.
_LITERALS: dict[tuple[str, str], Literal] = {}
_LITERAL_CACHE_SIZE = 200_000


@dataclass
class Origin:
    """Where a record came from, for error messages: file, line, and the line of each field."""

    file: str
    line: int | None = None
    label: str | None = None  # e.g. "statements[3] 'galindo-no-executions'"
    field_lines: dict[str, int] = field(default_factory=dict)

    def error(self, field_name: str | None, message: str) -> InputError:
        line = self.field_lines.get(field_name, self.line) if field_name else self.line
        return InputError(self.file, line, self.label, field_name, message)


@dataclass
class Record:
    cls: str  # ontology class local name
    id: str
    fields: dict[str, Any]
    origin: Origin

    @property
    def iri(self) -> URIRef:
        # Memoised: referenced once per incoming edge, and ID[...] builds a new URIRef every time.
        cached = self.__dict__.get("_iri")
        if cached is None or cached[0] != self.id:
            cached = self.__dict__["_iri"] = (self.id, ID[self.id])
        return cached[1]


# ---------------------------------------------------------------- YAML with line numbers


class _LocatedDict(dict):
    line: int = 0
    key_lines: dict


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _LocatedDict:
    loader.flatten_mapping(node)
    mapping = _LocatedDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.MarkedYAMLError(problem=f"duplicate key '{key}'", problem_mark=key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def case_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories to the YAML files in them, sorted so builds are reproducible."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        elif path.exists():
            files.append(path)
        else:
            raise InputError(str(path), None, None, None, "no such file or directory")
    return files


def read_case(path: Path, onto: Ontology | None = None) -> list[Record]:
    """Parse one case file into records. Structure errors are raised here; references are checked later."""
    onto = onto or load()
    name = str(path)
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except UnicodeDecodeError as exc:
        raise InputError(name, None, None, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise InputError(name, mark.line + 1 if mark else None, None, None, f"YAML error: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(name, None, None, None, f"YAML error: {exc}") from None
    if doc is None:
        return []
    if not isinstance(doc, dict):
        raise InputError(name, 1, None, None, "a case file must be a mapping of sections (sources, agents, ...)")

    sections = onto.sections()
    records: list[Record] = []
    for section, items in doc.items():
        line = doc.key_lines.get(section)
        if section in META_KEYS:
            continue
        base = onto.section_class(section)
        if base is None:
            known = ", ".join(sections + sorted(META_KEYS))
            raise InputError(name, line, None, section, f"unknown section (expected one of: {known})")
        if items is None:
            continue
        if not isinstance(items, list):
            raise InputError(name, line, None, section, "a section must be a list of records")
        for index, item in enumerate(items):
            label = f"{section}[{index}]"
            if not isinstance(item, dict):
                raise InputError(name, line, label, None, "a record must be a mapping of fields")
            origin = Origin(name, getattr(item, "line", line), label, dict(getattr(item, "key_lines", {})))
            records.append(_record(dict(item), base.name, origin, onto))
    return records


def _record(item: dict, base: str, origin: Origin, onto: Ontology, record_id: str | None = None) -> Record:
    if record_id is None:
        record_id = item.pop("id", None)
        if record_id is None:
            raise origin.error(None, "missing field 'id'")
        record_id = str(record_id)
        if not ID_PATTERN.match(record_id):
            raise origin.error("id", f"invalid id '{record_id}' (use lower-case letters, digits, '-', '.', '/')")
        origin.label = f"{origin.label} '{record_id}'"
    else:
        item.pop("id", None)
    cls = str(item.pop("type", base))
    if cls not in onto.classes or not onto.is_a(cls, base):
        allowed = ", ".join(sorted(onto.descendants(base)))
        raise origin.error("type", f"unknown type '{cls}' for this section (expected one of: {allowed})")
    return Record(cls, record_id, item, origin)


def read_cases(paths: Iterable[Path]) -> list[Record]:
    onto = load()
    records: list[Record] = []
    for path in case_files(paths):
        records.extend(read_case(path, onto))
    return records


# ---------------------------------------------------------------- records to triples


def to_triples(records: list[Record]) -> Iterator[tuple]:
    """Yield the RDF triples for `records`, checking fields, references and literal forms as it goes."""
    onto = load()
    known: dict[str, Record] = {}
    for record in records:
        previous = known.get(record.id)
        if previous is not None:
            where = f"{previous.origin.file}:{previous.origin.line}"
            raise record.origin.error("id", f"duplicate id '{record.id}' (first defined at {where})")
        known[record.id] = record
    for record in records:
        yield from _record_triples(record, known, onto)


def _record_triples(record: Record, known: dict[str, Record], onto: Ontology) -> Iterator[tuple]:
    subject = record.iri
    yield subject, RDF.type, onto.classes[record.cls].iri
    for key, raw in record.fields.items():
        prop = onto.properties.get(key)
        if prop is None:
            raise record.origin.error(key, f"unknown field for {record.cls}")
        if prop.domain and not onto.is_a(record.cls, prop.domain):
            raise record.origin.error(key, f"field does not apply to {record.cls} (it belongs to {prop.domain})")
        values = raw if isinstance(raw, list) else [raw]
        for index, value in enumerate(values, start=1):
            if value is None:
                continue
            if prop.is_object:
                if isinstance(value, dict):
                    child = _inline_child(record, key, index, value, prop, onto)
                    yield subject, prop.iri, child.iri
                    yield from _record_triples(child, known, onto)
                    continue
                target = known.get(str(value))
                if target is None:
                    raise record.origin.error(key, f"unknown id '{value}'")
                wanted = prop.range_name
                if wanted and wanted in onto.classes and not onto.is_a(target.cls, wanted):
                    raise record.origin.error(key, f"'{value}' is a {target.cls}, expected a {wanted}")
                yield subject, prop.iri, target.iri
            else:
                for literal in _literals(value, prop, record, key):
                    yield subject, prop.iri, literal


def _inline_child(parent: Record, key: str, index: int, value: dict, prop, onto: Ontology) -> Record:
    range_cls = prop.range_name
    if not range_cls or not onto.classes.get(range_cls, None) or not onto.classes[range_cls].inline:
        raise parent.origin.error(key, "expected an id, not a nested record")
    origin = Origin(
        parent.origin.file,
        getattr(value, "line", parent.origin.line),
        f"{parent.origin.label} {key}[{index - 1}]",
        dict(getattr(value, "key_lines", {})),
    )
    return _record(dict(value), range_cls, origin, onto, record_id=f"{parent.id}/{key}/{index}")


def _literals(value: Any, prop: PropertyInfo, record: Record, key: str) -> list[Literal]:
    if isinstance(value, dict):  # {lang: text}
        if prop.value_kind == "typed":
            raise record.origin.error(key, "expected a single value, not a mapping")
        out = []
        for lang, text in value.items():
            if not isinstance(lang, str) or not LANG_PATTERN.match(lang):
                raise record.origin.error(key, f"invalid language tag '{lang}'")
            if not isinstance(text, str):
                raise record.origin.error(key, f"text for language '{lang}' must be a string")
            out.append(Literal(text, lang=lang))
        return out
    if prop.value_kind == "lang":
        raise record.origin.error(key, "needs a language tag: write it as {es: \"...\"} or {en: \"...\"}")
    if prop.value_kind == "text":
        if not isinstance(value, str):
            raise record.origin.error(key, f"expected text, got {value!r}")
        return [Literal(value)]
    return [_typed(value, prop, record, key)]


def _typed(value: Any, prop: PropertyInfo, record: Record, key: str) -> Literal:
    datatype = prop.range
    kind = datatype.split("#")[-1]
    if isinstance(value, bool) and datatype != XSD.boolean:
        raise record.origin.error(key, f"expected {kind}, got {value!r}")
    if isinstance(value, (dt.date, dt.datetime)):
        if datatype != XSD.date:
            raise record.origin.error(key, f"expected {kind}, got a date")
        value = value.isoformat()[:10]
    lexical = str(value)
    cached = _LITERALS.get((lexical, prop.name))
    if cached is not None:  # this exact lexical form already passed the checks below
        return cached
    literal = _checked(lexical, value, datatype, record, key)
    if len(_LITERALS) < _LITERAL_CACHE_SIZE:
        _LITERALS[(lexical, prop.name)] = literal
    return literal


def _checked(lexical: str, value: Any, datatype: URIRef, record: Record, key: str) -> Literal:
    if datatype == XSD.integer and not re.fullmatch(r"[+-]?\d+", lexical):
        raise record.origin.error(key, f"expected a whole number, got {value!r}")
    if datatype == XSD.decimal and not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", lexical):
        raise record.origin.error(key, f"expected a decimal number, got {value!r}")
    if datatype == XSD.date:
        try:
            dt.date.fromisoformat(lexical)
        except ValueError:
            raise record.origin.error(key, f"expected a date YYYY-MM-DD, got {value!r}") from None
    if datatype == XSD.gYear and not re.fullmatch(r"-?\d{4}", lexical):
        raise record.origin.error(key, f"expected a year YYYY, got {value!r}")
    if datatype == XSD.anyURI and not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", lexical):
        raise record.origin.error(key, f"expected an absolute URL, got {value!r}")
    if datatype == XSD.language and not LANG_PATTERN.match(lexical):
        raise record.origin.error(key, f"expected a language tag such as 'es', got {value!r}")
    if datatype == XSD.string:  # RDF 1.1: plain and xsd:string literals are one; rdflib compares them apart
        return Literal(lexical)
    return Literal(lexical, datatype=datatype)
