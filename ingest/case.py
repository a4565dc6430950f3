"""Case files (YAML) and dataset importers both produce `Record`s; `to_ntriples` turns records into RDF.

The mapping is read from the ontology, not written here: a YAML section is the class annotated with that
`ikg:caseSection`, `type:` picks a subclass, and every other key is an ontology property's local name.
Object-property values are record ids (or, for `ikg:inline` classes, nested records); datatype values are
typed by the property's `rdfs:range`.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

import yaml
from rdflib import XSD, URIRef

from ..core.errors import DataWarning, InputError, PendingReviewError
from ..core.namespaces import ID
from ..core.nt import RDF_TYPE, nt_iri, nt_literal
from ..ontology import Ontology, PropertyInfo, load

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._/-]*$")
LANG_PATTERN = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
# The bounds of the property-graph column types (INT64, DOUBLE): a value beyond them would pass RDF validation
# and then fail, or be rounded, in Ladybug or Neo4j, so it is refused here, where both validators look.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
DOUBLE_MAX = Decimal(sys.float_info.max)
META_KEYS = {"case", "title", "description", "extraction"}  # `extraction`: a draft's provenance (extract)
# A draft's records say whether a person has reviewed them; `proposal` holds the extractor's evidence (spans,
# confidence). Neither is graph data: an accepted record is read without them, a pending one is refused.
REVIEW_KEY, PROPOSAL_KEY, ACCEPTED = "review", "proposal", "accepted"


# Slotted: a large import holds millions of records and origins, and a __dict__ each would be a third of them.
@dataclass(slots=True)
class Origin:
    """Where a record came from, for error messages: file, line, and the line of each field."""

    file: str
    line: int | None = None
    label: str | None = None  # e.g. "statements[3] 'galindo-no-executions'"
    field_lines: dict[str, int] = field(default_factory=dict)

    def error(self, field_name: str | None, message: str) -> InputError:
        line = self.field_lines.get(field_name, self.line) if field_name else self.line
        return InputError(self.file, line, self.label, field_name, message)


@dataclass(slots=True)
class Record:
    cls: str  # ontology class local name
    id: str
    fields: dict[str, Any]
    origin: Origin
    _iri: tuple[str, URIRef] | None = field(default=None, repr=False, compare=False)

    @property
    def iri(self) -> URIRef:
        # Memoised: referenced once per incoming edge, and ID[...] builds a new URIRef every time.
        cached = self._iri
        if cached is None or cached[0] != self.id:
            cached = self._iri = (self.id, ID[self.id])
        return cached[1]


# ---------------------------------------------------------------- YAML with line numbers


class _LocatedDict(dict):
    line: int = 0
    key_lines: dict


# A case file nests a few levels (section, record, quantity, language); far deeper input is refused before
# Python's recursion limit turns it into a RecursionError.
MAX_DEPTH = 64


class _Loader(yaml.SafeLoader):
    _depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(problem=f"nested more than {MAX_DEPTH} levels deep",
                                           problem_mark=self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode):
    # An unquoted impossible date (2015-02-30) stays text, so the field check names its record and field.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _LocatedDict:
    loader.flatten_mapping(node)
    mapping = _LocatedDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):  # e.g. an alias of a list used as a key
            raise yaml.MarkedYAMLError(problem="a key must be a plain name, not a list or mapping",
                                       problem_mark=key_node.start_mark)
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


def read_utf8(path: Path) -> str:
    """A file's text, which must be UTF-8 (a leading byte-order mark is dropped); else an InputError naming the
    line of the first undecodable byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_utf8(path, data.count(b"\n", 0, exc.start) + 1, exc) from None


def not_utf8(path: Path, line: int, error: UnicodeDecodeError, offset: int = 0) -> InputError:
    """The error for a file's first undecodable byte, on `line`, where `error` decoded the bytes from `offset`."""
    return InputError(str(path), line, None, None,
                      f"not UTF-8 text ({error.reason} at byte {offset + error.start}); re-save it as UTF-8")


