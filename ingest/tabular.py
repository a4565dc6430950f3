"""Shared machinery for the dataset importers (UCDP, CIDE-PPD, ACLED, FollowTheMoney).

Every importer reads its file through `read_csv` (or `read_jsonl`) so that encoding problems, unknown or
missing columns, truncated files and values of the wrong type all end as one `InputError` naming file, line
and column. Importers then emit `Record`s through a `Records` collector, which dedupes shared records (agents,
places, documents) by id so that the same outlet cited by a thousand events is one record.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..core.text import fold
from . import spool
from .case import Origin, Record, not_utf8, note_controls, read_utf8

# Every importer module has `read(path, *, published=None, progress=None, warn=None) -> list[Record]`:
# `published` dates the dataset when the file does not, `progress(rows)` reports rows read, and `warn(line)`
# receives one line per oddity kept as a note rather than rejected.
Progress = Callable[[int], None] | None
Warn = Callable[[str], None] | None


# ---------------------------------------------------------------- text helpers


@lru_cache(maxsize=1 << 16)
def slug(text: str, limit: int = 60) -> str:
    """A record-id fragment from a name: ascii, lower case, '-' between words."""
    out = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:limit].strip("-")
    return out or "x"


def digest(*parts: str, size: int = 10) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:size]


# English function words and death words seen in GED headlines; Spanish ones to tell the two apart.
_EN_WORDS = frozenset(
    "the of in and to a on at for by with from after as is are was were killed dead die dies died kills "
    "police gunmen troops soldiers army attack clash shootout gunfight mexico mexican state city".split()
)
_ES_WORDS = frozenset(
    "el la los las de del en y a por con un una para tras muertos mueren matan ejecutan asesinan abatidos "
    "policias soldados ataque enfrentamiento balacera estado ciudad".split()
)


def language_of(text: str) -> str:
    """'en' when the text reads as English (more English than Spanish function words), else 'und'.
    Quotes must carry a language tag; 'und' (undetermined) is the honest tag when we cannot tell."""
    words = re.findall(r"[a-záéíóúñü]+", text.lower())
    en = sum(w in _EN_WORDS for w in words)
    es = sum(w in _ES_WORDS for w in words)
    return "en" if en > es and en > 0 else "und"


# A headline states a death toll when a number sits next to a death word: "39 dead", "43 killed",
# "kills 39", "43 Sicarios killed", "matan a 8", "8 muertos".
_DEATH_AFTER = r"(?:dead|killed|die[sd]?|slain|deaths|muertos|muertas|mueren|asesinados|ejecutados|abatidos)"
_DEATH_BEFORE = r"(?:kills|killed|killing|leaves|left|deja|dejan|matan a|asesinan a|ejecutan a|abaten a|mueren)"
_TOLL = re.compile(
    rf"\b(\d{{1,4}})\s+(?:[A-Za-zÁÉÍÓÚáéíóúñÑ]+\s+)?{_DEATH_AFTER}\b|\b{_DEATH_BEFORE}\s+(\d{{1,4}})\b",
    re.IGNORECASE,
)
# Numbers that are not counts: "3-hour", years, clock times.
_NOT_A_COUNT = re.compile(r"\b\d+(?:-\w+|:\d+)|\b(?:19|20)\d{2}\b")


def headline_toll(headline: str) -> int | None:
    """The death toll a headline states, or None when it states none or is ambiguous: every count in the
    headline must be the same number next to a death word ('43 Sicarios killed 3 FP' is ambiguous)."""
    tolls = {int(a or b) for a, b in _TOLL.findall(headline)}
    if len(tolls) != 1:
        return None
    counts = {int(n) for n in re.findall(r"\b\d+\b", _NOT_A_COUNT.sub(" ", headline))}
    return tolls.pop() if counts == tolls else None


_CARTEL = re.compile(r"\bcart[e]l(es)?\b")


def names_a_cartel(name: str) -> bool:
    """Whether an actor's own name calls it a cartel: the only classification a name alone supports."""
    return bool(_CARTEL.search(fold(name)))


# ---------------------------------------------------------------- typed cells

Parser = Callable[[str], Any]


def integer(text: str) -> int:
    """Whole numbers, also written as floats ('3.0') as pandas exports them."""
    value = float(text)
    if not value.is_integer():
        raise ValueError
    return int(value)


def decimal(text: str) -> str:
    """A decimal kept as its lexical form (it becomes an xsd:decimal literal)."""
    float(text)
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise ValueError
    return text


def date(text: str) -> str:
    """ISO dates, also with a time part ('2015-05-22 00:00:00') or as '22 May 2015' (older ACLED exports)."""
    head = text[:10]
    try:
        return dt.date.fromisoformat(head).isoformat()
    except ValueError:
        return dt.datetime.strptime(text, "%d %B %Y").date().isoformat()


def boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("true", "false", "1", "0"):
        raise ValueError
    return lowered in ("true", "1")


def text(value: str) -> str:
    return value


KIND_NAMES = {integer: "a whole number", decimal: "a decimal number", date: "a date", boolean: "true or false",
              text: "text"}