def read_case(path: Path, onto: Ontology | None = None) -> list[Record]:
    """Parse one case file into records. Structure errors are raised here; references are checked later."""
    onto = onto or load()
    name = str(path)
    text = read_utf8(path)
    try:
        doc = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError(name, mark.line + 1 if mark else None, None, None, f"YAML error: {exc.problem}") from None
    except yaml.reader.ReaderError as exc:  # a control character: PyYAML gives its offset, not its line
        line = text.count("\n", 0, exc.position) + 1
        raise InputError(name, line, None, None, f"YAML error: control character U+{exc.character:04X} is not "
                                                 "allowed in YAML") from None
    except yaml.YAMLError as exc:
        raise InputError(name, None, None, None, f"YAML error: {exc}") from None
    if doc is None:
        return []
    if not isinstance(doc, dict):
        raise InputError(name, 1, None, None, "a case file must be a mapping of sections (sources, agents, ...)")

    sections = onto.sections()
    records: list[Record] = []
    pending: list[InputError] = []
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
            item = _reviewed(item, origin, pending)
            for key, value in item.items():
                if _nested_list(value):  # e.g. an alias of a list used where one value belongs
                    raise origin.error(str(key), "a list inside a list: give a value or one list of values")
            records.append(note_controls(_record(dict(item), base.name, origin, onto)))
    if pending:
        raise PendingReviewError(pending)
    return records


def _reviewed(item: dict, origin: Origin, pending: list[InputError]) -> dict:
    """The record without its review keys; a record not accepted yet is added to `pending`."""
    if REVIEW_KEY not in item and PROPOSAL_KEY not in item:
        return item
    status = item.get(REVIEW_KEY)
    if status != ACCEPTED:
        label = f"{origin.label} '{item.get('id')}'" if item.get("id") is not None else origin.label
        pending.append(InputError(origin.file, origin.field_lines.get(REVIEW_KEY, origin.line), label, REVIEW_KEY,
                                  f"{status} proposal: accept, edit or drop it with "
                                  f"`incidentkg review {origin.file}`"))
    return {key: value for key, value in item.items() if key not in (REVIEW_KEY, PROPOSAL_KEY)}


# Control characters that change how text is shown: C0/C1 controls (but tab and newline) and the bidirectional
# embeddings, overrides, isolates and marks, which can make a name or quote read differently from what it is.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
NOTED_FIELDS = ("name", "quote", "alias", "abbreviation", "title")


def note_controls(record: Record) -> Record:
    """Warn (DataWarning; the CLI prints a note) about control characters in a record's names and quotes: they
    are kept as written, and the visualisation isolates them."""
    for key in NOTED_FIELDS:
        value = record.fields.get(key)
        if value is None:
            continue
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            for part in text.values() if isinstance(text, dict) else [text]:
                found = CONTROLS.findall(part) if isinstance(part, str) else []
                if found:
                    codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in found}))
                    line = record.origin.field_lines.get(key, record.origin.line)
                    where = f"{record.origin.file}:{line}" if line else record.origin.file
                    warnings.warn(DataWarning(f"{where}: record {record.origin.label}: field '{key}': "
                                              f"control characters {codes} kept as written"), stacklevel=2)
                    return record
    return record


def _nested_list(value: Any, in_list: bool = False) -> bool:
    if isinstance(value, list):
        return in_list or any(_nested_list(v, True) for v in value)
    if isinstance(value, dict):
        return any(_nested_list(v) for v in value.values())
    return False


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
    pending: list[InputError] = []
    for path in case_files(paths):
        try:
            records.extend(read_case(path, onto))
        except PendingReviewError as error:  # name every unreviewed record, in every file, before stopping
            pending.extend(error.errors)
    if pending:
        raise PendingReviewError(pending)
    return records


# ---------------------------------------------------------------- records to triples


def duplicate_id(record: Record, previous: Record) -> InputError:
    """The error for a record whose id an earlier record has."""
    where = f"{previous.origin.file}:{previous.origin.line}"
    return record.origin.error("id", f"duplicate id '{record.id}' (first defined at {where})")


class _Converter:
    """Records → distinct triples of N-Triples strings (see nt.py), checking fields, references and literal
    forms on the way. Imported datasets repeat the same words, numbers and dates hundreds of thousands of
    times, so every checked literal is memoised per property and every record IRI is written once."""

    def __init__(self, records: list[Record], onto: Ontology, classes: dict[str, str] | None = None) -> None:
        self.onto = onto
        # record id -> class name: given (the ids of records held elsewhere, checked there), or of `records`
        self.known: dict[str, str] = classes if classes is not None else {}
        if classes is None:
            known = self.known
            for record in records:
                if record.id in known:
                    raise duplicate_id(record, next(r for r in records if r.id == record.id))
                known[record.id] = record.cls
        self.iris: dict[str, str] = {}  # record id -> <IRI>
        self.classes = {name: nt_iri(str(cls.iri)) for name, cls in onto.classes.items()}
        self.fields: dict[tuple[str, str], tuple[PropertyInfo, str]] = {}  # (class, key) -> checked property
        self.fits: dict[tuple[str, str], bool] = {}  # (class, wanted class) -> is_a
        self.texts: dict[str, str] = {}  # text -> literal
        self.typed: dict[str, dict] = {}  # property -> value -> literal
        self.out: dict[tuple[str, str, str], None] = {}  # a graph is a set; keep first-seen order

    def iri(self, record_id: str) -> str:
        iri = self.iris.get(record_id)
        if iri is None:
            iri = self.iris[record_id] = f"<{ID}{record_id}>"
        return iri

    def field(self, record: Record, key: str) -> tuple[PropertyInfo, str]:
        """The property a record's key names, checked against the record's class (memoised per class)."""
        found = self.fields.get((record.cls, key))
        if found is None:
            prop = self.onto.properties.get(key)
            if prop is None or prop.materialised:  # materialised values are the build's to compute
                raise record.origin.error(key, f"unknown field for {record.cls}")
            if prop.domain and not self.onto.is_a(record.cls, prop.domain):
                raise record.origin.error(key, f"field does not apply to {record.cls} (it belongs to {prop.domain})")
            found = self.fields[(record.cls, key)] = (prop, nt_iri(str(prop.iri)))
        return found

    def record(self, record: Record) -> None:
        out = self.out
        subject = self.iri(record.id)
        out[(subject, RDF_TYPE, self.classes[record.cls])] = None
        for key, raw in record.fields.items():
            prop, predicate = self.field(record, key)
            values = raw if type(raw) is list else (raw,)
            if prop.is_object:
                for index, value in enumerate(values, start=1):
                    if value is not None:
                        out[(subject, predicate, self.reference(record, key, index, value, prop))] = None
            elif prop.value_kind == "text":
                texts = self.texts
                for value in values:
                    literal = texts.get(value) if type(value) is str else None
                    if literal is None:
                        if value is None:
                            continue
                        if isinstance(value, dict):  # {lang: text}
                            for tagged in self.literal(value, prop, record, key):
                                out[(subject, predicate, tagged)] = None
                            continue
                        if not isinstance(value, str):
                            raise record.origin.error(key, f"expected text, got {value!r}")
                        literal = texts[value] = nt_literal(value)
                    out[(subject, predicate, literal)] = None
            else:
                for value in values:
                    if value is not None:
                        for literal in self.literal(value, prop, record, key):
                            out[(subject, predicate, literal)] = None

    def reference(self, record: Record, key: str, index: int, value: Any, prop: PropertyInfo) -> str:
        """The IRI an object-property value names: a known record id, or an inline child record."""
        if isinstance(value, dict):
            child = _inline_child(record, key, index, value, prop, self.onto)
            self.record(child)
            return self.iri(child.id)
        target = value if type(value) is str else str(value)
        cls = self.known.get(target)
        if cls is None:
            raise record.origin.error(key, f"unknown id '{value}'")
        wanted = prop.range_name
        fits = self.fits.get((cls, wanted))
        if fits is None:
            fits = self.fits[(cls, wanted)] = not (
                wanted and wanted in self.onto.classes and not self.onto.is_a(cls, wanted))
        if not fits:
            raise record.origin.error(key, f"'{value}' is a {cls}, expected a {wanted}")
        return self.iris.get(target) or self.iri(target)

    def literal(self, value: Any, prop: PropertyInfo, record: Record, key: str) -> list[str]:
        if isinstance(value, dict):  # {lang: text}
            if prop.value_kind == "typed":
                raise record.origin.error(key, "expected a single value, not a mapping")
            out = []
            for lang, text in value.items():
                if not isinstance(lang, str) or not LANG_PATTERN.match(lang):
                    raise record.origin.error(key, f"invalid language tag '{lang}'")
                if not isinstance(text, str):
                    raise record.origin.error(key, f"text for language '{lang}' must be a string")
                out.append(nt_literal(text, lang=lang))
            return out
        if prop.value_kind == "lang":
            raise record.origin.error(key, "needs a language tag: write it as {es: \"...\"} or {en: \"...\"}")
        if type(value) is bool:  # True == 1 as a dict key: never let a cached number answer for a boolean
            return [nt_literal(_lexical(value, prop, record, key), str(prop.range))]
        cache = self.typed.get(prop.name)
        if cache is None:
            cache = self.typed[prop.name] = {}
        literal = cache.get(value)
        if literal is None:
            literal = cache[value] = nt_literal(_lexical(value, prop, record, key), str(prop.range))
        return [literal]