@dataclass(frozen=True)
class Column:
    parse: Parser = text
    required: bool = False  # must be non-empty


@dataclass
class Row:
    """One CSV row: typed values by column, plus where it came from."""

    file: str
    line: int
    number: int  # 1-based data row number
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value

    def origin(self, label: str) -> Origin:
        return Origin(self.file, self.line, label)

    def error(self, column: str | None, message: str, label: str | None = None) -> InputError:
        return InputError(self.file, self.line, label or f"row {self.number}", column, message)


def _check_file(path: Path) -> None:
    """A dataset file given on the command line must be a file."""
    if path.is_dir():
        raise InputError(str(path), None, None, None, "is a folder, expected a file")
    if not path.exists() and not path.is_symlink():
        raise InputError(str(path), None, None, None, "no such file")


def _decode(path: Path) -> str:
    """The text of a dataset file given on the command line, which must be a file."""
    _check_file(path)
    return read_utf8(path)  # a symlink loop or unreadable file raises OSError naming it, for the CLI


def _lines(path: Path) -> Iterator[str]:
    """The lines of a dataset file given on the command line, read one at a time: the pieces, ends kept, that
    `read_utf8(path).splitlines(keepends=True)` would give, and the same InputError at an undecodable byte (its
    line, and its offset after a leading byte-order mark)."""
    _check_file(path)
    offset = 0  # of the line in the text after the byte-order mark
    with path.open("rb") as handle:  # a symlink loop or unreadable file raises OSError naming it, for the CLI
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise not_utf8(path, number, exc, offset) from None
            offset += len(raw)
            yield from text.splitlines(keepends=True)


def read_csv(
    path: Path,
    columns: dict[str, Column],
    *,
    optional: frozenset[str] = frozenset(),
    progress: Callable[[int], None] | None = None,
    select: frozenset[str] | None = None,
) -> Iterator[Row]:
    """Rows of a CSV file whose header must name exactly `columns` (any order; those in `optional` may be
    missing). Cells are parsed by their column's parser; an empty cell is None. With `select`, only those
    columns are parsed and given (a quick first pass over a large file)."""
    name = str(path)
    reader = csv.reader(_lines(path), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(name, 1, None, None, "empty file: expected a header row") from None
    except csv.Error as exc:
        raise InputError(name, 1, None, None, f"malformed header: {exc}") from None
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in columns]
    if unknown:
        raise InputError(name, 1, "header", unknown[0], "unknown column (is this the right format?)")
    missing = [c for c in columns if c not in header and c not in optional]
    if missing:
        raise InputError(name, 1, "header", missing[0], "missing column")
    seen = set()
    for h in header:
        if h in seen:
            raise InputError(name, 1, "header", h, "column appears twice")
        seen.add(h)
    parsers = [(h, columns[h]) for h in header]
    picked = None if select is None else [i for i, h in enumerate(header) if h in select]
    width = len(header)
    start = reader.line_num + 1
    number = rows = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError(name, start, f"row {number + 1}", None, f"malformed CSV ({exc}); is the file truncated?") from None
        number += 1
        line = start
        start = reader.line_num + 1
        if not cells:
            continue
        if len(cells) != width:
            what = "truncated row" if len(cells) < width else "too many fields"
            raise InputError(name, line, f"row {number}", None, f"{what}: expected {width} fields, got {len(cells)}")
        values: dict[str, Any] = {}
        pairs = zip(parsers, cells) if picked is None else ((parsers[i], cells[i]) for i in picked)
        for (column, spec), cell in pairs:
            cell = cell.strip()
            if not cell:
                if spec.required:
                    raise InputError(name, line, f"row {number}", column, "value missing")
                values[column] = None
                continue
            try:
                values[column] = spec.parse(cell)
            except (ValueError, OverflowError):
                kind = KIND_NAMES.get(spec.parse, spec.parse.__name__)
                raise InputError(name, line, f"row {number}", column, f"expected {kind}, got {cell!r}") from None
        if progress and number % 1000 == 0:
            progress(number)
        rows += 1
        yield Row(name, line, number, values)
    if rows == 0:  # a file without events is a mistake, not an empty graph
        raise InputError(name, 2, None, None, "no data rows after the header")