class Converter(_Converter):
    """Records → triples a chunk at a time, for a build that streams: every record is known (ids, classes) from
    the start, so references are checked whichever chunk their target is in, and only one chunk's triples are
    held. A record's triples, its inline children's included, all come out in the chunk of that record."""

    def __init__(self, records: list[Record], onto: Ontology | None = None,
                 classes: dict[str, str] | None = None) -> None:
        super().__init__(records, onto or load(), classes)

    def convert(self, records: Iterable[Record]) -> list[tuple[str, str, str]]:
        """The distinct triples of `records` (a slice of those given at construction), in first-seen order."""
        self.out = {}
        # Memos of the ids and texts met lately: all of them would be a string per record or quote.
        if len(self.iris) > 200_000:
            self.iris = {}
        if len(self.texts) > 200_000:
            self.texts = {}
        for record in records:
            self.record(record)
        out, self.out = list(self.out), {}
        return out

    def asserted_types(self, node: str) -> tuple[str, ...]:
        """The asserted class (N-Triples) of a record's IRI (N-Triples), whichever chunk it is in; () for
        anything else. What the validator of one chunk needs to check `sh:class` on references out of it."""
        if node.startswith(self.id_prefix) and node.endswith(">"):
            cls = self.known.get(node[len(self.id_prefix):-1])
            if cls is not None:
                return (self.classes[cls],)
        return ()

    id_prefix = f"<{ID}"


def to_ntriples(records: list[Record], flush: Callable[[list[tuple[str, str, str]]], None] | None = None,
                every: int = 100_000) -> list[tuple[str, str, str]]:
    """The records' distinct RDF triples as N-Triples term strings, in first-seen order; the first bad field,
    reference or literal raises an InputError naming its file, line and field. With `flush`, the new triples
    are also handed over about `every` at a time as they are made (so a store can load them meanwhile)."""
    converter = _Converter(records, load())
    out, sent = converter.out, 0
    for record in records:
        converter.record(record)
        if flush is not None and len(out) - sent >= every:
            flush(list(islice(out, sent, None)))
            sent = len(out)
    triples = list(out)
    if flush is not None:
        flush(triples[sent:])
    return triples


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