def read_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line of a JSON-lines file."""
    name = str(path)
    found = 0
    for number, line in enumerate(_decode(path).splitlines(), start=1):
        if not line.strip():
            continue
        found += 1
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(name, number, None, None, f"not valid JSON at column {exc.colno}: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise InputError(name, number, None, None, "each line must be a JSON object")
        yield number, obj
    if not found:
        raise InputError(name, None, None, None, "no entities: the file is empty")


# ---------------------------------------------------------------- collecting records


class Records:
    """Ordered records with first-wins dedupe for shared ones (`once`, or `add(..., shared=True)`), strict for the
    rest (`add`). Within a spool (`spool.Spool.active`) every record goes to the spool as it is made, and `done()`
    (an importer calls it after each event) lets go of the records that are not shared: `get` then no longer
    finds them, and `list()` is empty, the records being in the spool. Without one, it holds them all."""

    def __init__(self) -> None:
        self._by_id: dict[str, Record] = {}
        self._spool = spool.current()
        self._segment = self._spool.segment() if self._spool is not None else 0
        self._unshared: list[str] = []  # ids of the records since `done()` that are not shared

    def add(self, cls: str, record_id: str, fields: dict, origin: Origin, shared: bool = False) -> Record:
        fields = {k: v for k, v in fields.items() if v is not None and v != [] and v != {}}
        record = note_controls(Record(cls, record_id, fields, origin))
        previous = self._by_id.get(record_id)
        if previous is None and self._spool is not None and self._spool.owns(self._segment, record_id):
            previous = self._spool.find(record_id)
        if previous is not None:
            where = f"{previous.origin.file}:{previous.origin.line}"
            raise origin.error(None, f"duplicate record id '{record_id}' (first at {where})")
        self._by_id[record_id] = record
        if self._spool is not None:
            self._spool.add(record, shared, self._segment)
            if not shared:
                self._unshared.append(record_id)
        return record

    def once(self, cls: str, record_id: str, fields: dict, origin: Origin) -> Record:
        """The record with this id, created on first use (a shared record)."""
        record = self._by_id.get(record_id)
        return record if record is not None else self.add(cls, record_id, fields, origin, shared=True)

    def done(self) -> None:
        """The records added so far are complete (within a spool: let go of those not shared)."""
        if self._spool is not None:
            by_id = self._by_id
            for record_id in self._unshared:
                del by_id[record_id]
            self._unshared = []
            self._spool.done()

    def get(self, record_id: str) -> Record | None:
        return self._by_id.get(record_id)

    def __contains__(self, record_id: str) -> bool:
        return record_id in self._by_id or (self._spool is not None and self._spool.owns(self._segment, record_id))

    def __len__(self) -> int:
        return len(self._by_id)

    def list(self) -> list[Record]:
        if self._spool is not None:
            self.done()
            return []
        return list(self._by_id.values())


def add_alias(record: Record, name: str) -> None:
    """Keep a spelling variant of an already-created record's name as an alias."""
    names = record.fields.get("name")
    known = list(names.values()) if isinstance(names, dict) else [names]
    aliases = record.fields.get("alias", [])
    if name not in known and name not in aliases:
        record.fields["alias"] = [*aliases, name]


# Location precision as in UCDP GED (1 exact, 2 within ~25 km, 5 along a road or river: a specific site; 3
# and 4 are points standing for a municipality or a state; 6 and 7 the country or international waters).
SITE_PRECISIONS = {1, 2, 5}


def place_chain(
    out: Records,
    prefix: str,
    origin: Origin,
    source: str,
    *,
    country: str | None,
    admin: list[tuple[str, str | None]],
    point: str | None,
    latitude: str | None,
    longitude: str | None,
    precision: int | None,
) -> str:
    """Place records for an event located by names (country, then admin units such as State and
    Municipality, each part of the previous one) and a point; returns the id of the most specific place.
    Places are shared by every event naming the same units; a point is shared by events at the same
    coordinates, name and precision. A point at country precision (6-7) is the country itself."""
    parent = None
    if country:
        parent = f"{prefix}/place/{slug(country)}"
        out.once("Country", parent, {"name": country, "source": source}, origin)
    for cls, name in admin:
        if not name:
            break
        place = f"{parent or prefix + '/place'}/{slug(name)}"
        out.once(cls, place, {"name": name, "partOf": parent, "source": source}, origin)
        parent = place
    if parent is None or (precision is not None and precision >= 6) or latitude is None or longitude is None:
        if parent is None:
            raise origin.error(None, "the event names no place")
        return parent
    name = point or f"{latitude}, {longitude}"
    key = digest(name, latitude, longitude, str(precision))
    place = f"{prefix}/point/{slug(name, 40)}-{key[:6]}"
    out.once("Site" if precision in SITE_PRECISIONS else "Place", place, {
        "name": name, "partOf": parent, "latitude": latitude, "longitude": longitude,
        "locationPrecision": precision, "source": source}, origin)
    return place


def dataset_source(out: Records, prefix: str, origin: Origin, body: dict, dataset: dict) -> tuple[str, str]:
    """The research body that publishes a dataset (`body`: its name and abbreviation) and the dataset itself as a
    Report (`dataset`: title, published, language, url, description, as plain English strings where text);
    every record an importer makes cites them. Returns their ids."""
    body_id, dataset_id = f"{prefix}/{prefix}", f"{prefix}/dataset"
    out.add("ResearchBody", body_id, {**body, "source": dataset_id}, origin)
    english = {k: {"en": v} if k in ("title", "description") else v for k, v in dataset.items()}
    out.add("Report", dataset_id, {**english, "publisher": body_id}, origin)
    return body_id, dataset_id


def dataset_published(dates: list[str], given: str | None) -> tuple[str, str]:
    """The publication date of a dataset file (given, else the latest event date as a lower bound) and a
    sentence saying which, for the dataset record's description."""
    if given:
        return date(given), "Publication date as given at import."
    latest = max(dates) if dates else dt.date.today().isoformat()
    return latest, (
        "The file does not state its publication date; the latest event date in it is used as a lower bound."
    )