def _lexical(value: Any, prop: PropertyInfo, record: Record, key: str) -> str:
    """The checked, canonical lexical form of a typed value (integers and decimals without signs, leading
    zeros or exponents, so equal numbers are one literal)."""
    datatype = prop.range
    kind = datatype.split("#")[-1]
    if isinstance(value, bool) and datatype != XSD.boolean:
        raise record.origin.error(key, f"expected {kind}, got {value!r}")
    if isinstance(value, (dt.date, dt.datetime)):
        if datatype != XSD.date:
            raise record.origin.error(key, f"expected {kind}, got a date")
        value = value.isoformat()[:10]
    if isinstance(value, bool):
        return "true" if value else "false"
    lexical = str(value)
    if datatype == XSD.integer:
        if not re.fullmatch(r"[+-]?\d+", lexical):
            raise record.origin.error(key, f"expected a whole number, got {value!r}")
        number = int(lexical)
        if not INT64_MIN <= number <= INT64_MAX:  # Ladybug and Neo4j store integers as INT64
            raise record.origin.error(key, f"whole number out of range (stored as a signed 64-bit integer, "
                                           f"{INT64_MIN} to {INT64_MAX}), got {value!r}")
        return str(number)
    if datatype == XSD.decimal:
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", lexical):
            raise record.origin.error(key, f"expected a decimal number, got {value!r}")
        number = Decimal(lexical)
        if abs(number) > DOUBLE_MAX:  # Ladybug and Neo4j store decimals as DOUBLE
            raise record.origin.error(key, f"decimal number out of range (stored as a 64-bit float, at most "
                                           f"{DOUBLE_MAX:.6e} either side of zero), got {value!r}")
        return format(number, "f")
    if datatype == XSD.date:
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", lexical):
                raise ValueError(lexical)
            dt.date.fromisoformat(lexical)
        except ValueError:
            raise record.origin.error(key, f"expected a date YYYY-MM-DD, got {value!r}") from None
    if datatype == XSD.gYear and not re.fullmatch(r"-?\d{4}", lexical):
        raise record.origin.error(key, f"expected a year YYYY, got {value!r}")
    if datatype == XSD.anyURI and not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", lexical):
        raise record.origin.error(key, f"expected an absolute URL, got {value!r}")
    if datatype == XSD.language and not LANG_PATTERN.match(lexical):
        raise record.origin.error(key, f"expected a language tag such as 'es', got {value!r}")
    return lexical


# ---------------------------------------------------------------- examples for the documentation


def yaml_examples(records: list[Record], onto: Ontology | None = None) -> dict[str, str]:
    """A YAML example per ontology class, taken from `records` (the bundled case, for `ontology docs`): the first
    record of the class itself, else of its nearest subclass with one; an inline class (a quantity, a
    participation) is shown inside the first record that writes one, trimmed to its id and that field."""
    onto = onto or load()
    first: dict[str, Record] = {}
    inline_in: dict[str, tuple[Record, str]] = {}
    for record in records:
        first.setdefault(record.cls, record)
        for key, value in record.fields.items():
            prop = onto.properties.get(key)
            values = value if isinstance(value, list) else [value]
            if prop is not None and prop.is_object and any(isinstance(v, dict) for v in values):
                inline_in.setdefault(prop.range_name, (record, key))

    def record_for(name: str) -> Record | None:  # of the class itself, else of its nearest subclass
        return first.get(name) or next((first[d] for d in sorted(onto.descendants(name), key=lambda d: (
            len(onto.ancestors(d)), d)) if d in first), None)

    out: dict[str, str] = {}
    for name, cls in onto.classes.items():
        if cls.inline and name in inline_in:
            parent, key = inline_in[name]
            section = onto.classes[onto.top_class(parent.cls)].section
            out[name] = _dump(section, {"id": parent.id, key: parent.fields[key]})
            continue
        found = record_for(name)
        note, cls = "", None
        if found is None:  # no record of the class or below: a superclass's record, retyped, says so
            found = next((record_for(a) for a in onto.ancestors(name)[1:] if record_for(a)), None)
            if found is None:
                continue
            note, cls = f"# No {name} in this case: {found.cls} record '{found.id}' retyped as one.\n", name
        cls = cls or found.cls
        base = onto.top_class(cls)
        section = onto.classes[base].section
        item = {"id": found.id, **({"type": cls} if cls != base else {}), **found.fields}
        out[name] = note + _dump(section, item)
    return out


def _dump(section: str, item: dict) -> str:
    return yaml.safe_dump({section: [_plain(item)]}, allow_unicode=True, sort_keys=False, width=100)


def _plain(value: Any) -> Any:
    """The reader's located mappings as plain dicts (which safe_dump can write)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
